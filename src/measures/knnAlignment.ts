// I_mKNN and I_CKNNA: 1 − the mutual k-nearest-neighbour alignment and 1 − CKNNA of Huh et al.
// (2024, "The Platonic Representation Hypothesis"), as platonic-rep's metrics.py defines them:
// rows L2-normalised, similarity = inner product, each example's k nearest neighbours taken
// among the other examples (self excluded; ties: the lower example index).
//   mutual k-NN = mean over examples i of |N_X(i) ∩ N_Y(i)| / k.
//   CKNNA = s(K, L) / √(s(K, K)·s(L, L)), s(K, L) = HSIC_unbiased(M∘K, M∘L) with M_ij = 1 when j
//   is among i's k nearest neighbours in both runs, K, L the normalised Gram matrices, and
//   HSIC_unbiased Song et al.'s estimator (platonic-rep's hsic_unbiased).
// Two departures, both for the pair matrix to be a distance like the others: metrics.py's s(K, L)
// is not symmetric in its arguments (its 1ᵀAB1 term, A = M∘K and B = M∘L being non-symmetric
// matrices), so the pair value is the mean of both orders (i.e. that term is ½(1ᵀAB1 + 1ᵀBA1));
// and the 1e-6 metrics.py adds to the denominator is left out, so that identical runs give 0
// (a run whose s(K, K) ≤ 0 is degenerate instead: its pairs are NaN, measures/degenerate.ts).
// Per run: its neighbour lists and their similarities (O(n²d) for the Gram matrix, shared with
// the other measures); per pair: O(n·k) merges of sorted lists, never an n × n matrix.
import { DegenerateRepresentation } from "./degenerate";
import { gram } from "./linalg";
import type { MeasureDefinition, MeasureOption, Preparation } from "./measureDefinition";

export const DEFAULT_KNN = 10;

export interface KnnPrepared {
  n: number;
  k: number;
  /** Row i: the indices of i's k nearest neighbours, ascending (n × k). */
  neighbours: Int32Array;
  /** The normalised similarity of i to each of those neighbours, aligned with `neighbours`. */
  similarity: Float64Array;
  /** s(K, K) of CKNNA (NaN when not positive: CKNNA is then undefined for this run). */
  selfCknna: number;
}

/** Checks k against n (CKNNA's estimator needs n ≥ 4, platonic-rep's cknna k ≥ 2). */
export function checkKnn(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k-NN measures: k = ${k}; use a whole number ≥ 2 (--knn K, default ${DEFAULT_KNN})`);
  if (n < 4) throw new RangeError(`k-NN measures need at least 4 examples (CKNNA's unbiased HSIC), got ${n}`);
  if (k >= n) throw new RangeError(`k-NN measures: k = ${k} neighbours but only ${n} examples; use --knn below ${n}`);
}

/** Prepares one run from its Gram matrix X·Xᵀ ([n, n]): normalises it and finds the neighbours. */
export function prepareKnn(gramMatrix: Float64Array, n: number, k: number = DEFAULT_KNN, what = "representation"): KnnPrepared {
  checkKnn(k, n);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    norms[i] = Math.sqrt(gramMatrix[i * n + i]);
    if (!(norms[i] > 0)) throw new DegenerateRepresentation(what, `example ${i}'s hidden state is zero (no direction to normalise)`, "the k-NN alignment");
  }
  const neighbours = new Int32Array(n * k);
  const similarity = new Float64Array(n * k);
  const best = new Int32Array(k);
  const bestValue = new Float64Array(k);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    let filled = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const v = gramMatrix[i * n + j] / (norms[i] * norms[j]);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      // Insertion into the k best so far, largest first; an equal value goes after (lower index wins ties).
      if (filled === k && !(v > bestValue[k - 1])) continue;
      let t = filled < k ? filled++ : k - 1;
      while (t > 0 && v > bestValue[t - 1]) {
        best[t] = best[t - 1];
        bestValue[t] = bestValue[t - 1];
        t--;
      }
      best[t] = j;
      bestValue[t] = v;
    }
    const order = Array.from({ length: k }, (_, t) => t).sort((a, b) => best[a] - best[b]);
    order.forEach((t, s) => ((neighbours[i * k + s] = best[t]), (similarity[i * k + s] = bestValue[t])));
  }
  if (!(hi - lo > 1e-12)) throw new DegenerateRepresentation(what, "every pair of examples has the same similarity (hidden states constant across examples), so nearest neighbours are arbitrary", "the k-NN alignment");
  const p: KnnPrepared = { n, k, neighbours, similarity, selfCknna: NaN };
  const self = maskedHsic(intersect(p, p));
  p.selfCknna = self > 0 ? self : NaN;
  return p;
}

/** The entries (i, j) with j a neighbour of i in both runs, row by row, with both runs' similarities. */
interface SharedNeighbours {
  n: number;
  /** Entries of row i: start[i] .. start[i + 1] − 1. */
  start: Int32Array;
  cols: Int32Array;
  a: Float64Array;
  b: Float64Array;
}

function intersect(x: KnnPrepared, y: KnnPrepared): SharedNeighbours {
  if (x.n !== y.n || x.k !== y.k) throw new RangeError(`k-NN measures compare the same examples and k: ${x.n} vs ${y.n} rows, k ${x.k} vs ${y.k}`);
  const { n, k } = x;
  const start = new Int32Array(n + 1);
  const cols = new Int32Array(n * k);
  const a = new Float64Array(n * k);
  const b = new Float64Array(n * k);
  let e = 0;
  for (let i = 0; i < n; i++) {
    start[i] = e;
    let s = i * k;
    let t = i * k;
    const sEnd = s + k;
    const tEnd = t + k;
    while (s < sEnd && t < tEnd) {
      const u = x.neighbours[s];
      const v = y.neighbours[t];
      if (u < v) s++;
      else if (v < u) t++;
      else ((cols[e] = u), (a[e] = x.similarity[s]), (b[e] = y.similarity[t]), e++, s++, t++);
    }
  }
  start[n] = e;
  return { n, start, cols, a, b };
}

/** Whether j → i is an entry (binary search in row j's sorted columns); its position or −1. */
function entryAt(m: SharedNeighbours, row: number, col: number): number {
  let lo = m.start[row];
  let hi = m.start[row + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m.cols[mid] === col) return mid;
    if (m.cols[mid] < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** ½(HSIC_u(A, B) + HSIC_u(B, A)) for A = M∘K, B = M∘L stored sparsely (zero diagonals). */
function maskedHsic(m: SharedNeighbours): number {
  const { n } = m;
  let trace = 0; // Σ_ij A_ij B_ji
  let sumA = 0;
  let sumB = 0;
  const colA = new Float64Array(n);
  const colB = new Float64Array(n);
  const rowA = new Float64Array(n);
  const rowB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let e = m.start[i]; e < m.start[i + 1]; e++) {
      const j = m.cols[e];
      sumA += m.a[e];
      sumB += m.b[e];
      rowA[i] += m.a[e];
      rowB[i] += m.b[e];
      colA[j] += m.a[e];
      colB[j] += m.b[e];
      const back = entryAt(m, j, i);
      if (back >= 0) trace += m.a[e] * m.b[back];
    }
  }
  let ab = 0; // ½(1ᵀAB1 + 1ᵀBA1)
  for (let l = 0; l < n; l++) ab += 0.5 * (colA[l] * rowB[l] + colB[l] * rowA[l]);
  return (trace + (sumA * sumB) / ((n - 1) * (n - 2)) - (2 * ab) / (n - 2)) / (n * (n - 3));
}

/** I_mKNN = 1 − mutual k-NN alignment between two prepared runs. */
export function mutualKnnFromPrepared(x: KnnPrepared, y: KnnPrepared): number {
  const shared = intersect(x, y);
  return 1 - shared.start[x.n] / (x.n * x.k);
}

/** I_CKNNA = 1 − CKNNA between two prepared runs (NaN when either run's s(K, K) ≤ 0). */
export function cknnaFromPrepared(x: KnnPrepared, y: KnnPrepared): number {
  if (Number.isNaN(x.selfCknna) || Number.isNaN(y.selfCknna)) return NaN;
  return 1 - maskedHsic(intersect(x, y)) / Math.sqrt(x.selfCknna * y.selfCknna);
}

function both(x: Float64Array, y: Float64Array, n: number, dx: number, dy: number, k: number): [KnnPrepared, KnnPrepared] {
  return [prepareKnn(gram(x, n, dx), n, k, "X"), prepareKnn(gram(y, n, dy), n, k, "Y")];
}

/** I_mKNN between X [n, dx] and Y [n, dy] (row-major). */
export function mutualKnnDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx, k = DEFAULT_KNN): number {
  return mutualKnnFromPrepared(...both(x, y, n, dx, dy, k));
}

/** I_CKNNA between X [n, dx] and Y [n, dy] (row-major). */
export function cknnaDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx, k = DEFAULT_KNN): number {
  return cknnaFromPrepared(...both(x, y, n, dx, dy, k));
}

/** --knn K: read into MeasureSettings.knn. */
export const KNN_OPTION: MeasureOption = {
  name: "knn",
  value: "K",
  help: `neighbours k of mknn and cknna (default ${DEFAULT_KNN})`,
  parse(text) {
    const k = Number(text);
    if (!(Number.isInteger(k) && k >= 2)) throw new RangeError("use a whole number ≥ 2 (the neighbours of mknn and cknna)");
    return k;
  },
};

/** Shared by mknn and cknna: the neighbour lists. */
const KNN_PREPARATION: Preparation<KnnPrepared> = { key: "knn", prepare: (l) => prepareKnn(l.gram, l.n, l.settings.knn, l.what) };

export const MKNN_MEASURE: MeasureDefinition = {
  id: "mknn",
  label: { html: "I<sub>mKNN</sub>", plain: "I_mKNN" },
  help: "1 − mutual k-NN alignment, Huh et al. 2024",
  representation: { preparation: KNN_PREPARATION, distance: mutualKnnFromPrepared },
  options: [KNN_OPTION],
};

export const CKNNA_MEASURE: MeasureDefinition = {
  id: "cknna",
  label: { html: "I<sub>CKNNA</sub>", plain: "I_CKNNA" },
  help: "1 − CKNNA, Huh et al. 2024",
  representation: {
    preparation: KNN_PREPARATION,
    distance: cknnaFromPrepared,
    undefinedReason: (p: KnnPrepared) => (Number.isNaN(p.selfCknna) ? "the masked kernel's unbiased HSIC with itself is not positive" : undefined),
  },
  options: [KNN_OPTION],
};
