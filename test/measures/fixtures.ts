// Synthetic data for the measure tests: seeded Gaussian matrices and simple transforms of them.
import { Random } from "../../src/util/random";

export function gaussian(rows: number, cols: number, seed: number, scale = 1): Float64Array {
  const rng = new Random(seed);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = scale * rng.normal();
  return out;
}

/** A·B for A [n, k], B [k, m]. */
export function matmul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) {
    const v = a[i * k + t];
    for (let j = 0; j < m; j++) c[i * m + j] += v * b[t * m + j];
  }
  return c;
}

/** A random d×d orthogonal matrix (Gram–Schmidt on a Gaussian matrix). */
export function randomOrthogonal(d: number, seed: number): Float64Array {
  const q = gaussian(d, d, seed);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += q[i * d + k] * q[j * d + k];
      for (let k = 0; k < d; k++) q[i * d + k] -= s * q[j * d + k];
    }
    let nn = 0;
    for (let k = 0; k < d; k++) nn += q[i * d + k] ** 2;
    const inv = 1 / Math.sqrt(nn);
    for (let k = 0; k < d; k++) q[i * d + k] *= inv;
  }
  return q;
}

/** Rows of X reordered by `perm`. */
export function permuteRows(x: Float64Array, n: number, d: number, perm: number[]): Float64Array {
  const out = new Float64Array(n * d);
  perm.forEach((src, dst) => out.set(x.subarray(src * d, src * d + d), dst * d));
  return out;
}

export function scale(x: Float64Array, s: number): Float64Array {
  return x.map((v) => v * s);
}

export function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}
