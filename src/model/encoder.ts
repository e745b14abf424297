// BERT / RoBERTa encoder as Hugging Face's modeling_bert.py / modeling_roberta.py define it:
// embeddings (word + position + token type) → LayerNorm → dropout, then post-LN blocks
// (self-attention → dense → dropout → LayerNorm(+residual) → dense → GELU → dense → dropout →
// LayerNorm(+residual)), the BERT pooler, the classification heads and BERT's pre-training heads
// (masked LM and next-sentence prediction).
// Activations are 2-D [seq·batch, hidden] (sequence-major rows, see ops/attention.ts) throughout,
// so every dense layer is one plain matMul. A classifier's pass may skip rows nothing it reads
// depends on (skippedRows.ts); the shape comments write n for the rows a layer computes.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../util/random";
import { positionIds, toSequenceMajor, validateBatch } from "./batchLayout";
import type { EncoderConfig } from "./config";
import type {
  Batch,
  ClassifierOutput,
  DropoutRates,
  EncoderOutput,
  ForwardOptions,
  LastLayerRows,
  MlmOutput,
  PretrainingOutput,
  PretrainingTargets,
} from "./encoderTypes";
import { additiveAttentionMask, multiHeadAttention } from "./ops/attention";
import { crossEntropy } from "./ops/cross-entropy";
import { dropout, dropoutMask } from "./ops/dropout";
import { gatherRows } from "./ops/embedding";
import { gelu } from "./ops/gelu";
import { layerNorm } from "./ops/layer-norm";
import { residualLayerNorm } from "./ops/residual-layer-norm";
import { linear } from "./ops/linear";
import { firstTokens, RowPlan } from "./skippedRows";
import { type Heads, prefixOf, weightSpecs } from "./weights";

export type * from "./encoderTypes"; // the pass types, where callers have always imported them
export { positionIds } from "./batchLayout";

/** What the layers of one pass share. */
interface Pass {
  batchSize: number;
  seqLength: number;
  opts: ForwardOptions;
  rates: DropoutRates;
  /** Draws the seed of each dropout mask, in the order of the pass; null without dropout. */
  rng: Random | null;
  rows: RowPlan;
}

let modelCounter = 0;

export class EncoderModel {
  /** Parameters keyed by their exact HF names, in the checkpoint layout (nn.Linear weights [out, in]). */
  readonly params: Map<string, tf.Variable>;
  /** Parameters the checkpoint lacked and that were initialised from the seed (a new head). */
  initializedFromSeed: string[] = [];
  /** The checkpoint's weights this model does not use (e.g. blocks beyond num_hidden_layers), set by loadModel. */
  ignoredFromCheckpoint: string[] = [];
  private readonly nameOfVariable = new Map<string, string>();
  private disposed = false;

  constructor(
    readonly config: EncoderConfig,
    readonly heads: Heads,
    values: Map<string, tf.Tensor>,
  ) {
    const id = modelCounter++;
    this.params = new Map();
    for (const spec of weightSpecs(config, heads)) {
      const t = values.get(spec.name);
      if (!t) throw new Error(`missing parameter ${spec.name}`);
      const v = tf.variable(t, true, `m${id}/${spec.name}`);
      this.params.set(spec.name, v);
      this.nameOfVariable.set(v.name, spec.name);
    }
  }

  get prefix(): string {
    return prefixOf(this.config);
  }

  /** The HF name of a tfjs variable of this model (by the variable's tfjs name), or undefined. */
  hfName(variableName: string): string | undefined {
    return this.nameOfVariable.get(variableName);
  }

  param(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`this ${this.config.model_type} model has no parameter ${name}`);
    return v;
  }

  /** Dropout rates in force for a pass. */
  dropoutRates(opts: ForwardOptions): DropoutRates {
    if (!opts.training) return { hidden: 0, attention: 0, classifier: 0 };
    const c = this.config;
    return {
      hidden: opts.dropout?.hidden ?? c.hidden_dropout_prob,
      attention: opts.dropout?.attention ?? c.attention_probs_dropout_prob,
      classifier: opts.dropout?.classifier ?? c.classifier_dropout ?? c.hidden_dropout_prob,
    };
  }

  /**
   * Embeddings + transformer blocks: [seq·batch, hidden]. With lastLayerRows "first-tokens" the last
   * layer computes the first token of each example only, and the linear layers skip padded positions
   * unless opts.paddedRows is "compute" (skippedRows.ts says why neither changes a byte the loss reads).
   */
  encode(batch: Batch, opts: ForwardOptions, lastLayerRows: LastLayerRows = "all"): EncoderOutput {
    this.checkAlive();
    validateBatch(batch, this.config);
    const { batchSize: B, seqLength: S } = batch;
    const rates = this.dropoutRates(opts);
    const rows = new RowPlan(batch, this.config.num_hidden_layers, opts, lastLayerRows);
    const pass: Pass = { batchSize: B, seqLength: S, opts, rates, rng: makeDropoutRng(rates, opts), rows };
    let h = this.embeddings(batch, pass); // [seq·batch, hidden]
    const hiddenStates = opts.outputHiddenStates ? [firstTokens(h, B)] : undefined; // each [batch, hidden]
    const mask = additiveAttentionMask(batch.attentionMask, B, S);
    for (let l = 0; l < this.config.num_hidden_layers; l++) {
      h = this.block(h, l, mask, pass); // [seq·batch, hidden]; [batch, hidden] after a first-token layer
      if (hiddenStates) hiddenStates.push(firstTokens(h, B));
    }
    pass.rows.dispose();
    return { sequenceOutput: h, hiddenStates };
  }

  /** Word + position + token-type embeddings → LayerNorm → dropout: [seq·batch, hidden]. */
  private embeddings(batch: Batch, pass: Pass): tf.Tensor2D {
    const { batchSize: B, seqLength: S } = batch;
    const e = `${this.prefix}.embeddings`;
    const lookUp = (table: string, ids: Int32Array) => gatherRows(this.param(`${e}.${table}.weight`) as tf.Tensor2D, toSequenceMajor(ids, B, S));
    const tokenTypes = batch.tokenTypeIds ?? new Int32Array(B * S);
    const word = lookUp("word_embeddings", batch.inputIds);
    const pos = lookUp("position_embeddings", positionIds(batch, this.config));
    const typ = lookUp("token_type_embeddings", tokenTypes);
    return this.drop(this.layerNormOf(tf.addN([word, pos, typ]) as tf.Tensor2D, `${e}.LayerNorm`), pass.rates.hidden, pass);
  }

  /**
   * Transformer block l (HF's BertLayer, post-LN): h [seq·batch, hidden] → [n, hidden], where
   * n = batch in a first-token layer, else seq·batch (the rows of skipped padded positions are not HF's).
   */
  private block(h: tf.Tensor2D, l: number, mask: tf.Tensor, pass: Pass): tf.Tensor2D {
    const b = `${this.prefix}.encoder.layer.${l}`;
    const lin = (x: tf.Tensor2D, name: string, rows: tf.Tensor1D | undefined) => this.linearLayer(x, `${b}.${name}`, pass.opts, rows);
    const firstOnly = pass.rows.firstOnly(l);
    const rows = pass.rows.fusedRows(l); // of the query, attention output and feed-forward
    // h's rows this layer outputs: for the query, and below for the residual. Two slices, taken
    // before the key projection and after the value projection, so that backpropagation sums h's
    // four gradients in the same order as the full layer (residual, value, key, query): same bytes.
    const hRows = () => (firstOnly ? firstTokens(h, pass.batchSize) : h); // [n, hidden]
    const q = lin(hRows(), "attention.self.query", rows); // [n, hidden]
    const k = lin(h, "attention.self.key", pass.rows.kept); // [seq·batch, hidden]
    const v = lin(h, "attention.self.value", pass.rows.kept); // [seq·batch, hidden]
    const ctx = this.selfAttention(q, k, v, mask, firstOnly, pass); // [n, hidden]
    const h1 = this.residualLayerNormOf(lin(ctx, "attention.output.dense", rows), hRows(), pass, `${b}.attention.output.LayerNorm`); // [n, hidden]
    const inter = gelu(lin(h1, "intermediate.dense", rows)); // [n, intermediate]
    return this.residualLayerNormOf(lin(inter, "output.dense", rows), h1, pass, `${b}.output.LayerNorm`);
  }

  /**
   * Multi-head attention of the queries q [n, hidden] over keys and values [seq·batch, hidden]
   * under the padding mask, with attention-probability dropout: the context [n, hidden].
   */
  private selfAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, mask: tf.Tensor, firstOnly: boolean, pass: Pass): tf.Tensor2D {
    const { batchSize: B, seqLength: S, rates } = pass;
    const A = this.config.num_attention_heads;
    // Dropout masks are prefixes of their generator's stream: the first query's rows of the full mask.
    const queries = firstOnly ? 1 : S;
    const probsMask = rates.attention > 0 ? dropoutMask([queries, B * A, S], rates.attention, pass.rng!.nextUint32()) : null; // [queries, batch·heads, seq]
    return multiHeadAttention(q, k, v, mask, { batchSize: B, seqLength: S, numHeads: A, firstQueryOnly: firstOnly }, probsMask);
  }

  private drop<T extends tf.Tensor>(x: T, rate: number, pass: Pass): T {
    return rate > 0 ? dropout(x, rate, pass.rng!.nextUint32()) : x;
  }

  /** The LayerNorm `name` of dropout(x) + residual: a sublayer's output (HF's BertSelfOutput, BertOutput). */
  private residualLayerNormOf(x: tf.Tensor2D, residual: tf.Tensor2D, pass: Pass, name: string): tf.Tensor2D {
    const rate = pass.rates.hidden;
    const mask = rate > 0 ? dropoutMask(x.shape, rate, pass.rng!.nextUint32()) : null;
    return residualLayerNorm(x, residual, mask, this.param(`${name}.weight`) as tf.Tensor1D, this.param(`${name}.bias`) as tf.Tensor1D, this.config.layer_norm_eps);
  }

  /** The LayerNorm `name` (its .weight and .bias) applied to x. */
  private layerNormOf(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return layerNorm(x, this.param(`${name}.weight`) as tf.Tensor1D, this.param(`${name}.bias`) as tf.Tensor1D, this.config.layer_norm_eps);
  }

  /**
   * Sequence classification: logits [batch, num_labels] (and hidden states on request). The head
   * reads the first tokens only, so by default the last layer computes no others; "all" computes
   * every row (the same logits and gradients, byte for byte on the fused kernels; tests compare).
   */
  forward(batch: Batch, opts: ForwardOptions, lastLayerRows: LastLayerRows = "first-tokens"): ClassifierOutput {
    if (!this.heads.classifier) throw new Error("this model has no classification head (load it with a num_labels)");
    const { sequenceOutput, hiddenStates } = this.encode(batch, opts, lastLayerRows);
    const first = lastLayerRows === "all" ? firstTokens(sequenceOutput, batch.batchSize) : sequenceOutput; // [batch, hidden]
    const rates = this.dropoutRates(opts);
    // Head dropout masks come from a stream separate from the encoder's, so adding or removing
    // hidden-state outputs never changes them.
    const rng = rates.classifier > 0 ? new Random(opts.seed!).fork("classifier-dropout") : null;
    const drop = (x: tf.Tensor2D) => (rng ? dropout(x, rates.classifier, rng.nextUint32()) : x);
    const lin = (x: tf.Tensor2D, name: string) => this.linearLayer(x, name, opts);
    let logits: tf.Tensor2D;
    if (this.config.model_type === "bert") {
      const pooled = tf.tanh(lin(first, `${this.prefix}.pooler.dense`));
      logits = lin(drop(pooled), "classifier");
    } else {
      const x = tf.tanh(lin(drop(first), "classifier.dense"));
      logits = lin(drop(x), "classifier.out_proj");
    }
    return { logits, hiddenStates };
  }

  /**
   * Masked-language-model loss at the given flat positions (row·seqLength + column) with the
   * original token ids as labels; the decoder is tied to the word embeddings.
   */
  mlmForward(batch: Batch, positions: Int32Array, labels: Int32Array, opts: ForwardOptions): MlmOutput {
    const { mlmLoss, mlmLogits } = this.pretrainingForward(batch, { positions, labels }, opts);
    return { loss: mlmLoss, logits: mlmLogits };
  }

  /**
   * BERT's pre-training objectives from one encoding: the MLM loss and, when next-sentence labels
   * are given (HF's convention: 0 = the second segment continues the first, 1 = it is from
   * elsewhere), the next-sentence loss on the pooled first token. `loss` is their sum.
   */
  pretrainingForward(batch: Batch, targets: PretrainingTargets, opts: ForwardOptions): PretrainingOutput {
    if (!this.heads.mlm) throw new Error("this model has no MLM head (create or load it with heads.mlm = true)");
    const { positions, labels, nextSentenceLabels } = targets;
    if (positions.length === 0) throw new Error("mlmForward: no masked positions in the batch");
    if (nextSentenceLabels && !this.heads.nsp) throw new Error("this model has no next-sentence head (create or load it with heads.nsp = true)");
    if (nextSentenceLabels && nextSentenceLabels.length !== batch.batchSize) {
      throw new Error(`pretrainingForward: ${nextSentenceLabels.length} next-sentence labels for a batch of ${batch.batchSize}`);
    }
    const { sequenceOutput } = this.encode(batch, { ...opts, outputHiddenStates: false }); // [seq·batch, hidden]
    const picked = gatherRows(sequenceOutput, maskedRows(positions, batch)); // [masked, hidden]
    const mlmLogits = this.mlmHead(picked, opts); // [masked, vocab]
    const mlmLoss = crossEntropy(mlmLogits, labels);
    if (!nextSentenceLabels) return { loss: mlmLoss, mlmLoss, mlmLogits };
    const pooled = tf.tanh(this.linearLayer(firstTokens(sequenceOutput, batch.batchSize), `${this.prefix}.pooler.dense`, opts)); // [batch, hidden]
    const nextSentenceLogits = this.linearLayer(pooled, "cls.seq_relationship", opts); // [batch, 2]
    const nextSentenceLoss = crossEntropy(nextSentenceLogits, nextSentenceLabels);
    return { loss: tf.add(mlmLoss, nextSentenceLoss), mlmLoss, mlmLogits, nextSentenceLoss, nextSentenceLogits };
  }

  /** BERT's MLM head: dense → GELU → LayerNorm → the decoder tied to the word embeddings; [n, hidden] → [n, vocab]. */
  private mlmHead(x: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
    const t = gelu(this.linearLayer(x, "cls.predictions.transform.dense", opts));
    const tn = this.layerNormOf(t, "cls.predictions.transform.LayerNorm");
    // The decoder is an nn.Linear whose weight is the word-embedding table [vocab, hidden].
    return linear(tn, this.param(`${this.prefix}.embeddings.word_embeddings.weight`) as tf.Tensor2D, this.param("cls.predictions.bias") as tf.Tensor1D);
  }

  /** The nn.Linear `name` applied to x (on `rows` only, see ops/linear.ts), its weight passed through opts.weightTransform if given. */
  private linearLayer(x: tf.Tensor2D, name: string, opts: ForwardOptions, rows?: tf.Tensor1D): tf.Tensor2D {
    let w = this.param(`${name}.weight`) as tf.Tensor2D;
    if (opts.weightTransform) w = opts.weightTransform(`${name}.weight`, w);
    return linear(x, w, this.param(`${name}.bias`) as tf.Tensor1D, rows);
  }

  /** Trainable parameters keyed by HF name. */
  trainableVariables(): Map<string, tf.Variable> {
    return new Map([...this.params].filter(([, v]) => v.trainable));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params.values()) v.dispose();
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error("this model has been disposed");
  }
}

/** Flat masked positions (row·seqLength + column) → their sequence-major rows (s·batch + b). */
function maskedRows(positions: Int32Array, batch: Batch): Int32Array {
  const { batchSize: B, seqLength: S } = batch;
  const rows = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const q = positions[i];
    if (!(q >= 0 && q < B * S)) throw new Error(`mlmForward: position ${q} is outside the batch (0..${B * S - 1})`);
    rows[i] = (q % S) * B + Math.floor(q / S);
  }
  return rows;
}

function makeDropoutRng(rates: DropoutRates, opts: ForwardOptions): Random | null {
  if (rates.hidden === 0 && rates.attention === 0 && rates.classifier === 0) return null;
  if (opts.seed === undefined || !Number.isInteger(opts.seed)) {
    throw new Error("a training forward pass with dropout needs an integer seed (ForwardOptions.seed)");
  }
  return new Random(opts.seed).fork("encoder-dropout");
}
