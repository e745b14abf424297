// Degenerate representations: a run whose hidden states at a layer are the same vector for every
// example (a collapsed failed run's top layers can be exactly that) has no directions for SVCCA,
// Procrustes or CKA to compare; each divides by zero there. The paper's code returns ≈1.0, NaN or
// raises in these cases (method.md §5). This project's convention: such a pair is *undefined*,
// stored as NaN, left out of pair means, and counted and named by every analysis. A number like
// 1.0 would enter means as if it had been measured.

/** Thrown by a measure's per-run preparation when the representation is degenerate. */
export class DegenerateRepresentation extends RangeError {
  constructor(readonly what: string, readonly reason: string, readonly measure: string) {
    super(`${what}: ${reason}; ${measure} is undefined`);
    this.name = "DegenerateRepresentation";
  }
}

/** A run whose layer could not be prepared, and why. */
export interface DegenerateLayer {
  layer: number;
  /** Index of the run in its set. */
  run: number;
  runName: string;
  measures: string[];
  reason: string;
}

/**
 * One line per layer with undefined pairs: how many of the pairs, for which measures, which runs
 * and why, e.g. "block 3: 1 of 1 pairs undefined for svcca, pwcca (seed-1, seed-2: hidden states
 * are constant across examples …); means use the defined pairs". `name` turns a layer (as stored
 * in DegenerateLayer) into the words for it.
 */
export function describeDegenerate(degenerate: readonly DegenerateLayer[], runs: number, name: (layer: number) => string): string[] {
  const pairs = (runs * (runs - 1)) / 2;
  return [...new Set(degenerate.map((g) => g.layer))].map((layer) => {
    const at = degenerate.filter((g) => g.layer === layer);
    const good = runs - at.length;
    const undefinedPairs = pairs - (good * (good - 1)) / 2;
    const measures = [...new Set(at.flatMap((g) => g.measures))].join(", ");
    const reasons = [...new Set(at.map((g) => g.reason))].join("; ");
    return `${name(layer)}: ${undefinedPairs} of ${pairs} pairs undefined for ${measures} (${at.map((g) => g.runName).join(", ")}: ${reasons}); means use the defined pairs`;
  });
}
