// Dense float64 kernels on row-major Float64Arrays for the representation measures. ml-matrix's
// general decompositions allocate arrays of arrays and are ~5× slower at N ≈ 300; the measures
// need only symmetric eigenproblems, Gram matrices and dot products of rows, so those are written
// here with contiguous inner loops. Vectors are stored as ROWS wherever a later step takes dot
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

/** Householder vectors of a tridiagonal reduction: Q = H_0·H_1·…, H_k = I − β_k·v_k·v_kᵀ on k+1... */
interface Reflectors {
  vs: Float64Array[];
  betas: number[];
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form T = Qᵀ·A·Q (A is not modified).
 * Returns the diagonal d, the off-diagonal e (e[i] couples i and i+1) and, if asked, Qᵀ as rows.
 */
function tridiagonalize(
  a: Float64Array,
  n: number,
  wantQ: boolean,
  keepReflectors = wantQ,
): { d: Float64Array; e: Float64Array; qt: Float64Array | null; reflectors: Reflectors | null } {
  const simd = n >= SIMD_MIN ? simdKernels() : null;
  if (!simd) return tridiagonalizeIn(a.slice(0, n * n), n, wantQ, keepReflectors, null, 0, 0);
  // The SIMD kernels work in wasm memory: copy A there, with the scratch vectors after it.
  const top = simd.mark();
  try {
    const at = simd.alloc(n * n);
    const scratchAt = simd.alloc(4 * (n + (n & 1)));
    const mem = simd.f64();
    mem.set(a.subarray(0, n * n), at);
    return tridiagonalizeIn(mem.subarray(at, at + n * n), n, wantQ, keepReflectors, simd, at, scratchAt);
  } finally {
    simd.release(top);
  }
}

function tridiagonalizeIn(
  a: Float64Array,
  n: number,
  wantQ: boolean,
  keepReflectors: boolean,
  simd: SimdKernels | null,
  at: number,
  scratchAt: number,
): { d: Float64Array; e: Float64Array; qt: Float64Array | null; reflectors: Reflectors | null } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const vs: Float64Array[] = [];
  const betas: number[] = [];
  // One scratch vector for every step (a fresh array per step runs 2× slower in V8 here). With
  // SIMD, four vectors in wasm memory: v, p (then w), and the previous step's v and w, whose
  // rank-2 update is deferred and fused with this step's product (one pass over A per step).
  const stride = n + (n & 1);
  const [vAt, pAt, vPrevAt, wPrevAt] = [0, 1, 2, 3].map((t) => scratchAt + t * stride);
  const mem = simd ? simd.f64() : null;
  const p = mem ? mem.subarray(pAt, pAt + n) : new Float64Array(n);
  const v = mem ? mem.subarray(vAt, vAt + n) : new Float64Array(n);
  const vPrev = mem ? mem.subarray(vPrevAt, vPrevAt + n) : null;
  const wPrev = mem ? mem.subarray(wPrevAt, wPrevAt + n) : null;
  let pending = false; // SIMD only: the update of the block at k by (vPrev, wPrev) is not yet applied
  for (let k = 0; k < n - 2; k++) {
    const m = n - k - 1; // size of the trailing block
    if (pending) {
      // Column k of the previous step's block must be current before it yields this step's v.
      for (let i = 0; i <= m; i++) a[(k + i) * n + k] -= vPrev![i] * wPrev![0] + wPrev![i] * vPrev![0];
    }
    let norm2 = 0;
    for (let i = 0; i < m; i++) {
      v[i] = a[(k + 1 + i) * n + k];
      norm2 += v[i] * v[i];
    }
    const x0 = v[0];
    const tail = norm2 - x0 * x0;
    if (tail === 0) {
      if (pending) simd!.syr2Lower((at + (k + 1) * n + k + 1) * 8, n * 8, m, (vPrevAt + 1) * 8, (wPrevAt + 1) * 8);
      pending = false;
      e[k] = x0;
      if (keepReflectors) vs.push(new Float64Array(m));
      betas.push(0);
      continue;
    }
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] = x0 - alpha;
    const vtv = v[0] * v[0] + tail;
    const beta = 2 / vtv;
    e[k] = alpha;
    // p = β·A22·v, then w = p − (β/2)(pᵀv)·v, and A22 ← A22 − v·wᵀ − w·vᵀ, on the lower
    // triangle only. The product with the symmetric block reads each stored row once and both
    // uses it as a dot product (p_i) and scatters it (p_j, j < i), so every access is contiguous.
    const off = k + 1;
    p.fill(0, 0, m);
    let i = 0;
    if (simd && pending) {
      simd.syr2Symv((at + off * n + off) * 8, n * 8, m, (vPrevAt + 1) * 8, (wPrevAt + 1) * 8, vAt * 8, pAt * 8);
      i = m;
    } else if (simd) {
      simd.symvLower((at + off * n + off) * 8, n * 8, m, vAt * 8, pAt * 8);
      i = m;
    }
    // Two rows at a time: p and v are loaded once for both (about 1.4× faster in V8).
    for (; i + 1 < m; i += 2) {
      const r0 = (off + i) * n + off;
      const r1 = r0 + n;
      const v0 = v[i];
      const v1 = v[i + 1];
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < i; j++) {
        const a0 = a[r0 + j];
        const a1 = a[r1 + j];
        const vj = v[j];
        s0 += a0 * vj;
        s1 += a1 * vj;
        p[j] += a0 * v0 + a1 * v1;
      }
      const a10 = a[r1 + i];
      p[i] += s0 + a[r0 + i] * v0 + a10 * v1;
      p[i + 1] += s1 + a10 * v0 + a[r1 + i + 1] * v1;
    }
    for (; i < m; i++) {
      const row = (off + i) * n + off;
      const vi = v[i];
      let s = 0;
      for (let j = 0; j < i; j++) {
        const aij = a[row + j];
        s += aij * v[j];
        p[j] += aij * vi;
      }
      p[i] += s + a[row + i] * vi;
    }
    for (let i = 0; i < m; i++) p[i] *= beta;
    let ptv = 0;
    for (let i = 0; i < m; i++) ptv += p[i] * v[i];
    const half = 0.5 * beta * ptv;
    for (let i = 0; i < m; i++) p[i] -= half * v[i];
    i = 0;
    if (simd) {
      vPrev!.set(v.subarray(0, m));
      wPrev!.set(p.subarray(0, m));
      pending = true;
      i = m;
    }
    for (; i + 1 < m; i += 2) {
      const r0 = (off + i) * n + off;
      const r1 = r0 + n;
      const v0 = v[i];
      const w0 = p[i];
      const v1 = v[i + 1];
      const w1 = p[i + 1];
      for (let j = 0; j <= i; j++) {
        const pj = p[j];
        const vj = v[j];
        a[r0 + j] -= v0 * pj + w0 * vj;
        a[r1 + j] -= v1 * pj + w1 * vj;
      }
      a[r1 + i + 1] -= v1 * w1 + w1 * v1;
    }
    for (; i < m; i++) {
      const row = (off + i) * n + off;
      const vi = v[i];
      const wi = p[i];
      for (let j = 0; j <= i; j++) a[row + j] -= vi * p[j] + wi * v[j];
    }
    if (keepReflectors) vs.push(v.slice(0, m));
    betas.push(beta);
  }
  if (pending) simd!.syr2Lower((at + (n - 2) * n + n - 2) * 8, n * 8, 2, vPrevAt * 8, wPrevAt * 8);
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 1) * n + n - 2];
  e[n - 1] = 0;
  const reflectors = keepReflectors ? { vs, betas } : null;
  if (!wantQ) return { d, e, qt: null, reflectors };
  // Q = H_0·H_1·…; accumulate backwards so each step touches only the trailing block.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const w = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    const v = vs[k];
    const off = k + 1;
    const m = n - off;
    w.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      const row = (off + i) * n + off;
      for (let j = 0; j < m; j++) w[j] += vi * q[row + j];
    }
    for (let i = 0; i < m; i++) {
      const f = beta * v[i];
      if (f === 0) continue;
      const row = (off + i) * n + off;
      for (let j = 0; j < m; j++) q[row + j] -= f * w[j];
    }
  }
  // Rows of Qᵀ are columns of Q: transpose once so that later rotations touch contiguous rows.
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qt[j * n + i] = q[i * n + j];
  return { d, e, qt, reflectors };
}

/** √(a² + b²) without overflow; Math.hypot is several times slower in V8 and dominated QL. */
function pythag(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/**
 * Implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix (d, e as above). Rotations
 * are applied to the rows of `vt` when given, turning Qᵀ into the eigenvectors as rows.
 */
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number, vt: Float64Array | null, record: RotationLog | null = null): void {
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iter > 100) throw new Error("symmetric eigensolver did not converge (100 QL iterations)");
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = pythag(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (record) record.push(i, c, s);
        if (vt) {
          const ri = i * n;
          const rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const fk = vt[rj + k];
            const zk = vt[ri + k];
            vt[rj + k] = s * zk + c * fk;
            vt[ri + k] = c * zk - s * fk;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Eigenvalues of a symmetric tridiagonal matrix (d, e as above) by the root-free QL iteration of
 * Pal, Walker and Kahan (the one LAPACK's dsterf uses), in place in d. It works on the squares of
 * e and needs no square root per step, which made it ~1.6× faster than tridiagonalQl without
 * vectors here. Deflation is relative (e_m² ≤ ε²·|d_m·d_{m+1}|), ideal for the positive definite
 * matrices it serves; returns false (d then undefined) if an eigenvalue takes over 60 sweeps, so
 * that the caller can fall back to tridiagonalQl.
 */
function rootFreeQl(d: Float64Array, e: Float64Array, n: number): boolean {
  const e2 = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e2[i] = e[i] * e[i];
  const eps2 = Number.EPSILON * Number.EPSILON;
  let sweeps = 0;
  for (let l = 0; l < n; ) {
    let m = l;
    for (; m < n - 1; m++) if (e2[m] <= eps2 * Math.abs(d[m] * d[m + 1])) break;
    if (m < n - 1) e2[m] = 0;
    if (m === l) {
      l++;
      sweeps = 0;
      continue;
    }
    if (m === l + 1) {
      // A 2×2 block: its eigenvalues in closed form, the smaller one without cancellation.
      const rte = Math.sqrt(e2[l]);
      const a = d[l];
      const c = d[l + 1];
      const sum = a + c;
      const rt = pythag(a - c, 2 * rte);
      const big = Math.abs(a) > Math.abs(c) ? a : c;
      const small = Math.abs(a) > Math.abs(c) ? c : a;
      const rt1 = sum === 0 ? 0.5 * rt : 0.5 * (sum + (sum > 0 ? rt : -rt));
      d[l] = rt1;
      d[l + 1] = sum === 0 ? -0.5 * rt : (big / rt1) * small - (rte / rt1) * rte;
      e2[l] = 0;
      l += 2;
      sweeps = 0;
      continue;
    }
    if (++sweeps > 60) return false;
    // Wilkinson-type shift from the leading 2×2 block, then one implicit sweep from m up to l.
    const rte = Math.sqrt(e2[l]);
    let sigma = (d[l + 1] - d[l]) / (2 * rte);
    const r0 = pythag(sigma, 1);
    sigma = d[l] - rte / (sigma + (sigma >= 0 ? r0 : -r0));
    let c = 1;
    let s = 0;
    let gamma = d[m] - sigma;
    let p = gamma * gamma;
    for (let i = m - 1; i >= l; i--) {
      const bb = e2[i];
      const r = p + bb;
      if (i !== m - 1) e2[i + 1] = s * r;
      const oldc = c;
      c = p / r;
      s = bb / r;
      const oldgam = gamma;
      const alpha = d[i];
      gamma = c * (alpha - sigma) - s * oldgam;
      d[i + 1] = oldgam + (alpha - gamma);
      p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
    }
    e2[l] = s * p;
    d[l] = sigma + gamma;
  }
  return true;
}

/** Eigenvalues of a symmetric n×n matrix, largest first. The input is not modified. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const { d, e } = tridiagonalize(a, n, false);
  tridiagonalQl(d, e, n, null);
  return d.sort().reverse();
}

/**
 * Eigenvalues (largest first) of the n×n matrix whose LOWER triangle is at element offset `at` of
 * the SIMD kernels' memory (the upper triangle is ignored), overwriting it: callers that build the
 * matrix there skip two copies. Meant for positive (semi-)definite matrices (root-free QL).
 */
export function symmetricEigenvaluesInSimdMemory(simd: SimdKernels, at: number, n: number): Float64Array {
  const top = simd.mark();
  try {
    const scratchAt = simd.alloc(4 * (n + (n & 1)));
    const { d, e } = tridiagonalizeIn(simd.f64().subarray(at, at + n * n), n, false, false, simd, at, scratchAt);
    const values = d.slice();
    if (!rootFreeQl(values, e, n)) {
      values.set(d);
      tridiagonalQl(values, e, n, null);
    }
    return values.sort().reverse();
  } finally {
    simd.release(top);
  }
}

/**
 * Eigen-decomposition A = Σ λ_j·v_j·v_jᵀ of a symmetric n×n matrix, largest λ first. `vectors`
 * holds v_j as row j ([n, n] row-major). The input is not modified.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (n === 1) return { values: Float64Array.of(a[0]), vectors: Float64Array.of(1) };
  const { d, e, qt } = tridiagonalize(a, n, true);
  tridiagonalQl(d, e, n, qt);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    vectors.set(qt!.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}

/** The plane rotations of a QL run, in order: rotation t mixes rows i_t and i_t + 1 with (c_t, s_t). */
class RotationLog {
  count = 0;
  rows = new Int32Array(1 << 14);
  cs = new Float64Array(2 << 14);
  push(i: number, c: number, s: number): void {
    if (this.count === this.rows.length) {
      const rows = new Int32Array(this.count * 2);
      rows.set(this.rows);
      this.rows = rows;
      const cs = new Float64Array(this.count * 4);
      cs.set(this.cs);
      this.cs = cs;
    }
    this.rows[this.count] = i;
    this.cs[2 * this.count] = c;
    this.cs[2 * this.count + 1] = s;
    this.count++;
  }
}

export interface PartialEigen {
  /** All eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors of values[from..to) as rows ([to − from, n]), orthonormal. */
  vectors(from: number, to: number): Float64Array;
}

/**
 * Eigenvalues of a symmetric n×n matrix, with eigenvectors on demand for a range of them. The
 * QL iteration runs without vectors but logs its rotations; a wanted eigenvector is then row j
 * of (rotations)·Qᵀ, i.e. e_jᵀ·R_K⋯R_1 pushed back through the Householder reflectors. That
 * costs O(K + n²) per vector (K ≈ n² rotations) instead of the O(n³) of rotating all n rows,
 * and gives the same vectors as symmetricEigen up to round-off. The input is not modified.
 */
export function symmetricEigenPartial(a: Float64Array, n: number): PartialEigen {
  const { d, e, reflectors } = tridiagonalize(a, n, false, true);
  const log = new RotationLog();
  tridiagonalQl(d, e, n, null, log);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = Float64Array.from(order, (j) => d[j]);
  const vectors = (from: number, to: number): Float64Array => {
    const cnt = to - from;
    // Y is [n, cnt]: column q starts as e_{order[from + q]}; a rotation then touches two rows.
    const y = new Float64Array(n * cnt);
    for (let q = 0; q < cnt; q++) y[order[from + q] * cnt + q] = 1;
    const { rows, cs } = log;
    for (let t = log.count - 1; t >= 0; t--) {
      const ri = rows[t] * cnt;
      const rj = ri + cnt;
      const c = cs[2 * t];
      const s = cs[2 * t + 1];
      for (let q = 0; q < cnt; q++) {
        const yi = y[ri + q];
        const yj = y[rj + q];
        y[ri + q] = c * yi + s * yj;
        y[rj + q] = c * yj - s * yi;
      }
    }
    // Transpose to rows, then apply Q = H_0·H_1·… (last reflector first) to each.
    const out = new Float64Array(cnt * n);
    for (let i = 0; i < n; i++) for (let q = 0; q < cnt; q++) out[q * n + i] = y[i * cnt + q];
    const { vs, betas } = reflectors!;
    for (let q = 0; q < cnt; q++) {
      const o = q * n;
      for (let k = betas.length - 1; k >= 0; k--) {
        const beta = betas[k];
        if (beta === 0) continue;
        const v = vs[k];
        const off = o + k + 1;
        const f = beta * dot(v, 0, out, off, v.length);
        for (let i = 0; i < v.length; i++) out[off + i] -= f * v[i];
      }
    }
    return out;
  };
  return { values, vectors };
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
