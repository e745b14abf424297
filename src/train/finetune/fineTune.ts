// One fine-tuning run, the paper's protocol (method.md §3): (checkpoint, task, hyper-parameters,
// mitigation method, seed) → a run folder. The seed drives four independent streams: the new
// head's initialisation (loadModel's "head-init"), re-init and Mixout masks (configureMitigation
// forks "reinit"/"mixout"), dropout masks ("dropout": one seed per step) and the data order
// ("data-order": one permutation per epoch).
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadTask } from "../../data/loadTask";
import { loadTokenizer } from "../../data/tokenizers/load";
import type { Tokenizer } from "../../data/tokenizers/types";
import type { TaskData } from "../../data/types";
import { initBackend } from "../../model/backend";
import { initializationReport, loadModel } from "../../model/checkpoint";
import type { DropoutRates, EncoderModel } from "../../model/encoder";
import { crossEntropy } from "../../model/ops/cross-entropy";
import { lossAndGrads } from "../../model/train-step";
import { writeRun } from "../../runs/runFolder";
import { Progress } from "../../util/progress";
import { Random } from "../../util/random";
import { AdamW } from "../adamw";
import { configureMitigation } from "../mitigation";
import { LinearWarmupSchedule } from "../schedule";
import { applyUpdate } from "../update";
import { type EncodedExamples, encodeExamples, epochBatches, makeBatch } from "./batches";
import { BestCheckpoint } from "./bestCheckpoint";
import { type FineTuneOptions, type ResolvedConfig, FINETUNE_DEFAULTS, configRecord, resolveConfig } from "./config";
import { type Predictions, allFinite, predict, predictedLabels, scorePredictions } from "./evaluate";
import { classifyRun, majorityClassAccuracy } from "./failedRun";
import { fingerprintCheckpoint, resolveAgainstCheckpoint, runSettings } from "./identity";
import { checkOutput, finishedRunMismatch, lockOutput, runContents } from "./output";

export interface Divergence {
  /** The update (1-based) whose loss or gradient norm was not finite; it was not applied. */
  step: number;
  reason: "loss" | "gradient norm";
}

export interface RunResult {
  /** "skipped": `out` already held a finished run and overwrite was not asked for. */
  status: "finished" | "skipped";
  out: string;
  /** metrics.json as written (or as found, when skipped). */
  metrics: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export async function fineTune(options: FineTuneOptions): Promise<RunResult> {
  const started = Date.now();
  const cpuStarted = process.cpuUsage(); // CPU time tells a crowded machine from a slow engine
  const task = typeof options.task === "string" ? loadTask(options.task, { glueDir: options.glueDir }) : options.task;
  const c = resolveConfig(options, task);
  checkOutput(c.out, c.overwrite); // the path's own errors first (it also makes the parent folder)
  const release = lockOutput(c.out);
  try {
    return await fineTuneLocked(options, task, c, started, cpuStarted);
  } finally {
    release();
  }
}

/** The run, once `c.out` is ours: its state is read again under the lock. */
async function fineTuneLocked(options: FineTuneOptions, task: TaskData, c: ResolvedConfig, started: number, cpuStarted: NodeJS.CpuUsage): Promise<RunResult> {
  const outExisted = fs.existsSync(c.out);
  const state = checkOutput(c.out, c.overwrite);
  const checkpoint = fingerprintCheckpoint(c.modelDir);
  resolveAgainstCheckpoint(c, checkpoint, options.mitigationHyperParameters?.reinitLayers !== undefined);
  const settings = runSettings(c, checkpoint);
  if (state === "finished") {
    const mismatch = finishedRunMismatch(c.out, settings, c.saveFinal);
    if (mismatch) throw new Error(`--out ${c.out} holds a finished run made with other settings (${mismatch}); pass --overwrite to re-run it, or choose another --out`);
    return { status: "skipped", out: c.out, metrics: JSON.parse(fs.readFileSync(path.join(c.out, "metrics.json"), "utf8")) };
  }
  const backend = await initBackend();
  const model = await loadCheckpoint(c);
  const disposables: { dispose(): void }[] = [model];
  // HF's "newly initialized" warning: which weights (the new head) came from the seed, not the checkpoint.
  const initReport = initializationReport(model, c.modelDir, c.seed);
  if (initReport && options.progress !== false) (options.progress?.stream ?? process.stderr).write(`${initReport}\n`);
  try {
    const tokenizer = loadCheckpointTokenizer(c.modelDir, model);
    const C = model.config.num_labels;
    const trainExamples = c.maxTrainExamples === null ? task.train : task.train.slice(0, c.maxTrainExamples);
    if (trainExamples.length === 0) throw new Error(`task ${task.name} has no training examples`);
    if (task.validation.length === 0 || task.test.length === 0) throw new Error(`task ${task.name} needs a non-empty validation and test half`);
    const train = encodeExamples(tokenizer, trainExamples, c.maxLength, C, `${task.name} train`);
    const validation = encodeExamples(tokenizer, task.validation, c.maxLength, C, `${task.name} validation`);
    const test = encodeExamples(tokenizer, task.test, c.maxLength, C, `${task.name} test`);

    const rng = new Random(c.seed);
    const loaded = options.hooks?.afterSetup ? snapshotValues(model) : new Map<string, Float32Array>();
    const setup = configureMitigation(c.mitigation, { params: model.params, rng, inputAxis: 1, hyperParameters: c.mitigationHyperParameters });
    disposables.push(setup);
    const optimizer = new AdamW(model.params, setup.groups, {
      lr: c.lr,
      beta1: FINETUNE_DEFAULTS.beta1,
      beta2: FINETUNE_DEFAULTS.beta2,
      epsilon: FINETUNE_DEFAULTS.epsilon,
    });
    disposables.push(optimizer);
    const schedule = new LinearWarmupSchedule({ trainExamples: trainExamples.length, batchSize: c.batchSize, epochs: c.epochs, warmupRatio: c.warmupRatio });
    const dropoutValue = setup.dropoutOverride ?? c.dropout;
    const dropout: Partial<DropoutRates> | undefined =
      dropoutValue === null ? undefined : { hidden: dropoutValue, attention: dropoutValue, classifier: dropoutValue };
    options.hooks?.afterSetup?.({
      model,
      groupLearningRates: optimizer.groupLearningRates(1).map((g, i) => ({ ...g, params: [...optimizer.groups[i].params] })),
      reinitialized: setup.reinitialized,
      loaded,
    });

    const progress = options.progress === false ? null : new Progress({ label: `${task.name} ${c.mitigation} seed ${c.seed}`, total: schedule.totalSteps, unit: "steps", ...options.progress });
    const say = (line: string) => {
      if (!progress || options.progress === false) return;
      (options.progress?.stream ?? process.stderr).write(isTty(options) ? `\r\x1b[K${line}\n` : `${line}\n`);
    };

    const best = new BestCheckpoint();
    disposables.push(best);
    const dataOrder = rng.fork("data-order");
    const dropoutSeeds = rng.fork("dropout");
    const trainLossPerEpoch: number[] = [];
    const validationMetricPerEpoch: number[] = [];
    let diverged: Divergence | null = null;
    let trainMs = 0;
    let evalMs = 0;
    for (let epoch = 1; epoch <= c.epochs && !diverged; epoch++) {
      const epochStart = Date.now();
      let lossSum = 0;
      let steps = 0;
      for (const idx of epochBatches(trainExamples.length, c.batchSize, dataOrder)) {
        const { batch, labels } = makeBatch(train, idx);
        const seed = dropoutSeeds.nextUint32();
        options.hooks?.beforeStep?.({ epoch, step: optimizer.stepCount + 1, indices: idx, dropoutSeed: seed, model });
        const { loss, grads } = lossAndGrads(model, () =>
          crossEntropy(model.forward(batch, { training: true, seed, dropout, weightTransform: setup.weightTransform }).logits, labels),
        );
        if (!Number.isFinite(loss)) {
          tf.dispose([...grads.values()]);
          diverged = { step: optimizer.stepCount + 1, reason: "loss" };
          break;
        }
        const update = applyUpdate(optimizer, schedule, grads, { maxGradNorm: c.maxGradNorm, afterStep: (lrT) => setup.afterStep(lrT) });
        if (update.diverged) {
          diverged = { step: update.k, reason: "gradient norm" };
          break;
        }
        lossSum += loss;
        steps++;
        progress?.tick(1, `epoch ${epoch}/${c.epochs} loss ${(lossSum / steps).toFixed(4)}`);
      }
      trainMs += Date.now() - epochStart;
      trainLossPerEpoch.push(steps > 0 ? lossSum / steps : NaN);
      if (diverged) {
        say(`${task.name} seed ${c.seed}: diverged at step ${diverged.step} (non-finite ${diverged.reason}); keeping the best checkpoint so far`);
        break;
      }
      const evalStart = Date.now();
      const value = scorePredictions(predict(model, validation, { batchSize: c.evalBatchSize }), validation.labels, task.metric);
      evalMs += Date.now() - evalStart;
      validationMetricPerEpoch.push(value);
      const kept = best.consider(epoch, value, model.params);
      say(`${task.name} seed ${c.seed}: epoch ${epoch}/${c.epochs} train loss ${trainLossPerEpoch[epoch - 1].toFixed(4)}, validation ${task.metric} ${value.toFixed(4)}${kept ? " (best so far)" : ""}`);
    }
    // On a terminal the bar needs its closing newline; plain output already has the last line.
    if (progress && diverged === null && isTty(options)) progress.finish();
    options.hooks?.afterTraining?.(model);

    // The final model's outputs first: restoring the best checkpoint overwrites its weights.
    let final: Predictions | null = null;
    if (c.saveFinal) {
      final = predict(model, test, { batchSize: c.evalBatchSize, hiddenStates: true });
      if (!allFinite(final.logits) || !allFinite(final.hidden!)) final = null;
    }
    if (best.has) best.restoreInto(model.params);
    let predictionsFrom = best.has ? "best" : "last-finite-step";
    let chosen = predict(model, test, { batchSize: c.evalBatchSize, hiddenStates: true });
    if (!best.has && !(allFinite(chosen.logits) && allFinite(chosen.hidden!))) {
      // Diverged before the first evaluation, and the last weights give no finite output: the
      // run has no usable checkpoint. The freshly loaded model (same seed, same mitigation
      // set-up) stands in, so the run folder stays readable; metrics.json says so.
      chosen = await initialPredictions(c, test);
      predictionsFrom = "initial (diverged before the first evaluation)";
    }

    const majority = majorityClassAccuracy(test.labels);
    const failed = classifyRun(
      c.failedRule,
      test.labels,
      task.metric,
      { predictions: predictedLabels(chosen) },
      final ? { predictions: predictedLabels(final) } : undefined,
    );
    const totalSteps = optimizer.stepCount;
    const common = {
      task: task.name,
      metric: task.metric,
      seed: c.seed,
      mitigation: c.mitigation,
      lr: c.lr,
      validationMetricPerEpoch,
      bestEpoch: best.epoch,
      trainLossPerEpoch,
      steps: totalSteps,
      plannedSteps: schedule.totalSteps,
      stepsPerEpoch: schedule.stepsPerEpoch,
      msPerStep: totalSteps > 0 ? trainMs / totalSteps : null,
      trainSeconds: trainMs / 1000,
      evalSeconds: evalMs / 1000,
      diverged: diverged !== null,
      divergedStep: diverged?.step ?? null,
      divergedReason: diverged?.reason ?? null,
      majorityClassAccuracy: majority,
      failed: failed.failed,
      failedLabel: failed.label,
      failedRule: failed,
    };
    const config = configRecord(c, { backend, model, settings, effectiveDropout: { ...model.dropoutRates({ training: true, dropout }) } });
    const metricsFor = (p: Predictions, checkpoint: string, extra: Record<string, unknown>) => ({
      ...common,
      checkpoint,
      ...extra,
      testMetric: scorePredictions(p, test.labels, task.metric),
      testAccuracy: scorePredictions(p, test.labels, "accuracy"),
      wallSeconds: (Date.now() - started) / 1000,
      cpuSeconds: cpuSecondsSince(cpuStarted),
    });
    const metrics = metricsFor(chosen, "best", {
      predictionsFrom,
      finalSaved: final !== null,
      ...(c.saveFinal && !final ? { finalNote: "the final model's outputs were not finite; final/ was not written" } : {}),
    });
    const contents = runContents(chosen, test.labels, metrics, config);
    if (final) contents.final = runContents(final, test.labels, metricsFor(final, "final", { predictionsFrom: "final" }), config);
    writeRun(c.out, contents, { overwrite: c.overwrite || outExisted });
    return { status: "finished", out: c.out, metrics, config };
  } finally {
    for (const d of disposables.reverse()) d.dispose();
  }
}

function isTty(options: FineTuneOptions): boolean {
  if (options.progress === false || options.progress?.plain) return false;
  return Boolean((options.progress?.stream ?? process.stderr).isTTY);
}

async function initialPredictions(c: ResolvedConfig, test: EncodedExamples): Promise<Predictions> {
  const model = await loadCheckpoint(c);
  try {
    configureMitigation(c.mitigation, { params: model.params, rng: new Random(c.seed), inputAxis: 1, hyperParameters: c.mitigationHyperParameters }).dispose();
    return predict(model, test, { batchSize: c.evalBatchSize, hiddenStates: true });
  } finally {
    model.dispose();
  }
}

async function loadCheckpoint(c: ResolvedConfig): Promise<EncoderModel> {
  if (!fs.existsSync(c.modelDir)) throw new Error(`model directory ${c.modelDir} does not exist; pass --model DIR with a Hugging Face checkpoint folder`);
  if (!fs.statSync(c.modelDir).isDirectory()) throw new Error(`--model ${c.modelDir} is a file; pass the checkpoint folder that holds config.json`);
  return loadModel(c.modelDir, { numLabels: c.task.numLabels, seed: c.seed });
}

function loadCheckpointTokenizer(dir: string, model: EncoderModel): Tokenizer {
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > model.config.vocab_size) {
    throw new Error(
      `${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json says vocab_size ${model.config.vocab_size}; the tokenizer files belong to another checkpoint`,
    );
  }
  return tokenizer;
}

function snapshotValues(model: EncoderModel): Map<string, Float32Array> {
  return new Map([...model.params].map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
}

/** User + system CPU seconds of this process since `start` (every thread). */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return Math.round((u.user + u.system) / 1e4) / 100;
}
