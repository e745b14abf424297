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
