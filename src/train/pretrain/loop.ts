// The pre-training loop: BERT's masked-language-model objective, and with `nextSentence` also its
// next-sentence objective on sentence pairs (sentencePairs.ts), in named steps: the corpus and its
// tokenizer (corpus.ts) → the model and optimizer, new or resumed → for each update: batch, 15%
// masking (80/10/10), forward/backward and the shared update of train/update.ts (step.ts) →
// evaluations, log and checkpoints (session.ts) → the final model.
// Resumable: rerunning with the same outDir and settings continues from DIR/checkpoint exactly
// where it stopped (see checkpoint.ts for why the step number is all the state there is).
import * as fs from "node:fs";
import * as path from "node:path";
import { makeConfig, type EncoderConfig } from "../../model/config";
import type { EncoderModel } from "../../model/encoder";
import { createRandomModel } from "../../model/init";
import { loadModel, saveModel } from "../../model/checkpoint";
import type { Heads } from "../../model/weights";
import { temporarySibling } from "../../util/tempNames";
import { AdamW } from "../adamw";
import { standardGroups } from "../parameterGroups";
import { StepsSchedule } from "../schedule";
import { findCheckpoint, readOptimizerState, readTrainerState, type TrainerState } from "./checkpoint";
import { prepareCorpus, TOKENIZER_DIR, type PretrainCorpus } from "./corpus";
import type { MlmEvaluation } from "./evaluate";
import { PretrainSession } from "./session";
import { checkSameSettings, settingsOf, type PretrainSettings } from "./settings";
import { trainStep } from "./step";

export { runTokenizer, TOKENIZER_DIR } from "./corpus";
export type { PretrainSettings } from "./settings";

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

export const FINAL_MODEL_DIR = "model";

/** The checkpoint a rerun continues from, with its trainer state. */
interface ResumePoint {
  dir: string;
  state: TrainerState;
}

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const stream = o.stream ?? process.stderr;
  const say = (s: string) => stream.write(`[pretrain] ${s}\n`);
  const settings = settingsOf(o);
  fs.mkdirSync(o.outDir, { recursive: true });
  const sessionStart = Date.now();
  const resume = findResumePoint(o.outDir, settings);
  const corpus = prepareCorpus({ ...o, initFrom: settings.initFrom });
  say(corpus.description);
  const model = await openModel(o, settings, corpus, resume, say);
  const optimizer = new AdamW(model.trainableVariables(), standardGroups(model.trainableVariables().keys(), o.weightDecay), { lr: o.lr, beta2: o.beta2 });
  if (resume) optimizer.importState(readOptimizerState(resume.dir));
  const state = resume?.state ?? { step: 0, epoch: 0, position: 0, tokensSeen: 0, trainSeconds: 0, settings: { ...settings } };
  const session = new PretrainSession({ ...o, stream, sessionStart }, model, optimizer, corpus, state, say);
  try {
    if (state.step === 0 && session.hasHeldOut) session.evaluate(0);
    session.startTraining();
    const stopReason = await trainUntilStop(session, o);
    return await finishSession(session, o, resume, stopReason);
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

function findResumePoint(outDir: string, settings: PretrainSettings): ResumePoint | null {
  const dir = findCheckpoint(outDir);
  if (!dir) return null;
  const state = readTrainerState(dir);
  checkSameSettings(state.settings, settings, dir);
  return { dir, state };
}

/**
 * Runs updates until the schedule ends or a stop rule fires (then returns its reason), with the
 * held-out evaluations and periodic checkpoints in between.
 */
async function trainUntilStop(session: PretrainSession, o: PretrainOptions): Promise<string | null> {
  const { state } = session;
  const schedule = new StepsSchedule(o.maxSteps, o.warmupSteps);
  while (state.step < o.maxSteps) {
    session.recordUpdate(trainStep(session.model, session.optimizer, schedule, session.corpus, state.step, o));
    if (state.step % o.evalEvery === 0 && state.step < o.maxSteps && session.hasHeldOut) session.evaluate(state.step);
    if (state.step === o.maxSteps) break;
    // The updates are synchronous: yield to the event loop so a SIGINT/SIGTERM handler can run.
    await new Promise((resolve) => setImmediate(resolve));
    const stopReason = session.stopReason();
    if (stopReason) return stopReason;
    if (session.checkpointDue()) await session.checkpoint();
  }
  return null;
}

/** The last evaluation and checkpoint of the session, and DIR/model once the schedule is finished. */
async function finishSession(session: PretrainSession, o: PretrainOptions, resume: ResumePoint | null, stopReason: string | null): Promise<PretrainResult> {
  const { state } = session;
  const finished = state.step >= o.maxSteps;
  if (finished && session.hasHeldOut && session.lastEval?.step !== state.step) session.evaluate(state.step);
  if (state.step > session.startStep || !resume) await session.checkpoint();
  session.finishProgress();
  let modelDir: string | undefined;
  if (finished) {
    modelDir = path.join(o.outDir, FINAL_MODEL_DIR);
    const tmp = temporarySibling(modelDir);
    await saveModel(session.model, tmp, { tokenizerFrom: path.join(o.outDir, TOKENIZER_DIR) });
    fs.rmSync(modelDir, { recursive: true, force: true });
    fs.renameSync(tmp, modelDir);
    session.say(`finished ${state.step} updates; model in ${modelDir}`);
  } else {
    session.say(`${stopReason ?? "stopped"}; checkpoint in ${path.join(o.outDir, "checkpoint")} (rerun the same command to continue)`);
  }
  return {
    step: state.step,
    finished,
    resumedFrom: resume ? session.startStep : null,
    tokensSeen: state.tokensSeen,
    trainSeconds: state.trainSeconds,
    lastEval: session.lastEval,
    checkpointDir: path.join(o.outDir, "checkpoint"),
    modelDir,
  };
}

/** The model of the run: resumed from its checkpoint, or new (random, or from --init-from). */
async function openModel(o: PretrainOptions, settings: PretrainSettings, corpus: PretrainCorpus, resume: ResumePoint | null, say: (s: string) => void): Promise<EncoderModel> {
  const { tokenizer, pairs } = corpus;
  const heads = { pooler: !!pairs, classifier: false, mlm: true, nsp: !!pairs };
  if (resume) {
    const model = await loadModel(resume.dir, { heads });
    say(`resuming from ${resume.dir} at step ${resume.state.step}`);
    return model;
  }
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
  return settings.initFrom ? loadInitialModel(settings.initFrom, config, heads, o.seed) : createRandomModel(config, o.seed, heads);
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
