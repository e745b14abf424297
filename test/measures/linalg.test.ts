// The dense kernels behind the representation measures, against ml-matrix and exact identities.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { centerGram, gram, pivotedCholeskyRows, symmetricEigen, symmetricEigenvalues } from "../../src/measures";
import { gaussian, matmul } from "./fixtures";

function randomSymmetric(n: number, seed: number): Float64Array {
  const g = gaussian(n, n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = g[i * n + j] + g[j * n + i];
  return a;
}

test("symmetric eigenvalues agree with ml-matrix (indefinite matrix, largest first)", () => {
  const n = 37;
  const a = randomSymmetric(n, 1);
  const ours = symmetricEigenvalues(a, n);
  const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)))), {
    assumeSymmetric: true,
  }).realEigenvalues.sort((x, y) => y - x);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(ours[i] - ref[i]) < 1e-10, `${i}: ${ours[i]} vs ${ref[i]}`);
});

test("eigenvectors are orthonormal rows that reconstruct the matrix", () => {
  const n = 41;
  const a = randomSymmetric(n, 2);
  const { values, vectors } = symmetricEigen(a, n);
  for (let i = 1; i < n; i++) assert.ok(values[i] <= values[i - 1]);
  let maxErr = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let recon = 0;
      let inner = 0;
      for (let k = 0; k < n; k++) {
        recon += vectors[k * n + i] * values[k] * vectors[k * n + j];
        inner += vectors[i * n + k] * vectors[j * n + k];
      }
      maxErr = Math.max(maxErr, Math.abs(recon - a[i * n + j]), Math.abs(inner - (i === j ? 1 : 0)));
    }
  }
  assert.ok(maxErr < 1e-11, `max error ${maxErr}`);
});

test("pivoted Cholesky reveals the rank of a PSD matrix and reproduces it", () => {
  const n = 30;
  const x = gaussian(n, 7, 3);
  const k = centerGram(gram(x, n, 7), n); // rank 7 after centring (n > 7)
  const { rows, rank } = pivotedCholeskyRows(k, n);
  assert.equal(rank, 7);
  let maxErr = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < rank; t++) s += rows[t * n + i] * rows[t * n + j];
    maxErr = Math.max(maxErr, Math.abs(s - k[i * n + j]));
  }
  assert.ok(maxErr < 1e-10, `max error ${maxErr}`);
});

test("gram and centerGram match X·Xᵀ of the raw and column-centred rows", () => {
  const n = 6;
  const d = 4;
  const x = gaussian(n, d, 4);
  const xt = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = x[i * d + j];
  const direct = matmul(x, xt, n, d, n);
  const g = gram(x, n, d);
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(g[i] - direct[i]) < 1e-12);
  const xc = Float64Array.from(x);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * d + j] / n;
    for (let i = 0; i < n; i++) xc[i * d + j] -= mean;
  }
  const gc = centerGram(g, n);
  const want = gram(xc, n, d);
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(gc[i] - want[i]) < 1e-12);
});
