// Pairwise measures are computed once per unordered pair of runs into an R×R matrix and then
// averaged. Keeping the matrix lets later analyses (bootstrap resamples with repeated seeds,
// success/failure groups) take pair means over any list of runs without recomputing anything.

/** Symmetric R×R matrix (row-major) of f(a, b) for a < b; the diagonal is 0 (a run vs itself). */
export function pairMatrix(runs: number, f: (a: number, b: number) => number): Float64Array {
  const m = new Float64Array(runs * runs);
  for (let a = 0; a < runs; a++) {
    for (let b = a + 1; b < runs; b++) {
      const v = f(a, b);
      m[a * runs + b] = v;
      m[b * runs + a] = v;
    }
  }
  return m;
}

/**
 * Mean of a pair matrix over all position pairs i < j of `runs` (default: 0..R−1). `runs` may
 * repeat an index (a bootstrap resample): such a pair reads the diagonal and contributes 0.
 * Undefined pairs (NaN: a degenerate representation, measures/degenerate.ts) are left out; NaN
 * when no pair is defined. `undefinedPairs` counts them.
 */
export function pairMean(matrix: Float64Array, size: number, runs?: ArrayLike<number>): number {
  const list = runs ?? Array.from({ length: size }, (_, i) => i);
  const r = list.length;
  if (r < 2) throw new RangeError(`a pair mean needs at least 2 runs, got ${r}`);
  if (matrix.length !== size * size) throw new RangeError(`pair matrix has ${matrix.length} entries, expected ${size}×${size}`);
  let sum = 0;
  let defined = 0;
  for (let i = 0; i < r; i++) {
    const a = list[i];
    if (!(a >= 0 && a < size) || !Number.isInteger(a)) throw new RangeError(`run index ${a} is outside [0, ${size})`);
    for (let j = i + 1; j < r; j++) {
      const v = matrix[a * size + list[j]];
      if (Number.isNaN(v)) continue;
      sum += v;
      defined++;
    }
  }
  return defined ? sum / defined : NaN;
}

/** How many of the pairs i < j of `runs` are undefined (NaN). */
export function undefinedPairs(matrix: Float64Array, size: number, runs?: ArrayLike<number>): number {
  const list = runs ?? Array.from({ length: size }, (_, i) => i);
  let count = 0;
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (Number.isNaN(matrix[list[i] * size + list[j]])) count++;
  return count;
}
