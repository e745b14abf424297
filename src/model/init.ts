// Hugging Face's weight initialisation (BertPreTrainedModel._init_weights): Linear and Embedding
// weights ~ N(0, initializer_range²), biases 0, LayerNorm weight 1 / bias 0, and the padding row
// of an embedding with a padding_idx set to 0. Values come from the project's seeded PRNG.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../util/random";
import { initBackend } from "./backend";
import { type EncoderConfig } from "./config";
import { EncoderModel } from "./encoder";
import { type Heads, type WeightSpec, memoryShape, weightSpecs } from "./weights";

/** Initial value of one parameter, in memory layout. */
export function initialValue(spec: WeightSpec, config: EncoderConfig, rng: Random): Float32Array {
  const shape = memoryShape(spec);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  switch (spec.kind) {
    case "linear":
    case "embedding":
      for (let i = 0; i < n; i++) data[i] = rng.normal() * config.initializer_range;
      break;
    case "layernorm-weight":
      data.fill(1);
      break;
    case "bias":
    case "layernorm-bias":
      break;
  }
  if (spec.kind === "embedding" && hasPaddingRow(spec.name, config)) {
    const width = shape[1];
    data.fill(0, config.pad_token_id * width, (config.pad_token_id + 1) * width);
  }
  return data;
}

function hasPaddingRow(name: string, config: EncoderConfig): boolean {
  if (name.endsWith("word_embeddings.weight")) return config.pad_token_id < config.vocab_size;
  return config.model_type === "roberta" && name.endsWith("position_embeddings.weight");
}

/** Default heads for an architecture: BERT has a pooler; RoBERTa's classifier does not use one. */
export function defaultHeads(config: EncoderConfig, heads: Partial<Heads> = {}): Heads {
  return {
    pooler: heads.pooler ?? config.model_type === "bert",
    classifier: heads.classifier ?? true,
    mlm: heads.mlm ?? false,
    nsp: heads.nsp ?? false,
  };
}

/** A model with HF-style random weights, reproducible from the seed. */
export async function createRandomModel(config: EncoderConfig, seed: number, heads: Partial<Heads> = {}): Promise<EncoderModel> {
  await initBackend();
  const h = defaultHeads(config, heads);
  const rng = new Random(seed).fork("init");
  const values = new Map<string, tf.Tensor>();
  try {
    for (const spec of weightSpecs(config, h)) {
      values.set(spec.name, tf.tensor(initialValue(spec, config, rng), memoryShape(spec)));
    }
    return new EncoderModel(config, h, values);
  } finally {
    for (const t of values.values()) t.dispose();
  }
}
