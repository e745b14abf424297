// The preconditions every verdict checks on the runs it got (issue: "a quality gate before every
// verdict"). Each returns a Gate with the numbers behind it, so "not enough evidence" always
// says which precondition failed and by how much.
import { taskMetric, type TaskMetric } from "../../measures/taskMetrics";
import { label } from "../../runs/names";
import { configurationName, type ConfigMeasures, type RunStore } from "../store";
import { meanOf, seedCi, type Ci } from "./ci";
import { fmt, fmtCi, type Gate } from "./finding";

/** Seeds per configuration for bootstrapping and the CIs of a verdict (the issue's minimum). */
export const MIN_SEEDS = 8;
/** Methods a ranking-agreement verdict needs (Kendall's τ over fewer is too coarse: τ steps of 0.2 at 5). */
export const MIN_METHODS = 5;
/** Failed and successful runs each for the successful-vs-failed verdict (3 runs give 3 pairs). */
export const MIN_GROUP_RUNS = 3;

/**
 * The score of the best constant predictor on the test half: majority-class accuracy for
 * accuracy, the F1 of always predicting class 1 for F1 (MRPC's 0.81), 0 for MCC.
 */
export function constantBaseline(metric: TaskMetric, labels: ArrayLike<number>, numClasses: number): number {
  let best = -Infinity;
  for (let c = 0; c < numClasses; c++) best = Math.max(best, taskMetric(metric, new Int32Array(labels.length).fill(c), labels));
  return best;
}

export interface Learning {
  metric: TaskMetric;
  mean: Ci;
  baseline: number;
  learns: boolean;
}

/** Does a configuration learn? Its mean metric's 95% CI over seeds lies above the constant baseline. */
export function learning(m: ConfigMeasures): Learning {
  const runs = m.scores.map((_, i) => i);
  const mean = seedCi(runs, (d) => meanOf(m.scores, d), `learn:${configurationName(m.config)}:${m.variant}`);
  const baseline = constantBaseline(m.metric, m.labels, m.numClasses);
  return { metric: m.metric, mean, baseline, learns: mean.lower > baseline };
}

export function learnsGate(what: string, l: Learning): Gate {
  return {
    name: "the runs learn",
    ok: l.learns,
    detail: `${what}: mean ${label(l.metric, "plain")} ${fmtCi(l.mean)} over ${l.mean.runs} runs vs constant baseline ${fmt(l.baseline)}${l.learns ? "" : " (the CI does not clear the baseline)"}`,
  };
}

/** `structural`: why more seeds cannot raise `have` (the model's depth, the grid's size). */
export function countGate(name: string, what: string, have: number, need: number, unit: string, structural?: string): Gate {
  const ok = have >= need;
  return { name, ok, detail: `${what}: ${have} ${unit} (need at least ${need})`, ...(ok || !structural ? {} : { structural }) };
}

/**
 * Undefined pairs of a configuration, per layer, in words ("2 of 45 pairs at layer 4 undefined:
 * run seed-03 is constant there (I_CKA, I_OP, I_SVCCA)"), for a finding's notes.
 */
export function degenerateNotes(m: ConfigMeasures): string[] {
  const rep = m.representation;
  if (!rep || rep.degenerate.length === 0) return [];
  const R = m.runs.length;
  const total = (R * (R - 1)) / 2;
  return [...new Set(rep.degenerate.map((g) => g.layer))].map((layer) => {
    const at = rep.degenerate.filter((g) => g.layer === layer);
    const t = rep.layers.indexOf(layer);
    const undefinedCount = Math.max(...at.flatMap((g) => g.measures).map((k) => countNaN(rep.matrices[k as "cka"][t], R)));
    const names = [...new Set(at.flatMap((g) => g.measures))].map((k) => label(k, "plain")).join(", ");
    return `${m.config.model}/${m.config.task} ${label(m.config.method, "plain")}${m.variant === "final" ? " (final models)" : ""}: ${undefinedCount} of ${total} pairs at layer ${layer} undefined: ${at.map((g) => `run ${g.runName}`).join(", ")} ${at.length === 1 ? "is" : "are"} constant there (${names}); means use the defined pairs.`;
  });
}

function countNaN(matrix: Float64Array, R: number): number {
  let c = 0;
  for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) if (Number.isNaN(matrix[a * R + b])) c++;
  return c;
}

/** One (model, task)'s Standard configuration, measured, with the gates every Standard-run finding checks. */
export interface StandardRuns {
  model: string;
  task: string;
  what: string;
  m: ConfigMeasures;
}

/**
 * The Standard configurations of a store; for each, pushes "the runs learn" and "enough seeds"
 * onto `gates` and its undefined-pair notes onto `notes`.
 */
export function standardRuns(store: RunStore, gates: Gate[], notes: string[]): StandardRuns[] {
  const out: StandardRuns[] = [];
  for (const { model, task } of store.modelTasks()) {
    const std = store.standard(model, task);
    if (!std) continue;
    const m = store.measures(std);
    const what = `${model}/${task} Standard`;
    notes.push(...degenerateNotes(m));
    gates.push(learnsGate(what, learning(m)), countGate("enough seeds", what, m.runs.length, MIN_SEEDS, "runs"));
    out.push({ model, task, what, m });
  }
  return out;
}

/**
 * A configuration in a finding's sentence: "model/task Method", with "lr 5e-4" added where the
 * (model, task) has its methods at more than one learning rate (glue-small), so two Standard
 * configurations are told apart and single-rate stores (the quick preset) read as before.
 */
export function configLabel(store: RunStore, c: { model: string; task: string; method: string; learningRate: number }): string {
  const rates = new Set(store.methodConfigurations(c.model, c.task).map((x) => x.learningRate));
  return `${c.model}/${c.task} ${label(c.method, "plain")}${rates.size > 1 ? ` lr ${c.learningRate.toExponential()}` : ""}`;
}
