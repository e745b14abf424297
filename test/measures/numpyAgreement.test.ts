// Agreement with an independent, straightforward NumPy implementation of method.md §5, on random
// data, to 1e-6 in float64. NumPy uses d×d / thin SVDs directly; ours uses N×N forms and per-run
// preparation, so agreement checks the algebra as well as the code.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_NUMPY, pythonWithNumpy, runPython } from "../helpers/python";
import { writeNpy } from "../../src/runs/npy";
import { linearCkaDistance, orthogonalProcrustesDistance, svccaDistance, fleissKappa, pairwiseDisagreement, pairwiseJensenShannon, predictions, softmax } from "../../src/measures";
import { add, gaussian, matmul } from "./fixtures";

const REFERENCE = String.raw`
import sys, json
import numpy as np
X = np.load(sys.argv[1]); Y = np.load(sys.argv[2])

def cka(X, Y):
    def uc(G):
        n = G.shape[0]; G = G.copy(); np.fill_diagonal(G, 0)
        mu = G.sum(0) / (n - 2); mu -= mu.sum() / (2 * (n - 1))
        G = G - mu[:, None] - mu[None, :]; np.fill_diagonal(G, 0); return G
    K = uc(X @ X.T); L = uc(Y @ Y.T)
    return 1 - (K * L).sum() / (np.linalg.norm(K) * np.linalg.norm(L))

def op(X, Y):
    X = X - X.mean(0); Y = Y - Y.mean(0)
    X = X / np.linalg.norm(X); Y = Y / np.linalg.norm(Y)
    return 1 - np.linalg.svd(X.T @ Y, compute_uv=False).sum()

def svcca(X, Y):
    def reduce(X):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        c = np.cumsum(s) / s.sum(); k = max(int((c <= 0.99).sum()), 1)
        return X @ Vt[:k].T, k
    Xp, kx = reduce(X); Yp, ky = reduce(Y)
    Ux = np.linalg.svd(Xp - Xp.mean(0), full_matrices=False)[0]
    Uy = np.linalg.svd(Yp - Yp.mean(0), full_matrices=False)[0]
    rho = np.linalg.svd(Ux.T @ Uy, compute_uv=False)
    return 1 - rho.sum() / min(kx, ky)

print(json.dumps({"cka": cka(X, Y), "op": op(X, Y), "svcca": svcca(X, Y)}))
`;

const PRED_REFERENCE = String.raw`
import sys, json
import numpy as np
logits = np.load(sys.argv[1])  # [R, n, C]
R, n, C = logits.shape
pred = logits.argmax(2)
p = np.exp(logits - logits.max(2, keepdims=True)); p /= p.sum(2, keepdims=True)
pairs = [(a, b) for a in range(R) for b in range(a + 1, R)]
pwd = np.mean([(pred[a] != pred[b]).mean() for a, b in pairs])
def kl(a, m):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a > 0, a * np.log(a / m), 0.0).sum(-1)
def jsd(a, b):
    m = (a + b) / 2
    return (0.5 * kl(a, m) + 0.5 * kl(b, m)).mean()
jsd_mean = np.mean([jsd(p[a], p[b]) for a, b in pairs])
counts = np.stack([(pred == j).sum(0) for j in range(C)], 1)  # [n, C]
P = ((counts ** 2).sum(1) - R) / (R * (R - 1)); Pbar = P.mean()
pj = counts.sum(0) / (n * R); Pe = (pj ** 2).sum()
print(json.dumps({"pwd": pwd, "jsd": jsd_mean, "kappa": (Pbar - Pe) / (1 - Pe), "kappa_uniform": (Pbar - 1 / n) / (1 - 1 / n)}))
`;

const noNumpy = !pythonWithNumpy() && NO_NUMPY;

function compareRepresentations(x: Float64Array, y: Float64Array, n: number, d: number, label: string, dy = d): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measures-np-"));
  try {
    writeNpy(path.join(dir, "x.npy"), x, [n, d]);
    writeNpy(path.join(dir, "y.npy"), y, [n, dy]);
    const ref = JSON.parse(runPython(REFERENCE, [path.join(dir, "x.npy"), path.join(dir, "y.npy")]));
    const ours = {
      cka: linearCkaDistance(x, y, n, d, dy),
      op: orthogonalProcrustesDistance(x, y, n, d, dy),
      svcca: svccaDistance(x, y, n, d, dy),
    };
    for (const k of ["cka", "op", "svcca"] as const) {
      assert.ok(Math.abs(ours[k] - ref[k]) < 1e-6, `${label} ${k}: ours ${ours[k]} vs numpy ${ref[k]}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("representation measures agree with NumPy: independent Gaussians, N < d", { skip: noNumpy }, () => {
  compareRepresentations(gaussian(40, 70, 1), gaussian(40, 70, 2), 40, 70, "N<d");
});

test("representation measures agree with NumPy: N > d, offset means", { skip: noNumpy }, () => {
  const n = 60;
  const d = 25;
  const x = gaussian(n, d, 3).map((v, i) => v + (i % d) * 0.3);
  const y = add(x, gaussian(n, d, 4, 0.5));
  compareRepresentations(x, y, n, d, "N>d");
});

test("representation measures agree with NumPy: related low-rank signals with noise", { skip: noNumpy }, () => {
  const n = 50;
  const d = 80;
  const signal = matmul(gaussian(n, 5, 5), gaussian(5, d, 6), n, 5, d);
  const x = add(signal, gaussian(n, d, 7, 0.1));
  const y = add(matmul(signal, gaussian(d, d, 8, 1 / Math.sqrt(d)), n, d, d), gaussian(n, d, 9, 0.3));
  compareRepresentations(x, y, n, d, "low-rank");
});

test("representation measures agree with NumPy: full-rank X (N < d) against low-rank Y (N > d)", { skip: noNumpy }, () => {
  // Exercises the mixed Procrustes path: a triangular factor on 1⊥ against a pivoted one.
  const n = 45;
  const x = gaussian(n, 64, 21);
  const y = add(matmul(x, gaussian(64, 12, 22, 0.2), n, 64, 12), gaussian(n, 12, 23, 0.5));
  compareRepresentations(x, y, n, 64, "mixed", 12);
  compareRepresentations(y, x, n, 12, "mixed, swapped", 64);
});

test("prediction measures agree with NumPy on random logits", { skip: noNumpy }, () => {
  const R = 6;
  const n = 57;
  const C = 3;
  const logits = gaussian(R * n, C, 11, 1.5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measures-np-"));
  try {
    writeNpy(path.join(dir, "logits.npy"), logits, [R, n, C]);
    const ref = JSON.parse(runPython(PRED_REFERENCE, [path.join(dir, "logits.npy")]));
    const runs = Array.from({ length: R }, (_, r) => logits.slice(r * n * C, (r + 1) * n * C));
    const preds = runs.map((l) => predictions(l, n, C));
    const probs = runs.map((l) => softmax(l, n, C));
    assert.ok(Math.abs(pairwiseDisagreement(preds) - ref.pwd) < 1e-12);
    assert.ok(Math.abs(pairwiseJensenShannon(probs, C) - ref.jsd) < 1e-12);
    assert.ok(Math.abs(fleissKappa(preds, C) - ref.kappa) < 1e-12);
    assert.ok(Math.abs(fleissKappa(preds, C, { chance: "uniform-over-items" }) - ref.kappa_uniform) < 1e-12);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
