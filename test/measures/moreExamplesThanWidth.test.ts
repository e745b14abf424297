// The embedded model has width 128 and the embedded tasks 400 test examples: n > d, so the n×n
// Gram matrices are rank-deficient with many zero eigenvalues. The eigensolver must converge
// there, and the measures must agree with an independent computation in the d×d forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { linearCkaDistance, orthogonalProcrustesDistance, svccaDistance } from "../../src/measures";
import { symmetricEigen, symmetricEigenvalues } from "../../src/measures/symmetricEigen";
import { gaussian } from "./fixtures";

function centeredNormalized(x: Float64Array, n: number, d: number): Matrix {
  const m = new Matrix(n, d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * d + j];
    mean /= n;
    for (let i = 0; i < n; i++) m.set(i, j, x[i * d + j] - mean);
  }
  return m.div(m.norm("frobenius"));
}

test("the eigensolver converges on rank-deficient Gram matrices (n > d)", () => {
  for (const [n, d, seed] of [[400, 128, 1], [200, 64, 2], [300, 100, 3]]) {
    const x = gaussian(n, d, seed);
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += x[i * d + t] * x[j * d + t];
      k[i * n + j] = s;
    }
    let trace = 0;
    for (let i = 0; i < n; i++) trace += k[i * n + i];
    // Values only (root-free QL) and values with vectors (implicit QL with rotations).
    for (const ev of [symmetricEigenvalues(k, n), symmetricEigen(k, n).values]) {
      let sum = 0;
      for (const v of ev) sum += v;
      assert.ok(Math.abs(sum - trace) < 1e-8 * trace, `eigenvalues sum to the trace (${n}×${d})`);
      const nearZero = Array.from(ev).filter((v) => Math.abs(v) < 1e-8 * trace).length;
      assert.equal(nearZero, n - d, `rank ${d} leaves ${n - d} zero eigenvalues`);
    }
  }
});

test("OP, CKA and SVCCA on 400×128 representations: finite, in range, OP equal to the d×d SVD form", () => {
  const n = 400, d = 128;
  const x = gaussian(n, d, 11);
  const y = gaussian(n, d, 12);
  for (let i = 0; i < x.length; i++) y[i] = 0.5 * y[i] + x[i]; // related, not identical
  const op = orthogonalProcrustesDistance(x, y, n, d);
  const xm = centeredNormalized(x, n, d), ym = centeredNormalized(y, n, d);
  const nuclear = new SingularValueDecomposition(xm.transpose().mmul(ym), { computeLeftSingularVectors: false, computeRightSingularVectors: false })
    .diagonal.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(op - (1 - nuclear)) < 1e-9, `OP ${op} vs ${1 - nuclear}`);
  const cka = linearCkaDistance(x, y, n, d);
  const svcca = svccaDistance(x, y, n, d);
  for (const v of [op, cka, svcca]) assert.ok(Number.isFinite(v) && v >= 0 && v <= 1);
  assert.ok(svccaDistance(x, x, n, d) < 1e-9);
});
