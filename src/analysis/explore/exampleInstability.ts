// Per-example instability: which test examples the seeds disagree on. For example i with c_k of
// the R runs predicting class k, the share of run pairs that disagree on it is
//   disagreement_i = 1 − Σ_k c_k(c_k − 1) / (R(R − 1)),
// and its mean over examples is I_pwd exactly (both count every (pair, example) disagreement once;
// `disagreeingPairs` keeps the integer count, so the identity holds in integers too). Its mean JSD
// over run pairs averages to I_JSD the same way.
import { exampleJensenShannon } from "../../measures/jensenShannon";
import { predictionInputs } from "../../measures/runMeasures";
import type { RunSet } from "../../runs/runFolder";
import type { Row } from "../../util/row";
import { exampleTexts, type ExampleTexts, type TextOptions } from "./exampleTexts";

export interface ExampleRow {
  /** Index into the runs' test examples (0-based). */
  example: number;
  label: number;
  /** shares[k]: the share of runs predicting class k. */
  shares: number[];
  /** The class most runs predict (ties: the lower class). */
  majority: number;
  /** Mean softmax probability the runs give the majority class: its confidence. */
  confidence: number;
  /** Share of run pairs that disagree on this example. */
  disagreement: number;
  /** How many run pairs disagree on it (an integer). */
  disagreeingPairs: number;
  /** Mean Jensen–Shannon divergence of the runs' distributions on it, over run pairs. */
  jsd: number;
  text?: string;
}

export interface ExampleInstability {
  dir: string;
  runs: number;
  numClasses: number;
  rows: ExampleRow[];
  /** Where the texts came from, or why there are none. */
  texts: ExampleTexts;
}

/** One row per test example of `set` (R ≥ 2 runs), in the runs' example order. */
export function computeExampleInstability(set: RunSet, o: TextOptions & { texts?: boolean } = {}): ExampleInstability {
  const { preds, probs, labels, numClasses } = predictionInputs(set);
  const R = preds.length;
  if (R < 2) throw new RangeError(`per-example instability needs at least 2 runs, ${set.dir} has ${R}`);
  const pairs = (R * (R - 1)) / 2;
  const texts: ExampleTexts = o.texts === false ? { reason: "texts not asked for" } : exampleTexts(set, o);
  const counts = new Array<number>(numClasses);
  const rows: ExampleRow[] = [];
  for (let i = 0; i < set.n; i++) {
    counts.fill(0);
    for (let r = 0; r < R; r++) counts[preds[r][i]]++;
    let majority = 0;
    for (let k = 1; k < numClasses; k++) if (counts[k] > counts[majority]) majority = k;
    let agreeing = 0;
    for (const c of counts) agreeing += (c * (c - 1)) / 2;
    let confidence = 0;
    for (let r = 0; r < R; r++) confidence += probs[r][i * numClasses + majority];
    let jsd = 0;
    for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) jsd += exampleJensenShannon(probs[a], probs[b], i * numClasses, numClasses);
    rows.push({
      example: i,
      label: labels[i],
      shares: counts.map((c) => c / R),
      majority,
      confidence: confidence / R,
      disagreement: (pairs - agreeing) / pairs,
      disagreeingPairs: pairs - agreeing,
      jsd: jsd / pairs,
      ...(texts.texts ? { text: texts.texts[i] } : {}),
    });
  }
  return { dir: set.dir, runs: R, numClasses, rows, texts };
}

export const EXAMPLE_SORT_KEYS = ["example", "disagreement", "jsd", "confidence", "label", "majority"] as const;
export type ExampleSortKey = (typeof EXAMPLE_SORT_KEYS)[number];

/** A sorted copy: by `key`, descending unless `ascending`; ties keep the example order. */
export function sortExamples(rows: readonly ExampleRow[], key: ExampleSortKey = "disagreement", ascending = key === "example"): ExampleRow[] {
  if (!(EXAMPLE_SORT_KEYS as readonly string[]).includes(key)) throw new RangeError(`sort key '${key}': use ${EXAMPLE_SORT_KEYS.join(", ")}`);
  const sign = ascending ? 1 : -1;
  return [...rows].sort((a, b) => sign * (a[key] - b[key]) || a.example - b.example);
}

/** Flat rows for tables and CSV: one "share k" column per class. */
export function exampleTableRows(rows: readonly ExampleRow[]): Row[] {
  return rows.map((r) => ({
    example: r.example,
    label: r.label,
    ...Object.fromEntries(r.shares.map((s, k) => [`share ${k}`, s])),
    majority: r.majority,
    confidence: r.confidence,
    disagreement: r.disagreement,
    jsd: r.jsd,
    ...(r.text !== undefined ? { text: r.text } : {}),
  }));
}
