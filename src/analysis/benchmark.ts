// Benchmarking the mitigation methods (method.md §7.1, §8 NB3/NB5): each measure ranks the
// methods of one (model, task); Kendall's τ-b compares the rankings of every two measures.
import { pairMean } from "../measures/pairs";
import type { Row } from "../util/row";
import { toFrame, type DataFrame } from "./frame";
import { kendallTauB, mean } from "./stats";
import { ConfigMeasures, RunStore } from "./store";
import type { Skipped } from "./validity";

/** The six measures of benchmarking and bootstrapping, in the paper's order. */
export const SIX_MEASURES = ["sd", "jsd", "kappa", "pwd", "cka", "op"] as const;
export type SixMeasure = (typeof SIX_MEASURES)[number];

/** The six measures of a configuration over runs `runs` (default all); CKA and OP at the top layer. */
export function sixMeasures(m: ConfigMeasures): Record<SixMeasure, number> {
  const R = m.runs.length;
  const top = (k: "cka" | "op") => {
    const mats = m.representation?.matrices[k];
    return mats && mats.length > 0 ? pairMean(mats[mats.length - 1], R) : NaN;
  };
  return { sd: m.prediction.sd, jsd: m.prediction.jsd, kappa: m.prediction.kappa, pwd: m.prediction.pwd, cka: top("cka"), op: top("op") };
}

export interface Benchmark {
  /** model, task, method, learningRate, runs, metric, mean, sd, jsd, kappa, pwd, cka, op, topLayer */
  rows: Row[];
  /** model, task, measureA, measureB, tau, methods */
  tau: Row[];
  /** Per (model, task) with ≥ 3 methods: the 6×6 τ-b matrix in SIX_MEASURES order. */
  panels: { model: string; task: string; methods: string[]; matrix: number[][] }[];
  /** Per (model, task, measure): the methods from most to least stable. */
  rankings: { model: string; task: string; measure: SixMeasure; order: string[] }[];
  skipped: Skipped[];
}

export function computeBenchmark(store: RunStore): Benchmark {
  const out: Benchmark = { rows: [], tau: [], panels: [], rankings: [], skipped: [] };
  for (const { model, task } of store.modelTasks()) {
    const configs = store.benchmark(model, task);
    if (configs.length === 0) {
      out.skipped.push({ what: `${model}/${task}`, reason: "no Standard configuration with at least 2 runs" });
      continue;
    }
    const measured = configs.map((c) => store.measures(c));
    const values = measured.map(sixMeasures);
    measured.forEach((m, i) => {
      out.rows.push({
        model,
        task,
        method: m.config.method,
        learningRate: m.config.learningRate,
        runs: m.runs.length,
        metric: m.metric,
        mean: mean(m.scores),
        ...values[i],
        topLayer: m.layers.length ? m.layers[m.layers.length - 1] : null,
      });
    });
    const methods = measured.map((m) => m.config.method);
    for (const k of SIX_MEASURES) {
      if (values.some((v) => Number.isNaN(v[k]))) continue; // e.g. I_CKA without hidden states
      const order = methods.map((_, i) => i).sort((a, b) => values[a][k] - values[b][k]);
      out.rankings.push({ model, task, measure: k, order: order.map((i) => methods[i]) });
    }
    if (configs.length < 3) {
      out.skipped.push({ what: `${model}/${task}`, reason: `${configs.length} method(s) at the Standard learning rate; ranking agreement (τ) needs at least 3` });
      continue;
    }
    const matrix = SIX_MEASURES.map((a) => SIX_MEASURES.map((b) => kendallTauB(values.map((v) => v[a]), values.map((v) => v[b]))));
    SIX_MEASURES.forEach((a, i) => SIX_MEASURES.forEach((b, j) => j < i && out.tau.push({ model, task, measureA: a, measureB: b, tau: matrix[i][j], methods: methods.length })));
    out.panels.push({ model, task, methods, matrix });
  }
  return out;
}

/** The benchmark table (method.md §8 NB3) as a DataFrame. */
export function benchmark(store: RunStore): DataFrame {
  return toFrame(computeBenchmark(store).rows);
}

/** Kendall's τ-b between the method rankings of every two measures (method.md §8 NB5). */
export function benchmarkAgreement(store: RunStore): DataFrame {
  return toFrame(computeBenchmark(store).tau, ["model", "task", "measureA", "measureB", "tau", "methods"]);
}
