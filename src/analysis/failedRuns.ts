// Concurrent validity, second test (method.md §6.2): do the measures tell successful runs from
// failed ones? Per layer, the mean over pairs where both runs succeeded and over pairs where both
// failed (mixed pairs are ignored), a permutation test on the run labels and effect sizes. The
// labels come from the runs (metrics.json, or the majority-class rule), and the direction is
// reported as observed: the paper's own plot may have its legend swapped (§6.2, caution).
import type { RepresentationMeasure } from "../measures/representation";
import { pairMean } from "../measures/pairs";
import { Random } from "../util/random";
import type { Row } from "../util/row";
import { toFrame, type DataFrame } from "./frame";
import { cohensD, rankBiserial } from "./stats";
import { configurationName, FailureSource, pairValues, RunStore, Variant } from "./store";
import { CURVE_MEASURES, Skipped } from "./validity";
import { runMapOf, type RunMap } from "./explore/runMap";

export interface FailureGroups {
  model: string;
  task: string;
  configuration: string;
  learningRate: number;
  variant: Variant;
  source: FailureSource;
  successful: string[];
  failed: string[];
  layers: number[];
  /** Per measure: mean over both-successful and both-failed pairs, per layer. */
  curves: { measure: RepresentationMeasure; successful: number[]; failed: number[] }[];
  /** The runs mapped by CKA at the top layer (heatmap and MDS): failed runs should stand apart. */
  map?: RunMap;
}

export interface SuccessfulVsFailed {
  /** model, task, measure, layer, successful, failed, difference (failed − successful), cohensD, rankBiserial, p */
  rows: Row[];
  /** model, task, learningRate, variant, source, failed, total */
  counts: Row[];
  groups: FailureGroups[];
  skipped: Skipped[];
  permutations: number;
}

export interface FailureOptions {
  /** Label permutations of the test (default 1000). */
  permutations?: number;
  seed?: number;
}

/**
 * Two-sided permutation p of mean(both-failed pairs) − mean(both-successful pairs): the run
 * labels are shuffled (group sizes kept), which respects that pairs sharing a run are dependent.
 */
export function permutationTest(matrix: Float64Array, size: number, failed: boolean[], perms: number[][]): number {
  const stat = (labels: boolean[]) => {
    const f: number[] = [];
    const s: number[] = [];
    labels.forEach((x, i) => (x ? f : s).push(i));
    return pairMean(matrix, size, f) - pairMean(matrix, size, s);
  };
  const observed = Math.abs(stat(failed));
  let extreme = 0;
  for (const p of perms) {
    const labels = p.map((i) => failed[i]);
    if (Math.abs(stat(labels)) >= observed - 1e-12) extreme++;
  }
  return (extreme + 1) / (perms.length + 1);
}

export function computeSuccessfulVsFailed(store: RunStore, opts: FailureOptions = {}): SuccessfulVsFailed {
  const permutations = opts.permutations ?? 1000;
  const out: SuccessfulVsFailed = { rows: [], counts: [], groups: [], skipped: [], permutations };
  for (const { model, task } of store.modelTasks()) {
    const choice = store.failureConfiguration(model, task);
    if (!choice.config) {
      const reason =
        choice.candidates === 0
          ? "no Standard configuration with at least 2 runs"
          : `no Standard configuration has at least 2 failed and 2 successful runs (closest: ${choice.failed} failed of ${choice.total}); the failed-run sweep uses a larger learning rate (method.md §3.1)`;
      out.skipped.push({ what: `${model}/${task}`, reason });
      if (choice.total > 0) out.counts.push({ model, task, learningRate: null, variant: choice.variant, source: choice.source ?? null, failed: choice.failed, total: choice.total });
      continue;
    }
    const m = store.measures(choice.config, choice.variant);
    out.counts.push({ model, task, learningRate: choice.config.learningRate, variant: choice.variant, source: m.failureSource, failed: choice.failed, total: choice.total });
    if (!m.representation) {
      out.skipped.push({ what: `${model}/${task}`, reason: "the runs have no hidden states (hidden.npy)" });
      continue;
    }
    const R = m.runs.length;
    const failedIdx = m.failed.flatMap((f, i) => (f ? [i] : []));
    const successIdx = m.failed.flatMap((f, i) => (f ? [] : [i]));
    const rng = new Random(opts.seed ?? 0).fork(`failed:${configurationName(choice.config)}`);
    const perms = Array.from({ length: permutations }, () => rng.permutation(R));
    const group: FailureGroups = {
      model,
      task,
      configuration: configurationName(choice.config),
      learningRate: choice.config.learningRate,
      variant: choice.variant,
      source: m.failureSource,
      successful: successIdx.map((i) => m.runs[i]),
      failed: failedIdx.map((i) => m.runs[i]),
      layers: m.layers,
      curves: [],
    };
    for (const measure of CURVE_MEASURES) {
      if (!m.representation.measures.includes(measure)) continue;
      const mats = m.representation.matrices[measure];
      const curve = { measure, successful: [] as number[], failed: [] as number[] };
      m.layers.forEach((layer, l) => {
        const s = pairValues(mats[l], R, successIdx);
        const f = pairValues(mats[l], R, failedIdx);
        const ms = pairMean(mats[l], R, successIdx);
        const mf = pairMean(mats[l], R, failedIdx);
        curve.successful.push(ms);
        curve.failed.push(mf);
        out.rows.push({
          model,
          task,
          measure,
          layer,
          successful: ms,
          failed: mf,
          difference: mf - ms,
          cohensD: cohensD(f, s),
          rankBiserial: rankBiserial(f, s),
          p: permutations > 0 ? permutationTest(mats[l], R, m.failed, perms) : NaN,
        });
      });
      group.curves.push(curve);
    }
    if (m.representation.measures.includes("cka")) {
      const top = m.layers.length - 1;
      group.map = runMapOf({ measure: "cka", block: m.layers[top], runs: m.runs, failed: m.failed, failedFrom: m.failureSource, matrix: m.representation.matrices.cka[top] });
    }
    out.groups.push(group);
  }
  return out;
}

export function successfulVsFailed(store: RunStore, opts: FailureOptions = {}): DataFrame {
  return toFrame(computeSuccessfulVsFailed(store, opts).rows, ["model", "task", "measure", "layer", "successful", "failed", "difference", "cohensD", "rankBiserial", "p"]);
}
