// Insensitivity to sub-sampling (method.md §7.4): the Standard runs (seeds 0–9) measured again on
// random subsets of the test examples, the same subset for every run and pair within a
// repetition, and how far each measure moves from its value on all examples.
import type { RepresentationMeasure } from "../measures/representation";
import { fleissKappa, KappaChance } from "../measures/fleissKappa";
import { pairMean } from "../measures/pairs";
import { measureRunsDetailed } from "../measures/runMeasures";
import { standardDeviation } from "../measures/standardDeviation";
import { Random } from "../util/random";
import type { Row } from "../util/row";
import { toFrame, type DataFrame } from "./frame";
import { configurationName, ConfigMeasures, firstSeeds, RunStore } from "./store";
import { cachedSubsample, storeSubsample, subsamplingKey } from "./store";
import { CURVE_MEASURES, Skipped } from "./validity";

export const PREDICTION_MEASURES = ["sd", "kappa", "jsd", "pwd"] as const;

export interface SubsamplingOptions {
  /** Sample rates of the test examples (default [0.1, 0.5]). */
  rates?: number[];
  /** Repetitions per rate (default 4). */
  repetitions?: number;
  seed?: number;
  /** Runs of the first this many seeds (default 10). */
  seeds?: number;
}

export interface SubsamplingPanel {
  model: string;
  task: string;
  rate: number;
  examples: number;
  layers: number[];
  /** Per measure: repetitions × layers. */
  curves: { measure: RepresentationMeasure; repetitions: number[][]; full: number[] }[];
  /** Per prediction measure: one value per repetition. */
  pred: { measure: string; repetitions: number[]; full: number }[];
}

export interface Subsampling {
  /** model, task, rate, repetition, examples, measure, layer, value, full, deviation */
  rows: Row[];
  /** model, task, rate, examples, measure, full (top layer / value), maxAbsDeviation, relative */
  summary: Row[];
  panels: SubsamplingPanel[];
  skipped: Skipped[];
}

/** `count` distinct example indices out of n, sorted (so rate 1 gives the original order). */
export function sampleExamples(n: number, count: number, rng: Random): Int32Array {
  return Int32Array.from(rng.permutation(n).slice(0, count)).sort();
}

function fullValues(m: ConfigMeasures, runs: number[], chance?: KappaChance): { pred: Record<string, number>; curves: Partial<Record<RepresentationMeasure, number[]>> } {
  const R = m.runs.length;
  const pred = {
    sd: standardDeviation(m.scores, runs),
    kappa: 1 - fleissKappa(runs.map((i) => m.preds[i]), m.numClasses, { chance }),
    jsd: pairMean(m.jsd, R, runs),
    pwd: pairMean(m.pwd, R, runs),
  };
  const curves: Partial<Record<RepresentationMeasure, number[]>> = {};
  for (const k of m.representation?.measures ?? []) curves[k] = m.representation!.matrices[k].map((mat) => pairMean(mat, R, runs));
  return { pred, curves };
}

/** Per measure of a panel: its largest deviation over the repetitions, absolute and relative to its full value. */
function summaryRows(panel: SubsamplingPanel): Row[] {
  const { model, task, rate, examples } = panel;
  const rows: Row[] = [];
  for (const p of panel.pred) {
    const dev = Math.max(...p.repetitions.map((v) => Math.abs(v - p.full)));
    rows.push({ model, task, rate, examples, measure: p.measure, full: p.full, maxAbsDeviation: dev, relative: p.full !== 0 ? dev / Math.abs(p.full) : NaN });
  }
  for (const c of panel.curves) {
    const dev = Math.max(...c.repetitions.flatMap((rep) => rep.map((v, l) => Math.abs(v - c.full[l]))));
    const scale = Math.max(...c.full.map(Math.abs));
    rows.push({ model, task, rate, examples, measure: c.measure, full: c.full[c.full.length - 1], maxAbsDeviation: dev, relative: scale > 0 ? dev / scale : NaN });
  }
  return rows;
}

export function computeSubsampling(store: RunStore, opts: SubsamplingOptions = {}): Subsampling {
  const rates = opts.rates ?? [0.1, 0.5];
  const reps = opts.repetitions ?? 4;
  const out: Subsampling = { rows: [], summary: [], panels: [], skipped: [] };
  for (const { model, task } of store.modelTasks()) {
    const std = store.standard(model, task);
    if (!std) {
      out.skipped.push({ what: `${model}/${task}`, reason: "no Standard configuration with at least 2 runs" });
      continue;
    }
    const m = store.measures(std);
    const runs = firstSeeds(m, opts.seeds ?? 10);
    const chance = store.options.chance;
    const full = fullValues(m, runs, chance);
    const sampler = opts.seed ?? 0;
    const measured = CURVE_MEASURES.filter((k) => m.representation?.measures.includes(k));
    const keyOf = (rate: number, rep: number) => subsamplingKey(rate, rep, sampler, runs.map((i) => m.runs[i]));
    // Hidden states are read only when some repetition's curves are not cached (the store keeps
    // the Standard runs' from their measuring, so they are not read twice).
    const cache = store.loaded.representationCache(std, "best");
    const allCached = rates.every((rate) => Array.from({ length: reps }, (_, rep) => measured.every((k) => cachedSubsample(cache, keyOf(rate, rep), k))).every(Boolean));
    const set = store.runs(std, "best", { hidden: !allCached });
    // The seeds' runs; each repetition measures them on its examples (no copies of the hidden states).
    const seedRuns = { ...set, runs: runs.map((i) => set.runs[i]) };
    const canMeasure = set.layers !== undefined && m.layers.length > 0;
    let cacheChanged = false;
    for (const rate of rates) {
      if (!(rate > 0 && rate <= 1)) throw new RangeError(`sub-sampling rate ${rate} must be in (0, 1]`);
      const count = Math.floor(rate * m.n);
      if (count < 4) {
        out.skipped.push({ what: `${model}/${task} at rate ${rate}`, reason: `${count} examples; CKA needs at least 4` });
        continue;
      }
      const rng = new Random(sampler).fork(`subsample:${configurationName(std)}:${rate}`);
      const panel: SubsamplingPanel = {
        model,
        task,
        rate,
        examples: count,
        layers: m.layers,
        curves: CURVE_MEASURES.filter((k) => full.curves[k]).map((measure) => ({ measure, repetitions: [], full: full.curves[measure]! })),
        pred: PREDICTION_MEASURES.map((measure) => ({ measure, repetitions: [], full: full.pred[measure] })),
      };
      for (let rep = 0; rep < reps; rep++) {
        const examples = sampleExamples(m.n, count, rng);
        const key = keyOf(rate, rep);
        const missing = measured.filter((k) => !cachedSubsample(cache, key, k));
        const d = measureRunsDetailed(seedRuns, { metric: m.metric, chance, examples, layers: m.layers.length ? m.layers : undefined, representation: canMeasure && missing.length > 0, measures: missing });
        const curveOf = (k: RepresentationMeasure): number[] => {
          const values = cachedSubsample(cache, key, k) ?? d.report.representation?.[k];
          if (values && cache && !cachedSubsample(cache, key, k)) (storeSubsample(cache, key, k, values), (cacheChanged = true));
          return values ?? m.layers.map(() => NaN); // neither cached nor measurable (no hidden states)
        };
        const row = { model, task, rate, repetition: rep + 1, examples: count };
        for (const p of panel.pred) {
          const v = d.report.prediction[p.measure as keyof typeof d.report.prediction];
          p.repetitions.push(v);
          out.rows.push({ ...row, measure: p.measure, layer: null, value: v, full: p.full, deviation: v - p.full });
        }
        for (const c of panel.curves) {
          const values = curveOf(c.measure);
          c.repetitions.push(values);
          m.layers.forEach((layer, l) => out.rows.push({ ...row, measure: c.measure, layer, value: values[l], full: c.full[l], deviation: values[l] - c.full[l] }));
        }
      }
      out.summary.push(...summaryRows(panel));
      out.panels.push(panel);
    }
    if (cache && cacheChanged) store.loaded.saveRepresentationCache(std, cache);
  }
  return out;
}

export function subsampling(store: RunStore, opts: SubsamplingOptions = {}): DataFrame {
  return toFrame(computeSubsampling(store, opts).summary, ["model", "task", "rate", "examples", "measure", "full", "maxAbsDeviation", "relative"]);
}
