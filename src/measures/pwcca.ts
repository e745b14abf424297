// I_PWCCA: 1 − projection-weighted CCA (Morcos et al. 2018; google/svcca's pwcca.py), computed on
// the same SVD-reduced inputs as I_SVCCA (the directions holding 99% of the sum of singular
// values, svcca.ts), then centred.
//
// Weighting (as in pwcca.py): CCA of the reduced X' and Y' gives canonical correlations ρ_i and,
// on one side, canonical variates h_i (unit vectors over the examples, orthonormal). Each ρ_i is
// weighted by how much of that side's (reduced) neurons it accounts for,
//   α_i = Σ_j |⟨h_i, z_j⟩|,   z_j = the j-th reduced neuron's centred activations over examples,
// and PWCCA = Σ α_i·ρ_i / Σ α_i. The side is the one with fewer (reduced) neurons, the first run
// on a tie, as pwcca.py does; so PWCCA is symmetric except between runs keeping equally many
// directions, where it may differ slightly with the order (pair matrices use run a < run b).
// The reduced neurons of run X are the columns of X·V_k = U_k·S_k, so z_j = s_j·H·u_j.
//
// Caveat (true of PWCCA itself, not of this implementation): when two kept spaces are large
// relative to N (k_x + k_y > N, the usual case for N < d), they share directions with ρ = 1;
// within a repeated ρ the canonical variates are any rotation of each other, and the L1 weights
// α_i change with that choice, so PWCCA is then not uniquely defined (here: the eigenvectors
// symmetricEigen returns). SVCCA, which uses only the ρ_i, has no such ambiguity.
//
// Per run: the Gram eigendecomposition (as SVCCA), an orthonormal basis B of span(H·U_k) and the
// reduced neurons' coordinates C in it. A pair: M = B_s·B_oᵀ, the eigenvectors P of M·Mᵀ give
// h_i = (Pᵀ·B_s)_i with ρ_i² the eigenvalues, and α = row sums of |Pᵀ·C_s|.
import { DegenerateRepresentation } from "./degenerate";
import { gram, rowDots, rowGram } from "./linalg";
import { svccaKeptCount, SvccaOptions } from "./svcca";
import { symmetricEigen, symmetricEigenPartial } from "./symmetricEigen";
import type { MeasureDefinition } from "./measureDefinition";

export interface PwccaPrepared {
  n: number;
  /** k: reduced directions (neurons) kept. */
  kept: number;
  /** Dimension of the centred kept space (k, or less when centring removes a direction). */
  rank: number;
  /** Orthonormal basis of span(H·U_k) as rows [rank, n]. */
  basis: Float64Array;
  /** Coordinates of the centred reduced neurons in that basis: [rank, kept], column j = z_j. */
  coords: Float64Array;
}

/** Per-run work for PWCCA, from the uncentred Gram matrix X·Xᵀ. */
export function preparePwcca(gramMatrix: Float64Array, n: number, opts: SvccaOptions = {}, what = "representation"): PwccaPrepared {
  const eigen = symmetricEigenPartial(gramMatrix, n);
  const s = Array.from(eigen.values, (l) => Math.sqrt(Math.max(l, 0)));
  if (!(s[0] > 0)) throw new RangeError(`${what}: hidden states are all zero; PWCCA is undefined`);
  const k = Math.min(svccaKeptCount(s, opts.threshold ?? 0.99), n);
  // A = rows (H·u_j)ᵀ; its Gram matrix W·Λ·Wᵀ gives B = Λ^{-1/2}·Wᵀ·A and C = Λ^{1/2}·Wᵀ·S.
  const a = eigen.vectors(0, k);
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += a[j * n + i];
    mean /= n;
    for (let i = 0; i < n; i++) a[j * n + i] -= mean;
  }
  const g = symmetricEigen(rowGram(a, k, n), k);
  let rank = 0;
  while (rank < k && g.values[rank] > 1e-10) rank++; // Λ ≤ 1; a removed direction has λ ≈ 0
  if (rank === 0) {
    throw new DegenerateRepresentation(what, "hidden states are constant across examples (zero variance after centring)", "PWCCA");
  }
  const basis = new Float64Array(rank * n);
  const coords = new Float64Array(rank * k);
  for (let t = 0; t < rank; t++) {
    const w = g.vectors.subarray(t * k, (t + 1) * k); // row t = eigenvector t
    const root = Math.sqrt(g.values[t]);
    const row = basis.subarray(t * n, (t + 1) * n);
    for (let j = 0; j < k; j++) {
      const f = w[j] / root;
      if (f !== 0) for (let i = 0; i < n; i++) row[i] += f * a[j * n + i];
      coords[t * k + j] = root * w[j] * s[j];
    }
  }
  return { n, kept: k, rank, basis, coords };
}

/** I_PWCCA between two prepared runs (weights from the side with fewer kept directions; a on a tie). */
export function pwccaFromPrepared(a: PwccaPrepared, b: PwccaPrepared): number {
  if (a.n !== b.n) throw new RangeError(`PWCCA compares the same examples: ${a.n} vs ${b.n} rows`);
  const [side, other] = a.kept <= b.kept ? [a, b] : [b, a];
  const r = side.rank;
  const m = rowDots(side.basis, r, other.basis, other.rank, a.n); // [r, r_o]
  const eig = symmetricEigen(rowGram(m, r, other.rank), r); // ρ² and P (rows = eigenvectors)
  let num = 0;
  let den = 0;
  const k = side.kept;
  for (let i = 0; i < r; i++) {
    const rho = Math.sqrt(Math.min(Math.max(eig.values[i], 0), 1));
    let alpha = 0;
    for (let j = 0; j < k; j++) {
      let v = 0;
      for (let t = 0; t < r; t++) v += eig.vectors[i * r + t] * side.coords[t * k + j];
      alpha += Math.abs(v);
    }
    num += alpha * rho;
    den += alpha;
  }
  return 1 - num / den;
}

/** I_PWCCA between X and Y, both [n, d] row-major (d may differ); X's weights on a tie. */
export function pwccaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx, opts: SvccaOptions = {}): number {
  return pwccaFromPrepared(preparePwcca(gram(x, n, dx), n, opts, "X"), preparePwcca(gram(y, n, dy), n, opts, "Y"));
}

export const PWCCA_MEASURE: MeasureDefinition = {
  id: "pwcca",
  label: { html: "I<sub>PWCCA</sub>", plain: "I_PWCCA" },
  help: "projection-weighted CCA",
  representation: {
    preparation: { key: "pwcca", prepare: (l) => preparePwcca(l.gram, l.n, l.settings.svcca, l.what) },
    distance: pwccaFromPrepared,
  },
};
