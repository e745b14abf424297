// I_SVCCA: 1 − the mean canonical correlation after an SVD reduction that keeps the directions
// holding 99% of the sum of singular values (method.md §5.5).
//
// Canonical correlations depend only on the two column spaces: they are the cosines of the
// principal angles between span(Xc') and span(Yc'). So the per-run work is an eigendecomposition
// of the N×N Gram matrix X·Xᵀ = U·S²·Uᵀ (X·V_k = U_k·S_k, so span(X') = span(U_k)), then an
// orthonormal basis B of span(H·U_k) (H = centring) or of its orthogonal complement Z in R^N,
// whichever is smaller. A pair then needs the singular values of B_a·B_bᵀ, or, when the kept
// spaces are large (the usual case with N < d), of the much smaller Z_a·Z_bᵀ (cos² + sin² = 1
// because B and Z together span R^N). Only the eigenvectors of that smaller side are formed.
import { DegenerateRepresentation } from "./degenerate";
import { gram, rowDots, rowGram } from "./linalg";
import { symmetricEigenPartial, symmetricEigenvalues } from "./symmetricEigen";
import type { MeasureDefinition } from "./measureDefinition";

export interface SvccaOptions {
  /** Share of the sum of singular values to keep (default 0.99). */
  threshold?: number;
}

export interface SvccaPrepared {
  n: number;
  /** k: directions kept by the reduction (the denominator's min(k_x, k_y)). */
  kept: number;
  /** Dimension of the centred kept space (k, or k − 1 when the all-ones vector lies in span(U_k)). */
  rank: number;
  /** Orthonormal basis of span(H·U_k) as rows [rank, n], when rank ≤ n/2 (else null). */
  basis: Float64Array | null;
  /** Orthonormal basis of its orthogonal complement in R^n, rows [n − rank, n], when rank > n/2 (else null). */
  complement: Float64Array | null;
}

/** Count kept by the 0.99 rule from singular values sorted largest first. */
export function svccaKeptCount(singularValues: ArrayLike<number>, threshold = 0.99): number {
  let total = 0;
  for (let i = 0; i < singularValues.length; i++) total += singularValues[i];
  let cum = 0;
  let k = 0;
  for (let i = 0; i < singularValues.length; i++) {
    cum += singularValues[i];
    if (cum / total <= threshold) k++;
    else break;
  }
  return Math.max(k, 1);
}

/**
 * Splits the orthonormal rows u[from..to) into (first) a unit vector proportional to their
 * component along 1 and (rest) an orthonormal basis of their span that is orthogonal to 1, by
 * the Householder reflection that maps v = u·1 onto a multiple of e_1.
 */
function splitAlongOnes(u: Float64Array, n: number, from: number, to: number): { along: Float64Array; alongWeight: number; rest: Float64Array[] } {
  const m = to - from;
  const v = new Float64Array(m);
  let vv = 0;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[(from + j) * n + i];
    v[j] = s;
    vv += s * s;
  }
  const norm = Math.sqrt(vv);
  const alpha = v[0] >= 0 ? -norm : norm;
  const h = Float64Array.from(v);
  h[0] -= alpha;
  const hh = h.reduce((a, b) => a + b * b, 0);
  const w = new Float64Array(n);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) w[i] += h[j] * u[(from + j) * n + i];
  const rows: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const row = u.slice((from + j) * n, (from + j + 1) * n);
    if (hh > 0) {
      const f = (2 * h[j]) / hh;
      for (let i = 0; i < n; i++) row[i] -= f * w[i];
    }
    rows.push(row);
  }
  // rows[0] is ±u·v/‖v‖ (along 1 as far as this span allows); rows[1..] have zero sum.
  return { along: rows[0], alongWeight: vv / n, rest: rows.slice(1) };
}

/** Per-run work for SVCCA, from the uncentred Gram matrix X·Xᵀ. */
export function prepareSvcca(gramMatrix: Float64Array, n: number, opts: SvccaOptions = {}, what = "representation"): SvccaPrepared {
  const eigen = symmetricEigenPartial(gramMatrix, n);
  const s = Array.from(eigen.values, (l) => Math.sqrt(Math.max(l, 0)));
  if (!(s[0] > 0)) throw new DegenerateRepresentation(what, "hidden states are all zero", "SVCCA");
  const kept = Math.min(svccaKeptCount(s, opts.threshold ?? 0.99), n);
  // Only the smaller side is needed (see canonicalCorrelationSum), and only its eigenvectors are
  // formed: the top k when k ≤ n/2 (low-rank layers), else the bottom n − k (the usual case).
  if (kept <= n - kept) {
    const top = splitAlongOnes(eigen.vectors(0, kept), n, 0, kept);
    const onesInKept = 1 - top.alongWeight < 1e-10; // 1 ∈ span(U_k): centring removes one dimension
    const basisRows = top.rest;
    if (!onesInKept) {
      // Centre the one direction that is not orthogonal to 1, and renormalise.
      const b = top.along;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += b[i];
      mean /= n;
      let nn = 0;
      for (let i = 0; i < n; i++) {
        b[i] -= mean;
        nn += b[i] * b[i];
      }
      const inv = 1 / Math.sqrt(nn);
      for (let i = 0; i < n; i++) b[i] *= inv;
      basisRows.unshift(b);
    }
    if (basisRows.length === 0) {
      throw new DegenerateRepresentation(what, "hidden states are constant across examples (zero variance after centring)", "SVCCA");
    }
    return { n, kept, rank: basisRows.length, basis: stack(basisRows, n), complement: null };
  }
  // span(U_k) ⊕ span(U_bottom) = R^n, so 1 ∈ span(U_k) exactly when U_bottom ⊥ 1.
  const bottom = splitAlongOnes(eigen.vectors(kept, n), n, 0, n - kept);
  const onesInKept = bottom.alongWeight < 1e-10;
  const ones = new Float64Array(n).fill(1 / Math.sqrt(n));
  const complementRows: Float64Array[] = [ones];
  if (onesInKept) complementRows.push(bottom.along);
  complementRows.push(...bottom.rest);
  return { n, kept, rank: n - complementRows.length, basis: null, complement: stack(complementRows, n) };
}

function stack(rows: Float64Array[], n: number): Float64Array {
  const out = new Float64Array(rows.length * n);
  rows.forEach((r, i) => out.set(r, i * n));
  return out;
}

/**
 * Sum of the canonical correlations (cosines of the principal angles) of two prepared runs. B is
 * an orthonormal basis of a centred kept space, Z one of its complement (B·Bᵀ + Z·Zᵀ = I); each
 * run holds whichever is smaller. With a the run of larger rank (r_a ≥ r_b, so r_b cosines):
 *  B_a, B_b: the cosines are σ(B_b·B_aᵀ);
 *  Z_a, B_b: the sines are σ(Z_a·B_bᵀ) (n − r_a of them; any further ones are 0);
 *  Z_a, Z_b: Z_a·B_bᵀ·B_b·Z_aᵀ = I − C·Cᵀ with C = Z_a·Z_bᵀ, so the squared cosines are σ(C)²;
 *  B_a, Z_b: B_a·B_bᵀ·B_b·B_aᵀ = I − D·Dᵀ with D = B_a·Z_bᵀ: squared cosines are 1 − eig(D·Dᵀ).
 */
function canonicalCorrelationSum(a: SvccaPrepared, b: SvccaPrepared): number {
  // Orient so that a has the larger space (ties: a holds a complement): there are b.rank correlations.
  if (a.rank < b.rank || (a.rank === b.rank && !a.complement && b.complement)) [a, b] = [b, a];
  const n = a.n;
  const rb = b.rank;
  if (a.complement && b.basis) {
    const m = n - a.rank;
    const w = rowDots(a.complement, m, b.basis, rb, n); // [m, rb]: sines
    const sines2 = symmetricEigenvalues(rowGram(w, m, rb), m);
    let sum = 0;
    for (let i = 0; i < rb; i++) {
      const s2 = i < m ? Math.min(Math.max(sines2[i], 0), 1) : 0;
      sum += Math.sqrt(1 - s2);
    }
    return sum;
  }
  if (a.complement && b.complement) {
    const ma = n - a.rank;
    const mb = n - rb;
    const c = rowDots(a.complement, ma, b.complement, mb, n); // [ma, mb]
    const cos2 = symmetricEigenvalues(rowGram(c, ma, mb), ma); // largest first; the smallest pair with the largest sines
    let sum = 0;
    for (let i = 0; i < rb; i++) sum += i < ma ? Math.sqrt(Math.min(Math.max(cos2[ma - 1 - i], 0), 1)) : 1;
    return sum;
  }
  if (a.basis && b.basis) {
    const c = rowDots(b.basis, rb, a.basis, a.rank, n); // [rb, ra]: cosines
    const cos2 = symmetricEigenvalues(rowGram(c, rb, a.rank), rb);
    let sum = 0;
    for (let i = 0; i < rb; i++) sum += Math.sqrt(Math.min(Math.max(cos2[i], 0), 1));
    return sum;
  }
  const ra = a.rank;
  const mb = n - rb;
  const dm = rowDots(a.basis!, ra, b.complement!, mb, n); // [ra, mb]
  const ev = symmetricEigenvalues(rowGram(dm, ra, mb), ra); // 1 − cos², largest first
  let sum = 0;
  for (let i = 0; i < rb; i++) sum += Math.sqrt(Math.min(Math.max(1 - ev[ra - 1 - i], 0), 1));
  return sum;
}

/** I_SVCCA between two prepared runs. */
export function svccaFromPrepared(a: SvccaPrepared, b: SvccaPrepared): number {
  if (a.n !== b.n) throw new RangeError(`SVCCA compares the same examples: ${a.n} vs ${b.n} rows`);
  return 1 - canonicalCorrelationSum(a, b) / Math.min(a.kept, b.kept);
}

/** I_SVCCA between X and Y, both [n, d] row-major (d may differ). */
export function svccaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx, opts: SvccaOptions = {}): number {
  return svccaFromPrepared(prepareSvcca(gram(x, n, dx), n, opts, "X"), prepareSvcca(gram(y, n, dy), n, opts, "Y"));
}

export const SVCCA_MEASURE: MeasureDefinition = {
  id: "svcca",
  label: { html: "I<sub>SVCCA</sub>", plain: "I_SVCCA" },
  aliases: ["svccaDistance"],
  paper: { name: "SVCCA", rank: 5 },
  help: "1 − mean canonical correlation of the SVD-reduced hidden states",
  representation: {
    preparation: { key: "svcca", prepare: (l) => prepareSvcca(l.gram, l.n, l.settings.svcca, l.what) },
    distance: svccaFromPrepared,
  },
};
