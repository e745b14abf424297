// Symmetric eigenvalues (and eigenvectors) from the tridiagonal form: implicit QL with Wilkinson
// shifts, a root-free variant for eigenvalues only, and eigenvectors on demand for a range of
// eigenvalues from a log of the QL rotations.
import { dot } from "./linalg";
import { SimdKernels } from "./simd";
import { tridiagonalize, tridiagonalizeIn } from "./tridiagonalize";

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
  // Deflate against the matrix's scale (JAMA's tql2 rule), not against |d[m]| + |d[m+1]|: a
  // rank-deficient Gram matrix (more examples than width) has many eigenvalues at 0, where the
  // relative test never fires and the iteration would not converge.
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        if (Math.abs(e[m]) <= Number.EPSILON * tst1) break;
      }
      if (m === l) break;
      // Collapsed runs (a failed run's top layer) give ill-scaled, rank-deficient products whose
      // deflation needs more than 100 sweeps for one eigenvalue (146 of 384 in the glue-small
      // evidence's final models, at row 146 of 384); the cap only stops a matrix that never converges.
      if (++iter > 1000) throw new Error("symmetric eigensolver did not converge (1000 QL iterations)");
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
