// CKA with the biased HSIC estimator (Kornblith et al. 2019, as in their Demo.ipynb: `cka(gram_x,
// gram_y)` with `debiased=False`), for a linear or an RBF kernel. Reported as a distance,
// 1 − CKA, like I_CKA. (I_CKA itself, linearCka.ts, is the demo's *debiased* linear CKA: the
// same unbiased centring as its `center_gram(gram, unbiased=True)`.)
//
// RBF bandwidth, as in the demo's `gram_rbf(x, threshold)`: σ = threshold × the median
// Euclidean distance between examples, where the median is taken over all n² entries of the
// squared-distance matrix, its zero diagonal included; K_ij = exp(−‖x_i − x_j‖² / (2σ²)).
// The default threshold 0.5 is the one the demo's example uses.
//
// Per run: one kernel matrix, double-centred (H·K·H) and its norm; a pair is one n² dot product.
import { DegenerateRepresentation } from "./degenerate";
import { centerGram, dot, gram } from "./linalg";
import type { MeasureDefinition } from "./measureDefinition";

export type CkaKernel = "linear" | "rbf";

export interface RbfOptions {
  /** σ as a fraction of the median distance between examples (default 0.5). */
  threshold?: number;
}

export const DEFAULT_RBF_THRESHOLD = 0.5;

export interface KernelCkaPrepared {
  n: number;
  kernel: CkaKernel;
  /** H·K·H [n, n]. */
  centred: Float64Array;
  /** ‖H·K·H‖_F. */
  norm: number;
}

/** Median of the values (the mean of the two middle ones for an even count, as NumPy's). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The RBF kernel matrix from the Gram matrix X·Xᵀ, with the demo's median-distance bandwidth. */
export function rbfKernelFromGram(g: Float64Array, n: number, opts: RbfOptions = {}, what = "representation"): Float64Array {
  const threshold = opts.threshold ?? DEFAULT_RBF_THRESHOLD;
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new RangeError(`RBF threshold must be a positive number, got ${threshold}`);
  const sq = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sq[i * n + j] = i === j ? 0 : Math.max(g[i * n + i] + g[j * n + j] - 2 * g[i * n + j], 0);
  }
  const med = median(sq);
  if (!(med > 0)) {
    throw new DegenerateRepresentation(what, "the median distance between examples is 0 (hidden states constant across examples)", "RBF CKA");
  }
  const scale = -1 / (2 * threshold * threshold * med);
  for (let i = 0; i < sq.length; i++) sq[i] = Math.exp(sq[i] * scale);
  return sq;
}

/** Per-run work for kernel CKA, from the uncentred Gram matrix X·Xᵀ. */
export function prepareKernelCka(gramMatrix: Float64Array, n: number, kernel: CkaKernel, opts: RbfOptions = {}, what = "representation"): KernelCkaPrepared {
  if (n < 2) throw new RangeError(`CKA needs at least 2 examples, got ${n}`);
  const k = kernel === "rbf" ? rbfKernelFromGram(gramMatrix, n, opts, what) : gramMatrix;
  const centred = centerGram(k, n);
  const norm = Math.sqrt(dot(centred, 0, centred, 0, n * n));
  const scale = Math.sqrt(dot(k, 0, k, 0, n * n));
  if (!(norm > 1e-12 * scale)) {
    throw new DegenerateRepresentation(what, "the centred kernel matrix is zero (hidden states constant across examples)", "CKA");
  }
  return { n, kernel, centred, norm };
}

/** 1 − CKA (biased HSIC) between two runs prepared with the same kernel. */
export function kernelCkaFromPrepared(a: KernelCkaPrepared, b: KernelCkaPrepared): number {
  if (a.n !== b.n) throw new RangeError(`CKA compares the same examples: ${a.n} vs ${b.n} rows`);
  if (a.kernel !== b.kernel) throw new RangeError(`CKA compares runs prepared with the same kernel: ${a.kernel} vs ${b.kernel}`);
  return 1 - dot(a.centred, 0, b.centred, 0, a.n * a.n) / (a.norm * b.norm);
}

/** 1 − RBF CKA between X and Y, both [n, d] row-major (d may differ). */
export function rbfCkaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx, opts: RbfOptions = {}): number {
  return kernelCkaFromPrepared(prepareKernelCka(gram(x, n, dx), n, "rbf", opts, "X"), prepareKernelCka(gram(y, n, dy), n, "rbf", opts, "Y"));
}

/** 1 − linear CKA with the biased HSIC estimator between X and Y, both [n, d] row-major. */
export function biasedLinearCkaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx): number {
  return kernelCkaFromPrepared(prepareKernelCka(gram(x, n, dx), n, "linear", {}, "X"), prepareKernelCka(gram(y, n, dy), n, "linear", {}, "Y"));
}

export const CKA_RBF_MEASURE: MeasureDefinition = {
  id: "cka-rbf",
  label: { html: "I<sub>CKA-RBF</sub>", plain: "I_CKArbf" },
  help: "RBF-kernel CKA, bandwidth 0.5 of the median distance",
  representation: {
    preparation: { key: "cka-rbf", prepare: (l) => prepareKernelCka(l.gram, l.n, "rbf", l.settings.rbf, l.what) },
    distance: kernelCkaFromPrepared,
  },
};

export const CKA_BIASED_MEASURE: MeasureDefinition = {
  id: "cka-biased",
  label: { html: "I<sub>CKA-b</sub>", plain: "I_CKAb" },
  help: "linear CKA, biased HSIC",
  representation: {
    preparation: { key: "cka-biased", prepare: (l) => prepareKernelCka(l.gram, l.n, "linear", {}, l.what) },
    distance: kernelCkaFromPrepared,
  },
};
