// Reading a run store for the analyses: find its configurations (model, task, method, learning
// rate), measure each one once, and keep the results. Per-run preparation of hidden states is by
// far the most expensive step, so every analysis (bootstrap and sub-sampling included) starts
// from the R×R pair matrices cached here instead of recomputing distances.
//   STORE/<model>/<task>/<method>-lr<lr>/seed-NN/   (src/train/sweep/grid.ts)
import * as fs from "node:fs";
import { METHOD_ORDER, methodKey } from "../runs/methods";
import * as path from "node:path";
import { glueTaskName, GLUE_SPECS } from "../data/glue";
import { KappaChance } from "../measures/fleissKappa";
import { REPRESENTATION_MEASURES, RepresentationMatrices, RepresentationMeasure } from "../measures/representation";
import { measureRunsDetailed, predictionInputs } from "../measures/runMeasures";
import { accuracy, TASK_METRICS, TaskMetric } from "../measures/taskMetrics";
import { loadRuns, LoadRunsOptions, RunFormatError, RunSet } from "../runs/runFolder";
import { listRunFolders } from "../runs/runDefinition";
import { defaultLayerEntries, setLayerIndexing } from "../runs/layerIndexing";

/** The paper's order of the mitigation methods; others follow alphabetically. */
export { METHOD_ORDER };

/** Store folder names of the methods ("none", "wd_pre") → the analysis keys (runs/methods.ts). */
export const canonicalMethod = methodKey;

export interface Configuration {
  model: string;
  task: string;
  /** Canonical method name: standard, mixout, llrd, reinit, wdpre (or the folder's own name). */
  method: string;
  learningRate: number;
  /** Absolute path of the configuration folder (a runs directory). */
  dir: string;
  /** Finished run folders (those with logits.npy), sorted by seed. */
  runDirs: string[];
  seeds: number[];
  /** Every run also has the final model's outputs in RUN_DIR/final/ (--save-final). */
  hasFinal: boolean;
  /** Runs whose metrics.json says they diverged (NaN/Inf loss); they are analysed like the others. */
  diverged: string[];
}

export type Variant = "best" | "final";

const CONFIG_DIR = /^(.+)-lr([0-9.eE+-]+)$/;

function subdirs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
}

function seedOf(runDir: string, fallback: number): number {
  const m = /(\d+)$/.exec(path.basename(runDir));
  return m ? Number(m[1]) : fallback;
}

/** Every configuration folder of a run store, in a stable order (model, task, method, lr). */
export function findConfigurations(store: string): Configuration[] {
  if (!fs.existsSync(store) || !fs.statSync(store).isDirectory()) {
    throw new RunFormatError(`${store}: run store not found; pass the folder that holds <model>/<task>/<method>-lr<lr>/seed-NN/`);
  }
  const out: Configuration[] = [];
  for (const model of subdirs(store)) {
    for (const task of subdirs(path.join(store, model))) {
      for (const name of subdirs(path.join(store, model, task))) {
        const m = CONFIG_DIR.exec(name);
        const learningRate = m ? Number(m[2]) : NaN;
        if (!m || !(learningRate > 0)) continue;
        const dir = path.resolve(store, model, task, name);
        const finished = listRunFolders(dir).runs.map((s) => path.join(dir, s));
        // A diverged run keeps the outputs of its best checkpoint so far (instability finetune);
        // at a large learning rate it is exactly a failed run, so it stays in and is listed.
        const diverged = finished.filter((d) => readMetrics(d)?.diverged === true);
        const runDirs = finished;
        if (runDirs.length === 0) continue;
        const seeds = runDirs.map((d, i) => seedOf(d, i));
        const order = seeds.map((_, i) => i).sort((a, b) => seeds[a] - seeds[b]);
        out.push({
          model,
          task,
          method: canonicalMethod(m[1]),
          learningRate,
          dir,
          runDirs: order.map((i) => runDirs[i]),
          seeds: order.map((i) => seeds[i]),
          hasFinal: runDirs.every((d) => fs.existsSync(path.join(d, "final", "logits.npy"))),
          diverged: diverged.map((d) => path.basename(d)),
        });
      }
    }
  }
  const rank = (m: string) => (METHOD_ORDER.includes(m) ? METHOD_ORDER.indexOf(m) : METHOD_ORDER.length);
  return out.sort((a, b) => a.model.localeCompare(b.model) || a.task.localeCompare(b.task) || rank(a.method) - rank(b.method) || a.method.localeCompare(b.method) || a.learningRate - b.learningRate);
}

export function configurationName(c: Pick<Configuration, "model" | "task" | "method" | "learningRate">): string {
  return `${c.model}/${c.task}/${c.method}-lr${c.learningRate.toExponential()}`;
}

/** The task's metric: metrics.json's "metric" when it names one, else GLUE's, else accuracy. */
export function taskMetricFor(task: string, metrics?: Record<string, unknown>): TaskMetric {
  const named = metrics?.metric;
  if (typeof named === "string" && (TASK_METRICS as readonly string[]).includes(named)) return named as TaskMetric;
  const glue = glueTaskName(task);
  return glue ? (GLUE_SPECS[glue].metric as TaskMetric) : "accuracy";
}

/** Loads a configuration's runs: the best checkpoints, or the final models (RUN_DIR/final). */
export function loadConfiguration(c: Configuration, variant: Variant = "best", opts: Pick<LoadRunsOptions, "hidden"> = {}): RunSet {
  if (c.runDirs.length < 2) throw new RunFormatError(`${c.dir}: ${c.runDirs.length} finished run(s); pairwise measures need at least 2`);
  const set = loadRuns(c.dir, { ...opts, checkpoint: variant });
  // Labels such as "failed" live in the run's own metrics.json; final/ may not repeat them.
  if (variant === "final") for (const run of set.runs) run.metrics = { ...(readMetrics(path.join(c.dir, run.name)) ?? {}), ...(run.metrics ?? {}) };
  return set;
}

function readMetrics(runDir: string): Record<string, unknown> | undefined {
  const f = path.join(runDir, "metrics.json");
  if (!fs.existsSync(f)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(f, "utf8"));
  } catch (err) {
    throw new RunFormatError(`${f}: not valid JSON (${(err as Error).message}); fix or delete the file`);
  }
}

/** How each run was labelled failed or successful. */
export type FailureSource = "metrics.json" | "majority-class rule";

/**
 * failed[i] for each run: metrics.json's boolean "failed" when every run has one (the fine-tuning
 * engine's label), otherwise the rule of method.md §3.1: accuracy on the test half at or below
 * the majority-class accuracy.
 */
export function failureLabels(set: RunSet): { failed: boolean[]; source: FailureSource; majority: number } {
  const labels = set.runs[0].labels;
  const counts = new Map<number, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  const majority = Math.max(...counts.values()) / labels.length;
  if (set.runs.every((r) => typeof r.metrics?.failed === "boolean")) {
    return { failed: set.runs.map((r) => r.metrics!.failed as boolean), source: "metrics.json", majority };
  }
  const preds = predictionInputs(set).preds;
  return { failed: preds.map((p) => accuracy(p, labels) <= majority + 1e-12), source: "majority-class rule", majority };
}

/** Everything the analyses need from one configuration, computed once. */
export interface ConfigMeasures {
  config: Configuration;
  variant: Variant;
  runs: string[];
  seeds: number[];
  n: number;
  numClasses: number;
  metric: TaskMetric;
  scores: number[];
  preds: Int32Array[];
  prediction: { sd: number; pwd: number; kappa: number; jsd: number };
  /** R×R pair matrices. */
  pwd: Float64Array;
  jsd: Float64Array;
  /** Layer numbers 1..L (hidden.npy indices; 0, the embeddings, is not used). */
  layers: number[];
  representation?: RepresentationMatrices;
  curves?: Record<RepresentationMeasure, number[]>;
  failed: boolean[];
  failureSource: FailureSource;
  /** Majority-class accuracy of the test half. */
  majority: number;
  /** Test-half labels (the same for every run). */
  labels: ArrayLike<number>;
}

export interface StoreOptions {
  chance?: KappaChance;
  measures?: readonly RepresentationMeasure[];
  /** Progress lines ("measuring …"); default silent. */
  log?: (line: string) => void;
}

/** The analysed layers: the transformer blocks 1..L of a hidden.npy with L + 1 entries. */
export function blockLayers(entries: number): number[] {
  return entries >= 2 ? Array.from({ length: entries - 1 }, (_, i) => i + 1) : [0];
}

export function measureConfiguration(c: Configuration, variant: Variant = "best", opts: StoreOptions = {}): ConfigMeasures {
  const set = loadConfiguration(c, variant);
  const metric = taskMetricFor(c.task, set.runs[0].metrics);
  const layers = set.layers !== undefined ? defaultLayerEntries(setLayerIndexing(set)!.indexing, set.layers) : [];
  const started = Date.now();
  opts.log?.(`measuring ${configurationName(c)}${variant === "final" ? " (final models)" : ""}: ${set.runs.length} runs, ${layers.length} layers`);
  const details = measureRunsDetailed(set, { metric, chance: opts.chance, layers: layers.length ? layers : undefined, measures: opts.measures ?? REPRESENTATION_MEASURES, representation: layers.length > 0 });
  const f = failureLabels(set);
  opts.log?.(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    config: c,
    variant,
    runs: details.report.runs,
    seeds: c.seeds,
    n: set.n,
    numClasses: set.numClasses,
    metric,
    scores: details.report.scores,
    preds: predictionInputs(set).preds,
    prediction: details.report.prediction,
    pwd: details.pairs.pwd,
    jsd: details.pairs.jsd,
    layers: details.layers,
    representation: details.pairs.representation,
    curves: details.report.representation as Record<RepresentationMeasure, number[]> | undefined,
    failed: f.failed,
    failureSource: f.source,
    majority: f.majority,
    labels: set.runs[0].labels,
  };
}

/** A run store with its measurements cached per configuration and variant. */
export class RunStore {
  readonly configurations: Configuration[];
  private cache = new Map<string, ConfigMeasures>();

  constructor(readonly dir: string, readonly options: StoreOptions = {}) {
    this.configurations = findConfigurations(dir);
  }

  measures(c: Configuration, variant: Variant = "best"): ConfigMeasures {
    const key = `${c.dir}\0${variant}`;
    let m = this.cache.get(key);
    if (!m) {
      m = measureConfiguration(c, variant, this.options);
      this.cache.set(key, m);
    }
    return m;
  }

  /** (model, task) pairs, in store order. */
  modelTasks(): { model: string; task: string }[] {
    const seen = new Set<string>();
    const out: { model: string; task: string }[] = [];
    for (const c of this.configurations) {
      const k = `${c.model}\0${c.task}`;
      if (!seen.has(k)) (seen.add(k), out.push({ model: c.model, task: c.task }));
    }
    return out;
  }

  /**
   * The Standard configuration of (model, task): method standard at its lowest learning rate
   * with at least 2 runs (failed-run sweeps use a larger one, method.md §3.1).
   */
  standard(model: string, task: string): Configuration | undefined {
    return this.configurations.filter((c) => c.model === model && c.task === task && c.method === "standard" && c.runDirs.length >= 2).sort((a, b) => a.learningRate - b.learningRate)[0];
  }

  /** One configuration per method at the Standard configuration's learning rate (method.md §7.1). */
  benchmark(model: string, task: string): Configuration[] {
    const std = this.standard(model, task);
    if (!std) return [];
    return this.configurations.filter((c) => c.model === model && c.task === task && c.learningRate === std.learningRate && c.runDirs.length >= 2);
  }

  /**
   * The configuration for the successful-vs-failed analysis of (model, task): among the Standard-
   * method configurations, final models first (that analysis uses them, method.md §3.1), then the
   * largest learning rate; the first one with at least 2 failed and 2 successful runs. Labels
   * are read without hidden states. When none qualifies, `config` is undefined and the counts are
   * those of the closest candidate (for the report's explanation).
   */
  failureConfiguration(model: string, task: string): { config?: Configuration; variant: Variant; failed: number; total: number; source?: FailureSource; candidates: number } {
    const cands = this.configurations
      .filter((c) => c.model === model && c.task === task && c.method === "standard" && c.runDirs.length >= 2)
      .sort((a, b) => Number(b.hasFinal) - Number(a.hasFinal) || b.learningRate - a.learningRate);
    let closest: { config?: Configuration; variant: Variant; failed: number; total: number; source?: FailureSource } = { variant: "best", failed: 0, total: 0 };
    for (const c of cands) {
      const variant: Variant = c.hasFinal ? "final" : "best";
      const f = failureLabels(loadConfiguration(c, variant, { hidden: false }));
      const failed = f.failed.filter(Boolean).length;
      const total = f.failed.length;
      const result = { config: c, variant, failed, total, source: f.source };
      if (failed >= 2 && total - failed >= 2) return { ...result, candidates: cands.length };
      if (closest.config === undefined || Math.min(failed, total - failed) > Math.min(closest.failed, closest.total - closest.failed)) closest = result;
    }
    return { ...closest, config: undefined, candidates: cands.length };
  }
}

/** Indices of the runs with the `count` smallest seeds (the paper's "seeds 0–9"). */
export function firstSeeds(m: Pick<ConfigMeasures, "seeds">, count: number): number[] {
  return m.seeds
    .map((s, i) => [s, i])
    .sort((a, b) => a[0] - b[0])
    .slice(0, count)
    .map(([, i]) => i);
}

/** The values of a pair matrix over the distinct pairs i < j of `runs` (run indices). */
export function pairValues(matrix: Float64Array, size: number, runs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) out.push(matrix[runs[i] * size + runs[j]]);
  return out;
}

/** Pair values at every layer: pairs × layers, for bands over pairs. */
export function pairCurves(rep: RepresentationMatrices, measure: RepresentationMeasure, runs: ArrayLike<number>): number[][] {
  const perLayer = rep.matrices[measure].map((m) => pairValues(m, rep.runs, runs));
  return perLayer[0].map((_, p) => perLayer.map((layer) => layer[p]));
}
