// I_mKNN and I_CKNNA (measures/knnAlignment.ts) against a NumPy implementation written from
// platonic-rep's definitions (dense n × n masks, argsort for the neighbours, the unbiased HSIC
// formula as written), and their properties: 0 for identical runs, symmetric, invariant to
// rotations and isotropic scaling, not to a general linear map. Also the registration: through
// representationMatrices (serial and parallel), with degenerate runs as NaN pairs, and --knn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_NUMPY, pythonWithNumpy, runPython } from "../helpers/python";
import { writeNpy } from "../../src/runs/npy";
import { loadRuns } from "../../src/runs";
import { cknnaDistance, measureRuns, mutualKnnDistance, prepareLayer, representationMatrices, representationMatricesParallel } from "../../src/measures";
import { add, gaussian, matmul, randomOrthogonal } from "./fixtures";
import { mkdtemp } from "../helpers/tempDir";
import { writeRandomRuns } from "../helpers/randomRuns";

const REFERENCE = String.raw`
import sys, json
import numpy as np
X = np.load(sys.argv[1]); Y = np.load(sys.argv[2]); k = int(sys.argv[3])

def normalise(F):
    return F / np.linalg.norm(F, axis=1, keepdims=True)

def knn_mask(K, k):
    # k largest off-diagonal similarities per row; a stable sort keeps the lower index on ties
    n = K.shape[0]; H = K.copy(); np.fill_diagonal(H, -np.inf)
    idx = np.argsort(-H, axis=1, kind="stable")[:, :k]
    M = np.zeros((n, n)); M[np.arange(n)[:, None], idx] = 1.0
    return M

def hsic_unbiased(K, L):
    m = K.shape[0]; K = K.copy(); L = L.copy(); np.fill_diagonal(K, 0); np.fill_diagonal(L, 0)
    return (np.sum(K * L.T) + K.sum() * L.sum() / ((m - 1) * (m - 2)) - 2 * np.sum(K @ L) / (m - 2)) / (m * (m - 3))

A, B = normalise(X), normalise(Y)
K, L = A @ A.T, B @ B.T
MK, ML = knn_mask(K, k), knn_mask(L, k)
mutual = np.mean(np.sum(MK * ML, axis=1) / k)
def s(K1, L1, M):
    return hsic_unbiased(M * K1, M * L1)
kl, lk = s(K, L, MK * ML), s(L, K, MK * ML)
norm = np.sqrt(s(K, K, MK) * s(L, L, ML))
print(json.dumps({"mknn": 1 - mutual, "cknna_xy": 1 - kl / norm, "cknna_yx": 1 - lk / norm}))
`;

const noNumpy = !pythonWithNumpy() && NO_NUMPY;

function reference(x: Float64Array, y: Float64Array, n: number, dx: number, dy: number, k: number): { mknn: number; cknna_xy: number; cknna_yx: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "knn-np-"));
  try {
    writeNpy(path.join(dir, "x.npy"), x, [n, dx]);
    writeNpy(path.join(dir, "y.npy"), y, [n, dy]);
    return JSON.parse(runPython(REFERENCE, [path.join(dir, "x.npy"), path.join(dir, "y.npy"), String(k)]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const [label, n, dx, dy, k, noise] of [
  ["related, n > d, k 10", 80, 12, 12, 10, 0.6],
  ["related, n < d, different widths, k 5", 30, 50, 40, 5, 0.3],
  ["independent, k 3", 40, 8, 8, 3, -1],
] as const) {
  test(`mknn and cknna agree with NumPy (${label}); cknna is the mean of platonic-rep's two argument orders`, { skip: noNumpy }, () => {
    const x = gaussian(n, dx, 7);
    const y = noise < 0 ? gaussian(n, dy, 8) : add(matmul(x, gaussian(dx, dy, 9), n, dx, dy), gaussian(n, dy, 10, noise));
    const ref = reference(x, y, n, dx, dy, k);
    assert.ok(Math.abs(mutualKnnDistance(x, y, n, dx, dy, k) - ref.mknn) < 1e-12, `mknn ${mutualKnnDistance(x, y, n, dx, dy, k)} vs ${ref.mknn}`);
    const ours = cknnaDistance(x, y, n, dx, dy, k);
    assert.ok(Math.abs(ours - (ref.cknna_xy + ref.cknna_yx) / 2) < 1e-10, `cknna ${ours} vs ${(ref.cknna_xy + ref.cknna_yx) / 2}`);
    assert.ok(Math.abs(cknnaDistance(y, x, n, dy, dx, k) - ours) < 1e-12, "symmetric");
  });
}

test("properties: identity 0, symmetry, invariance to rotation and isotropic scaling, not to a general linear map", () => {
  const n = 60;
  const d = 10;
  const x = gaussian(n, d, 21);
  const y = add(x, gaussian(n, d, 22, 0.8));
  const q = randomOrthogonal(d, 23);
  const rotated = matmul(x, q, n, d, d).map((v) => 3.7 * v);
  const stretched = matmul(x, Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? (i < d * d / 2 ? 8 : 0.2) : 0.3 * Math.sin(i))), n, d, d);
  for (const [name, f] of [["mknn", mutualKnnDistance], ["cknna", cknnaDistance]] as const) {
    assert.ok(Math.abs(f(x, x, n, d)) < 1e-12, `${name}(X, X) = ${f(x, x, n, d)}`);
    assert.ok(Math.abs(f(x, y, n, d) - f(y, x, n, d)) < 1e-12, `${name} symmetric`);
    assert.ok(f(x, y, n, d) > 0.05, `${name}(X, X + noise) = ${f(x, y, n, d)}`);
    assert.ok(Math.abs(f(rotated, y, n, d) - f(x, y, n, d)) < 1e-9, `${name} invariant to 3.7·XQ`);
    assert.ok(Math.abs(f(stretched, y, n, d) - f(x, y, n, d)) > 1e-3, `${name} changes under a general linear map`);
  }
});

test("registered: representationMatrices serial and parallel give the pair values, degenerate runs are NaN pairs, --knn checks", async () => {
  const n = 30;
  const d = 6;
  const runs = [gaussian(n, d, 31), gaussian(n, d, 32), gaussian(n, d, 33)];
  const at = (r: number) => runs[r];
  const serial = representationMatrices(at, 3, n, d, [0], { measures: ["mknn", "cknna"], knn: 4 });
  const parallel = await representationMatricesParallel(at, 3, n, d, [0, 0], { measures: ["mknn", "cknna"], knn: 4, workers: 2 });
  assert.ok(Math.abs(serial.matrices.cknna[0][1] - cknnaDistance(runs[0], runs[1], n, d, d, 4)) < 1e-15);
  assert.ok(Math.abs(serial.matrices.mknn[0][2 * 3 + 1] - mutualKnnDistance(runs[2], runs[1], n, d, d, 4)) < 1e-15);
  assert.deepEqual(parallel.matrices.mknn[0], serial.matrices.mknn[0]);
  const constant = new Float64Array(n * d).fill(1.5);
  const p = prepareLayer(constant, n, d, { measures: ["mknn", "cknna"], what: "run c, layer 2" });
  assert.match(p.degenerate?.mknn ?? "", /same similarity/);
  assert.match(p.degenerate?.cknna ?? "", /same similarity/);
  assert.throws(() => prepareLayer(gaussian(n, d, 1), n, d, { measures: ["mknn"], knn: 30 }), /k = 30 neighbours but only 30 examples; use --knn below 30/);

  const dir = mkdtemp("knn-cli-");
  writeRandomRuns(dir, { runs: 3, n: 40, hidden: { layers: 3, width: 8 } });
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(__dirname, "..", "..", "src", "cli", "main.js"), "measure", dir, ...args], { encoding: "utf8" });
  const r = cli("--json", "--measures", "cka,mknn,cknna", "--knn", "5");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const lib = measureRuns(loadRuns(dir), { measures: ["mknn"], knn: 5 });
  assert.deepEqual(out.representation.mknn, lib.representation!.mknn);
  assert.ok(out.representation.mknn.every((v: number) => v > 0 && v < 1));
  assert.match(cli("--knn", "1", "--measures", "mknn").stderr, /--knn '1': use a whole number ≥ 2/);
  assert.match(cli("--knn", "5").stderr, /--knn given but --measures has neither mknn nor cknna/);
});
