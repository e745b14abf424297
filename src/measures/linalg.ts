// Dense float64 kernels on row-major Float64Arrays for the representation measures. ml-matrix's
// general decompositions allocate arrays of arrays and are ~5× slower at N ≈ 300; the measures
// need only symmetric eigenproblems, Gram matrices and dot products of rows, so those are written
// here with contiguous inner loops. Vectors are stored as ROWS wherever a later step takes dot
// products of them, so every inner loop walks memory in order.

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
 * Householder reduction of a symmetric matrix to tridiagonal form T = Qᵀ·A·Q (A is overwritten).
 * Returns the diagonal d, the off-diagonal e (e[i] couples i and i+1) and, if asked, Qᵀ as rows.
 */
function tridiagonalize(a: Float64Array, n: number, wantQ: boolean): { d: Float64Array; e: Float64Array; qt: Float64Array | null } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const vs: Float64Array[] = [];
  const betas: number[] = [];
  const p = new Float64Array(n);
  // One scratch vector for every step (a fresh array per step runs 2× slower in V8 here).
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const m = n - k - 1; // size of the trailing block
    let norm2 = 0;
    for (let i = 0; i < m; i++) {
      v[i] = a[(k + 1 + i) * n + k];
      norm2 += v[i] * v[i];
    }
    const x0 = v[0];
    const tail = norm2 - x0 * x0;
    if (tail === 0) {
      e[k] = x0;
      if (wantQ) vs.push(new Float64Array(m));
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
    }    if (wantQ) vs.push(v.slice(0, m));
    betas.push(beta);
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 1) * n + n - 2];
  e[n - 1] = 0;
  if (!wantQ) return { d, e, qt: null };
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
  return { d, e, qt };
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
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number, vt: Float64Array | null): void {
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

/** Eigenvalues of a symmetric n×n matrix, largest first. The input is not modified. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const work = Float64Array.from(a.subarray(0, n * n));
  const { d, e } = tridiagonalize(work, n, false);
  tridiagonalQl(d, e, n, null);
  return d.sort().reverse();
}

/**
 * Eigen-decomposition A = Σ λ_j·v_j·v_jᵀ of a symmetric n×n matrix, largest λ first. `vectors`
 * holds v_j as row j ([n, n] row-major). The input is not modified.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const work = Float64Array.from(a.subarray(0, n * n));
  if (n === 1) return { values: Float64Array.of(work[0]), vectors: Float64Array.of(1) };
  const { d, e, qt } = tridiagonalize(work, n, true);
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
