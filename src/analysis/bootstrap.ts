// Bootstrapping (method.md §7.2): resample the seeds of a configuration with replacement and
// correlate the six measures across resamples. Nothing is recomputed per resample: pair means
// come from the cached R×R matrices (a pair that draws one seed twice reads the zero diagonal),
// SD from the drawn scores, and Fleiss' κ from the drawn prediction lists, duplicates as raters.
import { fleissKappa, KappaChance } from "../measures/fleissKappa";
import { pairMean } from "../measures/pairs";
import { standardDeviation } from "../measures/standardDeviation";
import { Random } from "../util/random";
import type { Row } from "../util/row";
import { SIX_MEASURES, SixMeasure } from "./benchmark";
import { toFrame, type DataFrame } from "./frame";
import { correlationMatrix } from "./stats";
import { ConfigMeasures, configurationName, firstSeeds, RunStore } from "./store";
import type { Skipped } from "./validity";

export interface BootstrapOptions {
  /** Resamples per configuration (default 1000, the paper's B). */
  resamples?: number;
  seed?: number;
  /** Use the runs of the first this many seeds (default 10: "seeds 0–9, also for Standard"). */
  seeds?: number;
  chance?: KappaChance;
}

export interface ConfigBootstrap {
  model: string;
  task: string;
  method: string;
  learningRate: number;
  configuration: string;
  runs: number;
  /** SD of the task metric over the runs used (seeds 0–9). */
  sd: number;
  /** Per measure, one value per resample. */
  samples: Record<SixMeasure, number[]>;
  /** 6×6 Pearson matrix across resamples, SIX_MEASURES order (NaN where a measure is constant). */
  matrix: number[][];
}

export interface Bootstrap {
  /** model, task, method, learningRate, measureA, measureB, r */
  rows: Row[];
  configs: ConfigBootstrap[];
  skipped: Skipped[];
  resamples: number;
}

/** B resamples of one configuration's runs `runs` (indices into the configuration). */
export function bootstrapConfiguration(m: ConfigMeasures, runs: number[], resamples: number, rng: Random, chance?: KappaChance): Record<SixMeasure, number[]> {
  const R = m.runs.length;
  const r = runs.length;
  const samples = Object.fromEntries(SIX_MEASURES.map((k) => [k, [] as number[]])) as Record<SixMeasure, number[]>;
  const top = (k: "cka" | "op") => {
    const mats = m.representation?.matrices[k];
    return mats && mats.length ? mats[mats.length - 1] : undefined;
  };
  const cka = top("cka");
  const op = top("op");
  const drawn = new Array<number>(r);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < r; i++) drawn[i] = runs[rng.int(r)];
    samples.sd.push(standardDeviation(m.scores, drawn));
    samples.kappa.push(1 - fleissKappa(drawn.map((i) => m.preds[i]), m.numClasses, { chance }));
    samples.pwd.push(pairMean(m.pwd, R, drawn));
    samples.jsd.push(pairMean(m.jsd, R, drawn));
    samples.cka.push(cka ? pairMean(cka, R, drawn) : NaN);
    samples.op.push(op ? pairMean(op, R, drawn) : NaN);
  }
  return samples;
}

export function computeBootstrap(store: RunStore, opts: BootstrapOptions = {}): Bootstrap {
  const resamples = opts.resamples ?? 1000;
  const out: Bootstrap = { rows: [], configs: [], skipped: [], resamples };
  for (const { model, task } of store.modelTasks()) {
    for (const c of store.methodConfigurations(model, task)) {
      const m = store.measures(c);
      const runs = firstSeeds(m, opts.seeds ?? 10);
      if (runs.length < 3) {
        out.skipped.push({ what: configurationName(c), reason: `${runs.length} runs; bootstrapping needs at least 3` });
        continue;
      }
      const rng = new Random(opts.seed ?? 0).fork(`bootstrap:${configurationName(c)}`);
      const samples = bootstrapConfiguration(m, runs, resamples, rng, opts.chance ?? store.options.chance);
      const matrix = correlationMatrix(SIX_MEASURES.map((k) => samples[k]));
      out.configs.push({ model, task, method: c.method, learningRate: c.learningRate, configuration: configurationName(c), runs: runs.length, sd: standardDeviation(m.scores, runs), samples, matrix });
      SIX_MEASURES.forEach((a, i) => SIX_MEASURES.forEach((b, j) => j < i && out.rows.push({ model, task, method: c.method, learningRate: c.learningRate, measureA: a, measureB: b, r: matrix[i][j] })));
    }
  }
  return out;
}

export function bootstrap(store: RunStore, opts: BootstrapOptions = {}): DataFrame {
  return toFrame(computeBootstrap(store, opts).rows, ["model", "task", "method", "learningRate", "measureA", "measureB", "r"]);
}
