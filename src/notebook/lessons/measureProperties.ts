// Notebook 02's lesson as library code: the properties a measure of instability must have
// (identity, symmetry, invariance), SVCCA with fewer examples than dimensions, and Fleiss' κ
// under its two chance terms. Each check returns table rows; the sentences are written here
// from the numbers, so the notebook's cells only call these.
import * as m from "../../measures";
import { METHOD_SVCCA_BELOW_WIDTH, PAPER_KAPPA_PWD_PAIR } from "../../analysis/findings/paperNumbers";
import { label } from "../../runs/names";
import { curvesWithBaselines, pointsAndLine, type FigureSpec } from "../../viz";
import type { Row } from "../../util/row";
import { gaussianMatrix, rotateAndScale, scaleColumns, lowRankPlusNoise, toyPredictions } from "../toy";

type Distance = (x: Float64Array, y: Float64Array, n: number, d: number) => number;

/** The three representation measures, each a distance between two [n, d] row-major matrices. */
export const REPRESENTATION_DISTANCES: Readonly<Record<"svcca" | "op" | "cka", Distance>> = {
  svcca: m.svccaDistance,
  op: m.orthogonalProcrustesDistance,
  cka: m.linearCkaDistance,
};
type RepMeasure = keyof typeof REPRESENTATION_DISTANCES;
const REP = Object.keys(REPRESENTATION_DISTANCES) as RepMeasure[];

const yes = (holds: boolean) => (holds ? "yes" : "NO");

/** d(X, X) = 0 and d(X, Y) = d(Y, X) for each representation measure. */
export function identityAndSymmetry(x: Float64Array, y: Float64Array, n: number, d: number): Row[] {
  return REP.map((name) => {
    const f = REPRESENTATION_DISTANCES[name];
    const xx = f(x, x, n, d), xy = f(x, y, n, d), yx = f(y, x, n, d);
    return { measure: name, "d(X, X)": xx, "d(X, Y)": xy, "d(Y, X)": yx, "identity holds": yes(Math.abs(xx) < 1e-9), "symmetry holds": yes(Math.abs(xy - yx) < 1e-9) };
  });
}

/** Softmax-like outputs for toy predictions: each run's confidence varies deterministically with run and example. */
function toyProbabilities(preds: Int32Array[]): Float64Array[] {
  return preds.map((p, r) => Float64Array.from({ length: 2 * p.length }, (_, k) => {
    const margin = 0.6 + 0.3 * Math.sin(r + k);
    return p[Math.floor(k / 2)] === k % 2 ? 0.5 + margin / 2 : 0.5 - margin / 2;
  }));
}

/**
 * The prediction measures on `runs` toy runs: `runs` copies of one run must give 0, and the same
 * runs in another order the same value. Labels are run 0's predictions (any fixed labels would do).
 */
export function predictionIdentityAndOrder(o: { runs: number; n: number; flip: number; seed: number }): Row[] {
  const preds = toyPredictions(o);
  const probs = toyProbabilities(preds);
  const labels = preds[0];
  const measures: Record<string, (ps: Int32Array[], qs: Float64Array[]) => number> = {
    sd: (ps) => m.standardDeviation(ps.map((p) => m.accuracy(p, labels))),
    pwd: (ps) => m.pairwiseDisagreement(ps),
    kappa: (ps) => 1 - m.fleissKappa(ps, 2),
    jsd: (_ps, qs) => m.pairwiseJensenShannon(qs, 2),
  };
  const copies = { p: preds.map(() => preds[1]), q: probs.map(() => probs[1]) };
  const order = preds.map((_, i) => (i * 3 + 1) % preds.length); // a fixed permutation when gcd(3, runs) = 1
  if (new Set(order).size !== preds.length) throw new Error(`predictionIdentityAndOrder: runs must not be a multiple of 3 (got ${o.runs})`);
  return Object.entries(measures).map(([name, f]) => {
    const same = f(copies.p, copies.q), a = f(preds, probs), b = f(order.map((i) => preds[i]), order.map((i) => probs[i]));
    return { measure: name, [`${o.runs} copies of one run`]: same, [`${o.runs} runs`]: a, "same runs, shuffled": b, "identity holds": yes(Math.abs(same) < 1e-12), "order-free": yes(Math.abs(a - b) < 1e-12) };
  });
}

/** X against X·Q·scale (rotation + isotropic scaling) and against X·diag(s) (per-column scaling). */
export function invariance(x: Float64Array, y: Float64Array, n: number, d: number, o: { scale: number; rotationSeed: number; stretchSeed: number }): Row[] {
  const rotated = rotateAndScale(x, n, d, o.scale, o.rotationSeed);
  const stretched = scaleColumns(x, n, d, o.stretchSeed);
  const q = `X·Q·${o.scale}`;
  return REP.map((name) => {
    const f = REPRESENTATION_DISTANCES[name];
    const r = { [`d(X, ${q})`]: f(x, rotated, n, d), "d(X, X·diag(s))": f(x, stretched, n, d), "d(X, Y)": f(x, y, n, d), [`d(${q}, Y)`]: f(rotated, y, n, d) };
    const invisible = Math.abs(r[`d(X, ${q})`]) < 1e-8 && Math.abs(r["d(X, Y)"] - r[`d(${q}, Y)`]) < 1e-8;
    return { measure: name, ...r, "rotation + scaling invisible": yes(invisible) };
  });
}

export interface SvccaBelowWidth {
  n: number;
  d: number;
  /** Noise / signal (Frobenius norms) of the noisy copies. */
  levels: number[];
  /** Two independent Gaussian n×d matrices. */
  unrelated: Record<RepMeasure, number>;
  /** Two noisy, rotated copies of one low-rank signal, per noise level. */
  related: Record<RepMeasure, number>[];
}

/** method.md §5.5's experiment: the three measures on unrelated matrices and on noisy copies of one signal. */
export function svccaBelowWidth(o: { n?: number; d?: number; rank?: number; levels?: number[]; seed?: number } = {}): SvccaBelowWidth {
  const n = o.n ?? METHOD_SVCCA_BELOW_WIDTH.n, d = o.d ?? METHOD_SVCCA_BELOW_WIDTH.d;
  const levels = o.levels ?? [0.01, 0.02, 0.05, 0.1, 0.3, 1, 3];
  const seed = o.seed ?? 21;
  const all3 = (a: Float64Array, b: Float64Array) => Object.fromEntries(REP.map((k) => [k, REPRESENTATION_DISTANCES[k](a, b, n, d)])) as Record<RepMeasure, number>;
  const signal = lowRankPlusNoise(n, d, o.rank ?? METHOD_SVCCA_BELOW_WIDTH.signalRank, 0, seed + 2);
  const frobenius = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  const signalNorm = frobenius(signal);
  const noisyCopy = (level: number, s: number) => {
    const noise = gaussianMatrix(n, d, s);
    const scale = (level * signalNorm) / frobenius(noise);
    return rotateAndScale(Float64Array.from(signal, (v, i) => v + scale * noise[i]), n, d, 1, s + 1);
  };
  return {
    n, d, levels,
    unrelated: all3(gaussianMatrix(n, d, seed), gaussianMatrix(n, d, seed + 1)),
    related: levels.map((level) => all3(noisyCopy(level, seed + 10), noisyCopy(level, seed + 20))),
  };
}

/** The experiment's table, with method.md's numbers beside ours. */
export function svccaBelowWidthTable(e: SvccaBelowWidth): Row[] {
  const ref = METHOD_SVCCA_BELOW_WIDTH;
  return [
    { pair: "independent Gaussian", "noise / signal": null, I_SVCCA: e.unrelated.svcca, "I_SVCCA in method.md": ref.independentGaussian, I_OP: e.unrelated.op, I_CKA: e.unrelated.cka },
    ...e.related.map((r, i) => ({ pair: `noisy rotated copies of a rank-${ref.signalRank} signal`, "noise / signal": e.levels[i], I_SVCCA: r.svcca, "I_SVCCA in method.md": ref.noisyRotatedCopies, I_OP: r.op, I_CKA: r.cka })),
  ];
}

/** Each measure against the copies' noise, with the unrelated pair as a dashed line. */
export function svccaBelowWidthFigure(e: SvccaBelowWidth): FigureSpec {
  return curvesWithBaselines({
    x: e.levels,
    curves: REP.map((k) => ({ name: `${label(k)}: noisy copies`, values: e.related.map((r) => r[k]), baseline: { name: `${label(k)}: independent`, value: e.unrelated[k] } })),
    logX: true,
    xTitle: "noise / signal (Frobenius norms) of the copies",
    yTitle: "Instability",
    title: `Related vs unrelated matrices, N = ${e.n} < d = ${e.d}`,
  });
}

/** What the experiment shows, against method.md's numbers. */
export function svccaBelowWidthSentence(e: SvccaBelowWidth): string {
  const ref = METHOD_SVCCA_BELOW_WIDTH;
  const svcca = e.related.map((r) => r.svcca);
  const closest = svcca.reduce((best, v, i) => (Math.abs(v - ref.noisyRotatedCopies) < Math.abs(svcca[best] - ref.noisyRotatedCopies) ? i : best), 0);
  const below = e.levels.filter((_, i) => svcca[i] <= e.unrelated.svcca * 1.05);
  return `Independent random matrices: I_SVCCA = ${e.unrelated.svcca.toFixed(3)} (method.md: about ${ref.independentGaussian}), while I_CKA = ${e.unrelated.cka.toFixed(3)} calls them ${e.unrelated.cka > 0.5 ? "very different" : "similar"}. ` +
    `Noisy copies: I_SVCCA ranges from ${Math.min(...svcca).toFixed(3)} to ${Math.max(...svcca).toFixed(3)}; ` +
    `the value closest to method.md's ${ref.noisyRotatedCopies} is ${svcca[closest].toFixed(3)}, at noise ${e.levels[closest]}. ` +
    (below.length
      ? `At noise ${below.join(", ")} SVCCA rates the related copies as no less similar than independent matrices: with N < d it reflects dimension counting more than similarity.`
      : `Every related pair scores above the independent pair here, unlike what method.md §5.5 leads one to expect.`);
}

export interface KappaChanceRow {
  "flip rate": number;
  "share of class 1": number;
  pwd: number;
  "I_κ textbook": number;
  "I_κ uniform-over-items": number;
  "I_pwd·N/(N−1)": number;
}

/** I_κ under both chance terms on toy run sets with different disagreement and class balance. */
export function kappaChanceTerms(o: { flips: number[]; positiveRates: number[]; runs: number; n: number }): KappaChanceRow[] {
  return o.flips.flatMap((flip) => o.positiveRates.map((positiveRate) => {
    const p = toyPredictions({ runs: o.runs, n: o.n, flip, positiveRate, seed: Math.round(1000 * flip + 10 * positiveRate) });
    const pwd = m.pairwiseDisagreement(p);
    return {
      "flip rate": flip, "share of class 1": positiveRate, pwd,
      "I_κ textbook": 1 - m.fleissKappa(p, 2),
      "I_κ uniform-over-items": 1 - m.fleissKappa(p, 2, { chance: "uniform-over-items" }),
      "I_pwd·N/(N−1)": (pwd * o.n) / (o.n - 1),
    };
  }));
}

/** I_κ against I_pwd under both chance terms, with the line I_pwd·N/(N−1). */
export function kappaChanceFigure(rows: KappaChanceRow[], n: number): FigureSpec {
  const pwd = rows.map((r) => r.pwd);
  return pointsAndLine({
    points: [
      { name: "uniform-over-items (P<sub>e</sub> = 1/N)", x: pwd, y: rows.map((r) => r["I_κ uniform-over-items"]) },
      { name: "textbook (P<sub>e</sub> = Σ p<sub>j</sub>²)", x: pwd, y: rows.map((r) => r["I_κ textbook"]), text: rows.map((r) => `share of class 1: ${r["share of class 1"]}`) },
    ],
    line: { name: "I<sub>pwd</sub>·N/(N−1)", slope: n / (n - 1) },
    xTitle: "I<sub>pwd</sub>",
    yTitle: "I<sub>κ</sub>",
    title: "I<sub>κ</sub> against I<sub>pwd</sub> under both chance terms",
  });
}

/** What the κ table shows: the uniform-over-items identity, the paper's reference pair, the textbook ratio. */
export function kappaChanceSentence(rows: KappaChanceRow[]): string {
  const ref = PAPER_KAPPA_PWD_PAIR;
  const maxGap = Math.max(...rows.map((r) => Math.abs(r["I_κ uniform-over-items"] - r["I_pwd·N/(N−1)"])));
  const ratios = rows.filter((r) => r["share of class 1"] === 0.5).map((r) => r["I_κ textbook"] / r.pwd);
  return `Uniform-over-items: the largest gap between I_κ and I_pwd·N/(N−1) over ${rows.length} run sets is ${maxGap.toExponential(1)}, ` +
    `so the identity ${maxGap < 1e-12 ? "holds to machine precision" : "does NOT hold"}. ` +
    `The reference pair checks too: ${ref.pwd}·${ref.n}/${ref.n - 1} = ${((ref.pwd * ref.n) / (ref.n - 1)).toFixed(5)} (reported I_κ: ${ref.kappa}). ` +
    (ratios.length ? `Textbook: for balanced predictions I_κ is ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} times I_pwd.` : "");
}
