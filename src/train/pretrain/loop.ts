// The pre-training loop: BERT's masked-language-model objective, and with `nextSentence` also its
// next-sentence objective on sentence pairs (sentencePairs.ts): tokenizer → sequences → for each
// update: batch, 15% masking (80/10/10), forward/backward, global-norm clipping, AdamW with
// linear warm-up and linear decay.
// Resumable: rerunning with the same outDir and settings continues from DIR/checkpoint exactly
// where it stopped (see checkpoint.ts for why the step number is all the state there is).
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { makeConfig, type EncoderConfig } from "../../model/config";
import type { EncoderModel } from "../../model/encoder";
import { createRandomModel } from "../../model/init";
import { loadModel, saveModel } from "../../model/checkpoint";
import { lossAndGrads } from "../../model/train-step";
import { loadTokenizer, trainWordPiece, type Tokenizer } from "../../data/tokenizers";
import { Progress } from "../../util/progress";
import { Random } from "../../util/random";
import { temporarySibling } from "../../util/tempNames";
import { AdamW } from "../adamw";
import { clipCoefficient, globalGradNorm } from "../clipGradients";
import { standardGroups } from "../parameterGroups";
import { linearWarmupDecayFactor } from "../schedule";
import { findCheckpoint, readOptimizerState, readTrainerState, saveCheckpoint, type TrainerState } from "./checkpoint";
import { BatchSchedule, dataPosition, splitHeldOut, tokeniseDocuments } from "./data";
import { evaluateMlm, specialTokenIds, type MlmEvaluation } from "./evaluate";
import { maskTokens } from "./masking";
import { makeSentencePairs } from "./sentencePairs";
import type { Heads } from "../../model/weights";
import { accuracy, predictions } from "../../measures/taskMetrics";
import { padBatch } from "./packing";
import { appendLog, truncateLog } from "./log";

/** What defines a run: a resume must use the same values. */
export interface PretrainSettings {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  maxLength: number;
  vocabSize: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warm-up length in updates; then linear decay to 0 at maxSteps. */
  warmupSteps: number;
  /** Total updates of the schedule. */
  maxSteps: number;
  seed: number;
  weightDecay: number;
  maxGradNorm: number;
  beta2: number;
  /** Dropout during pre-training (the saved config keeps BERT's 0.1 for fine-tuning). */
  dropout: number;
  /**
   * Continued pre-training: start from this checkpoint's weights and tokenizer (a fresh
   * optimizer and schedule) instead of a random initialisation.
   */
  initFrom?: string;
  /**
   * Train on sentence pairs with BERT's next-sentence objective besides MLM (trains segment 1,
   * the pooler and the `cls.seq_relationship` head); single pieces with MLM alone otherwise.
   */
  nextSentence?: boolean;
}

export interface PretrainOptions extends PretrainSettings {
  outDir: string;
  /** The corpus; pretrainingCorpus() for the real run. */
  documents: readonly string[];
  /** Stop (with a checkpoint) after this many minutes of this session. */
  maxMinutes?: number;
  /** Held-out evaluation every N updates (and at the start and the end). */
  evalEvery: number;
  /** Evaluate on at most this many held-out sequences. */
  evalSequences?: number;
  /** Seed of the held-out masking (the same for every run, so evaluations compare). */
  evalMaskSeed?: number;
  checkpointEveryMinutes: number;
  /** Also checkpoint every N updates (tests). */
  checkpointEverySteps?: number;
  /** Stop (with a checkpoint) once this many updates are finished: an interruption on purpose. */
  stopAtStep?: number;
  /** Aborting stops the run after the current update, with a checkpoint. */
  signal?: AbortSignal;
  /** Progress and messages; stderr by default. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** No progress bar (tests). */
  quiet?: boolean;
}

export interface PretrainResult {
  step: number;
  finished: boolean;
  resumedFrom: number | null;
  tokensSeen: number;
  trainSeconds: number;
  lastEval?: MlmEvaluation & { step: number };
  checkpointDir: string;
  /** DIR/model (HF layout, no optimizer state) once the schedule is finished. */
  modelDir?: string;
}

export const TOKENIZER_DIR = "tokenizer";
export const FINAL_MODEL_DIR = "model";

function settingsOf(o: PretrainSettings): PretrainSettings {
  const { layers, hidden, heads, ffn, maxLength, vocabSize, batchSize, lr, warmupSteps, maxSteps, seed, weightDecay, maxGradNorm, beta2, dropout } = o;
  const s: PretrainSettings = { layers, hidden, heads, ffn, maxLength, vocabSize, batchSize, lr, warmupSteps, maxSteps, seed, weightDecay, maxGradNorm, beta2, dropout };
  if (o.initFrom !== undefined) s.initFrom = path.resolve(o.initFrom);
  // Absent rather than false, so runs written before the option existed still resume.
  if (o.nextSentence) s.nextSentence = true;
  return s;
}

/** The tokenizer of the run: trained once on the training documents, then reused on resume. */
export function runTokenizer(outDir: string, trainDocuments: readonly string[], vocabSize: number, maxLength: number, initFrom?: string): Tokenizer {
  const dir = path.join(outDir, TOKENIZER_DIR);
  if (fs.existsSync(path.join(dir, "vocab.txt"))) return loadTokenizer(dir);
  const tokenizer = initFrom ? loadTokenizer(initFrom) : trainWordPiece(trainDocuments, { vocabSize, lowercase: true, modelMaxLength: maxLength });
  const tmp = temporarySibling(dir);
  tokenizer.save(tmp);
  fs.renameSync(tmp, dir);
  return tokenizer;
}

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const out = o.stream ?? process.stderr;
  const say = (s: string) => out.write(`[pretrain] ${s}\n`);
  const settings = settingsOf(o);
  fs.mkdirSync(o.outDir, { recursive: true });
  const sessionStart = Date.now();

  const existing = findCheckpoint(o.outDir);
  let state: TrainerState | null = existing ? readTrainerState(existing) : null;
  if (state) checkSameSettings(state.settings, settings, existing!);

  const { train, heldOut } = splitHeldOut(o.documents);
  const tokenizer = runTokenizer(o.outDir, train, o.vocabSize, o.maxLength, settings.initFrom);
  const pieces = tokeniseDocuments(train, tokenizer, o.maxLength);
  const heldOutSeqs = tokeniseDocuments(heldOut, tokenizer, o.maxLength);
  const pairs = settings.nextSentence
    ? makeSentencePairs(pieces, { maxLength: o.maxLength, clsId: tokenizer.clsTokenId, sepId: tokenizer.sepTokenId, seed: o.seed })
    : null;
  const trainSeqs = pairs ? pairs.sequences : pieces;
  const schedule = new BatchSchedule(trainSeqs.map((s) => s.length), o.batchSize, o.seed);
  const trainTokens = trainSeqs.reduce((a, s) => a + s.length, 0);
  say(
    `corpus: ${train.length} training documents (${trainSeqs.length} ${pairs ? "sentence pairs" : "sequences"}, ${trainTokens} tokens), ` +
      `${heldOut.length} held out (${heldOutSeqs.length} sequences); vocabulary ${tokenizer.vocabSize}; ` +
      `${schedule.batchesPerEpoch} batches per epoch`,
  );
  const heads = { pooler: !!pairs, classifier: false, mlm: true, nsp: !!pairs };

  const config = makeConfig({
    model_type: "bert",
    vocab_size: tokenizer.vocabSize,
    hidden_size: o.hidden,
    num_hidden_layers: o.layers,
    num_attention_heads: o.heads,
    intermediate_size: o.ffn,
    max_position_embeddings: o.maxLength,
    pad_token_id: tokenizer.padTokenId,
  });
  let model: EncoderModel;
  if (existing && state) {
    model = await loadModel(existing, { heads });
    say(`resuming from ${existing} at step ${state.step}`);
  } else {
    model = settings.initFrom
      ? await loadInitialModel(settings.initFrom, config, heads, o.seed)
      : await createRandomModel(config, o.seed, heads);
  }
  const optimizer = new AdamW(model.trainableVariables(), standardGroups(model.trainableVariables().keys(), o.weightDecay), {
    lr: o.lr,
    beta2: o.beta2,
  });
  if (existing && state) optimizer.importState(readOptimizerState(existing));
  state ??= { step: 0, epoch: 0, position: 0, tokensSeen: 0, trainSeconds: 0, settings: { ...settings } };
  const logFile = path.join(o.outDir, "log.jsonl");
  // Lines written after the checkpoint by a run that was then killed describe updates that will be redone.
  truncateLog(logFile, state.step);
  const resumedFrom = existing ? state.step : null;

  const specialIds = specialTokenIds(tokenizer);
  const evaluate = (step: number): MlmEvaluation & { step: number } => {
    const e = evaluateMlm(model, heldOutSeqs, tokenizer, {
      maskSeed: o.evalMaskSeed ?? 0,
      batchSize: o.batchSize,
      maxSequences: o.evalSequences,
    });
    appendLog(logFile, { type: "eval", step, eval_loss: e.loss, eval_accuracy: e.accuracy, masked_tokens: e.maskedTokens, sequences: e.sequences });
    say(`step ${step}: held-out MLM loss ${e.loss.toFixed(4)}, accuracy ${(100 * e.accuracy).toFixed(2)}% (${e.maskedTokens} masked tokens)`);
    state!.lastEval = { step, loss: e.loss, accuracy: e.accuracy };
    return { ...e, step };
  };

  let lastEval: (MlmEvaluation & { step: number }) | undefined;
  if (state.step === 0 && heldOutSeqs.length > 0) lastEval = evaluate(0);

  let segmentStart = Date.now();
  let lastCheckpoint = Date.now();
  const checkpoint = async () => {
    const now = Date.now();
    state!.trainSeconds += (now - segmentStart) / 1000;
    segmentStart = now;
    const pos = dataPosition(state!.step, schedule.batchesPerEpoch);
    state!.epoch = pos.epoch;
    state!.position = pos.index;
    await saveCheckpoint(o.outDir, model, optimizer, state!, { tokenizerDir: path.join(o.outDir, TOKENIZER_DIR) });
    lastCheckpoint = Date.now();
  };

  const progress = o.quiet
    ? null
    : new Progress({ label: state.step > 0 ? `pretrain (resumed at ${state.step})` : "pretrain", total: o.maxSteps - state.step, unit: "steps", stream: out });
  const startStep = state.step;
  const dropout = o.dropout > 0 ? { hidden: o.dropout, attention: o.dropout, classifier: o.dropout } : undefined;
  let stopReason: string | null = null;
  try {
    while (state.step < o.maxSteps) {
      const k = state.step;
      const indices = schedule.batchFor(k);
      const seqs = indices.map((i) => trainSeqs[i]);
      const padded = padBatch(seqs, tokenizer.padTokenId, pairs ? indices.map((i) => pairs.tokenTypes[i]) : undefined);
      const nextSentenceLabels = pairs ? Int32Array.from(indices, (i) => pairs.labels[i]) : undefined;
      const masked = maskTokens(padded.inputIds, padded.attentionMask, new Random(o.seed).fork(`mask-${k}`), {
        maskTokenId: tokenizer.maskTokenId,
        vocabSize: config.vocab_size,
        specialIds,
      });
      const batch = { ...padded, inputIds: masked.inputIds };
      const dropoutSeed = new Random(o.seed).fork(`dropout-${k}`).seedForLibrary();
      // Next-sentence accuracy of the batch before its update: in the first epoch every pair is
      // new to the model, so this is a held-out measure.
      let nextSentenceAccuracy = 0;
      const { loss, grads } = lossAndGrads(model, () => {
        const opts = dropout ? { training: true, seed: dropoutSeed, dropout } : { training: false };
        const out = model.pretrainingForward(batch, { positions: masked.positions, labels: masked.labels, nextSentenceLabels }, opts);
        if (out.nextSentenceLogits) {
          const predicted = predictions(Float64Array.from(out.nextSentenceLogits.dataSync()), seqs.length, 2);
          nextSentenceAccuracy = accuracy(predicted, nextSentenceLabels!);
        }
        return out.loss;
      });
      let gradNorm: number;
      let lrT: number;
      try {
        gradNorm = globalGradNorm(grads);
        if (!Number.isFinite(gradNorm) || !Number.isFinite(loss)) {
          throw new Error(
            `pre-training diverged at update ${k + 1} (loss ${loss}, gradient norm ${gradNorm}); ` +
              `the last checkpoint is kept: lower --lr or lengthen --warmup and start a new --out`,
          );
        }
        lrT = optimizer.step(grads, {
          lrFactor: linearWarmupDecayFactor(k, o.maxSteps, o.warmupSteps),
          gradScale: clipCoefficient(gradNorm, o.maxGradNorm),
        });
      } finally {
        tf.dispose([...grads.values()]);
      }
      state.step = k + 1;
      state.tokensSeen += padded.attentionMask.reduce((a, b) => a + b, 0);
      appendLog(logFile, {
        type: "train",
        step: state.step,
        loss,
        ...(pairs ? { next_sentence_accuracy: nextSentenceAccuracy } : {}),
        lr: lrT,
        grad_norm: gradNorm,
        tokens_seen: state.tokensSeen,
        elapsed_s: state.trainSeconds + (Date.now() - segmentStart) / 1000,
      });
      progress?.tick(1, `loss ${loss.toFixed(3)} lr ${lrT.toExponential(2)}`);

      if (state.step % o.evalEvery === 0 && state.step < o.maxSteps && heldOutSeqs.length > 0) lastEval = evaluate(state.step);
      if (state.step === o.maxSteps) break;
      // The updates are synchronous: yield to the event loop so a SIGINT/SIGTERM handler can run.
      await new Promise((resolve) => setImmediate(resolve));
      if (o.stopAtStep !== undefined && state.step >= o.stopAtStep) stopReason = `stopped at step ${state.step} as asked`;
      else if (o.signal?.aborted) stopReason = `interrupted at step ${state.step}`;
      else if (o.maxMinutes !== undefined && Date.now() - sessionStart >= o.maxMinutes * 60_000) stopReason = `--max-minutes ${o.maxMinutes} reached at step ${state.step}`;
      if (stopReason) break;
      const due =
        Date.now() - lastCheckpoint >= o.checkpointEveryMinutes * 60_000 ||
        (o.checkpointEverySteps !== undefined && state.step % o.checkpointEverySteps === 0);
      if (due) await checkpoint();
    }
    const finished = state.step >= o.maxSteps;
    if (finished && heldOutSeqs.length > 0 && lastEval?.step !== state.step) lastEval = evaluate(state.step);
    if (state.step > startStep || !existing) await checkpoint();
    progress?.finish();
    let modelDir: string | undefined;
    if (finished) {
      modelDir = path.join(o.outDir, FINAL_MODEL_DIR);
      const tmp = temporarySibling(modelDir);
      await saveModel(model, tmp, { tokenizerFrom: path.join(o.outDir, TOKENIZER_DIR) });
      fs.rmSync(modelDir, { recursive: true, force: true });
      fs.renameSync(tmp, modelDir);
      say(`finished ${state.step} updates; model in ${modelDir}`);
    } else {
      say(`${stopReason ?? "stopped"}; checkpoint in ${path.join(o.outDir, "checkpoint")} (rerun the same command to continue)`);
    }
    return {
      step: state.step,
      finished,
      resumedFrom,
      tokensSeen: state.tokensSeen,
      trainSeconds: state.trainSeconds,
      lastEval,
      checkpointDir: path.join(o.outDir, "checkpoint"),
      modelDir,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * The starting weights of a continued pre-training; its architecture must be the one asked for.
 * Heads it lacks (the pooler and next-sentence head of an MLM-only model) start from `seed`.
 */
async function loadInitialModel(dir: string, config: EncoderConfig, heads: Heads, seed: number): Promise<EncoderModel> {
  const model = await loadModel(dir, { heads, seed });
  for (const key of ["model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings"] as const) {
    if (model.config[key] !== config[key]) {
      model.dispose();
      throw new Error(`--init-from ${dir}: its ${key} is ${model.config[key]} but this run asks for ${config[key]}; give the matching options`);
    }
  }
  if (model.initializedFromSeed.some((n) => n.startsWith("cls.predictions."))) {
    model.dispose();
    throw new Error(`--init-from ${dir}: the checkpoint has no MLM head (cls.predictions.*); continue from a pre-training checkpoint`);
  }
  return model;
}

function checkSameSettings(saved: Record<string, unknown>, now: PretrainSettings, dir: string): void {
  const keys = new Set([...Object.keys(now), ...Object.keys(saved)]);
  for (const key of keys) {
    const value = (now as unknown as Record<string, unknown>)[key];
    if (saved[key] !== value) {
      throw new Error(
        `${dir} was written with ${key} = ${JSON.stringify(saved[key])}, but this run has ${key} = ${JSON.stringify(value)}; ` +
          `rerun with the same settings to resume, or choose another --out to start a new run`,
      );
    }
  }
}
