// metrics.json of a finished fine-tuning run: what the loop did (per-epoch losses and validation
// scores, steps, divergence, timings), the failed-run label (method.md §3.1) and the test-half
// scores of the checkpoint whose outputs the folder holds; and the run folder's contents.
import type { RunContents } from "../../runs/runFolder";
import type { AdamW } from "../adamw";
import type { LinearWarmupSchedule } from "../schedule";
import type { EncodedExamples } from "./batches";
import type { BestCheckpoint } from "./bestCheckpoint";
import type { ResolvedConfig } from "./config";
import { type Predictions, predictedLabels, scorePredictions } from "./evaluate";
import { classifyRun, majorityClassAccuracy } from "./failedRun";
import { runContents } from "./output";
import type { TrainingReport } from "./trainEpochs";

/** When the run started, in wall and CPU time. */
export interface RunClock {
  started: number;
  cpuStarted: NodeJS.CpuUsage;
}

export interface FinishedTraining {
  report: TrainingReport;
  best: BestCheckpoint;
  optimizer: AdamW;
  schedule: LinearWarmupSchedule;
  clock: RunClock;
}

export interface TestOutputs {
  /** The best checkpoint's test-half outputs (or a stand-in: predictionsFrom says which). */
  chosen: Predictions;
  predictionsFrom: string;
  /** The last-step model's, with --save-final and finite; null otherwise. */
  final: Predictions | null;
}

/** The run folder: the chosen outputs with their metrics, and final/ when the final model's were kept. */
export function runFolderContents(c: ResolvedConfig, test: EncodedExamples, out: TestOutputs, run: FinishedTraining, config: Record<string, unknown>): RunContents & { metrics: Record<string, unknown> } {
  const common = commonMetrics(c, test, out, run);
  const metricsFor = (p: Predictions, checkpoint: string, extra: Record<string, unknown>) => ({
    ...common,
    checkpoint,
    ...extra,
    testMetric: scorePredictions(p, test.labels, c.task.metric),
    testAccuracy: scorePredictions(p, test.labels, "accuracy"),
    wallSeconds: (Date.now() - run.clock.started) / 1000,
    cpuSeconds: cpuSecondsSince(run.clock.cpuStarted),
  });
  const metrics = metricsFor(out.chosen, "best", {
    predictionsFrom: out.predictionsFrom,
    finalSaved: out.final !== null,
    ...(c.saveFinal && !out.final ? { finalNote: "the final model's outputs were not finite; final/ was not written" } : {}),
  });
  const contents = runContents(out.chosen, test.labels, metrics, config);
  if (out.final) contents.final = runContents(out.final, test.labels, metricsFor(out.final, "final", { predictionsFrom: "final" }), config);
  return { ...contents, metrics };
}

/** The metrics both checkpoints' metrics.json share. */
function commonMetrics(c: ResolvedConfig, test: EncodedExamples, out: TestOutputs, run: FinishedTraining): Record<string, unknown> {
  const { report, best, schedule } = run;
  const failed = classifyRun(
    c.failedRule,
    test.labels,
    c.task.metric,
    { predictions: predictedLabels(out.chosen) },
    out.final ? { predictions: predictedLabels(out.final) } : undefined,
  );
  const totalSteps = run.optimizer.stepCount;
  return {
    task: c.task.name,
    metric: c.task.metric,
    seed: c.seed,
    mitigation: c.mitigation,
    lr: c.lr,
    validationMetricPerEpoch: report.validationMetricPerEpoch,
    bestEpoch: best.epoch,
    trainLossPerEpoch: report.trainLossPerEpoch,
    steps: totalSteps,
    plannedSteps: schedule.totalSteps,
    stepsPerEpoch: schedule.stepsPerEpoch,
    msPerStep: totalSteps > 0 ? report.trainMs / totalSteps : null,
    trainSeconds: report.trainMs / 1000,
    evalSeconds: report.evalMs / 1000,
    diverged: report.diverged !== null,
    divergedStep: report.diverged?.step ?? null,
    divergedReason: report.diverged?.reason ?? null,
    majorityClassAccuracy: majorityClassAccuracy(test.labels),
    failed: failed.failed,
    failedLabel: failed.label,
    failedRule: failed,
  };
}

/** User + system CPU seconds of this process since `start` (every thread). */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return Math.round((u.user + u.system) / 1e4) / 100;
}
