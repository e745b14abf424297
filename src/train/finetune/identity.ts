// What a run will be, known before any training: its settings resolved against the checkpoint's
// config.json (truncation length, re-init depth) and fingerprints of the checkpoint and of the
// data. `instability finetune` and `instability sweep` compare this with a finished run's
// config.json (src/runs/runIdentity) to decide: reuse it, refuse, or (with --overwrite) redo it.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Example, TaskData } from "../../data/types";
import { type EncoderConfig, parseConfig } from "../../model/config";
import { reinitLayersForDepth } from "../mitigation/defaults";
import type { ResolvedConfig } from "./config";
import { formatFailedRule } from "./failedRun";

export interface CheckpointFingerprint {
  dir: string;
  config: EncoderConfig;
  /** sha256 of config.json and of model.safetensors. */
  configSha256: string;
  weightsSha256: string;
}

function sha256File(file: string): string {
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 23); // streamed: a BERT-large checkpoint is 1.3 GB
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

const fingerprints = new Map<string, CheckpointFingerprint>();

/** The checkpoint's config.json, parsed, without hashing anything; errors name the folder and what to pass instead. */
export function checkpointConfig(modelDir: string): EncoderConfig {
  const dir = path.resolve(modelDir);
  if (!fs.existsSync(dir)) throw new Error(`model directory ${dir} does not exist; pass --model DIR with a Hugging Face checkpoint folder`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`--model ${dir} is a file; pass the checkpoint folder that holds config.json`);
  const configFile = path.join(dir, "config.json");
  if (!fs.existsSync(configFile)) throw new Error(`${dir}: no config.json; expected a Hugging Face checkpoint directory (try \`instability models pull NAME\`)`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (err) {
    throw new Error(`${configFile}: not valid JSON (${(err as Error).message})`);
  }
  return parseConfig(json, configFile);
}

/** The checkpoint's config and fingerprints; errors name the folder and what to pass instead. */
export function fingerprintCheckpoint(modelDir: string): CheckpointFingerprint {
  const dir = path.resolve(modelDir);
  const config = checkpointConfig(dir);
  const configFile = path.join(dir, "config.json");
  const weightsFile = path.join(dir, "model.safetensors");
  const stamp = [configFile, weightsFile].map((f) => (fs.existsSync(f) ? `${fs.statSync(f).size}:${fs.statSync(f).mtimeMs}` : "-")).join("|");
  const cached = fingerprints.get(`${dir}\0${stamp}`);
  if (cached) return cached;
  const fp: CheckpointFingerprint = {
    dir,
    config,
    configSha256: sha256File(configFile),
    // A missing weights file is reported by the loader, with its hint about pytorch_model.bin.
    weightsSha256: fs.existsSync(weightsFile) ? sha256File(weightsFile) : "missing",
  };
  fingerprints.set(`${dir}\0${stamp}`, fp);
  return fp;
}

/** sha256 of the examples a run sees: the training examples it uses, the validation and test halves. */
export function dataFingerprint(task: TaskData, maxTrainExamples: number | null): string {
  const hash = crypto.createHash("sha256");
  const add = (name: string, xs: Example[]) => {
    hash.update(`${name}:${xs.length}\n`);
    for (const e of xs) hash.update(JSON.stringify([e.text, e.textPair ?? null, e.label]) + "\n");
  };
  add("train", maxTrainExamples === null ? task.train : task.train.slice(0, maxTrainExamples));
  add("validation", task.validation);
  add("test", task.test);
  return hash.digest("hex");
}

/** Token positions the checkpoint has for text (RoBERTa's start after its padding index). */
export function checkpointPositions(m: EncoderConfig): number {
  return m.model_type === "roberta" ? m.max_position_embeddings - m.pad_token_id - 1 : m.max_position_embeddings;
}

/**
 * Settles what depends on the checkpoint, in place: the truncation length (lowered to a small
 * model's positions unless given), the re-init depth (the paper's 5 of 24 blocks, scaled, unless
 * given); and checks both fit the model.
 */
export function resolveAgainstCheckpoint(c: Omit<ResolvedConfig, "task">, model: EncoderConfig, reinitGiven: boolean): void {
  const positions = checkpointPositions(model);
  if (c.maxLength > positions && !c.maxLengthGiven) c.maxLength = positions;
  if (c.maxLength > positions) {
    throw new Error(`--max-length ${c.maxLength} exceeds the ${positions} positions of the model in ${c.modelDir}; pass --max-length ${positions} or less`);
  }
  const L = model.num_hidden_layers;
  if (!reinitGiven) c.mitigationHyperParameters.reinitLayers = reinitLayersForDepth(L);
  const k = c.mitigationHyperParameters.reinitLayers;
  if (c.mitigation === "reinit" && k > L) {
    throw new Error(`re-init of the top ${k} blocks needs at least ${k} blocks, but the model in ${c.modelDir} has ${L}; pass --reinit-layers ${L} or less`);
  }
}

/** The settings of config.json that make up the run's identity (src/runs/runIdentity's keys). */
export function runSettings(c: ResolvedConfig, ck: CheckpointFingerprint): Record<string, unknown> {
  const nTrain = c.maxTrainExamples === null ? c.task.train.length : Math.min(c.maxTrainExamples, c.task.train.length);
  return {
    task: c.task.name,
    seed: c.seed,
    lr: c.lr,
    epochs: c.epochs,
    batchSize: c.batchSize,
    evalBatchSize: c.evalBatchSize,
    maxLength: c.maxLength,
    warmupRatio: c.warmupRatio,
    maxGradNorm: c.maxGradNorm,
    weightDecay: c.mitigation === "wd_pre" ? 0 : c.mitigationHyperParameters.weightDecay,
    dropoutOverride: c.dropout,
    mitigation: c.mitigation,
    mitigationHyperParameters: { ...c.mitigationHyperParameters },
    maxTrainExamples: c.maxTrainExamples,
    nTrain,
    nValidation: c.task.validation.length,
    nTest: c.task.test.length,
    failedRule: formatFailedRule(c.failedRule),
    dataSha256: dataFingerprint(c.task, c.maxTrainExamples),
    model: { configSha256: ck.configSha256, weightsSha256: ck.weightsSha256 },
  };
}
