// Properties of the optional representation measures (PWCCA, RBF and biased linear CKA, θ_OP,
// RSA): identity gives 0, symmetry, the invariances each is known for (and a transform each is
// not invariant to, so the tests can fail), θ_OP's triangle inequality, and the per-run caching
// (prepared layers and worker threads give the same numbers as direct calls).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/util/random";
import {
  allRepresentationMeasures,
  averageRanks,
  biasedLinearCkaDistance,
  extraRepresentationMeasures,
  median,
  orthogonalProcrustesDistance,
  prepareLayer,
  preparedDistance,
  procrustesAngleDistance,
  pwccaDistance,
  rbfCkaDistance,
  representationMatrices,
  representationMatricesParallel,
  rsaDistance,
  mutualKnnDistance,
  cknnaDistance,
} from "../../src/measures";
import { add, gaussian, matmul, permuteRows, randomOrthogonal, scale } from "./fixtures";

type F = (x: Float64Array, y: Float64Array, n: number, d: number) => number;
const MEASURES: Record<string, F> = {
  pwcca: (x, y, n, d) => pwccaDistance(x, y, n, d),
  "cka-rbf": (x, y, n, d) => rbfCkaDistance(x, y, n, d),
  "cka-biased": biasedLinearCkaDistance,
  "op-angular": procrustesAngleDistance,
  rsa: rsaDistance,
  mknn: (x, y, n, d) => mutualKnnDistance(x, y, n, d),
  cknna: (x, y, n, d) => cknnaDistance(x, y, n, d),
};

const n = 30;
const d = 45;
const x = gaussian(n, d, 301);
const y = add(x, gaussian(n, d, 302, 0.8));

test("identical representations have distance 0 (θ_OP: arccos near 1 amplifies round-off to ~√ε)", () => {
  for (const [name, f] of Object.entries(MEASURES)) {
    const tol = name === "op-angular" ? 1e-6 : 1e-10;
    assert.ok(Math.abs(f(x, x, n, d)) < tol, `${name}: ${f(x, x, n, d)}`);
  }
});

test("distances are positive for different representations and symmetric (PWCCA: when the kept counts differ)", () => {
  for (const [name, f] of Object.entries(MEASURES)) {
    if (name === "pwcca") continue; // N < d: the kept spaces fill R^N and PWCCA (like SVCCA) is ≈ 0
    const ab = f(x, y, n, d);
    assert.ok(ab > 1e-3, `${name} should see a difference, got ${ab}`);
    assert.ok(Math.abs(ab - f(y, x, n, d)) < 1e-12, `${name} symmetry`);
  }
  // PWCCA takes its weights from the side with fewer kept directions, whichever argument it is.
  const N = 80;
  const lowRank = add(matmul(gaussian(N, 4, 303), gaussian(4, 20, 304), N, 4, 20), gaussian(N, 20, 305, 0.05));
  const full = gaussian(N, 20, 306);
  const mixed = add(lowRank, scale(full, 0.5));
  assert.ok(pwccaDistance(lowRank, mixed, N, 20) > 1e-3, `PWCCA should see a difference, got ${pwccaDistance(lowRank, mixed, N, 20)}`);
  assert.ok(Math.abs(pwccaDistance(lowRank, mixed, N, 20) - pwccaDistance(mixed, lowRank, N, 20)) < 1e-12);
});

test("CKA (RBF, biased linear), θ_OP and PWCCA are invariant to an orthogonal transform and an isotropic scaling", () => {
  const q = randomOrthogonal(d, 307);
  const xq = scale(matmul(x, q, n, d, d), 3.7);
  for (const name of ["cka-rbf", "cka-biased", "op-angular", "pwcca"]) {
    const f = MEASURES[name];
    const tol = name === "op-angular" ? 1e-6 : 1e-9;
    assert.ok(Math.abs(f(x, xq, n, d)) < tol, `${name}(X, s·XQ) = ${f(x, xq, n, d)}`);
    assert.ok(Math.abs(f(xq, y, n, d) - f(x, y, n, d)) < 1e-9, `${name}(s·XQ, Y) should equal ${name}(X, Y)`);
  }
});

// (PWCCA, like the paper's SVCCA, reduces X by an SVD before centring, so it is not either.)
test("CKA (RBF, biased linear) and θ_OP are invariant to a common translation of the examples; RSA is not", () => {
  const shift = gaussian(1, d, 308, 5);
  const xs = x.map((v, i) => v + shift[i % d]);
  for (const name of ["cka-rbf", "cka-biased", "op-angular"]) {
    assert.ok(Math.abs(MEASURES[name](xs, y, n, d) - MEASURES[name](x, y, n, d)) < 1e-9, name);
  }
  // The correlation distance centres each example over its features, not the features over examples.
  assert.ok(Math.abs(rsaDistance(xs, y, n, d) - rsaDistance(x, y, n, d)) > 1e-3);
});

test("none of them is invariant to a general invertible map of the features (the tests can fail)", () => {
  const a = add(randomOrthogonal(d, 309), gaussian(d, d, 310, 0.4));
  const xa = matmul(x, a, n, d, d);
  for (const [name, f] of Object.entries(MEASURES)) if (name !== "pwcca") assert.ok(f(x, xa, n, d) > 1e-3, `${name}: ${f(x, xa, n, d)}`);
});

test("RSA's correlation distance: invariant to a positive scale and an offset per example, not to a rotation of the features", () => {
  const rng = new Random(311);
  const a = Array.from({ length: n }, () => 0.2 + 3 * rng.next());
  const b = Array.from({ length: n }, () => rng.normal() * 4);
  const xab = x.map((v, i) => a[Math.floor(i / d)] * v + b[Math.floor(i / d)]);
  assert.ok(Math.abs(rsaDistance(xab, x, n, d)) < 1e-12, `RSA(aX + b, X) = ${rsaDistance(xab, x, n, d)}`);
  // A rotation changes each example's mean over features, hence the Pearson correlations.
  const xoff = x.map((v, i) => v + (i % d < d / 2 ? 2 : -1));
  const xo = matmul(xoff, randomOrthogonal(d, 313), n, d, d);
  assert.ok(rsaDistance(xo, xoff, n, d) > 1e-3, `RSA(XQ, X) = ${rsaDistance(xo, xoff, n, d)}`);
});

test("RSA ranks: ties share their average rank; the median is NumPy's", () => {
  assert.deepEqual(Array.from(averageRanks(Float64Array.of(0.3, 0.1, 0.3, 0.2, 0.3))), [4, 1, 4, 2, 4]);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test("RBF CKA approaches biased linear CKA as the bandwidth grows (exp(−t) ≈ 1 − t)", () => {
  const far = rbfCkaDistance(x, y, n, d, d, { threshold: 200 });
  const lin = biasedLinearCkaDistance(x, y, n, d);
  assert.ok(Math.abs(far - lin) < 1e-4 * lin, `RBF(200) ${far} vs linear ${lin}`);
  assert.ok(Math.abs(rbfCkaDistance(x, y, n, d, d, { threshold: 0.2 }) - lin) > 1e-3, "a narrow kernel is not linear");
});

test("θ_OP = arccos(1 − I_OP) and satisfies the triangle inequality on random triples", () => {
  assert.ok(Math.abs(procrustesAngleDistance(x, y, n, d) - Math.acos(1 - orthogonalProcrustesDistance(x, y, n, d))) < 1e-12);
  const base = gaussian(n, d, 314);
  const pts = Array.from({ length: 8 }, (_, i) => add(scale(base, i % 3), gaussian(n, d, 315 + i, 0.3 + 0.3 * (i % 4))));
  let tightest = Infinity;
  for (let a = 0; a < pts.length; a++) for (let b = 0; b < pts.length; b++) for (let c = 0; c < pts.length; c++) {
    if (a === b || b === c || a === c) continue;
    const slack = procrustesAngleDistance(pts[a], pts[b], n, d) + procrustesAngleDistance(pts[b], pts[c], n, d) - procrustesAngleDistance(pts[a], pts[c], n, d);
    assert.ok(slack > -1e-12, `triangle inequality fails for (${a}, ${b}, ${c}) by ${slack}`);
    tightest = Math.min(tightest, slack);
  }
  // I_OP = 1 − cos θ is not a metric: for 1-D representations at 60° with their bisector,
  // 2·(1 − cos 30°) < 1 − cos 60°, so a triangle check on I_OP can fail.
  const op = (p: Float64Array, q: Float64Array) => orthogonalProcrustesDistance(p, q, 3, 1);
  const u = Float64Array.of(1, 0, -1);
  const v = Float64Array.of(1, -1, 0);
  const mid = Float64Array.of(2, -1, -1);
  assert.ok(op(u, mid) + op(mid, v) < op(u, v), `I_OP: ${op(u, mid)} + ${op(mid, v)} vs ${op(u, v)}`);
  const th = (p: Float64Array, q: Float64Array) => procrustesAngleDistance(p, q, 3, 1);
  assert.ok(Math.abs(th(u, mid) + th(mid, v) - th(u, v)) < 1e-7, "θ: 30° + 30° = 60°");
  assert.ok(Number.isFinite(tightest));
});

test("all measures are invariant to a common permutation of the examples", () => {
  const perm = new Random(316).permutation(n);
  const xp = permuteRows(x, n, d, perm);
  const yp = permuteRows(y, n, d, perm);
  for (const [name, f] of Object.entries(MEASURES)) assert.ok(Math.abs(f(xp, yp, n, d) - f(x, y, n, d)) < 1e-9, `${name} permutation`);
});

test("prepared layers (and worker threads) give the direct calls' values for every extra measure", async () => {
  const R = 4;
  const data = Array.from({ length: R }, (_, r) => add(x, gaussian(n, d, 400 + r, 0.3 + 0.3 * r)));
  const result = representationMatrices((r) => data[r], R, n, d, [0], { measures: allRepresentationMeasures() });
  assert.deepEqual(Object.keys(result.matrices).sort(), allRepresentationMeasures().sort());
  for (const m of extraRepresentationMeasures()) {
    for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) {
      const want = MEASURES[m](data[a], data[b], n, d);
      assert.ok(Math.abs(result.matrices[m][0][a * R + b] - want) < 1e-12, `${m} (${a}, ${b})`);
    }
  }
  const layered = (r: number, l: number) => (l === 0 ? data[r] : add(data[r], gaussian(n, d, 500 + r, 0.2)));
  const serial = representationMatrices(layered, R, n, d, [0, 1], { measures: ["rsa", "cka-rbf", "pwcca"], rbf: { threshold: 0.3 } });
  const parallel = await representationMatricesParallel(layered, R, n, d, [0, 1], { measures: ["rsa", "cka-rbf", "pwcca"], rbf: { threshold: 0.3 }, workers: 2 });
  for (const m of ["rsa", "cka-rbf", "pwcca"] as const) for (const l of [0, 1]) assert.deepEqual(parallel.matrices[m][l], serial.matrices[m][l], `${m} layer ${l}`);
  assert.ok(Math.abs(serial.matrices["cka-rbf"][0][1] - rbfCkaDistance(data[0], data[1], n, d, d, { threshold: 0.3 })) < 1e-12, "the RBF threshold reaches the workers");
  assert.throws(() => prepareLayer(x, n, d, { measures: ["nope" as never] }), /unknown representation measure 'nope'/);
  const p = prepareLayer(x, n, d, { measures: ["op-angular"] });
  assert.ok(preparedDistance(p, p, "op-angular") < 1e-6);
});

test("a layer constant across examples is undefined for each measure, with the reason (measures/degenerate.ts)", () => {
  const constant = new Float64Array(n * d).map((_, i) => (i % d) / d);
  for (const m of extraRepresentationMeasures()) {
    const p = prepareLayer(constant, n, d, { measures: [m], what: "run a, layer 0" });
    assert.match(p.degenerate?.[m] ?? "", /constant across examples/, m);
  }
});

test("RSA: an example whose hidden state is the same in every feature makes the layer undefined (NaN pairs), not an error", () => {
  const x = gaussian(n, d, 11);
  for (let k = 0; k < d; k++) x[2 * d + k] = 0.5; // example 2: one value in every feature
  const p = prepareLayer(x, n, d, { measures: ["rsa", "cka"], what: "run a, layer 0" });
  assert.match(p.degenerate?.rsa ?? "", /example 2's hidden state is constant across features/);
  assert.equal(p.degenerate?.cka, undefined, "the other measures of the layer are unaffected");
});
