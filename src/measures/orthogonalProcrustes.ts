// I_OP: 1 − ‖XᵀY‖_* for column-centred, Frobenius-normalised X and Y (method.md §5.6); half of
// Ding et al.'s squared Procrustes distance, range [0, 1]. With N < d the d×d SVD is avoided:
// each run is reduced once to a factor F with F·Fᵀ = K (its centred, normalised N×N Gram matrix),
// and ‖XᵀY‖_* = ‖F_aᵀ·F_b‖_*, the sum of square roots of the eigenvalues of a small Gram matrix.
import { centerGram, gram, pivotedCholeskyRows, rowDots, rowGram, symmetricEigenvalues } from "./linalg";

export interface ProcrustesPrepared {
  n: number;
  rank: number;
  /** Rows of Fᵀ ([rank, n]): F·Fᵀ = H·X·Xᵀ·H / ‖H·X‖_F². */
  factor: Float64Array;
}

/** Per-run work for orthogonal Procrustes, from the uncentred Gram matrix X·Xᵀ. */
export function prepareOrthogonalProcrustes(gramMatrix: Float64Array, n: number, what = "representation"): ProcrustesPrepared {
  const k = centerGram(gramMatrix, n);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += k[i * n + i];
  let rawTrace = 0;
  for (let i = 0; i < n; i++) rawTrace += gramMatrix[i * n + i];
  if (!(trace > 1e-12 * rawTrace)) {
    throw new RangeError(`${what}: hidden states are constant across examples (zero variance); Procrustes distance is undefined`);
  }
  for (let i = 0; i < k.length; i++) k[i] /= trace;
  const { rows, rank } = pivotedCholeskyRows(k, n);
  return { n, rank, factor: rows };
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
  const g = rowDots(a.factor, a.rank, b.factor, b.rank, a.n);
  return 1 - nuclearNorm(g, a.rank, b.rank);
}

/** I_OP between X and Y, both [n, d] row-major (d may differ). */
export function orthogonalProcrustesDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx): number {
  return orthogonalProcrustesFromPrepared(
    prepareOrthogonalProcrustes(gram(x, n, dx), n, "X"),
    prepareOrthogonalProcrustes(gram(y, n, dy), n, "Y"),
  );
}
