// I_RSA: 1 − representational similarity analysis (Kriegeskorte et al. 2008) between two runs.
// Each run's representational dissimilarity matrix (RDM) over the examples uses the correlation
// distance 1 − Pearson r(x_i, x_j) between the hidden-state vectors of examples i and j (the
// usual RDM of RSA; r is taken over the d features). Two RDMs are compared by the Spearman rank
// correlation of their upper triangles (i < j; ties get their average rank), so
// I_RSA = 1 − ρ_s, range [0, 2], 0 for identical representations.
//
// Per run: the RDM from the Gram matrix and the row sums (no second pass over X), its ranks,
// centred and scaled to unit norm; a pair is then one dot product of length n(n − 1)/2.
import { DegenerateRepresentation } from "./degenerate";
import { dot, gram } from "./linalg";
import type { MeasureDefinition } from "./measureDefinition";

export interface RsaPrepared {
  n: number;
  /** Centred ranks of the RDM's upper triangle (row-major, i < j), unit Euclidean norm. */
  ranks: Float64Array;
}

/** Upper triangle (i < j, row-major) of the correlation-distance RDM, from X·Xᵀ and X's row sums. */
export function correlationRdm(gramMatrix: Float64Array, rowSums: ArrayLike<number>, n: number, d: number, what = "representation"): Float64Array {
  // Σ_k (x_ik − m_i)(x_jk − m_j) = G_ij − d·m_i·m_j with m_i the mean of row i.
  const mean = Float64Array.from({ length: n }, (_, i) => rowSums[i] / d);
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = gramMatrix[i * n + i] - d * mean[i] * mean[i];
    if (!(v > 1e-12 * gramMatrix[i * n + i])) {
      // Undefined, not an error: such a pair is NaN and named, as for the other measures (degenerate.ts).
      throw new DegenerateRepresentation(what, `example ${i}'s hidden state is constant across features (no correlation distance)`, "RSA");
    }
    sd[i] = Math.sqrt(v);
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) out[t++] = 1 - (gramMatrix[i * n + j] - d * mean[i] * mean[j]) / (sd[i] * sd[j]);
  }
  return out;
}

/** 1-based ranks of the values, ties sharing their average rank. */
export function averageRanks(values: Float64Array): Float64Array {
  const m = values.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(m);
  for (let s = 0; s < m; ) {
    let e = s + 1;
    while (e < m && values[order[e]] === values[order[s]]) e++;
    const r = (s + 1 + e) / 2; // mean of ranks s+1..e
    for (let t = s; t < e; t++) ranks[order[t]] = r;
    s = e;
  }
  return ranks;
}

/** Per-run work for RSA, from the Gram matrix X·Xᵀ and the row sums of X ([n, d]). */
export function prepareRsa(gramMatrix: Float64Array, rowSums: ArrayLike<number>, n: number, d: number, what = "representation"): RsaPrepared {
  if (n < 3) throw new RangeError(`RSA needs at least 3 examples (2 dissimilarities), got ${n}`);
  const rdm = correlationRdm(gramMatrix, rowSums, n, d, what);
  // Round-off makes a constant layer's RDM noise around 0 rather than exactly constant.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of rdm) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi - lo > 1e-10)) {
    throw new DegenerateRepresentation(what, "all dissimilarities between examples are equal (hidden states constant across examples)", "RSA");
  }
  const ranks = averageRanks(rdm);
  const m = ranks.length;
  const mid = (m + 1) / 2;
  for (let i = 0; i < m; i++) ranks[i] -= mid;
  const norm = Math.sqrt(dot(ranks, 0, ranks, 0, m));
  for (let i = 0; i < m; i++) ranks[i] /= norm;
  return { n, ranks };
}

/** I_RSA between two prepared runs. */
export function rsaFromPrepared(a: RsaPrepared, b: RsaPrepared): number {
  if (a.n !== b.n) throw new RangeError(`RSA compares the same examples: ${a.n} vs ${b.n} rows`);
  return 1 - dot(a.ranks, 0, b.ranks, 0, a.ranks.length);
}

/** Row sums of X [n, d]. */
export function rowSums(x: Float64Array, n: number, d: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < d; k++) v += x[i * d + k];
    s[i] = v;
  }
  return s;
}

/** I_RSA between X and Y, both [n, d] row-major (d may differ). */
export function rsaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx): number {
  return rsaFromPrepared(prepareRsa(gram(x, n, dx), rowSums(x, n, dx), n, dx, "X"), prepareRsa(gram(y, n, dy), rowSums(y, n, dy), n, dy, "Y"));
}

export const RSA_MEASURE: MeasureDefinition = {
  id: "rsa",
  label: { html: "I<sub>RSA</sub>", plain: "I_RSA" },
  help: "1 − Spearman of correlation-distance RDMs",
  representation: {
    preparation: { key: "rsa", prepare: (l) => prepareRsa(l.gram, rowSums(l.x, l.n, l.d), l.n, l.d, l.what) },
    distance: rsaFromPrepared,
  },
};
