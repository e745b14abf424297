// The configuration of one fine-tuning run: the options a caller gives, the paper's defaults
// (method.md §3) for everything left out, and validation that names the offending option.
// Free of tfjs (types only from the model), so callers check options before loading the engine.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TaskData } from "../../data/types";
import type { EncoderModel } from "../../model/encoder";
import type { ProgressOptions } from "../../util/progress";
import { packageVersion } from "../../util/packageRoot";

export { packageVersion };
import { type Mitigation, type MitigationHyperParameters, parseMitigation, resolveMitigationHyperParameters } from "../mitigation/defaults";
import { DEFAULT_FAILED_RULE, type FailedRule, parseFailedRule } from "./failedRun";

/** What the run loop reports to hooks (tests, notebooks) once the optimizer exists. */
export interface SetupInfo {
  model: EncoderModel;
  /** The optimizer's groups with their base LRs at schedule factor 1. */
  groupLearningRates: { name: string; lr: number; weightDecay: number; params: string[] }[];
  /** Parameters the mitigation re-initialised. */
  reinitialized: string[];
  /** Parameter values right after loading (head initialised), before the mitigation ran. */
  loaded: Map<string, Float32Array>;
}

export interface StepInfo {
  epoch: number;
  /** 1-based number of the update this batch is for. */
  step: number;
  /** Training-example indices of the batch, in order. */
  indices: Int32Array;
  /** Seed of this step's dropout masks. */
  dropoutSeed: number;
  model: EncoderModel;
}

export interface FineTuneHooks {
  /** Before each forward/backward pass (tests inspect the data order and dropout seeds). */
  beforeStep?(info: StepInfo): void;
  /** After loading, mitigation setup and optimizer creation, before the first step. */
  afterSetup?(info: SetupInfo): void;
  /** After the last step (or divergence), before predictions are written; the model is the final one. */
  afterTraining?(model: EncoderModel): void;
}

export interface FineTuneOptions {
  /** A task name for loadTask, or the task itself. */
  task: string | TaskData;
  seed: number;
  /** The run folder to write (atomically). */
  out: string;
  /** Checkpoint directory in Hugging Face layout (with tokenizer files). */
  modelDir: string;
  glueDir?: string;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  evalBatchSize?: number;
  mitigation?: Mitigation | string;
  mitigationHyperParameters?: Partial<MitigationHyperParameters>;
  /** Use only the first K training examples. */
  maxTrainExamples?: number;
  maxLength?: number;
  warmupRatio?: number;
  maxGradNorm?: number;
  /** Overrides every dropout probability of the checkpoint (null: the checkpoint's own, 0.1 for BERT/RoBERTa). */
  dropout?: number | null;
  /** Also write the final (last-step) model's outputs into OUT/final/. */
  saveFinal?: boolean;
  failedRule?: FailedRule | string;
  /** Replace a finished run at `out` instead of skipping it. */
  overwrite?: boolean;
  /** Progress output; false for none. Plain lines unless the stream is a TTY. */
  progress?: false | Pick<ProgressOptions, "stream" | "plain" | "intervalMs">;
  hooks?: FineTuneHooks;
}

/** Every hyper-parameter of a run, resolved; written to config.json. */
export interface ResolvedConfig {
  task: TaskData;
  seed: number;
  out: string;
  modelDir: string;
  epochs: number;
  lr: number;
  batchSize: number;
  evalBatchSize: number;
  mitigation: Mitigation;
  mitigationHyperParameters: MitigationHyperParameters;
  maxTrainExamples: number | null;
  /** Truncation length; lowered to the model's positions when it was not given explicitly. */
  maxLength: number;
  maxLengthGiven: boolean;
  warmupRatio: number;
  maxGradNorm: number;
  dropout: number | null;
  saveFinal: boolean;
  failedRule: FailedRule;
  overwrite: boolean;
}

/** The largest seed: the generator (util/random) is seeded with 32 bits, so 2^32 would repeat seed 0. */
export const MAX_SEED = 2 ** 32 - 1;

export const FINETUNE_DEFAULTS = Object.freeze({
  epochs: 5,
  lr: 2e-5,
  batchSize: 16,
  evalBatchSize: 64,
  maxLength: 128,
  warmupRatio: 0.1,
  maxGradNorm: 1.0,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-6,
});

/** A bad fine-tuning option; `option` is its FineTuneOptions name, so a caller can name it in its own terms (a CLI flag). */
export class FineTuneOptionError extends Error {
  constructor(readonly option: keyof FineTuneOptions, message: string) {
    super(message);
    this.name = "FineTuneOptionError";
  }
}

function positiveInteger(name: keyof FineTuneOptions, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new FineTuneOptionError(name, `${name} must be a positive integer, got ${value}`);
  return v;
}

function finiteIn(name: keyof FineTuneOptions, value: number | undefined, fallback: number, lo: number, hi: number, what: string): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) throw new FineTuneOptionError(name, `${name} must be ${what}, got ${value}`);
  return v;
}

/** Runs `parse`, re-throwing its error as a FineTuneOptionError of `option` (same message). */
function parsed<T>(option: keyof FineTuneOptions, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new FineTuneOptionError(option, (err as Error).message);
  }
}

/** Defaults filled in and every value checked; the task must already be loaded. */
export function resolveConfig(options: FineTuneOptions, task: TaskData): ResolvedConfig {
  return { task, ...checkFineTuneOptions(options) };
}

/**
 * Every option but the task checked and defaulted, without loading a task, a model or tfjs: the
 * CLI and the notebooks call it before starting the engine. Throws FineTuneOptionError.
 */
export function checkFineTuneOptions(options: Omit<FineTuneOptions, "task">): Omit<ResolvedConfig, "task"> {
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > MAX_SEED) {
    throw new FineTuneOptionError("seed", `seed must be an integer in 0..${MAX_SEED} (the random streams are 32-bit), got ${options.seed}`);
  }
  const lr = finiteIn("lr", options.lr, FINETUNE_DEFAULTS.lr, 0, Infinity, "a finite number ≥ 0");
  const dropout = options.dropout ?? null;
  if (dropout !== null && !(dropout >= 0 && dropout < 1)) throw new FineTuneOptionError("dropout", `dropout must lie in [0, 1), got ${dropout}`);
  const maxTrain = options.maxTrainExamples ?? null;
  if (maxTrain !== null && (!Number.isInteger(maxTrain) || maxTrain < 1)) {
    throw new FineTuneOptionError("maxTrainExamples", `maxTrainExamples must be a positive integer, got ${maxTrain}`);
  }
  const failedRule = typeof options.failedRule === "string" ? parsed("failedRule", () => parseFailedRule(options.failedRule as string)) : (options.failedRule ?? DEFAULT_FAILED_RULE);
  return {
    seed: options.seed,
    out: path.resolve(options.out),
    modelDir: path.resolve(options.modelDir),
    epochs: positiveInteger("epochs", options.epochs, FINETUNE_DEFAULTS.epochs),
    lr,
    batchSize: positiveInteger("batchSize", options.batchSize, FINETUNE_DEFAULTS.batchSize),
    evalBatchSize: positiveInteger("evalBatchSize", options.evalBatchSize, FINETUNE_DEFAULTS.evalBatchSize),
    mitigation: parsed("mitigation", () => parseMitigation(options.mitigation ?? "none")),
    mitigationHyperParameters: parsed("mitigationHyperParameters", () => resolveMitigationHyperParameters(options.mitigationHyperParameters)),
    maxTrainExamples: maxTrain,
    maxLength: positiveInteger("maxLength", options.maxLength, FINETUNE_DEFAULTS.maxLength),
    maxLengthGiven: options.maxLength !== undefined,
    warmupRatio: finiteIn("warmupRatio", options.warmupRatio, FINETUNE_DEFAULTS.warmupRatio, 0, 1, "in [0, 1]"),
    maxGradNorm: finiteIn("maxGradNorm", options.maxGradNorm, FINETUNE_DEFAULTS.maxGradNorm, Number.MIN_VALUE, Infinity, "a finite number > 0"),
    dropout,
    saveFinal: options.saveFinal ?? false,
    failedRule,
    overwrite: options.overwrite ?? false,
  };
}

/** sha256 of the checkpoint's config.json, so a run records exactly which architecture it used. */
export function checkpointConfigHash(modelDir: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(path.join(modelDir, "config.json"))).digest("hex");
}

/** config.json of a run: its identity (identity.ts runSettings), how it ran, where the model came from. */
export function configRecord(
  c: ResolvedConfig,
  extra: { backend: string; model: EncoderModel; settings: Record<string, unknown>; effectiveDropout: Record<string, number> },
): Record<string, unknown> {
  const m = extra.model.config;
  const { model: fingerprints, ...settings } = extra.settings;
  return {
    ...settings,
    taskSource: c.task.source,
    optimizer: { name: "AdamW", beta1: FINETUNE_DEFAULTS.beta1, beta2: FINETUNE_DEFAULTS.beta2, epsilon: FINETUNE_DEFAULTS.epsilon, biasCorrection: true },
    dropout: extra.effectiveDropout,
    saveFinal: c.saveFinal,
    model: {
      path: c.modelDir,
      ...(fingerprints as Record<string, unknown>),
      modelType: m.model_type,
      numHiddenLayers: m.num_hidden_layers,
      hiddenSize: m.hidden_size,
      numLabels: m.num_labels,
    },
    backend: extra.backend,
    packageVersion: packageVersion(),
    node: process.version,
  };
}
