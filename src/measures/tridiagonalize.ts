// Householder reduction of a symmetric matrix to tridiagonal form, the O(n³) part of every
// symmetric eigenproblem in the measures (per run for SVCCA, per pair for Procrustes). With wasm
// SIMD the two level-2 steps run in simd.ts, fused into one pass over the matrix per step.
import { SIMD_MIN } from "./linalg";
import { SimdKernels, simdKernels } from "./simd";

/** Householder vectors of a tridiagonal reduction: Q = H_0·H_1·…, H_k = I − β_k·v_k·v_kᵀ on k+1... */
export interface Reflectors {
  vs: Float64Array[];
  betas: number[];
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form T = Qᵀ·A·Q (A is not modified).
 * Returns the diagonal d, the off-diagonal e (e[i] couples i and i+1) and, if asked, Qᵀ as rows.
 */
export function tridiagonalize(
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

export function tridiagonalizeIn(
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
