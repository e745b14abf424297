// Which runs of a configuration failed (method.md §3.1).
import { predictionInputs } from "../../measures/runMeasures";
import { accuracy, majorityClassAccuracy } from "../../measures/taskMetrics";
import type { RunSet } from "../../runs/runFolder";

/** How each run was labelled failed or successful. */
export type FailureSource = "metrics.json" | "majority-class rule";

/**
 * failed[i] for each run: metrics.json's boolean "failed" when every run has one (the fine-tuning
 * engine's label), otherwise the rule of method.md §3.1: accuracy on the test half at or below
 * the majority-class accuracy.
 */
export function failureLabels(set: RunSet): { failed: boolean[]; source: FailureSource; majority: number } {
  const labels = set.runs[0].labels;
  const majority = majorityClassAccuracy(labels);
  if (set.runs.every((r) => typeof r.metrics?.failed === "boolean")) {
    return { failed: set.runs.map((r) => r.metrics!.failed as boolean), source: "metrics.json", majority };
  }
  const preds = predictionInputs(set).preds;
  return { failed: preds.map((p) => accuracy(p, labels) <= majority + 1e-12), source: "majority-class rule", majority };
}
