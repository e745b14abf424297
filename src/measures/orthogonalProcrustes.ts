// I_OP: 1 − ‖XᵀY‖_* for column-centred, Frobenius-normalised X and Y (method.md §5.6); half of
// Ding et al.'s squared Procrustes distance, range [0, 1]. With N < d the d×d SVD is avoided:
// each run is reduced once to a factor F with F·Fᵀ = K (its centred, normalised N×N Gram
// matrix), and ‖XᵀY‖_* = ‖F_aᵀ·F_b‖_*, the sum of square roots of the eigenvalues of a small
// Gram matrix (the K^{1/2}·L·K^{1/2} form of method.md, with Cholesky factors for K^{1/2}).
//
// Centring makes K singular (K·1 = 0). In a fixed orthonormal basis of 1⊥, shared by all runs,
// K is usually positive definite, so an ordinary Cholesky factor exists there; two lower-
// triangular factors make F_aᵀ·F_b three times cheaper to form, which matters because this
// product is the per-pair cost of the whole measure. Runs whose K is singular even on 1⊥
// (rank < N − 1, e.g. N > d) use a rank-revealing pivoted Cholesky factor instead.
import { DegenerateRepresentation } from "./degenerate";
import { centerGram, dot, gram, pivotedCholeskyRows, rowDots, rowGram, SIMD_MIN } from "./linalg";
import { symmetricEigenvalues, symmetricEigenvaluesInSimdMemory } from "./symmetricEigen";
import { SimdKernels, simdKernels } from "./simd";
import type { MeasureDefinition, Preparation } from "./measureDefinition";

export interface ProcrustesPrepared {
  n: number;
  /** Rows of Fᵀ in the original coordinates ([rank, n]); computed on demand when triangular. */
  factor: Float64Array | null;
  rank: number;
  /** Rows of Lᵀ ([n−1, n−1]) for the lower-triangular factor on 1⊥, when K is definite there. */
  triangular: Float64Array | null;
  /** K on 1⊥ ([n−1, n−1], = L·Lᵀ), kept with the triangular factor for the pair product. */
  onComplement: Float64Array | null;
}

/** w with H = I − 2·w·wᵀ/(wᵀw) mapping the all-ones vector to −√n·e_0 (a basis of 1⊥ = H's columns 1..). */
function onesReflector(n: number): { w: Float64Array; beta: number } {
  const w = new Float64Array(n).fill(1);
  w[0] += Math.sqrt(n);
  return { w, beta: 2 / dot(w, 0, w, 0, n) };
}

/** Unpivoted Cholesky of the (n−1)×(n−1) block of H·K·H on 1⊥; null if not safely definite. */
function choleskyOnOnesComplement(k: Float64Array, n: number): { lt: Float64Array; b: Float64Array } | null {
  const { w, beta } = onesReflector(n);
  // H·K·H with K·1 = 0: K·w = √n·K[:,0], so only rank-one corrections are needed.
  const kw = new Float64Array(n);
  for (let i = 0; i < n; i++) kw[i] = k[i * n] * Math.sqrt(n);
  const wkw = dot(w, 0, kw, 0, n);
  const m = n - 1;
  const b = new Float64Array(m * m);
  for (let i = 1; i < n; i++) {
    for (let j = 1; j < n; j++) {
      b[(i - 1) * m + j - 1] = k[i * n + j] - beta * (w[i] * kw[j] + kw[i] * w[j]) + beta * beta * wkw * w[i] * w[j];
    }
  }
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, b[i * m + i]);
  const tol = 1e-10 * maxDiag;
  // Row-oriented Cholesky: rows of L are contiguous, so each entry is one dot product.
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const s = b[i * m + j] - dot(l, i * m, l, j * m, j);
      if (i === j) {
        if (!(s > tol)) return null;
        l[i * m + i] = Math.sqrt(s);
      } else {
        l[i * m + j] = s / l[j * m + j];
      }
    }
  }
  const lt = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) lt[j * m + i] = l[i * m + j];
  return { lt, b };
}

/** Per-run work for orthogonal Procrustes, from the uncentred Gram matrix X·Xᵀ. */
export function prepareOrthogonalProcrustes(gramMatrix: Float64Array, n: number, what = "representation"): ProcrustesPrepared {
  const k = centerGram(gramMatrix, n);
  let trace = 0;
  let rawTrace = 0;
  for (let i = 0; i < n; i++) {
    trace += k[i * n + i];
    rawTrace += gramMatrix[i * n + i];
  }
  if (!(trace > 1e-12 * rawTrace)) {
    throw new DegenerateRepresentation(what, "hidden states are constant across examples (zero variance)", "the Procrustes distance");
  }
  for (let i = 0; i < k.length; i++) k[i] /= trace;
  const chol = n >= 3 ? choleskyOnOnesComplement(k, n) : null;
  if (chol) return { n, factor: null, rank: n - 1, triangular: chol.lt, onComplement: chol.b };
  const { rows, rank } = pivotedCholeskyRows(k, n);
  return { n, factor: rows, rank, triangular: null, onComplement: null };
}

/** Fᵀ rows in original coordinates: F = H·[0; L] for a triangular factor (O(n²) per column). */
function generalFactor(p: ProcrustesPrepared): Float64Array {
  if (p.factor) return p.factor;
  const n = p.n;
  const m = n - 1;
  const { w, beta } = onesReflector(n);
  const out = new Float64Array(m * n);
  for (let j = 0; j < m; j++) {
    const col = out.subarray(j * n, (j + 1) * n);
    for (let i = 1; i < n; i++) col[i] = p.triangular![j * m + i - 1];
    const f = beta * dot(w, 0, col, 0, n);
    for (let i = 0; i < n; i++) col[i] -= f * w[i];
  }
  p.factor = out;
  return out;
}

/** Sum of singular values of G [r, c] (row-major), through the eigenvalues of the smaller of G·Gᵀ, Gᵀ·G. */
export function nuclearNorm(g: Float64Array, r: number, c: number): number {
  let s: Float64Array;
  let m: number;
  if (r <= c) {
    s = rowGram(g, r, c);
    m = r;
  } else {
    const t = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = g[i * c + j];
    s = rowGram(t, c, r);
    m = c;
  }
  const ev = symmetricEigenvalues(s, m);
  let sum = 0;
  for (let i = 0; i < m; i++) if (ev[i] > 0) sum += Math.sqrt(ev[i]);
  return sum;
}

/** I_OP between two prepared runs. */
export function orthogonalProcrustesFromPrepared(a: ProcrustesPrepared, b: ProcrustesPrepared): number {
  if (a.n !== b.n) throw new RangeError(`Procrustes compares the same examples: ${a.n} vs ${b.n} rows`);
  if (a.triangular && b.onComplement) {
    const m = a.n - 1;
    const simd = m >= SIMD_MIN ? simdKernels() : null;
    const ev = simd ? sandwichEigenvaluesSimd(simd, a.triangular, b.onComplement, m) : symmetricEigenvalues(sandwich(a.triangular, b.onComplement, m), m);
    let sum = 0;
    for (let i = 0; i < m; i++) if (ev[i] > 0) sum += Math.sqrt(ev[i]);
    return 1 - sum;
  }
  const g = rowDots(generalFactor(a), a.rank, generalFactor(b), b.rank, a.n);
  return 1 - nuclearNorm(g, a.rank, b.rank);
}

/**
 * M = L_aᵀ·K_b·L_a (lower triangle and its mirror), whose eigenvalues are σ(L_aᵀ·L_b)². With L_a
 * lower-triangular, the lower triangle of M needs only T = K_b·L_a below its diagonal: about
 * m³/2 multiply-adds in all. `la` holds the rows of L_aᵀ.
 */
function sandwich(la: Float64Array, kb: Float64Array, m: number): Float64Array {
  const tt = new Float64Array(m * m); // tt[j, k] = T[k, j] for k ≥ j
  // Four columns of T at a time: each row of K_b is read once for four dot products. Rows of
  // Lᵀ are zero before their diagonal, so all four sums may start at the block's first index.
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const l0 = j * m;
    const l1 = l0 + m;
    const l2 = l1 + m;
    const l3 = l2 + m;
    for (let k = j; k < m; k++) {
      const kr = k * m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = j; t < m; t++) {
        const kv = kb[kr + t];
        s0 += kv * la[l0 + t];
        s1 += kv * la[l1 + t];
        s2 += kv * la[l2 + t];
        s3 += kv * la[l3 + t];
      }
      tt[l0 + k] = s0;
      tt[l1 + k] = s1;
      tt[l2 + k] = s2;
      tt[l3 + k] = s3;
    }
  }
  for (; j < m; j++) {
    for (let k = j; k < m; k++) tt[j * m + k] = dot(kb, k * m + j, la, j * m + j, m - j);
  }
  const mm = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const li = i * m;
    let c = 0;
    for (; c + 3 <= i; c += 4) {
      const t0 = c * m;
      const t1 = t0 + m;
      const t2 = t1 + m;
      const t3 = t2 + m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = i; k < m; k++) {
        const lv = la[li + k];
        s0 += lv * tt[t0 + k];
        s1 += lv * tt[t1 + k];
        s2 += lv * tt[t2 + k];
        s3 += lv * tt[t3 + k];
      }
      mm[li + c] = mm[c * m + i] = s0;
      mm[li + c + 1] = mm[(c + 1) * m + i] = s1;
      mm[li + c + 2] = mm[(c + 2) * m + i] = s2;
      mm[li + c + 3] = mm[(c + 3) * m + i] = s3;
    }
    for (; c <= i; c++) {
      const v = dot(la, li + i, tt, c * m + i, m - i);
      mm[li + c] = v;
      mm[c * m + i] = v;
    }
  }
  return mm;
}

/**
 * The eigenvalues of sandwich()'s M, with both products done four columns at a time by the SIMD
 * dot kernel and M built in wasm memory, where it is tridiagonalised in place.
 */
function sandwichEigenvaluesSimd(simd: SimdKernels, la: Float64Array, kb: Float64Array, m: number): Float64Array {
  const top = simd.mark();
  try {
    const laAt = simd.alloc(m * m);
    const kbAt = simd.alloc(m * m);
    const ttAt = simd.alloc(m * m);
    const mAt = simd.alloc(m * m);
    const mem = simd.f64();
    mem.set(la, laAt);
    mem.set(kb, kbAt);
    const row = m * 8;
    const blocks = m - (m % 4);
    // T[k, j..j+3] for k ≥ j: rows of K_b against rows j..j+3 of L_aᵀ, both from column j on
    // (those rows of L_aᵀ are zero before their diagonal, so all four sums may start at j).
    for (let j = 0; j < blocks; j += 4) {
      const o = (j * m + j) * 8;
      simd.dots4(kbAt * 8 + o, row, laAt * 8 + o, 0, row, m - j, 0, m - j, ttAt * 8 + o, 8, row);
    }
    for (let j = blocks; j < m; j++) {
      for (let k = j; k < m; k++) mem[ttAt + j * m + k] = dot(mem, kbAt + k * m + j, mem, laAt + j * m + j, m - j);
    }
    // M[i, c..c+3] = Σ_{k ≥ i} L_aᵀ[i, k]·T[k, c..c+3] for i ≥ c: row i of L_aᵀ against rows
    // c..c+3 of tt, both from column i on, walking down the diagonal. Entries above the diagonal
    // that a block also writes are never read.
    for (let c = 0; c < blocks; c += 4) {
      const o = (c * m + c) * 8;
      simd.dots4(laAt * 8 + o, row + 8, ttAt * 8 + o, 8, row, m - c, 1, m - c, mAt * 8 + o, row, 8);
    }
    for (let c = blocks; c < m; c++) {
      for (let i = c; i < m; i++) mem[mAt + i * m + c] = dot(mem, laAt + i * m + i, mem, ttAt + c * m + i, m - i);
    }
    return symmetricEigenvaluesInSimdMemory(simd, mAt, m);
  } finally {
    simd.release(top);
  }
}

/** I_OP between X and Y, both [n, d] row-major (d may differ). */
export function orthogonalProcrustesDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx): number {
  return orthogonalProcrustesFromPrepared(
    prepareOrthogonalProcrustes(gram(x, n, dx), n, "X"),
    prepareOrthogonalProcrustes(gram(y, n, dy), n, "Y"),
  );
}

/** Shared by I_OP and θ_OP (procrustesAngle.ts). */
export const OP_PREPARATION: Preparation<ProcrustesPrepared> = { key: "op", prepare: (l) => prepareOrthogonalProcrustes(l.gram, l.n, l.what) };

export const OP_MEASURE: MeasureDefinition = {
  id: "op",
  label: { html: "I<sub>OP</sub>", plain: "I_OP" },
  aliases: ["orthogonalProcrustesDistance", "procrustes"],
  paper: { name: "orthogonal Procrustes", rank: 6 },
  help: "1 − the normalised orthogonal Procrustes similarity",
  representation: { preparation: OP_PREPARATION, distance: orthogonalProcrustesFromPrepared },
};
