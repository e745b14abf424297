// Dense float64 kernels on row-major Float64Arrays for the representation measures. ml-matrix's
// general decompositions allocate arrays of arrays and are ~5× slower at N ≈ 300; the measures
// need only symmetric eigenproblems (tridiagonalize.ts, symmetricEigen.ts), Gram matrices and dot
// products of rows, so those are written here with contiguous inner loops. Vectors are stored as ROWS wherever a later step takes dot
// products of them, so every inner loop walks memory in order. The hottest loops also have
// WebAssembly SIMD versions (simd.ts), used when the engine supports them.
import { SimdKernels, simdKernels } from "./simd";

/** Below this size the copies into wasm memory cost more than the SIMD loops save. */
export const SIMD_MIN = 16;

/** Dot product of a[ao..ao+len) and b[bo..bo+len) with four accumulators (lets V8 pipeline). */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ao + k] * b[bo + k];
    s1 += a[ao + k + 1] * b[bo + k + 1];
    s2 += a[ao + k + 2] * b[bo + k + 2];
    s3 += a[ao + k + 3] * b[bo + k + 3];
  }
  for (; k < len; k++) s0 += a[ao + k] * b[bo + k];
  return s0 + s1 + s2 + s3;
}

/** X·Xᵀ for X of shape [n, d]: the n×n Gram matrix of the rows (symmetric, both halves filled). */
export function gram(x: Float64Array, n: number, d: number): Float64Array {
  const simd = n >= SIMD_MIN ? simdKernels() : null;
  return simd ? gramSimd(simd, x, n, d) : gramScalar(x, n, d);
}

/** gram() with four columns at a time from the SIMD dot kernel. */
function gramSimd(simd: SimdKernels, x: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(n * n);
  const top = simd.mark();
  try {
    const xAt = simd.alloc(n * d);
    const gAt = simd.alloc(n * n);
    const mem = simd.f64();
    mem.set(x.subarray(0, n * d), xAt);
    const blocks = n - (n % 4);
    // Rows i ≥ j against rows j..j+3, written straight into rows i of G (lower triangle).
    for (let j = 0; j < blocks; j += 4) {
      simd.dots4((xAt + j * d) * 8, d * 8, (xAt + j * d) * 8, 0, d * 8, d, 0, n - j, (gAt + j * n + j) * 8, n * 8, 8);
    }
    for (let j = blocks; j < n; j++) {
      for (let i = j; i < n; i++) mem[gAt + i * n + j] = dot(mem, xAt + i * d, mem, xAt + j * d, d);
    }
    g.set(mem.subarray(gAt, gAt + n * n));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j];
  } finally {
    simd.release(top);
  }
  return g;
}

function gramScalar(x: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    let j = 0;
    // Four rows j at a time share each load of row i (about 30% faster than one dot at a time).
    for (; j + 3 <= i; j += 4) {
      const o0 = j * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const xi = x[oi + k];
        s0 += xi * x[o0 + k];
        s1 += xi * x[o1 + k];
        s2 += xi * x[o2 + k];
        s3 += xi * x[o3 + k];
      }
      g[i * n + j] = g[j * n + i] = s0;
      g[i * n + j + 1] = g[(j + 1) * n + i] = s1;
      g[i * n + j + 2] = g[(j + 2) * n + i] = s2;
      g[i * n + j + 3] = g[(j + 3) * n + i] = s3;
    }
    for (; j <= i; j++) {
      const v = dot(x, oi, x, j * d, d);
      g[i * n + j] = v;
      g[j * n + i] = v;
    }
  }
  return g;
}

/** C[i, j] = ⟨row i of A, row j of B⟩ for A [ra, len], B [rb, len], i.e. A·Bᵀ ([ra, rb]). */
export function rowDots(a: Float64Array, ra: number, b: Float64Array, rb: number, len: number): Float64Array {
  const c = new Float64Array(ra * rb);
  for (let i = 0; i < ra; i++) for (let j = 0; j < rb; j++) c[i * rb + j] = dot(a, i * len, b, j * len, len);
  return c;
}

/** A·Aᵀ for A [r, len] (symmetric, both halves filled). */
export function rowGram(a: Float64Array, r: number, len: number): Float64Array {
  return gram(a, r, len);
}

/** The double-centred Gram matrix H·K·H (H = I − 11ᵀ/n), i.e. the Gram matrix of centred rows. */
export function centerGram(k: Float64Array, n: number): Float64Array {
  const rowMean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k[i * n + j];
    rowMean[i] = s / n;
    total += s;
  }
  const grand = total / (n * n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = k[i * n + j] - rowMean[i] - rowMean[j] + grand;
  }
  return out;
}

/**
 * Rank-revealing (diagonally pivoted) Cholesky of a symmetric positive semi-definite matrix:
 * returns F as rows (F_t[j] = column j of F, [rank, n]) with F·Fᵀ ≈ A, stopping when the largest
 * remaining diagonal falls below relTol × the largest initial diagonal. Directions it drops carry
 * at most that much variance.
 */
export function pivotedCholeskyRows(a: Float64Array, n: number, relTol = 1e-13): { rows: Float64Array; rank: number } {
  const diag = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    diag[i] = a[i * n + i];
    if (diag[i] > maxDiag) maxDiag = diag[i];
  }
  const rows = new Float64Array(n * n);
  const used = new Uint8Array(n);
  let rank = 0;
  const tol = relTol * maxDiag;
  for (; rank < n; rank++) {
    let piv = -1;
    let best = tol;
    for (let i = 0; i < n; i++) if (!used[i] && diag[i] > best) {
      best = diag[i];
      piv = i;
    }
    if (piv < 0) break;
    used[piv] = 1;
    const out = rank * n;
    for (let i = 0; i < n; i++) rows[out + i] = a[i * n + piv];
    for (let t = 0; t < rank; t++) {
      const ft = t * n;
      const coef = rows[ft + piv];
      if (coef === 0) continue;
      for (let i = 0; i < n; i++) rows[out + i] -= coef * rows[ft + i];
    }
    const scale = 1 / Math.sqrt(best);
    for (let i = 0; i < n; i++) {
      if (used[i] && i !== piv) {
        rows[out + i] = 0; // already-pivoted rows are exactly represented; remove round-off
      } else {
        rows[out + i] *= scale;
        diag[i] -= rows[out + i] * rows[out + i];
      }
    }
  }
  return { rows: rows.slice(0, rank * n), rank };
}
