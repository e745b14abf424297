// Pre-training checkpoints: DIR/checkpoint/ holds the model in Hugging Face layout (config.json,
// model.safetensors with the MLM head as cls.predictions.*, tokenizer files), the AdamW moments
// (optimizer.safetensors, PyTorch's exp_avg / exp_avg_sq names) and trainer_state.json (step,
// data position, tokens seen, settings).
//
// Random state: every random draw of update k (masking, dropout) comes from a stream forked
// from (seed, k), and the data order from (seed, epoch), so the step number *is* the RNG state
// and the data position; nothing else needs saving for an exact resume.
//
// Atomicity: a checkpoint is written whole into a temporary sibling folder, then swapped in by
// two renames (checkpoint → checkpoint.prev, temporary → checkpoint) before .prev is removed.
// At every instant one complete checkpoint exists under one of the two names; a process killed
// while writing leaves at most a temporary folder, which the next save removes.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EncoderModel } from "../../model/encoder";
import { saveModel } from "../../model/checkpoint";
import { readSafetensors, writeSafetensors, type NamedArray } from "../../model/safetensors";
import { isAbandonedTemporary, temporarySibling } from "../../util/tempNames";
import type { AdamW, AdamWState } from "../adamw";

export const CHECKPOINT_DIR = "checkpoint";
const PREVIOUS_DIR = "checkpoint.prev";
const STATE_FILE = "trainer_state.json";
const OPTIMIZER_FILE = "optimizer.safetensors";

export interface TrainerState {
  /** Finished updates. */
  step: number;
  /** Where the next batch comes from (derived from step; kept for people reading the file). */
  epoch: number;
  position: number;
  /** Real (non-padding) tokens in the batches of the finished updates. */
  tokensSeen: number;
  /** Seconds spent training (summed over resumed sessions). */
  trainSeconds: number;
  /** The settings that define the run; a resume with other settings is refused. */
  settings: Record<string, unknown>;
  /** Last held-out evaluation, if any. */
  lastEval?: { step: number; loss: number; accuracy: number };
}

/** The directory holding the current checkpoint of a run, or null; recovers from an interrupted swap. */
export function findCheckpoint(outDir: string): string | null {
  const current = path.join(outDir, CHECKPOINT_DIR);
  if (fs.existsSync(path.join(current, STATE_FILE))) return current;
  const previous = path.join(outDir, PREVIOUS_DIR);
  if (fs.existsSync(path.join(previous, STATE_FILE))) return previous;
  return null;
}

export interface SaveCheckpointOptions {
  /** Folder whose tokenizer files are copied into the checkpoint. */
  tokenizerDir: string;
  /** Called after the files are written, before the swap (tests use it to fail mid-way). */
  beforeCommit?: () => void;
}

export async function saveCheckpoint(
  outDir: string,
  model: EncoderModel,
  optimizer: AdamW,
  state: TrainerState,
  opts: SaveCheckpointOptions,
): Promise<void> {
  removeAbandonedTemporaries(outDir);
  const finalDir = path.join(outDir, CHECKPOINT_DIR);
  const tmp = temporarySibling(finalDir);
  try {
    fs.mkdirSync(tmp);
    await saveModel(model, tmp, { tokenizerFrom: opts.tokenizerDir });
    writeOptimizerState(path.join(tmp, OPTIMIZER_FILE), optimizer.exportState());
    fs.writeFileSync(path.join(tmp, STATE_FILE), JSON.stringify(state, null, 2) + "\n");
    opts.beforeCommit?.();
    const previous = path.join(outDir, PREVIOUS_DIR);
    fs.rmSync(previous, { recursive: true, force: true });
    if (fs.existsSync(finalDir)) fs.renameSync(finalDir, previous);
    fs.renameSync(tmp, finalDir);
    fs.rmSync(previous, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export function readTrainerState(checkpointDir: string): TrainerState {
  const file = path.join(checkpointDir, STATE_FILE);
  let state: TrainerState;
  try {
    state = JSON.parse(fs.readFileSync(file, "utf8")) as TrainerState;
  } catch (err) {
    throw new Error(`${file}: cannot read the trainer state (${(err as Error).message}); delete the checkpoint folder to start afresh`);
  }
  if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`${file}: step must be an integer ≥ 0, got ${JSON.stringify(state.step)}`);
  return state;
}

export function readOptimizerState(checkpointDir: string): AdamWState {
  const file = path.join(checkpointDir, OPTIMIZER_FILE);
  const tensors = readSafetensors(file);
  const state = JSON.parse(fs.readFileSync(path.join(checkpointDir, STATE_FILE), "utf8")) as TrainerState;
  const moments: AdamWState["moments"] = [];
  for (const [key, m] of tensors) {
    if (!key.startsWith("exp_avg.")) continue;
    const name = key.slice("exp_avg.".length);
    const v = tensors.get(`exp_avg_sq.${name}`);
    if (!v) throw new Error(`${file}: exp_avg_sq.${name} is missing`);
    moments.push({ name, shape: m.shape, m: m.data, v: v.data });
  }
  return { step: state.step, moments };
}

function writeOptimizerState(file: string, state: AdamWState): void {
  const tensors = new Map<string, NamedArray>();
  for (const e of state.moments) {
    tensors.set(`exp_avg.${e.name}`, { shape: e.shape, data: e.m });
    tensors.set(`exp_avg_sq.${e.name}`, { shape: e.shape, data: e.v });
  }
  writeSafetensors(file, tensors, { format: "pt", step: String(state.step) });
}

function removeAbandonedTemporaries(outDir: string): void {
  if (!fs.existsSync(outDir)) return;
  for (const name of fs.readdirSync(outDir)) {
    if (isAbandonedTemporary(name)) fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
  }
}
