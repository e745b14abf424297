// Parameter names and shapes, exactly as Hugging Face names them in a checkpoint. Memory holds
// the checkpoint layout too (nn.Linear weights [out, in]): ops/linear.ts explains why that is also
// the fastest layout for a training step on wasm.
import type { EncoderConfig } from "./config";

/** The optional parts of a model beyond the encoder. */
export interface Heads {
  /** BERT pooler (dense + tanh on [CLS]); RoBERTa's classifier does not use one. */
  pooler: boolean;
  /** Sequence-classification head (BERT: `classifier`; RoBERTa: `classifier.dense` + `classifier.out_proj`). */
  classifier: boolean;
  /** BERT MLM head (`cls.predictions.*`), decoder tied to the word embeddings. */
  mlm: boolean;
  /** BERT next-sentence head (`cls.seq_relationship`) on the pooled output; needs the pooler. */
  nsp: boolean;
}

export interface WeightSpec {
  name: string;
  /** Shape as stored in the checkpoint and in memory (nn.Linear: [out, in]). */
  diskShape: number[];
  /** An nn.Linear weight (what ForwardOptions.weightTransform receives). */
  linear: boolean;
  kind: "linear" | "bias" | "embedding" | "layernorm-weight" | "layernorm-bias";
}

export function prefixOf(config: EncoderConfig): string {
  return config.model_type;
}

/** Every parameter of a model with the given heads, in checkpoint order. */
export function weightSpecs(config: EncoderConfig, heads: Heads): WeightSpec[] {
  const p = prefixOf(config);
  const H = config.hidden_size;
  const F = config.intermediate_size;
  const specs: WeightSpec[] = [];
  const linear = (name: string, out: number, inp: number) => {
    specs.push({ name: `${name}.weight`, diskShape: [out, inp], linear: true, kind: "linear" });
    specs.push({ name: `${name}.bias`, diskShape: [out], linear: false, kind: "bias" });
  };
  const layerNorm = (name: string) => {
    specs.push({ name: `${name}.weight`, diskShape: [H], linear: false, kind: "layernorm-weight" });
    specs.push({ name: `${name}.bias`, diskShape: [H], linear: false, kind: "layernorm-bias" });
  };
  const embedding = (name: string, rows: number) =>
    specs.push({ name: `${name}.weight`, diskShape: [rows, H], linear: false, kind: "embedding" });

  embedding(`${p}.embeddings.word_embeddings`, config.vocab_size);
  embedding(`${p}.embeddings.position_embeddings`, config.max_position_embeddings);
  embedding(`${p}.embeddings.token_type_embeddings`, config.type_vocab_size);
  layerNorm(`${p}.embeddings.LayerNorm`);
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const b = `${p}.encoder.layer.${l}`;
    linear(`${b}.attention.self.query`, H, H);
    linear(`${b}.attention.self.key`, H, H);
    linear(`${b}.attention.self.value`, H, H);
    linear(`${b}.attention.output.dense`, H, H);
    layerNorm(`${b}.attention.output.LayerNorm`);
    linear(`${b}.intermediate.dense`, F, H);
    linear(`${b}.output.dense`, H, F);
    layerNorm(`${b}.output.LayerNorm`);
  }
  if (heads.pooler) linear(`${p}.pooler.dense`, H, H);
  if (heads.classifier) {
    if (config.model_type === "bert") {
      linear("classifier", config.num_labels, H);
    } else {
      linear("classifier.dense", H, H);
      linear("classifier.out_proj", config.num_labels, H);
    }
  }
  if (heads.mlm) {
    if (config.model_type !== "bert") throw new Error("the MLM head is implemented for BERT only");
    linear("cls.predictions.transform.dense", H, H);
    layerNorm("cls.predictions.transform.LayerNorm");
    specs.push({ name: "cls.predictions.bias", diskShape: [config.vocab_size], linear: false, kind: "bias" });
  }
  if (heads.nsp) {
    if (config.model_type !== "bert" || !heads.pooler) throw new Error("the next-sentence head is BERT's and needs the pooler");
    linear("cls.seq_relationship", 2, H);
  }
  return specs;
}

/** In-memory shape of a parameter (the checkpoint's). */
export function memoryShape(spec: WeightSpec): number[] {
  return spec.diskShape;
}
