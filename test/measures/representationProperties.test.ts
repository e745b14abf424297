// Properties each representation measure is known for: identity gives 0, symmetry, invariances,
// the unbiased-HSIC identity of CKA, and the dimension-counting behaviour of SVCCA (method.md §5.5).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/util/random";
import {
  gram,
  linearCkaDistance,
  orthogonalProcrustesDistance,
  prepareLayer,
  preparedDistance,
  representationMatrices,
  layerCurves,
  svccaDistance,
  svccaKeptCount,
  unbiasedCentreGram,
} from "../../src/measures";
import { add, gaussian, matmul, permuteRows, randomOrthogonal, scale } from "./fixtures";
import { undefinedPairs } from "../../src/measures/pairs";

const MEASURES = {
  cka: linearCkaDistance,
  op: orthogonalProcrustesDistance,
  svcca: (x: Float64Array, y: Float64Array, n: number, d: number) => svccaDistance(x, y, n, d),
};

const n = 30;
const d = 45;
const x = gaussian(n, d, 101);
const y = add(x, gaussian(n, d, 102, 0.8));

test("identical representations have distance 0", () => {
  for (const [name, f] of Object.entries(MEASURES)) assert.ok(Math.abs(f(x, x, n, d)) < 1e-10, `${name}: ${f(x, x, n, d)}`);
});

test("distances are symmetric and strictly positive for different representations", () => {
  for (const [name, f] of Object.entries(MEASURES)) {
    const ab = f(x, y, n, d);
    assert.ok(ab > 1e-3, `${name} should see a difference, got ${ab}`);
    assert.ok(Math.abs(ab - f(y, x, n, d)) < 1e-12, `${name} symmetry`);
  }
});

test("CKA and OP are invariant to an orthogonal transform and an isotropic scaling", () => {
  const q = randomOrthogonal(d, 103);
  const xq = scale(matmul(x, q, n, d, d), 3.7);
  for (const name of ["cka", "op"] as const) {
    const f = MEASURES[name];
    assert.ok(Math.abs(f(x, xq, n, d)) < 1e-10, `${name}(X, s·XQ) = ${f(x, xq, n, d)}`);
    assert.ok(Math.abs(f(xq, y, n, d) - f(x, y, n, d)) < 1e-10, `${name}(s·XQ, Y) should equal ${name}(X, Y)`);
  }
});

test("CKA and OP are not invariant to a general invertible map (the test can fail)", () => {
  const a = add(randomOrthogonal(d, 104), gaussian(d, d, 105, 0.3));
  const xa = matmul(x, a, n, d, d);
  assert.ok(linearCkaDistance(x, xa, n, d) > 1e-3);
  assert.ok(orthogonalProcrustesDistance(x, xa, n, d) > 1e-3);
});

test("SVCCA is invariant to an invertible linear map of the kept subspace", () => {
  // X = [S | t]: r signal columns plus one tiny column orthogonal to them, so the 0.99 rule keeps
  // exactly span(S). Y = [S·B | t] has the same kept column space for any invertible B.
  const N = 40;
  const r = 6;
  const q = randomOrthogonal(N, 106); // rows are orthonormal vectors in R^N
  const cols = r + 1;
  const base = new Float64Array(N * cols);
  for (let i = 0; i < N; i++) for (let j = 0; j < cols; j++) base[i * cols + j] = q[j * N + i];
  // Well-conditioned mixes (orthogonal × diag in [1, 1.5]) keep every signal singular value ≥ 10,
  // above the tail column's 3, whose share of the sum stays above 1%.
  const conditioned = (seed: number) => {
    const o = randomOrthogonal(r, seed);
    return o.map((v, i) => v * (1 + (0.5 * (i % r)) / (r - 1)));
  };
  const m = conditioned(107);
  const b = conditioned(109);
  const mb = matmul(m, b, r, r, r);
  const build = (mix: Float64Array) => {
    const out = new Float64Array(N * cols);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < r; j++) {
        let s = 0;
        for (let t = 0; t < r; t++) s += base[i * cols + t] * mix[t * r + j];
        out[i * cols + j] = 10 * s;
      }
      out[i * cols + r] = 3 * base[i * cols + r]; // ~5% of the sum: dropped by the rule, but lets it keep all r
    }
    return out;
  };
  const xs = build(m);
  const ys = build(mb);
  assert.ok(Math.abs(svccaDistance(xs, ys, N, cols)) < 1e-9, `SVCCA(X, X·A) = ${svccaDistance(xs, ys, N, cols)}`);
  assert.ok(linearCkaDistance(xs, ys, N, cols) > 1e-3, "CKA must differ here, else the map was trivial");
});

test("all measures are invariant to a common permutation of the examples", () => {
  const perm = new Random(111).permutation(n);
  const xp = permuteRows(x, n, d, perm);
  const yp = permuteRows(y, n, d, perm);
  for (const [name, f] of Object.entries(MEASURES)) {
    assert.ok(Math.abs(f(xp, yp, n, d) - f(x, y, n, d)) < 1e-10, `${name} permutation`);
  }
});

test("OP is half of Ding et al.'s squared Procrustes distance on a hand-checkable case", () => {
  // 1-D representations: centred, normalised vectors u, v; min_Q ‖uQ − v‖² with Q = ±1 is
  // 2 − 2|uᵀv|, so I_OP = 1 − |uᵀv|.
  const a = Float64Array.of(1, 2, 3, 4);
  const b = Float64Array.of(2, 1, 4, 3);
  // centred: (-1.5,-.5,.5,1.5) and (-.5,-1.5,1.5,.5); dot = .75+.75+.75+.75 = 3; norms² = 5.
  assert.ok(Math.abs(orthogonalProcrustesDistance(a, b, 4, 1) - (1 - 3 / 5)) < 1e-12);
});

test("unbiased centring: ⟨K̃, L̃⟩ = N(N−3)·HSIC_unbiased of Song et al. (2012)", () => {
  const N = 12;
  const k = gram(gaussian(N, 5, 112), N, 5);
  const l = gram(gaussian(N, 7, 113), N, 7);
  const kt = unbiasedCentreGram(k, N);
  const lt = unbiasedCentreGram(l, N);
  let inner = 0;
  for (let i = 0; i < N * N; i++) inner += kt[i] * lt[i];
  // Song et al.: HSIC_1 = [tr(K0 L0) + 1ᵀK0 1 · 1ᵀL0 1 / ((N−1)(N−2)) − 2/(N−2) · 1ᵀ K0 L0 1] / (N(N−3)),
  // with K0, L0 the Gram matrices with zeroed diagonals.
  const k0 = k.map((v, i) => (Math.floor(i / N) === i % N ? 0 : v));
  const l0 = l.map((v, i) => (Math.floor(i / N) === i % N ? 0 : v));
  let tr = 0;
  let sk = 0;
  let sl = 0;
  let cross = 0;
  const rowK = new Float64Array(N);
  const rowL = new Float64Array(N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    tr += k0[i * N + j] * l0[j * N + i];
    sk += k0[i * N + j];
    sl += l0[i * N + j];
    rowK[i] += k0[i * N + j];
    rowL[j] += l0[i * N + j];
  }
  for (let i = 0; i < N; i++) cross += rowK[i] * rowL[i]; // 1ᵀ K0 L0 1 (both symmetric)
  const hsic = (tr + (sk * sl) / ((N - 1) * (N - 2)) - (2 / (N - 2)) * cross) / (N * (N - 3));
  assert.ok(Math.abs(inner - N * (N - 3) * hsic) < 1e-9 * Math.abs(inner), `${inner} vs ${N * (N - 3) * hsic}`);
});

test("the 0.99 rule counts cumulative shares of singular values, at least 1", () => {
  assert.equal(svccaKeptCount([1, 1, 1, 1, 1]), 4); // shares .2 .4 .6 .8 1
  assert.equal(svccaKeptCount([100, 0.5, 0.4]), 1); // 100/100.9 = .991 > .99 → none, so 1
  assert.equal(svccaKeptCount([50, 49, 0.5, 0.5]), 2); // .5, .99 (kept), .995
});

test("SVCCA is near 0 for unrelated matrices when N < d, higher for a noisy low-rank shared signal (§5.5)", () => {
  const N = 139;
  const D = 1024;
  const indep = svccaDistance(gaussian(N, D, 114), gaussian(N, D, 115), N, D);
  assert.ok(indep > 0.005 && indep < 0.03, `independent Gaussians: ${indep} (method.md: about 0.013)`);
  // Two copies of one rank-20 signal, each seen through its own orthonormal 20-dim frame in R^1024
  // (a rotation of the same signal), plus independent noise.
  const rank = 20;
  const a = gaussian(N, rank, 116);
  const frame = (seed: number) => {
    const g = gaussian(rank, D, seed);
    for (let i = 0; i < rank; i++) {
      for (let j = 0; j < i; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += g[i * D + k] * g[j * D + k];
        for (let k = 0; k < D; k++) g[i * D + k] -= s * g[j * D + k];
      }
      let nn = 0;
      for (let k = 0; k < D; k++) nn += g[i * D + k] ** 2;
      for (let k = 0; k < D; k++) g[i * D + k] /= Math.sqrt(nn);
    }
    return g;
  };
  const xs = add(matmul(a, frame(117), N, rank, D), gaussian(N, D, 118, NOISE));
  const ys = add(matmul(a, frame(119), N, rank, D), gaussian(N, D, 120, NOISE));
  const shared = svccaDistance(xs, ys, N, D);
  assert.ok(shared > 0.08 && shared < 0.3, `noisy rotated rank-20 copies: ${shared} (method.md: about 0.16)`);
  assert.ok(shared > 4 * indep);
});
// Noise 0.4% of the signal's per-entry scale: the regime where method.md's ≈ 0.16 is seen (at
// larger noise the kept spaces grow towards N and SVCCA falls back to the independent value).
const NOISE = 0.004;

test("prepared layers reused across pairs give the same matrices as direct calls", () => {
  const R = 4;
  const data = Array.from({ length: R }, (_, r) => add(x, gaussian(n, d, 200 + r, 0.5 * r)));
  const result = representationMatrices((r) => data[r], R, n, d, [0]);
  for (let a = 0; a < R; a++) for (let b = 0; b < R; b++) {
    const want = a === b ? 0 : linearCkaDistance(data[a], data[b], n, d);
    assert.ok(Math.abs(result.matrices.cka[0][a * R + b] - want) < 1e-12);
    const wantOp = a === b ? 0 : orthogonalProcrustesDistance(data[a], data[b], n, d);
    assert.ok(Math.abs(result.matrices.op[0][a * R + b] - wantOp) < 1e-12);
  }
  const curves = layerCurves(result);
  let mean = 0;
  for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) mean += svccaDistance(data[a], data[b], n, d);
  assert.ok(Math.abs(curves.svcca[0] - mean / 6) < 1e-12);
  // A bootstrap list with a repeated run: the repeated pair contributes 0.
  const p = prepareLayer(data[0], n, d);
  assert.equal(preparedDistance(p, p, "svcca") < 1e-10, true);
});

test("constant hidden states are undefined (NaN) pairs, named and counted, not a crash (measures/degenerate.ts)", () => {
  const constant = new Float64Array(n * d).fill(0.25);
  for (const name of ["cka", "op", "svcca"] as const) {
    const p = prepareLayer(constant, n, d, { measures: [name], what: "run r7, layer 2" });
    assert.match(p.degenerate![name]!, /constant|zero/);
    assert.ok(Number.isNaN(preparedDistance(p, prepareLayer(x, n, d, { measures: [name] }), name)));
  }
  // three runs, the last one collapsed: its 2 pairs are NaN, the curve is the mean of the one defined pair
  const data = [x, add(x, gaussian(n, d, 77, 0.5)), constant];
  const result = representationMatrices((r) => data[r], 3, n, d, [4], { runNames: ["seed-00", "seed-01", "seed-02"] });
  assert.deepEqual(result.degenerate.map((g) => [g.layer, g.runName, g.measures.sort().join(",")]), [[4, "seed-02", "cka,op,svcca"]]);
  for (const m of ["cka", "op", "svcca"] as const) {
    const mat = result.matrices[m][0];
    assert.ok(Number.isNaN(mat[0 * 3 + 2]) && Number.isNaN(mat[1 * 3 + 2]));
    assert.equal(undefinedPairs(mat, 3), 2);
    assert.equal(layerCurves(result)[m][0], mat[0 * 3 + 1]);
  }
  // a direct two-matrix call still says why it cannot answer
  assert.throws(() => svccaDistance(constant, x, n, d), /constant|zero/);
});

test("a subset of examples gives the same matrices as measuring the selected rows directly", () => {
  const R = 3;
  const data = Array.from({ length: R }, (_, r) => add(x, gaussian(n, d, 300 + r, 0.6)));
  const subset = [3, 0, 7, 12, 5, 9, 21, 14];
  const result = representationMatrices((r) => data[r], R, n, d, [0], { examples: subset });
  const rows = (z: Float64Array) => {
    const out = new Float64Array(subset.length * d);
    subset.forEach((i, t) => out.set(z.subarray(i * d, (i + 1) * d), t * d));
    return out;
  };
  const want = orthogonalProcrustesDistance(rows(data[0]), rows(data[2]), subset.length, d);
  assert.ok(Math.abs(result.matrices.op[0][0 * R + 2] - want) < 1e-12);
  const wantCka = linearCkaDistance(rows(data[1]), rows(data[2]), subset.length, d);
  assert.ok(Math.abs(result.matrices.cka[0][1 * R + 2] - wantCka) < 1e-12);
});

test("worker threads give exactly the single-thread matrices, degenerate layers and errors included", async () => {
  const { representationMatricesParallel } = await import("../../src/measures/parallelLayers");
  const R = 3;
  const L = 3;
  const data = Array.from({ length: L }, (_, l) => Array.from({ length: R }, (_, r) => add(x, gaussian(n, d, 400 + 10 * l + r, 0.3 * (l + 1)))));
  const serial = representationMatrices((r, l) => data[l][r], R, n, d, [0, 1, 2]);
  const parallel = await representationMatricesParallel((r, l) => data[l][r], R, n, d, [0, 1, 2], { workers: 2 });
  for (const m of ["svcca", "op", "cka"] as const) {
    for (let l = 0; l < L; l++) assert.deepEqual(Array.from(parallel.matrices[m][l]), Array.from(serial.matrices[m][l]));
  }
  const constant = new Float64Array(n * d).fill(1);
  const withConstant = await representationMatricesParallel((r, l) => (r === 1 && l === 1 ? constant : data[l][r]), R, n, d, [0, 1], { workers: 2, runNames: ["a", "b", "c"] });
  assert.deepEqual(withConstant.degenerate.map((g) => [g.layer, g.runName]), [[1, "b"]]);
  assert.ok(Number.isNaN(withConstant.matrices.cka[1][0 * R + 1]));
  const wrongSize = new Float64Array(3);
  await assert.rejects(
    representationMatricesParallel((r, l) => (r === 1 && l === 1 ? wrongSize : data[l][r]), R, n, d, [0, 1], { workers: 2, runNames: ["a", "b", "c"] }),
    /hidden states have 3 values/,
  );
});
