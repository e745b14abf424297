// The d×d forms of SVCCA, OP and CKA (used when d < n) give the same numbers as the n×n Gram
// forms, to 1e-9, on realistic and on awkward inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { prepareLayer, preparedDistance, REPRESENTATION_MEASURES, type MeasureForms } from "../../src/measures/representation";
import { gaussian, matmul } from "./fixtures";

function distances(x: Float64Array, y: Float64Array, n: number, d: number, forms: MeasureForms) {
  const a = prepareLayer(x, n, d, { forms });
  const b = prepareLayer(y, n, d, { forms });
  return Object.fromEntries(REPRESENTATION_MEASURES.map((m) => [m, preparedDistance(a, b, m)]));
}

/** Hidden-state-like data: a shared low-rank signal, run-specific noise, large per-feature offsets. */
function hiddenLike(n: number, d: number, rank: number, seed: number, shared: Float64Array): Float64Array {
  const noise = gaussian(n, d, seed, 0.3);
  const mix = matmul(shared, gaussian(rank, d, seed + 100), n, rank, d);
  const offsets = gaussian(1, d, seed + 200, 5);
  return Float64Array.from(mix, (v, i) => v + noise[i] + offsets[i % d]);
}

test("d×d forms equal the n×n forms to 1e-9 (n > d), and are used by default there", () => {
  for (const [n, d, seed] of [[120, 16, 1], [300, 24, 2], [65, 8, 3], [40, 39, 4]]) {
    const shared = gaussian(n, 6, seed + 50);
    const x = hiddenLike(n, d, 6, seed, shared);
    const y = hiddenLike(n, d, 6, seed + 7, shared);
    const g = distances(x, y, n, d, "gram");
    const f = distances(x, y, n, d, "features");
    for (const m of REPRESENTATION_MEASURES) assert.ok(Math.abs(g[m] - f[m]) < 1e-9, `n=${n} d=${d} ${m}: ${g[m]} vs ${f[m]}`);
    assert.ok(prepareLayer(x, n, d).features, "the d×d forms are the default when d < n");
    assert.equal(Boolean(prepareLayer(x, n, d, { measures: ["cka"] }).features), d * d <= n, "CKA alone: the cheaper form");
    assert.ok(!prepareLayer(x.subarray(0, d * d), d, d).features, "the Gram forms when n ≤ d");
  }
});

test("awkward inputs: identical runs, rank-deficient layers, a constant feature, and the same errors", () => {
  const n = 80, d = 10;
  const x = gaussian(n, d, 11);
  const f0 = distances(x, x, n, d, "features");
  for (const m of REPRESENTATION_MEASURES) assert.ok(Math.abs(f0[m]) < 1e-9, `${m} of a run with itself: ${f0[m]}`);
  // Rank 3 in 10 features, plus one constant feature (1 may then lie in the kept space).
  const low = matmul(gaussian(n, 3, 12), gaussian(3, d, 13), n, 3, d);
  for (let i = 0; i < n; i++) low[i * d + 9] = 2.5;
  const other = matmul(gaussian(n, 3, 14), gaussian(3, d, 15), n, 3, d);
  const g = distances(low, other, n, d, "gram");
  const f = distances(low, other, n, d, "features");
  for (const m of REPRESENTATION_MEASURES) assert.ok(Math.abs(g[m] - f[m]) < 1e-9, `${m}: ${g[m]} vs ${f[m]}`);
  const constant = new Float64Array(n * d).fill(1.5);
  // a constant layer is undefined for every measure in the d×d forms too (measures/degenerate.ts), with the same reasons
  assert.match(prepareLayer(constant, n, d, { forms: "features", measures: ["cka"] }).degenerate!.cka!, /centred Gram matrix is zero/);
  assert.match(prepareLayer(constant, n, d, { forms: "features", measures: ["op"] }).degenerate!.op!, /constant across examples/);
  assert.match(prepareLayer(constant, n, d, { forms: "features", measures: ["svcca"] }).degenerate!.svcca!, /constant across examples/);
});
