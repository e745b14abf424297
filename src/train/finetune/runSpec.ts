// A run's spec: every setting that decides what a fine-tuning run computes, resolved (defaults
// filled in, the truncation length and re-init depth settled against the checkpoint), as one
// JSON object. A sweep hands it to its worker (`instability finetune --spec JSON`) instead of
// flags; config.json holds its settings under the same names, plus the data and checkpoint
// fingerprints and provenance; the stale-run check compares it with a finished run's config.json.
// Free of tfjs, like config.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EncoderConfig } from "../../model/config";
import type { MitigationHyperParameters } from "../mitigation/method";
import { checkFineTuneOptions, type FineTuneOptions, type ResolvedConfig } from "./config";
import { formatFailedRule } from "./failedRun";
import { resolveAgainstCheckpoint } from "./identity";

export interface FineTuneSpec {
  task: string;
  seed: number;
  lr: number;
  epochs: number;
  batchSize: number;
  evalBatchSize: number;
  maxLength: number;
  warmupRatio: number;
  maxGradNorm: number;
  /** Every dropout probability of the checkpoint replaced by this; null keeps the checkpoint's. */
  dropoutOverride: number | null;
  mitigation: string;
  mitigationHyperParameters: MitigationHyperParameters;
  maxTrainExamples: number | null;
  /** formatFailedRule's form, "final:accuracy<=majority". */
  failedRule: string;
  saveFinal: boolean;
  /** The checkpoint folder, absolute (config.json records it as model.path). */
  modelDir: string;
  /** GLUE data, absolute, or null for the embedded tasks and GLUE_DIR (not recorded in config.json). */
  glueDir: string | null;
}

/** The spec of a configuration already checked and settled against its checkpoint. */
export function specOf(c: Omit<ResolvedConfig, "task">, task: string, glueDir: string | undefined): FineTuneSpec {
  return {
    task,
    seed: c.seed,
    lr: c.lr,
    epochs: c.epochs,
    batchSize: c.batchSize,
    evalBatchSize: c.evalBatchSize,
    maxLength: c.maxLength,
    warmupRatio: c.warmupRatio,
    maxGradNorm: c.maxGradNorm,
    dropoutOverride: c.dropout,
    mitigation: c.mitigation,
    mitigationHyperParameters: { ...c.mitigationHyperParameters },
    maxTrainExamples: c.maxTrainExamples,
    failedRule: formatFailedRule(c.failedRule),
    saveFinal: c.saveFinal,
    modelDir: c.modelDir,
    glueDir: glueDir === undefined ? null : path.resolve(glueDir),
  };
}

/**
 * The spec that fine-tuning with `options` would run, using only the checkpoint's config.json
 * (`model`): nothing is loaded or hashed. Throws FineTuneOptionError for a bad option.
 */
export function resolveSpec(options: Omit<FineTuneOptions, "task"> & { task: string }, model: EncoderConfig): FineTuneSpec {
  const c = checkFineTuneOptions(options);
  resolveAgainstCheckpoint(c, model, options.mitigationHyperParameters?.reinitLayers !== undefined);
  return specOf(c, options.task, options.glueDir);
}

/** The fine-tuning options that run exactly `spec` into `out` (every setting given, so nothing is re-resolved). */
export function specOptions(spec: FineTuneSpec, out: string): FineTuneOptions & { task: string } {
  return {
    task: spec.task,
    seed: spec.seed,
    out,
    modelDir: spec.modelDir,
    glueDir: spec.glueDir ?? undefined,
    epochs: spec.epochs,
    lr: spec.lr,
    batchSize: spec.batchSize,
    evalBatchSize: spec.evalBatchSize,
    mitigation: spec.mitigation,
    mitigationHyperParameters: { ...spec.mitigationHyperParameters },
    maxTrainExamples: spec.maxTrainExamples ?? undefined,
    maxLength: spec.maxLength,
    warmupRatio: spec.warmupRatio,
    maxGradNorm: spec.maxGradNorm,
    dropout: spec.dropoutOverride,
    saveFinal: spec.saveFinal,
    failedRule: spec.failedRule,
  };
}

const FIELDS: Record<keyof FineTuneSpec, (v: unknown) => boolean> = {
  task: (v) => typeof v === "string",
  seed: Number.isInteger,
  lr: isNumber,
  epochs: Number.isInteger,
  batchSize: Number.isInteger,
  evalBatchSize: Number.isInteger,
  maxLength: Number.isInteger,
  warmupRatio: isNumber,
  maxGradNorm: isNumber,
  dropoutOverride: (v) => v === null || isNumber(v),
  mitigation: (v) => typeof v === "string",
  mitigationHyperParameters: (v) => v !== null && typeof v === "object" && Object.values(v).every(isNumber),
  maxTrainExamples: (v) => v === null || Number.isInteger(v),
  failedRule: (v) => typeof v === "string",
  saveFinal: (v) => typeof v === "boolean",
  modelDir: (v) => typeof v === "string",
  glueDir: (v) => v === null || typeof v === "string",
};

function isNumber(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * A spec from `--spec`: the JSON itself (what `instability sweep` passes) or a file holding it.
 * Checks the shape only; the values are checked as every run's options are (checkFineTuneOptions).
 */
export function readSpec(text: string): FineTuneSpec {
  const inline = text.trimStart().startsWith("{");
  const what = inline ? "--spec: the JSON given" : `--spec ${text}:`;
  const fix = "pass a run spec, as `instability sweep --print-commands` writes it, or a file holding one";
  let json: unknown;
  try {
    json = JSON.parse(inline ? text : fs.readFileSync(text, "utf8"));
  } catch (err) {
    throw new Error(`${what} cannot be read as a run spec (${(err as Error).message}); ${fix}`);
  }
  const o = (json ?? {}) as Record<string, unknown>;
  const bad = (Object.keys(FIELDS) as (keyof FineTuneSpec)[]).filter((k) => !FIELDS[k](o[k]));
  const extra = Object.keys(o).filter((k) => !(k in FIELDS));
  if (typeof json !== "object" || Array.isArray(json) || bad.length || extra.length) {
    const why = [bad.length ? `missing or wrong: ${bad.join(", ")}` : "", extra.length ? `unknown: ${extra.join(", ")}` : ""].filter(Boolean).join("; ");
    throw new Error(`${what} is not a run spec (${why || "not an object"}); ${fix}`);
  }
  return o as unknown as FineTuneSpec;
}

/**
 * The spec a finished run's config.json records (older versions included; they record the same
 * names). `glueDir` is not recorded and comes back null. Undefined when a setting is missing.
 */
export function specOfConfig(config: Record<string, unknown>): FineTuneSpec | undefined {
  const model = config.model as { path?: unknown } | undefined;
  const o = { ...config, modelDir: model?.path, glueDir: null } as Record<string, unknown>;
  const spec = Object.fromEntries((Object.keys(FIELDS) as (keyof FineTuneSpec)[]).map((k) => [k, o[k]]));
  return (Object.keys(FIELDS) as (keyof FineTuneSpec)[]).every((k) => FIELDS[k](spec[k])) ? (spec as unknown as FineTuneSpec) : undefined;
}
