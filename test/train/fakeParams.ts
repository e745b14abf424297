// Small BERT/RoBERTa-shaped parameter maps with the exact Hugging Face names, for tests that
// need the model's naming contract but not the model. Linear weights are laid out [in, out].
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";

export interface FakeShape {
  arch: "bert" | "roberta";
  layers: number;
  hidden: number;
  ffn: number;
  vocab?: number;
}

export function fakeParamShapes(s: FakeShape): Map<string, number[]> {
  const H = s.hidden, F = s.ffn, p = s.arch;
  const m = new Map<string, number[]>();
  m.set(`${p}.embeddings.word_embeddings.weight`, [s.vocab ?? 50, H]);
  m.set(`${p}.embeddings.position_embeddings.weight`, [16, H]);
  m.set(`${p}.embeddings.token_type_embeddings.weight`, [s.arch === "bert" ? 2 : 1, H]);
  m.set(`${p}.embeddings.LayerNorm.weight`, [H]);
  m.set(`${p}.embeddings.LayerNorm.bias`, [H]);
  for (let i = 0; i < s.layers; i++) {
    const b = `${p}.encoder.layer.${i}`;
    for (const q of ["query", "key", "value"]) {
      m.set(`${b}.attention.self.${q}.weight`, [H, H]);
      m.set(`${b}.attention.self.${q}.bias`, [H]);
    }
    m.set(`${b}.attention.output.dense.weight`, [H, H]);
    m.set(`${b}.attention.output.dense.bias`, [H]);
    m.set(`${b}.attention.output.LayerNorm.weight`, [H]);
    m.set(`${b}.attention.output.LayerNorm.bias`, [H]);
    m.set(`${b}.intermediate.dense.weight`, [H, F]);
    m.set(`${b}.intermediate.dense.bias`, [F]);
    m.set(`${b}.output.dense.weight`, [F, H]);
    m.set(`${b}.output.dense.bias`, [H]);
    m.set(`${b}.output.LayerNorm.weight`, [H]);
    m.set(`${b}.output.LayerNorm.bias`, [H]);
  }
  if (s.arch === "bert") {
    m.set("bert.pooler.dense.weight", [H, H]);
    m.set("bert.pooler.dense.bias", [H]);
    m.set("classifier.weight", [H, 2]);
    m.set("classifier.bias", [2]);
  } else {
    m.set("classifier.dense.weight", [H, H]);
    m.set("classifier.dense.bias", [H]);
    m.set("classifier.out_proj.weight", [H, 2]);
    m.set("classifier.out_proj.bias", [2]);
  }
  return m;
}

/** Random values (no zeros or ones, so re-init is visible everywhere). */
export function fakeParams(s: FakeShape, seed = 0): Map<string, tf.Variable> {
  const r = new Random(seed);
  const out = new Map<string, tf.Variable>();
  for (const [name, shape] of fakeParamShapes(s)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, () => 0.5 + r.next());
    const t = tf.tensor(values, shape);
    out.set(name, tf.variable(t, true));
    t.dispose();
  }
  return out;
}

export function snapshot(params: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
}

export function disposeParams(params: Map<string, tf.Variable>): void {
  for (const v of params.values()) v.dispose();
}
