// The optional representation measures (PWCCA, RBF / biased linear CKA, θ_OP, RSA) against
// straightforward NumPy implementations written from the papers' definitions (d-space SVDs, the
// full kernel matrices, NumPy's own ranking), in float64. Ours work from N×N Gram matrices and
// per-run preparations, so agreement checks the algebra as well as the code. The reference also
// computes the Kornblith et al. demo's feature-space debiased linear CKA, which must equal I_CKA.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_NUMPY, pythonWithNumpy, runPython } from "../helpers/python";
import { writeNpy } from "../../src/runs/npy";
import {
  biasedLinearCkaDistance,
  linearCkaDistance,
  procrustesAngleDistance,
  pwccaDistance,
  rbfCkaDistance,
  rsaDistance,
} from "../../src/measures";
import { add, gaussian, matmul } from "./fixtures";

const REFERENCE = String.raw`
import sys, json
import numpy as np
X = np.load(sys.argv[1]); Y = np.load(sys.argv[2]); threshold = float(sys.argv[3])

def centre(K):
    n = K.shape[0]; H = np.eye(n) - np.ones((n, n)) / n
    return H @ K @ H

def cka_biased(K, L):
    K = centre(K); L = centre(L)
    return (K * L).sum() / (np.linalg.norm(K) * np.linalg.norm(L))

def rbf(X):
    sq = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)   # explicit differences, not the Gram trick
    return np.exp(-sq / (2 * threshold ** 2 * np.median(sq)))

def debiased_feature_cka(X, Y):
    # Song et al.'s unbiased HSIC in feature space (the demo's feature_space_linear_cka, debiased)
    n = X.shape[0]; X = X - X.mean(0); Y = Y - Y.mean(0)
    def hsic(A, B):
        K = A @ A.T; L = B @ B.T; np.fill_diagonal(K, 0); np.fill_diagonal(L, 0)
        one = np.ones(n)
        return (np.trace(K @ L) + (one @ K @ one) * (one @ L @ one) / ((n - 1) * (n - 2)) - 2 * (one @ K @ L @ one) / (n - 2)) / (n * (n - 3))
    return hsic(X, Y) / np.sqrt(hsic(X, X) * hsic(Y, Y))

def angular(X, Y):
    X = X - X.mean(0); Y = Y - Y.mean(0)
    U, s, Vt = np.linalg.svd(X.T @ Y, full_matrices=False)
    Q = U @ Vt                              # the optimal rotation of Y onto X
    c = (X * (Y @ Q.T)).sum() / (np.linalg.norm(X) * np.linalg.norm(Y))
    return np.arccos(np.clip(c, -1, 1))

def rankdata(a):
    order = np.argsort(a, kind="mergesort"); r = np.empty(len(a)); r[order] = np.arange(1, len(a) + 1)
    _, inv = np.unique(a, return_inverse=True)
    return (np.bincount(inv, r) / np.bincount(inv))[inv]

def rsa(X, Y):
    iu = np.triu_indices(X.shape[0], 1)
    a = (1 - np.corrcoef(X))[iu]; b = (1 - np.corrcoef(Y))[iu]
    return np.corrcoef(rankdata(a), rankdata(b))[0, 1]

def reduce(X):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    c = np.cumsum(s) / s.sum(); k = max(int((c <= 0.99).sum()), 1)
    return X @ Vt[:k].T

def pwcca(X, Y):
    A = reduce(X); B = reduce(Y)
    if A.shape[1] > B.shape[1]: A, B = B, A          # weights from the side with fewer neurons
    A = A - A.mean(0); B = B - B.mean(0)
    Ua, sa, _ = np.linalg.svd(A, full_matrices=False); Ua = Ua[:, sa > 1e-10 * sa[0]]
    Ub, sb, _ = np.linalg.svd(B, full_matrices=False); Ub = Ub[:, sb > 1e-10 * sb[0]]
    P, rho, _ = np.linalg.svd(Ua.T @ Ub)
    h = Ua @ P                                       # canonical variates of A, unit columns
    rho = np.concatenate([rho, np.zeros(h.shape[1] - len(rho))])
    alpha = np.abs(h.T @ A).sum(1)                   # Σ_j |<h_i, z_j>| over A's neurons
    return (alpha * np.clip(rho, 0, 1)).sum() / alpha.sum()

print(json.dumps({
    "cka-rbf": 1 - cka_biased(rbf(X), rbf(Y)),
    "cka-biased": 1 - cka_biased(X @ X.T, Y @ Y.T),
    "cka-debiased": 1 - debiased_feature_cka(X, Y),
    "op-angular": angular(X, Y),
    "rsa": 1 - rsa(X, Y),
    "pwcca": 1 - pwcca(X, Y),
}))
`;

const noNumpy = !pythonWithNumpy() && NO_NUMPY;

/**
 * `withPwcca`: compare PWCCA too. Only where the canonical correlations are distinct (n > k_x + k_y):
 * two kept spaces of N < 2k dimensions share directions with ρ = 1, and within such a repeated ρ
 * the canonical variates, hence PWCCA's weights, are any rotation (pwcca.ts), so no two
 * implementations need agree there.
 */
function compare(x: Float64Array, y: Float64Array, n: number, dx: number, dy: number, label: string, threshold = 0.5, withPwcca = true): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "extra-np-"));
  try {
    writeNpy(path.join(dir, "x.npy"), x, [n, dx]);
    writeNpy(path.join(dir, "y.npy"), y, [n, dy]);
    const ref = JSON.parse(runPython(REFERENCE, [path.join(dir, "x.npy"), path.join(dir, "y.npy"), String(threshold)]));
    const ours: Record<string, number> = {
      "cka-rbf": rbfCkaDistance(x, y, n, dx, dy, { threshold }),
      "cka-biased": biasedLinearCkaDistance(x, y, n, dx, dy),
      "cka-debiased": linearCkaDistance(x, y, n, dx, dy),
      "op-angular": procrustesAngleDistance(x, y, n, dx, dy),
      rsa: rsaDistance(x, y, n, dx, dy),
    };
    if (withPwcca) ours.pwcca = pwccaDistance(x, y, n, dx, dy);
    for (const k of Object.keys(ours)) {
      assert.ok(Number.isFinite(ref[k]), `${label} ${k}: numpy gave ${ref[k]}`);
      assert.ok(Math.abs(ours[k] - ref[k]) < 1e-6, `${label} ${k}: ours ${ours[k]} vs numpy ${ref[k]}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("extra measures agree with NumPy: independent Gaussians, N < d (PWCCA degenerate, left out)", { skip: noNumpy }, () => {
  compare(gaussian(40, 70, 1), gaussian(40, 70, 2), 40, 70, 70, "N<d", 0.5, false);
});

test("extra measures agree with NumPy: independent Gaussians, N > 2d", { skip: noNumpy }, () => {
  compare(gaussian(90, 30, 11), gaussian(90, 30, 12), 90, 30, 30, "N>2d", 0.2);
});

test("extra measures agree with NumPy: N > d, offset means, RBF threshold 1.0", { skip: noNumpy }, () => {
  const n = 60;
  const d = 25;
  const x = gaussian(n, d, 3).map((v, i) => v + (i % d) * 0.3);
  compare(x, add(x, gaussian(n, d, 4, 0.5)), n, d, d, "N>d", 1.0);
});

test("extra measures agree with NumPy: related low-rank signals with noise (different kept counts)", { skip: noNumpy }, () => {
  const n = 120;
  const d = 40;
  const signal = matmul(gaussian(n, 5, 5), gaussian(5, d, 6), n, 5, d);
  const x = add(signal, gaussian(n, d, 7, 0.1));
  const y = add(matmul(signal, gaussian(d, d, 8, 1 / Math.sqrt(d)), n, d, d), gaussian(n, d, 9, 0.3));
  compare(x, y, n, d, d, "low-rank");
  compare(y, x, n, d, d, "low-rank, swapped");
});

test("extra measures agree with NumPy: different widths", { skip: noNumpy }, () => {
  const n = 45;
  const x = gaussian(n, 64, 21);
  const y = add(matmul(x, gaussian(64, 12, 22, 0.2), n, 64, 12), gaussian(n, 12, 23, 0.5));
  compare(x, y, n, 64, 12, "widths 64/12", 0.5, false);
  const n2 = 100;
  const x2 = gaussian(n2, 30, 24);
  const y2 = add(matmul(x2, gaussian(30, 12, 25, 0.2), n2, 30, 12), gaussian(n2, 12, 26, 0.5));
  compare(x2, y2, n2, 30, 12, "widths 30/12");
  compare(y2, x2, n2, 12, 30, "widths 12/30");
});
