// The representation measures in their d×d (feature-space) forms, for layers with fewer
// features than examples (d < n, method.md §5). The n×n Gram forms cost O(n²d) work and O(n³)
// eigenproblems per run and n² doubles of memory: 9 minutes and 3.7 GB for n = 5,000, d = 64.
// Here a run is reduced once to its column-centred features Xc and a few d×d matrices, and a pair
// needs ONE d×d product C = Xcₐᵀ·Xc_b (O(n·d²), SIMD), shared by all three measures:
//   CKA:   ⟨K̃, L̃⟩ = ‖C‖²_F − Σ_i ‖x_i‖²‖y_i‖² + (1ᵀK₀1)(1ᵀL₀1)/((n−1)(n−2)) − 2/(n−2)·(K₀1)ᵀ(L₀1),
//          Song et al.'s unbiased HSIC with K₀ = XcXcᵀ less its diagonal. The unbiased (U-)centring
//          removes every term f_i + f_j + c, so centring the features first changes nothing;
//   OP:    ‖C‖_* / (‖Xcₐ‖_F·‖Xc_b‖_F);
//   SVCCA: the reduction's singular values and V_k from XᵀX = XcᵀXc + n·μμᵀ (uncentred, d×d); the
//          centred kept columns Xc·V_k have orthonormal basis Q = Xc·T with T = V_k·E·Λ^{-1/2} from
//          the eigenpairs of V_kᵀ·XcᵀXc·V_k, so the canonical correlations, σ(QₐᵀQ_b), are σ(Tₐᵀ·C·T_b).
// The values are the Gram forms' to 1e-9 (tested); only the algebra differs.
import { DegenerateRepresentation } from "./degenerate";
import { dot, rowGram, SIMD_MIN } from "./linalg";
import { simdKernels } from "./simd";
import { svccaKeptCount, type SvccaOptions } from "./svcca";
import { symmetricEigen, symmetricEigenvalues } from "./symmetricEigen";
import type { RepresentationMeasure } from "./representationMeasures";

/** The measures with a d×d form here (the others have Gram forms only). */
export const FEATURE_FORM_MEASURES: readonly RepresentationMeasure[] = ["svcca", "op", "cka"];

export interface LayerFeatures {
  n: number;
  d: number;
  /** Column-centred Xᵀ, rows [d, n]. */
  xct: Float64Array;
  cka?: { rowNorms: Float64Array; k0sum: number; norm: number };
  /** ‖Xc‖_F. */
  op?: { norm: number };
  svcca?: { kept: number; rank: number; /** T [d, rank] row-major: Q = Xc·T is orthonormal. */ t: Float64Array };
  /** Measures this layer is degenerate for (constant across examples): their pairs are NaN. */
  degenerate?: Partial<Record<RepresentationMeasure, string>>;
}

/** Xᵀ ([d, n]) of X ([n, d] row-major). */
function transpose(x: Float64Array, n: number, d: number): Float64Array {
  const t = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) t[j * n + i] = x[i * d + j];
  return t;
}

/** A·Bᵀ for A [ra, len], B [rb, len] (rows), four columns at a time by the SIMD dot kernel. */
export function crossDots(a: Float64Array, ra: number, b: Float64Array, rb: number, len: number): Float64Array {
  const c = new Float64Array(ra * rb);
  const simd = len >= SIMD_MIN ? simdKernels() : null;
  if (!simd) {
    for (let i = 0; i < ra; i++) for (let j = 0; j < rb; j++) c[i * rb + j] = dot(a, i * len, b, j * len, len);
    return c;
  }
  const top = simd.mark();
  try {
    const aAt = simd.alloc(ra * len);
    const bAt = simd.alloc(rb * len);
    const cAt = simd.alloc(ra * rb);
    const mem = simd.f64();
    mem.set(a.subarray(0, ra * len), aAt);
    mem.set(b.subarray(0, rb * len), bAt);
    const blocks = rb - (rb % 4);
    for (let j = 0; j < blocks; j += 4) {
      simd.dots4(aAt * 8, len * 8, (bAt + j * len) * 8, 0, len * 8, len, 0, ra, (cAt + j) * 8, rb * 8, 8);
    }
    for (let j = blocks; j < rb; j++) for (let i = 0; i < ra; i++) mem[cAt + i * rb + j] = dot(mem, aAt + i * len, mem, bAt + j * len, len);
    c.set(mem.subarray(cAt, cAt + ra * rb));
  } finally {
    simd.release(top);
  }
  return c;
}

/**
 * Sum of the singular values of G [r, c], from the eigenvalues of the smaller Gram matrix. Those
 * are squares: round-off leaves ~1e-16·σ₁² where a singular value is 0, whose square root
 * (~1e-8·σ₁) would add up; eigenvalues below 1e-13·σ₁² count as 0, as the Gram form's pivoted
 * Cholesky drops directions below 1e-13 of the largest variance.
 */
function nuclearNorm(g: Float64Array, r: number, c: number): number {
  const ev = r <= c ? symmetricEigenvalues(rowGram(g, r, c), r) : symmetricEigenvalues(rowGram(transpose(g, r, c), c, r), c);
  const floor = 1e-13 * Math.max(ev[0], 0);
  let sum = 0;
  for (let i = 0; i < ev.length; i++) if (ev[i] > floor) sum += Math.sqrt(ev[i]);
  return sum;
}

/** A [p, q] · B [q, r], row-major. */
function multiply(a: Float64Array, b: Float64Array, p: number, q: number, r: number): Float64Array {
  const out = new Float64Array(p * r);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < q; k++) {
      const v = a[i * q + k];
      if (v === 0) continue;
      for (let j = 0; j < r; j++) out[i * r + j] += v * b[k * r + j];
    }
  }
  return out;
}

/** Prepares X [n, d] (row-major float64) for the given measures in the d×d forms. */
export function prepareFeatures(x: Float64Array, n: number, d: number, measures: readonly RepresentationMeasure[], opts: SvccaOptions = {}, what = "representation"): LayerFeatures {
  const xct = transpose(x, n, d);
  const means = new Float64Array(d);
  let rawTrace = 0;
  for (let j = 0; j < d; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) (s += xct[o + i]), (rawTrace += xct[o + i] * xct[o + i]);
    means[j] = s / n;
    for (let i = 0; i < n; i++) xct[o + i] -= means[j];
  }
  const cov = rowGram(xct, d, n); // XcᵀXc
  let trace = 0;
  for (let j = 0; j < d; j++) trace += cov[j * d + j];
  const raw = Float64Array.from(cov, (v, k) => v + n * means[Math.floor(k / d)] * means[k % d]); // XᵀX
  const f: LayerFeatures = { n, d, xct };

  if (measures.includes("cka")) attempt(f, "cka", () => {
    if (n < 4) throw new RangeError(`linear CKA with the unbiased HSIC estimator needs at least 4 examples, got ${n}`);
    const rowNorms = new Float64Array(n);
    for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) rowNorms[i] += xct[j * n + i] * xct[j * n + i];
    // Centred columns: Xcᵀ·1 = 0, so K₀·1 = −‖x_i‖² and 1ᵀK₀1 = −Σ‖x_i‖².
    let k0sum = 0;
    for (let i = 0; i < n; i++) k0sum -= rowNorms[i];
    f.cka = { rowNorms, k0sum, norm: 0 };
    f.cka.norm = Math.sqrt(Math.max(centredInner(f, f, dot(cov, 0, cov, 0, d * d)), 0));
    // As prepareLinearCka: compare with ‖XXᵀ‖_F = ‖XᵀX‖_F, the scale of the input as given.
    if (!(f.cka.norm > 1e-12 * Math.sqrt(dot(raw, 0, raw, 0, d * d)))) {
      throw new DegenerateRepresentation(what, "the centred Gram matrix is zero (hidden states constant across examples)", "CKA");
    }
  });
  if (measures.includes("op")) attempt(f, "op", () => {
    if (!(trace > 1e-12 * rawTrace)) {
      throw new DegenerateRepresentation(what, "hidden states are constant across examples (zero variance)", "the Procrustes distance");
    }
    f.op = { norm: Math.sqrt(trace) };
  });
  if (measures.includes("svcca")) attempt(f, "svcca", () => {
    const reduction = symmetricEigen(raw, d); // rows of vectors: v_1..v_d, largest first
    const s = Array.from(reduction.values, (l) => Math.sqrt(Math.max(l, 0)));
    if (!(s[0] > 0)) throw new DegenerateRepresentation(what, "hidden states are all zero", "SVCCA");
    const kept = Math.min(svccaKeptCount(s, opts.threshold ?? 0.99), d);
    const vk = reduction.vectors.subarray(0, kept * d); // [k, d]
    const w = multiply(multiply(vk, cov, kept, d, d), transposeSmall(vk, kept, d), kept, d, kept); // V_kᵀ·XcᵀXc·V_k
    const eig = symmetricEigen(w, kept);
    // Centring removes a direction when 1 lies in the kept space: W is then singular.
    const tol = 1e-10 * Math.max(eig.values[0], 0);
    let rank = 0;
    while (rank < kept && eig.values[rank] > tol) rank++;
    if (rank === 0) throw new DegenerateRepresentation(what, "hidden states are constant across examples (zero variance after centring)", "SVCCA");
    // T[j, r] = Σ_a V_k[a, j]·E[r, a] / √λ_r
    const t = new Float64Array(d * rank);
    for (let r = 0; r < rank; r++) {
      const scale = 1 / Math.sqrt(eig.values[r]);
      for (let a = 0; a < kept; a++) {
        const e = eig.vectors[r * kept + a] * scale;
        for (let j = 0; j < d; j++) t[j * rank + r] += vk[a * d + j] * e;
      }
    }
    f.svcca = { kept, rank, t };
  });
  return f;
}

function transposeSmall(a: Float64Array, r: number, c: number): Float64Array {
  return transpose(a, r, c);
}

/** ⟨K̃, L̃⟩_F from the per-run pieces and ‖XcₐᵀXc_b‖²_F. */
function centredInner(a: LayerFeatures, b: LayerFeatures, crossFrobenius2: number): number {
  const n = a.n;
  const ca = a.cka!, cb = b.cka!;
  const trace = crossFrobenius2 - dot(ca.rowNorms, 0, cb.rowNorms, 0, n);
  return trace + (ca.k0sum * cb.k0sum) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * dot(ca.rowNorms, 0, cb.rowNorms, 0, n);
}

/** The pair's shared product C = Xcₐᵀ·Xc_b ([dₐ, d_b]). */
export function featureCross(a: LayerFeatures, b: LayerFeatures): Float64Array {
  if (a.n !== b.n) throw new RangeError(`representation measures compare the same examples: ${a.n} vs ${b.n} rows`);
  return crossDots(a.xct, a.d, b.xct, b.d, a.n);
}

/** The distance `measure` of a pair from their features and shared product C. */
export function featureDistance(a: LayerFeatures, b: LayerFeatures, c: Float64Array, measure: RepresentationMeasure): number {
  if (a.degenerate?.[measure] || b.degenerate?.[measure]) return NaN;
  switch (measure) {
    case "cka":
      if (!a.cka || !b.cka) throw new RangeError("layer was not prepared for 'cka'");
      return 1 - centredInner(a, b, dot(c, 0, c, 0, c.length)) / (a.cka.norm * b.cka.norm);
    case "op":
      if (!a.op || !b.op) throw new RangeError("layer was not prepared for 'op'");
      return 1 - nuclearNorm(c, a.d, b.d) / (a.op.norm * b.op.norm);
    case "svcca": {
      if (!a.svcca || !b.svcca) throw new RangeError("layer was not prepared for 'svcca'");
      const sa = a.svcca, sb = b.svcca;
      // Tₐᵀ·C·T_b: [rₐ, d]·[d, d]·[d, r_b]
      const m = multiply(multiply(transposeSmall(sa.t, a.d, sa.rank), c, sa.rank, a.d, b.d), sb.t, sa.rank, b.d, sb.rank);
      // The cosines of the principal angles: min(rₐ, r_b) of them, each at most 1.
      const sum = Math.min(nuclearNorm(m, sa.rank, sb.rank), Math.min(sa.rank, sb.rank));
      return 1 - sum / Math.min(sa.kept, sb.kept);
    }
    default:
      throw new RangeError(`the d×d forms cover ${FEATURE_FORM_MEASURES.join(", ")} only, not '${measure}'`);
  }
}

/** Runs one measure's preparation; a degenerate layer marks that measure undefined instead of failing (measures/degenerate.ts). */
function attempt(f: LayerFeatures, measure: "cka" | "op" | "svcca", prepare: () => void): void {
  try {
    prepare();
  } catch (err) {
    if (!(err instanceof DegenerateRepresentation)) throw err;
    delete f[measure];
    (f.degenerate ??= {})[measure] = err.reason;
  }
}
