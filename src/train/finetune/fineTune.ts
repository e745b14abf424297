// One fine-tuning run, the paper's protocol (method.md §3): (checkpoint, task, hyper-parameters,
// mitigation method, seed) → a run folder. The seed drives four independent streams: the new
// head's initialisation (loadModel's "head-init"), re-init and Mixout masks (configureMitigation
// forks "reinit"/"mixout"), dropout masks ("dropout": one seed per step) and the data order
// ("data-order": one permutation per epoch).
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTask } from "../../data/loadTask";
import { loadTokenizer } from "../../data/tokenizers/load";
import type { Tokenizer } from "../../data/tokenizers/types";
import { initBackend } from "../../model/backend";
import { initializationReport, loadModel } from "../../model/checkpoint";
import type { DropoutRates, EncoderModel } from "../../model/encoder";
import { writeRun } from "../../runs/runFolder";
import { Progress } from "../../util/progress";
import { Random } from "../../util/random";
import { AdamW } from "../adamw";
import { configureMitigation } from "../mitigation";
import { LinearWarmupSchedule } from "../schedule";
import { type EncodedExamples, encodeExamples } from "./batches";
import { BestCheckpoint } from "./bestCheckpoint";
import { type FineTuneOptions, type ResolvedConfig, FINETUNE_DEFAULTS, configRecord, resolveConfig } from "./config";
import { type Predictions, allFinite, predict } from "./evaluate";
import { fingerprintCheckpoint, resolveAgainstCheckpoint, runSettings } from "./identity";
import { checkOutput, finishedRunMismatch, lockOutput } from "./output";
import { type FinishedTraining, type RunClock, type TestOutputs, runFolderContents } from "./runMetrics";
import { type LoopIo, type TrainingSetup, trainEpochs } from "./trainEpochs";

export type { Divergence } from "./trainEpochs";

export interface RunResult {
  /** "skipped": `out` already held a finished run and overwrite was not asked for. */
  status: "finished" | "skipped";
  out: string;
  /** metrics.json as written (or as found, when skipped). */
  metrics: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export async function fineTune(options: FineTuneOptions): Promise<RunResult> {
  const clock = { started: Date.now(), cpuStarted: process.cpuUsage() }; // CPU time tells a crowded machine from a slow engine
  const task = typeof options.task === "string" ? loadTask(options.task, { glueDir: options.glueDir }) : options.task;
  const c = resolveConfig(options, task);
  checkOutput(c.out, c.overwrite); // the path's own errors first (it also makes the parent folder)
  const release = lockOutput(c.out);
  try {
    return await fineTuneLocked(options, c, clock);
  } finally {
    release();
  }
}

/** The run, once `c.out` is ours: its state is read again under the lock. */
async function fineTuneLocked(options: FineTuneOptions, c: ResolvedConfig, clock: RunClock): Promise<RunResult> {
  const outExisted = fs.existsSync(c.out);
  const state = checkOutput(c.out, c.overwrite);
  const settings = settleAgainstCheckpoint(options, c);
  if (state === "finished") return reuseFinishedRun(c, settings);
  const backend = await initBackend();
  const model = await loadCheckpoint(c);
  const disposables: { dispose(): void }[] = [model];
  reportNewWeights(options, c, model);
  try {
    const data = encodeTask(c, model);
    const setup = setUpTraining(options, c, model, disposables);
    const best = new BestCheckpoint();
    disposables.push(best);
    const io = loopIo(options, c, setup.schedule.totalSteps);
    const report = trainEpochs(c, setup, best, data.train, data.validation, io);
    // On a terminal the bar needs its closing newline; plain output already has the last line.
    if (io.progress && report.diverged === null && isTty(options)) io.progress.finish();
    options.hooks?.afterTraining?.(model);
    const outputs = await testOutputs(c, model, best, data.test);
    const config = configRecord(c, { backend, model, settings, effectiveDropout: { ...model.dropoutRates({ training: true, dropout: setup.dropout }) } });
    const run: FinishedTraining = { report, best, optimizer: setup.optimizer, schedule: setup.schedule, clock };
    const contents = runFolderContents(c, data.test, outputs, run, config);
    writeRun(c.out, contents, { overwrite: c.overwrite || outExisted });
    return { status: "finished", out: c.out, metrics: contents.metrics, config };
  } finally {
    for (const d of disposables.reverse()) d.dispose();
  }
}

/** Settles the truncation length and re-init depth against the checkpoint; the run's identity (config.json's settings). */
function settleAgainstCheckpoint(options: FineTuneOptions, c: ResolvedConfig): Record<string, unknown> {
  const checkpoint = fingerprintCheckpoint(c.modelDir);
  resolveAgainstCheckpoint(c, checkpoint.config, options.mitigationHyperParameters?.reinitLayers !== undefined);
  return runSettings(c, checkpoint);
}

/** `out` already holds a finished run: reused when it is this very run, an error otherwise. */
function reuseFinishedRun(c: ResolvedConfig, settings: Record<string, unknown>): RunResult {
  const mismatch = finishedRunMismatch(c.out, settings, c.saveFinal);
  if (mismatch) throw new Error(`--out ${c.out} holds a finished run made with other settings (${mismatch}); pass --overwrite to re-run it, or choose another --out`);
  const metricsFile = path.join(c.out, "metrics.json");
  return { status: "skipped", out: c.out, metrics: fs.existsSync(metricsFile) ? JSON.parse(fs.readFileSync(metricsFile, "utf8")) : {} };
}

/** HF's "newly initialized" warning: which weights (the new head) came from the seed, not the checkpoint. */
function reportNewWeights(options: FineTuneOptions, c: ResolvedConfig, model: EncoderModel): void {
  const initReport = initializationReport(model, c.modelDir, c.seed);
  if (initReport && options.progress !== false) (options.progress?.stream ?? process.stderr).write(`${initReport}\n`);
}

/** The three halves tokenised with the checkpoint's tokenizer (the training half cut to maxTrainExamples). */
function encodeTask(c: ResolvedConfig, model: EncoderModel): { train: EncodedExamples; validation: EncodedExamples; test: EncodedExamples } {
  const task = c.task;
  const tokenizer = loadCheckpointTokenizer(c.modelDir, model);
  const C = model.config.num_labels;
  const trainExamples = c.maxTrainExamples === null ? task.train : task.train.slice(0, c.maxTrainExamples);
  if (trainExamples.length === 0) throw new Error(`task ${task.name} has no training examples`);
  if (task.validation.length === 0 || task.test.length === 0) throw new Error(`task ${task.name} needs a non-empty validation and test half`);
  return {
    train: encodeExamples(tokenizer, trainExamples, c.maxLength, C, `${task.name} train`),
    validation: encodeExamples(tokenizer, task.validation, c.maxLength, C, `${task.name} validation`),
    test: encodeExamples(tokenizer, task.test, c.maxLength, C, `${task.name} test`),
  };
}

/** The mitigation (re-init happens here), AdamW on its groups, the schedule and the dropout of training passes. */
function setUpTraining(options: FineTuneOptions, c: ResolvedConfig, model: EncoderModel, disposables: { dispose(): void }[]): TrainingSetup {
  const rng = new Random(c.seed);
  const loaded = options.hooks?.afterSetup ? snapshotValues(model) : new Map<string, Float32Array>();
  const mitigation = configureMitigation(c.mitigation, { params: model.params, rng, inputAxis: 1, hyperParameters: c.mitigationHyperParameters });
  disposables.push(mitigation);
  const optimizer = new AdamW(model.params, mitigation.groups, {
    lr: c.lr,
    beta1: FINETUNE_DEFAULTS.beta1,
    beta2: FINETUNE_DEFAULTS.beta2,
    epsilon: FINETUNE_DEFAULTS.epsilon,
  });
  disposables.push(optimizer);
  const trainExamples = c.maxTrainExamples === null ? c.task.train.length : Math.min(c.maxTrainExamples, c.task.train.length);
  const schedule = new LinearWarmupSchedule({ trainExamples, batchSize: c.batchSize, epochs: c.epochs, warmupRatio: c.warmupRatio });
  const dropoutValue = mitigation.dropoutOverride ?? c.dropout;
  const dropout: Partial<DropoutRates> | undefined =
    dropoutValue === null ? undefined : { hidden: dropoutValue, attention: dropoutValue, classifier: dropoutValue };
  options.hooks?.afterSetup?.({
    model,
    groupLearningRates: optimizer.groupLearningRates(1).map((g, i) => ({ ...g, params: [...optimizer.groups[i].params] })),
    reinitialized: mitigation.reinitialized,
    loaded,
  });
  return { model, mitigation, optimizer, schedule, dropout, rng };
}

/** The progress bar and the per-epoch lines (none with progress: false). */
function loopIo(options: FineTuneOptions, c: ResolvedConfig, totalSteps: number): LoopIo {
  const progress = options.progress === false ? null : new Progress({ label: `${c.task.name} ${c.mitigation} seed ${c.seed}`, total: totalSteps, unit: "steps", ...options.progress });
  const say = (line: string) => {
    if (!progress || options.progress === false) return;
    (options.progress?.stream ?? process.stderr).write(isTty(options) ? `\r\x1b[K${line}\n` : `${line}\n`);
  };
  return { progress, say, hooks: options.hooks };
}

/** Test-half logits and hidden states of the final model (--save-final) and of the best checkpoint. */
async function testOutputs(c: ResolvedConfig, model: EncoderModel, best: BestCheckpoint, test: EncodedExamples): Promise<TestOutputs> {
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
  return { chosen, predictionsFrom, final };
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
