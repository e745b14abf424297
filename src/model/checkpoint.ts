// Checkpoints in Hugging Face layout: config.json, model.safetensors (names as HF writes them,
// nn.Linear weights [out, in]) and the tokenizer files, copied through untouched.
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../util/random";
import { initBackend } from "./backend";
import { type EncoderConfig, type ModelType, configToJson, parseConfig } from "./config";
import { EncoderModel } from "./encoder";
import { defaultHeads, initialValue } from "./init";
import { type NamedArray, readSafetensors, writeSafetensors } from "./safetensors";
import { type Heads, memoryShape, type WeightSpec, weightSpecs } from "./weights";

export const TOKENIZER_FILES = [
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "vocab.txt",
  "vocab.json",
  "merges.txt",
];

export interface LoadOptions {
  /** Classification outputs; adds a classification head (initialised from `seed` if the checkpoint has none). */
  numLabels?: number;
  /** Seed for parameters the checkpoint lacks (a new head), N(0, initializer_range²) as HF does. */
  seed?: number;
  /**
   * Which heads to build; by default: pooler for BERT, classifier if numLabels is given or the
   * checkpoint has one, MLM and next-sentence heads if the checkpoint has them and numLabels is not
   * given.
   */
  heads?: Partial<Heads>;
  /** Receives one line naming the weights initialised from the seed (as HF's "newly initialized" warning), if any. */
  log?: (line: string) => void;
}

export interface LoadedModel extends EncoderModel {
  /** The directory the checkpoint came from (its tokenizer files are copied on save). */
  sourceDir?: string;
}

/** Names as HF writes them today: old TF-era LayerNorm gamma/beta, bare BertModel names without the prefix. */
function canonicalName(name: string, prefix: string): string {
  let n = name.replace(/LayerNorm\.gamma$/, "LayerNorm.weight").replace(/LayerNorm\.beta$/, "LayerNorm.bias");
  if (/^(embeddings|encoder|pooler)\./.test(n)) n = `${prefix}.${n}`;
  return n;
}

/** Loads a checkpoint directory in HF layout. */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<EncoderModel> {
  await initBackend();
  const config = readCheckpointConfig(dir);
  const weightsFile = path.join(dir, "model.safetensors");
  const tensors = readCheckpointWeights(dir, weightsFile, config.model_type);
  const heads = headsToBuild(config, tensors, opts, weightsFile);
  const values = new Map<string, tf.Tensor>();
  const initialized: string[] = [];
  const rng = new Random(opts.seed ?? 0).fork("head-init");
  try {
    for (const spec of weightSpecs(config, heads)) {
      const t = tensors.get(spec.name);
      let data: Float32Array;
      if (t) data = checkedWeight(t, spec, weightsFile);
      else {
        checkMayInitialise(spec, opts.seed, dir, weightsFile);
        data = initialValue(spec, config, rng);
        initialized.push(spec.name);
      }
      values.set(spec.name, tf.tensor(data, memoryShape(spec)));
    }
    const model = new EncoderModel(config, heads, values) as LoadedModel;
    model.sourceDir = dir;
    model.initializedFromSeed = initialized;
    model.ignoredFromCheckpoint = ignoredWeights(tensors, new Set(values.keys()));
    const report = initializationReport(model, dir, opts.seed ?? 0);
    if (report) opts.log?.(report);
    return model;
  } finally {
    for (const t of values.values()) t.dispose();
  }
}

function readCheckpointConfig(dir: string): EncoderConfig {
  const configFile = path.join(dir, "config.json");
  if (!fs.existsSync(configFile)) {
    throw new Error(`${dir}: no config.json; expected a Hugging Face checkpoint directory (try \`instability models pull NAME\`)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (err) {
    throw new Error(`${configFile}: not valid JSON (${(err as Error).message})`);
  }
  return parseConfig(json, configFile);
}

/** model.safetensors' float32 tensors under today's HF names. */
function readCheckpointWeights(dir: string, weightsFile: string, modelType: ModelType): Map<string, NamedArray> {
  if (!fs.existsSync(weightsFile)) {
    const hint = fs.existsSync(path.join(dir, "pytorch_model.bin"))
      ? " (only pytorch_model.bin is present: convert it with transformers' save_pretrained(safe_serialization=True))"
      : "";
    throw new Error(`${dir}: no model.safetensors${hint}`);
  }
  const raw = readSafetensors(weightsFile, { skipOtherDtypes: true });
  const tensors = new Map<string, NamedArray>();
  for (const [name, t] of raw) tensors.set(canonicalName(name, modelType), t);
  return tensors;
}

/** The heads the loaded model gets (see LoadOptions.heads); sets config.num_labels when numLabels is given. */
function headsToBuild(config: EncoderConfig, tensors: Map<string, NamedArray>, opts: LoadOptions, weightsFile: string): Heads {
  const hasClassifier = [...tensors.keys()].some((k) => k.startsWith("classifier."));
  const hasMlm = tensors.has("cls.predictions.bias");
  const hasNsp = tensors.has("cls.seq_relationship.weight");
  if (opts.numLabels !== undefined) {
    if (!Number.isInteger(opts.numLabels) || opts.numLabels < 1) throw new Error(`numLabels must be a positive integer, got ${opts.numLabels}`);
    const outName = config.model_type === "bert" ? "classifier.weight" : "classifier.out_proj.weight";
    const existing = tensors.get(outName);
    if (existing && existing.shape[0] !== opts.numLabels) {
      throw new Error(
        `${weightsFile}: its classification head has ${existing.shape[0]} outputs but ${opts.numLabels} labels were asked for; ` +
          `use a checkpoint without a head (or with ${opts.numLabels} outputs)`,
      );
    }
    config.num_labels = opts.numLabels;
  }
  return defaultHeads(config, {
    classifier: opts.numLabels !== undefined || hasClassifier,
    // Fine-tuning (numLabels given) does not carry the pre-training head along.
    mlm: hasMlm && opts.numLabels === undefined,
    // The next-sentence head sits on the pooler: a load without the pooler leaves it out.
    nsp: hasNsp && opts.numLabels === undefined && opts.heads?.pooler !== false,
    ...opts.heads,
  });
}

/** The checkpoint's values of `spec`, refused when their shape is not the config's or one is not finite. */
function checkedWeight(t: NamedArray, spec: WeightSpec, weightsFile: string): Float32Array {
  if (t.shape.join(",") !== spec.diskShape.join(",")) {
    throw new Error(`${weightsFile}: ${spec.name} has shape [${t.shape}] but config.json implies [${spec.diskShape}]`);
  }
  const bad = firstNonFinite(t.data);
  if (bad >= 0) {
    throw new Error(`${weightsFile}: ${spec.name} holds ${t.data[bad]} at index ${bad}; the checkpoint is broken, download or export it again`);
  }
  return t.data;
}

/** Only a head may be missing from the checkpoint, and a classification head only with a seed to initialise it. */
function checkMayInitialise(spec: WeightSpec, seed: number | undefined, dir: string, weightsFile: string): void {
  const isHead = spec.name.startsWith("classifier.") || spec.name.includes(".pooler.") || spec.name.startsWith("cls.");
  if (!isHead) throw new Error(`${weightsFile}: missing encoder weight ${spec.name}; the checkpoint is incomplete or of another architecture`);
  if (seed === undefined && spec.name.startsWith("classifier.")) {
    throw new Error(`${dir}: the checkpoint has no classification head; pass a seed to initialise one`);
  }
}

function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/**
 * The checkpoint's weights the model does not use, other than heads left out on purpose (a
 * pre-training head when fine-tuning, a pooler or classifier not asked for): e.g. blocks beyond
 * config.json's num_hidden_layers.
 */
function ignoredWeights(tensors: Map<string, NamedArray>, used: Set<string>): string[] {
  const isHead = (n: string) => n.startsWith("cls.") || n.startsWith("lm_head.") || n.startsWith("classifier.") || n.includes(".pooler.");
  return [...tensors.keys()].filter((n) => !used.has(n) && !isHead(n)).sort();
}

/**
 * One line naming the weights a load initialised from the seed and those of the checkpoint it
 * ignored, or null when the checkpoint and the model match.
 */
export function initializationReport(model: EncoderModel, dir: string, seed: number): string | null {
  const names = model.initializedFromSeed;
  const ignored = model.ignoredFromCheckpoint;
  const parts: string[] = [];
  if (names.length) parts.push(`${names.length} weights not in the checkpoint, newly initialised from seed ${seed}: ${names.join(", ")}`);
  if (ignored.length) {
    const shown = ignored.slice(0, 6).join(", ") + (ignored.length > 6 ? `, … (${ignored.length} in all)` : "");
    parts.push(`${ignored.length} checkpoint weights not used by its config.json, ignored: ${shown}`);
  }
  return parts.length ? `${dir}: ${parts.join("; ")}` : null;
}

export interface SaveOptions {
  /** Directory whose tokenizer files are copied alongside; defaults to the directory the model was loaded from. */
  tokenizerFrom?: string;
}

function architectureName(model: EncoderModel): string {
  const base = model.config.model_type === "bert" ? "Bert" : "Roberta";
  if (model.heads.mlm && model.heads.nsp) return `${base}ForPreTraining`;
  if (model.heads.mlm) return `${base}ForMaskedLM`;
  if (model.heads.classifier) return `${base}ForSequenceClassification`;
  return `${base}Model`;
}

function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Current parameter values in checkpoint layout, keyed by HF name. */
export function exportWeights(model: EncoderModel): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const spec of weightSpecs(model.config, model.heads)) {
    const data = Float32Array.from(model.param(spec.name).dataSync() as Float32Array);
    out.set(spec.name, { shape: spec.diskShape, data });
  }
  return out;
}

/** Writes config.json, model.safetensors (F32) and the tokenizer files into dir. */
export async function saveModel(model: EncoderModel, dir: string, opts: SaveOptions = {}): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const cfg = configToJson(model.config);
  cfg.architectures = [architectureName(model)];
  writeSafetensors(path.join(dir, "model.safetensors"), exportWeights(model));
  writeFileAtomic(path.join(dir, "config.json"), JSON.stringify(cfg, null, 2) + "\n");
  const from = opts.tokenizerFrom ?? (model as LoadedModel).sourceDir;
  if (from && path.resolve(from) !== path.resolve(dir)) {
    for (const f of TOKENIZER_FILES) {
      const src = path.join(from, f);
      if (fs.existsSync(src)) writeFileAtomic(path.join(dir, f), fs.readFileSync(src));
    }
  }
}
