// A run store for the analyses: its configurations, their runs read once and their measurements,
// both cached per configuration and variant (loadedRuns.ts says what is kept and how memory is
// bounded), and which configurations each analysis takes (Standard, benchmark, failed runs).
import type { RunSet } from "../../runs/runFolder";
import { configurationName, findConfigurations, type Configuration, type Variant } from "./configurations";
import { measureConfiguration, type ConfigMeasures, type StoreOptions } from "./configMeasures";
import { failureLabels, type FailureSource } from "./failureLabels";
import { LoadedRuns } from "./loadedRuns";

/** A run store with its runs and measurements cached per configuration and variant. */
export class RunStore {
  readonly configurations: Configuration[];
  /** The runs and representation caches as read (each file once); the analyses read through it. */
  readonly loaded: LoadedRuns;
  private cache = new Map<string, ConfigMeasures>();
  private onMeasure: ((name: string) => void) | null = null;

  constructor(readonly dir: string, readonly options: StoreOptions = {}) {
    // Only the Standard runs' hidden states are read again after measuring (sub-sampling, extra measures).
    this.loaded = new LoadedRuns((c, variant) => variant === "best" && this.standard(c.model, c.task) === c);
    this.configurations = findConfigurations(dir, this.loaded.files.read);
  }

  /** A configuration's runs (best checkpoints by default), hidden states only when asked for. */
  runs(c: Configuration, variant: Variant = "best", opts: { hidden: boolean } = { hidden: false }): RunSet {
    return this.loaded.runs(c, variant, opts);
  }

  measures(c: Configuration, variant: Variant = "best"): ConfigMeasures {
    const key = `${c.dir}\0${variant}`;
    let m = this.cache.get(key);
    if (!m) {
      this.onMeasure?.(`${configurationName(c)}${variant === "final" ? " (final models)" : ""}`);
      m = measureConfiguration(c, variant, this.options, this.loaded);
      this.cache.set(key, m);
    }
    return m;
  }

  /**
   * Runs `fn`, calling `onMeasure` with each configuration's name before it is measured (cached
   * measurements call nothing): what a notebook cell's status display counts.
   */
  whileMeasuring<T>(onMeasure: (name: string) => void, fn: () => T): T {
    const previous = this.onMeasure;
    this.onMeasure = onMeasure;
    try {
      return fn();
    } finally {
      this.onMeasure = previous;
    }
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
   * Every configuration of (model, task) at a learning rate where at least two methods ran: the
   * benchmark's, and a second grid of methods at another rate (a configuration includes its
   * learning rate, method.md §1). The failed-run sweep — Standard alone at a larger rate — is not
   * among them. Bootstrapping, SD-vs-agreement and "do the runs learn" read these.
   */
  methodConfigurations(model: string, task: string): Configuration[] {
    const here = this.configurations.filter((c) => c.model === model && c.task === task && c.runDirs.length >= 2);
    const methodsAt = (lr: number) => new Set(here.filter((c) => c.learningRate === lr).map((c) => c.method)).size;
    return here.filter((c) => methodsAt(c.learningRate) >= 2 || c === this.standard(model, task));
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
      const f = failureLabels(this.runs(c, variant));
      const failed = f.failed.filter(Boolean).length;
      const total = f.failed.length;
      const result = { config: c, variant, failed, total, source: f.source };
      if (failed >= 2 && total - failed >= 2) return { ...result, candidates: cands.length };
      if (closest.config === undefined || Math.min(failed, total - failed) > Math.min(closest.failed, closest.total - closest.failed)) closest = result;
    }
    return { ...closest, config: undefined, candidates: cands.length };
  }
}
