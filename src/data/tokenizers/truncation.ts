// HF "longest_first" truncation: drop one token at a time from the end of the longer sequence,
// from the second one on ties (transformers' truncate_sequences), here in closed form.

/** Truncates so that a.length + b.length <= budget; returns new arrays. */
export function truncateLongestFirst(a: number[], b: number[] | null, budget: number): [number[], number[] | null] {
  if (b === null) return [a.length > budget ? a.slice(0, budget) : a, null];
  let n1 = a.length;
  let n2 = b.length;
  let remove = n1 + n2 - budget;
  if (remove <= 0) return [a, b];
  const d = Math.min(Math.abs(n1 - n2), remove);
  if (n1 > n2) n1 -= d;
  else n2 -= d;
  remove -= d;
  n2 -= Math.ceil(remove / 2);
  n1 -= Math.floor(remove / 2);
  return [a.slice(0, n1), b.slice(0, n2)];
}
