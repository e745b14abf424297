// Failed-run classification (method.md §3.1). The paper does not record its rule; the most
// likely one (Mosbach et al. 2021) is the default: a run failed iff the FINAL model's test-half
// accuracy is at or below the majority-class accuracy of the test half. Which checkpoint, which
// score and which baseline are parameters, written as "final:accuracy<=majority".
import { accuracy, majorityClassAccuracy, taskMetric, type TaskMetric } from "../../measures/taskMetrics";

export interface FailedRule {
  /** Whose predictions are judged: the last-step model or the best checkpoint. */
  checkpoint: "final" | "best";
  /** Test-half accuracy, or the task's own metric (F1 for MRPC, MCC for CoLA). */
  measure: "accuracy" | "metric";
  /** A run fails when its score is ≤ this: the test half's majority-class accuracy, or a number. */
  baseline: "majority" | number;
}

export const DEFAULT_FAILED_RULE: Readonly<FailedRule> = Object.freeze({ checkpoint: "final", measure: "accuracy", baseline: "majority" });

export function formatFailedRule(r: FailedRule): string {
  return `${r.checkpoint}:${r.measure}<=${r.baseline}`;
}

const RULE_RE = /^(final|best):(accuracy|metric)<=(majority|-?\d+(?:\.\d+)?(?:e-?\d+)?)$/;

export function parseFailedRule(text: string): FailedRule {
  const m = RULE_RE.exec(text.trim());
  if (!m) {
    throw new Error(
      `failed-run rule '${text}' is not understood: write CHECKPOINT:MEASURE<=BASELINE with CHECKPOINT final|best, ` +
        `MEASURE accuracy|metric, BASELINE majority or a number (default ${formatFailedRule(DEFAULT_FAILED_RULE)})`,
    );
  }
  return { checkpoint: m[1] as FailedRule["checkpoint"], measure: m[2] as FailedRule["measure"], baseline: m[3] === "majority" ? "majority" : Number(m[3]) };
}

export { majorityClassAccuracy };

export interface FailedRunLabel {
  failed: boolean;
  label: "failed" | "successful";
  rule: string;
  /** The checkpoint actually judged; differs from the rule's when its outputs do not exist. */
  checkpointUsed: "final" | "best";
  score: number;
  baseline: number;
  note?: string;
}

export interface CheckpointPredictions {
  predictions: ArrayLike<number>;
}

/**
 * Labels a run. `final` is absent when the final model's outputs were not computed (no
 * --save-final): the best checkpoint is judged instead and the note says so.
 */
export function classifyRun(
  rule: FailedRule,
  labels: ArrayLike<number>,
  metric: TaskMetric,
  best: CheckpointPredictions,
  final?: CheckpointPredictions,
): FailedRunLabel {
  let used = rule.checkpoint;
  let note: string | undefined;
  if (used === "final" && !final) {
    used = "best";
    note = "the rule judges the final model, whose outputs were not kept (run with --save-final); the best checkpoint was judged instead";
  }
  const preds = (used === "final" ? final! : best).predictions;
  const score = rule.measure === "accuracy" ? accuracy(preds, labels) : taskMetric(metric, preds, labels);
  const baseline = rule.baseline === "majority" ? majorityClassAccuracy(labels) : rule.baseline;
  const failed = score <= baseline;
  const out: FailedRunLabel = { failed, label: failed ? "failed" : "successful", rule: formatFailedRule(rule), checkpointUsed: used, score, baseline };
  if (note) out.note = note;
  return out;
}
