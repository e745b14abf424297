// The encoder's configuration, with Hugging Face's BertConfig / RobertaConfig keys so that a
// checkpoint's config.json is read and written without translation.
export type ModelType = "bert" | "roberta";

export interface EncoderConfig {
  model_type: ModelType;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: "gelu";
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  initializer_range: number;
  layer_norm_eps: number;
  pad_token_id: number;
  /** Dropout before the classifier; HF uses hidden_dropout_prob when this is null. */
  classifier_dropout: number | null;
  /** Number of classification outputs (HF derives it from id2label). */
  num_labels: number;
  architectures?: string[];
  bos_token_id?: number;
  eos_token_id?: number;
  /** Keys this code does not use, kept so that save writes them back unchanged. */
  [extra: string]: unknown;
}

const DEFAULTS: Record<ModelType, Omit<EncoderConfig, "model_type">> = {
  bert: {
    vocab_size: 30522,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    classifier_dropout: null,
    num_labels: 2,
  },
  roberta: {
    vocab_size: 50265,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 514,
    type_vocab_size: 1,
    initializer_range: 0.02,
    layer_norm_eps: 1e-5,
    pad_token_id: 1,
    bos_token_id: 0,
    eos_token_id: 2,
    classifier_dropout: null,
    num_labels: 2,
  },
};

/** A full config from a partial one (HF defaults for the rest), validated. */
export function makeConfig(partial: Partial<EncoderConfig> & { model_type: ModelType }, source = "config"): EncoderConfig {
  const base = DEFAULTS[partial.model_type];
  if (!base) {
    throw new Error(`${source}: model_type '${String(partial.model_type)}' is not supported; use "bert" or "roberta"`);
  }
  const cfg = { ...base, ...partial } as EncoderConfig;
  const id2label = partial.id2label as Record<string, string> | undefined;
  if (partial.num_labels === undefined && id2label) cfg.num_labels = Object.keys(id2label).length;
  validateConfig(cfg, source);
  return cfg;
}

/** Parses a config.json object; names the file and key on error. */
export function parseConfig(json: unknown, source: string): EncoderConfig {
  if (typeof json !== "object" || json === null) throw new Error(`${source}: expected a JSON object`);
  const obj = json as Record<string, unknown>;
  const mt = obj.model_type;
  if (mt !== "bert" && mt !== "roberta") {
    throw new Error(`${source}: model_type is ${JSON.stringify(mt)}; only "bert" and "roberta" checkpoints are supported`);
  }
  return makeConfig(obj as Partial<EncoderConfig> & { model_type: ModelType }, source);
}

function validateConfig(c: EncoderConfig, source: string): void {
  const positiveInts: Array<keyof EncoderConfig> = [
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "max_position_embeddings",
    "type_vocab_size",
    "num_labels",
  ];
  for (const k of positiveInts) {
    const v = c[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      throw new Error(`${source}: ${String(k)} must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new Error(`${source}: hidden_size ${c.hidden_size} is not a multiple of num_attention_heads ${c.num_attention_heads}`);
  }
  if (c.hidden_act !== "gelu") {
    throw new Error(`${source}: hidden_act "${String(c.hidden_act)}" is not supported; only "gelu" (exact erf GELU)`);
  }
  // typeof first: a string such as "0.1" or "x" would pass JavaScript's coercing comparisons.
  const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  for (const k of ["hidden_dropout_prob", "attention_probs_dropout_prob"] as const) {
    if (!(isNumber(c[k]) && c[k] >= 0 && c[k] < 1)) throw new Error(`${source}: ${k} must be a number in [0, 1), got ${JSON.stringify(c[k])}`);
  }
  if (c.classifier_dropout !== null && !(isNumber(c.classifier_dropout) && c.classifier_dropout >= 0 && c.classifier_dropout < 1)) {
    throw new Error(`${source}: classifier_dropout must be null or a number in [0, 1), got ${JSON.stringify(c.classifier_dropout)}`);
  }
  for (const k of ["layer_norm_eps", "initializer_range"] as const) {
    if (!(isNumber(c[k]) && c[k] > 0)) throw new Error(`${source}: ${k} must be a positive number, got ${JSON.stringify(c[k])}`);
  }
  if (!(Number.isInteger(c.pad_token_id) && c.pad_token_id >= 0 && c.pad_token_id < c.vocab_size)) {
    throw new Error(`${source}: pad_token_id must be an integer in [0, vocab_size ${c.vocab_size}), got ${JSON.stringify(c.pad_token_id)}`);
  }
}

/** The config as written to config.json (HF keys; num_labels as id2label/label2id too). */
export function configToJson(c: EncoderConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  delete out.num_labels;
  const existing = out.id2label as Record<string, string> | undefined;
  if (!existing || Object.keys(existing).length !== c.num_labels) {
    const id2label: Record<string, string> = {};
    const label2id: Record<string, number> = {};
    for (let i = 0; i < c.num_labels; i++) {
      id2label[String(i)] = `LABEL_${i}`;
      label2id[`LABEL_${i}`] = i;
    }
    out.id2label = id2label;
    out.label2id = label2id;
  }
  return out;
}
