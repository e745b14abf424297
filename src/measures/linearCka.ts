// I_CKA: 1 − linear CKA with the unbiased HSIC estimator (method.md §5.7). Only the centred Gram
// matrix of each run is needed, so it is prepared once per run; a pair costs one N×N inner product.
import { DegenerateRepresentation } from "./degenerate";
import { dot, gram } from "./linalg";
import type { MeasureDefinition } from "./measureDefinition";

export interface CkaPrepared {
  n: number;
  /** The unbiased-centred Gram matrix K̃ [n, n]. */
  centred: Float64Array;
  /** ‖K̃‖_F. */
  norm: number;
}

/** The unbiased centring of a Gram matrix G (uncentred X·Xᵀ), steps (i)–(v) of method.md §5.7. */
export function unbiasedCentreGram(g: Float64Array, n: number): Float64Array {
  if (n < 4) throw new RangeError(`linear CKA with the unbiased HSIC estimator needs at least 4 examples, got ${n}`);
  const k = g.slice(0, n * n);
  for (let i = 0; i < n; i++) k[i * n + i] = 0;
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mu[j] += k[i * n + j];
  let total = 0;
  for (let j = 0; j < n; j++) {
    mu[j] /= n - 2;
    total += mu[j];
  }
  const shift = total / (2 * (n - 1));
  for (let j = 0; j < n; j++) mu[j] -= shift;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] -= mu[i] + mu[j];
  for (let i = 0; i < n; i++) k[i * n + i] = 0;
  return k;
}

/** Per-run work for CKA, from the uncentred Gram matrix X·Xᵀ. */
export function prepareLinearCka(gramMatrix: Float64Array, n: number, what = "representation"): CkaPrepared {
  const centred = unbiasedCentreGram(gramMatrix, n);
  const norm = Math.sqrt(dot(centred, 0, centred, 0, n * n));
  // Round-off leaves ~1e-15 entries when X is constant; compare with the scale of the input.
  const scale = Math.sqrt(dot(gramMatrix, 0, gramMatrix, 0, n * n));
  if (!(norm > 1e-12 * scale)) {
    throw new DegenerateRepresentation(what, "the centred Gram matrix is zero (hidden states constant across examples)", "CKA");
  }
  return { n, centred, norm };
}

/** 1 − CKA between two prepared runs. */
export function linearCkaFromPrepared(a: CkaPrepared, b: CkaPrepared): number {
  if (a.n !== b.n) throw new RangeError(`CKA compares the same examples: ${a.n} vs ${b.n} rows`);
  return 1 - dot(a.centred, 0, b.centred, 0, a.n * a.n) / (a.norm * b.norm);
}

/** I_CKA between X and Y, both [n, d] row-major (d may differ). */
export function linearCkaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx): number {
  return linearCkaFromPrepared(prepareLinearCka(gram(x, n, dx), n, "X"), prepareLinearCka(gram(y, n, dy), n, "Y"));
}

export const CKA_MEASURE: MeasureDefinition = {
  id: "cka",
  label: { html: "I<sub>CKA</sub>", plain: "I_CKA" },
  aliases: ["linearCkaDistance", "ckaDistance"],
  paper: { name: "linear CKA", rank: 7 },
  help: "1 − linear CKA, unbiased HSIC",
  representation: {
    preparation: { key: "cka", prepare: (l) => prepareLinearCka(l.gram, l.n, l.what) },
    distance: linearCkaFromPrepared,
  },
};
