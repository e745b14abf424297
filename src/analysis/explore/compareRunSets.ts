// Is run set A more stable than run set B? The multibootstrap of MultiBERTs (Sellam et al. 2022):
// each resample draws seeds (runs) with replacement from each set and test examples with
// replacement — one draw of examples for both sets when they share their test examples (paired:
// an example's difficulty cancels), else one per set — and recomputes the mean task metric and
// each prediction measure on the drawn runs and examples. The difference A − B gets the 2.5th and
// 97.5th percentiles of its resamples as a 95% CI and a two-sided p = 2·min(share ≤ 0, share ≥ 0)
// (with +1 in numerator and denominator, so that p is never 0 from finitely many resamples).
// Pair measures average the pairs of distinct runs, as the findings' CIs do.
import { exampleJensenShannon } from "../../measures/jensenShannon";
import { fleissKappa } from "../../measures/fleissKappa";
import { predictionInputs } from "../../measures/runMeasures";
import { standardDeviation } from "../../measures/standardDeviation";
import { taskMetric, type TaskMetric } from "../../measures/taskMetrics";
import type { RunSet } from "../../runs/runFolder";
import { Random } from "../../util/random";
import { percentileInterval } from "../findings/ci";
import { recordedMetric } from "./runSetStatistics";

export const COMPARED = ["metric", "sd", "pwd", "kappa", "jsd"] as const;
export type Compared = (typeof COMPARED)[number];

export interface ComparedRow {
  quantity: Compared;
  a: number;
  b: number;
  difference: number;
  lower: number;
  upper: number;
  p: number;
}

export interface RunSetComparison {
  a: { dir: string; runs: number };
  b: { dir: string; runs: number };
  examples: number;
  /** Examples resampled once for both sets (they share their test examples). */
  paired: boolean;
  metric: TaskMetric;
  resamples: number;
  rows: ComparedRow[];
}

/** One run set's predictions, with every pair's per-example JSD computed once. */
interface Prepared {
  preds: Int32Array[];
  labels: Int32Array;
  numClasses: number;
  /** jsd[pairIndex(a, b)][i]. */
  jsd: Float64Array[];
}

function prepare(set: RunSet): Prepared {
  const { preds, probs, labels, numClasses } = predictionInputs(set);
  const R = preds.length;
  const jsd: Float64Array[] = [];
  for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) jsd.push(Float64Array.from({ length: set.n }, (_, i) => exampleJensenShannon(probs[a], probs[b], i * numClasses, numClasses)));
  return { preds, labels, numClasses, jsd };
}

function pairIndex(a: number, b: number, R: number): number {
  return a * R - (a * (a + 1)) / 2 + (b - a - 1);
}

/** The five quantities on runs `drawn` (repeats allowed) and examples `ex` (their counts in `weight`). */
function quantities(p: Prepared, metric: TaskMetric, drawn: number[], ex: Int32Array, weight: Float64Array): Record<Compared, number> {
  const R = p.preds.length;
  const N = ex.length;
  const scoreOf = new Map<number, number>();
  for (const r of drawn) if (!scoreOf.has(r)) scoreOf.set(r, taskMetric(metric, p.preds[r], p.labels, ex, p.numClasses));
  const scores = drawn.map((r) => scoreOf.get(r)!);
  const mult = new Map<number, number>();
  for (const r of drawn) mult.set(r, (mult.get(r) ?? 0) + 1);
  const runs = [...mult.keys()].sort((x, y) => x - y);
  // Pairs of positions holding distinct runs; positions holding one run always agree.
  let distinctPairs = 0;
  for (let s = 0; s < runs.length; s++) for (let t = s + 1; t < runs.length; t++) distinctPairs += mult.get(runs[s])! * mult.get(runs[t])!;
  const counts = new Int32Array(p.numClasses);
  let disagreeing = 0;
  for (let i = 0; i < p.labels.length; i++) {
    if (weight[i] === 0) continue;
    counts.fill(0);
    for (const r of drawn) counts[p.preds[r][i]]++;
    let same = 0;
    for (const c of counts) same += c * c;
    disagreeing += (weight[i] * (drawn.length * drawn.length - same)) / 2;
  }
  let jsd = 0;
  for (let s = 0; s < runs.length; s++) {
    for (let t = s + 1; t < runs.length; t++) {
      const row = p.jsd[pairIndex(runs[s], runs[t], R)];
      let dot = 0;
      for (let i = 0; i < row.length; i++) dot += weight[i] * row[i];
      jsd += mult.get(runs[s])! * mult.get(runs[t])! * dot;
    }
  }
  return {
    metric: scores.reduce((s, v) => s + v, 0) / scores.length,
    sd: standardDeviation(scores),
    pwd: distinctPairs ? disagreeing / (N * distinctPairs) : NaN,
    kappa: 1 - fleissKappa(drawn.map((r) => p.preds[r]), p.numClasses, { examples: ex }),
    jsd: distinctPairs ? jsd / (N * distinctPairs) : NaN,
  };
}

/** Whether two run sets measured the same test examples (same count and labels in the same order). */
export function shareExamples(a: RunSet, b: RunSet): boolean {
  const la = a.runs[0].labels;
  const lb = b.runs[0].labels;
  return la.length === lb.length && la.every((y, i) => y === lb[i]);
}

export interface CompareOptions {
  metric?: TaskMetric;
  /** Multibootstrap resamples (default 1000). */
  resamples?: number;
  seed?: number;
  /** Force unpaired example draws even when the examples are shared. */
  paired?: boolean;
}

function draw(rng: Random, n: number, size: number): number[] {
  return Array.from({ length: size }, () => rng.int(n));
}

function exampleDraw(rng: Random, n: number): { ex: Int32Array; weight: Float64Array } {
  const ex = Int32Array.from({ length: n }, () => rng.int(n));
  const weight = new Float64Array(n);
  for (const i of ex) weight[i]++;
  return { ex, weight };
}

/** The multibootstrap comparison of A − B for the mean task metric and the prediction measures. */
export function compareRunSets(a: RunSet, b: RunSet, o: CompareOptions = {}): RunSetComparison {
  if (a.runs.length < 2 || b.runs.length < 2) throw new RangeError(`comparing run sets needs at least 2 runs in each: ${a.dir} has ${a.runs.length}, ${b.dir} ${b.runs.length}`);
  if (a.numClasses !== b.numClasses) throw new RangeError(`${a.dir} has ${a.numClasses} classes and ${b.dir} ${b.numClasses}: compare runs of one task`);
  const shared = shareExamples(a, b);
  if (o.paired && !shared) throw new RangeError(`paired comparison asked for, but ${a.dir} and ${b.dir} do not share their test examples (count or labels differ)`);
  const paired = o.paired ?? shared;
  const metric = o.metric ?? recordedMetric(a);
  const resamples = o.resamples ?? 1000;
  const pa = prepare(a);
  const pb = prepare(b);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const whole = (n: number) => ({ ex: Int32Array.from(all(n)), weight: new Float64Array(n).fill(1) });
  const observedA = quantities(pa, metric, all(a.runs.length), whole(a.n).ex, whole(a.n).weight);
  const observedB = quantities(pb, metric, all(b.runs.length), whole(b.n).ex, whole(b.n).weight);
  const rng = new Random(o.seed ?? 0).fork("multibootstrap");
  const diffs = Object.fromEntries(COMPARED.map((q) => [q, [] as number[]])) as Record<Compared, number[]>;
  for (let t = 0; t < resamples; t++) {
    const exA = exampleDraw(rng, a.n);
    const exB = paired ? exA : exampleDraw(rng, b.n);
    const qa = quantities(pa, metric, draw(rng, a.runs.length, a.runs.length), exA.ex, exA.weight);
    const qb = quantities(pb, metric, draw(rng, b.runs.length, b.runs.length), exB.ex, exB.weight);
    for (const q of COMPARED) diffs[q].push(qa[q] - qb[q]);
  }
  const rows = COMPARED.map((q) => {
    const finite = diffs[q].filter(Number.isFinite);
    const below = finite.filter((d) => d <= 0).length;
    const above = finite.filter((d) => d >= 0).length;
    return { quantity: q, a: observedA[q], b: observedB[q], difference: observedA[q] - observedB[q], ...percentileInterval(finite), p: Math.min(1, (2 * (Math.min(below, above) + 1)) / (finite.length + 1)) };
  });
  return { a: { dir: a.dir, runs: a.runs.length }, b: { dir: b.dir, runs: b.runs.length }, examples: a.n, paired, metric, resamples, rows };
}
