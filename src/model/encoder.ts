// BERT / RoBERTa encoder as Hugging Face's modeling_bert.py / modeling_roberta.py define it:
// embeddings (word + position + token type) → LayerNorm → dropout, then post-LN blocks
// (self-attention → dense → dropout → LayerNorm(+residual) → dense → GELU → dense → dropout →
// LayerNorm(+residual)), the BERT pooler, the classification heads and BERT's pre-training heads
// (masked LM and next-sentence prediction).
// Activations are 2-D [seq·batch, hidden] (sequence-major rows, see ops/attention.ts) throughout,
// so every dense layer is one plain matMul.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../util/random";
import type { EncoderConfig } from "./config";
import { additiveAttentionMask, multiHeadAttention } from "./ops/attention";
import { crossEntropy } from "./ops/cross-entropy";
import { dropout, dropoutMask } from "./ops/dropout";
import { gatherRows } from "./ops/embedding";
import { gelu } from "./ops/gelu";
import { layerNorm } from "./ops/layer-norm";
import { linear } from "./ops/linear";
import { type Heads, prefixOf, weightSpecs } from "./weights";

/** A padded batch, row-major [batchSize, seqLength]. */
export interface Batch {
  inputIds: Int32Array;
  /** Segment ids (0/1 for BERT sentence pairs); all zeros when omitted. */
  tokenTypeIds?: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  attentionMask: Int32Array;
  batchSize: number;
  seqLength: number;
}

export interface DropoutRates {
  hidden: number;
  attention: number;
  classifier: number;
}

export interface ForwardOptions {
  /** Dropout is applied only in training mode. */
  training: boolean;
  /** Seeds every dropout mask of this pass; required when training with dropout > 0. */
  seed?: number;
  /** Also return the first-token hidden state of the embeddings and of every layer. */
  outputHiddenStates?: boolean;
  /**
   * Replaces each nn.Linear weight ([out, in], as in PyTorch) before use, e.g. Mixout. Called with the
   * HF name of the weight (`….query.weight`, `classifier.weight`, …). The MLM decoder (tied to the
   * word embeddings) is not a Linear weight and is not passed.
   */
  weightTransform?: (name: string, w: tf.Tensor2D) => tf.Tensor2D;
  /** Overrides the config's dropout probabilities (Mixout sets all of them to 0). */
  dropout?: Partial<DropoutRates>;
  /**
   * With the first-token last layer (classification), "skip" (the default) lets the fused linear
   * layers leave out padded positions: nothing the loss reads depends on them, so the logits,
   * hidden states and gradients are the same bytes, and their rows of the sequence output are
   * not Hugging Face's. "compute" computes every position (for comparisons).
   */
  paddedRows?: "skip" | "compute";
}

/** Which rows of the last layer `encode` computes. */
export type LastLayerRows = "all" | "first-tokens";

export interface EncoderOutput {
  /**
   * Last layer, [seq·batch, hidden] in sequence-major order: row s·batch + b is token s of example b;
   * with lastLayerRows "first-tokens", [batch, hidden]: the first tokens only.
   */
  sequenceOutput: tf.Tensor2D;
  /** First-token states [batch, hidden]: index 0 = embeddings output, i = layer i (HF output_hidden_states). */
  hiddenStates?: tf.Tensor2D[];
}

export interface ClassifierOutput {
  logits: tf.Tensor2D;
  hiddenStates?: tf.Tensor2D[];
}

export interface MlmOutput {
  /** Mean cross-entropy over the masked positions. */
  loss: tf.Scalar;
  /** [positions.length, vocab_size]. */
  logits: tf.Tensor2D;
}

export interface PretrainingTargets {
  /** Flat masked positions (row·seqLength + column), ascending. */
  positions: Int32Array;
  /** The original token at each masked position. */
  labels: Int32Array;
  /** Per example: 0 = the second segment continues the first, 1 = it does not (HF's convention). */
  nextSentenceLabels?: Int32Array;
}

export interface PretrainingOutput {
  /** MLM loss, plus the next-sentence loss when its labels were given. */
  loss: tf.Scalar;
  mlmLoss: tf.Scalar;
  mlmLogits: tf.Tensor2D;
  nextSentenceLoss?: tf.Scalar;
  /** [batch, 2]. */
  nextSentenceLogits?: tf.Tensor2D;
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
   * Embeddings + transformer blocks. With lastLayerRows "first-tokens" the last layer computes the
   * first token of each example only: its keys and values still come from every position, but its
   * query, attention output and feed-forward run on batch rows instead of seq·batch, which skips
   * 5/6 of that layer's products (a MiniLM-L6 step: 14% of them). The rows kept hold the numbers
   * the full layer gives, and so do the gradients: the rows skipped feed only the other positions'
   * outputs, whose gradients are zero when the loss reads the first tokens. With "first-tokens" the
   * linear layers also skip padded positions unless opts.paddedRows is "compute" (keptRows says why
   * that changes no byte of what the loss reads).
   */
  encode(batch: Batch, opts: ForwardOptions, lastLayerRows: LastLayerRows = "all"): EncoderOutput {
    this.checkAlive();
    validateBatch(batch, this.config);
    const c = this.config;
    const { batchSize: B, seqLength: S } = batch;
    const p = this.prefix;
    const rates = this.dropoutRates(opts);
    const rng = makeDropoutRng(rates, opts);
    const drop = <T extends tf.Tensor>(x: T, rate: number): T => (rate > 0 ? dropout(x, rate, rng!.nextUint32()) : x);
    // The positions the loss can depend on, when the others may be skipped (see paddedRows).
    const kept = lastLayerRows === "first-tokens" && (opts.paddedRows ?? "skip") === "skip" ? keptRows(batch) : null;
    const keptT = kept ? tf.tensor1d(kept, "int32") : undefined;
    const lin = (x: tf.Tensor2D, name: string, rows?: tf.Tensor1D) => this.linearLayer(x, name, opts, rows);
    const ln = (x: tf.Tensor2D, name: string) =>
      layerNorm(x, this.param(`${name}.weight`) as tf.Tensor1D, this.param(`${name}.bias`) as tf.Tensor1D, c.layer_norm_eps);

    // Sequence-major rows (s·batch + b) throughout: see ops/attention.ts.
    const n = B * S;
    const seqMajor = (a: Int32Array) => toSequenceMajor(a, B, S);
    const tokenTypes = batch.tokenTypeIds ?? new Int32Array(n);
    const word = gatherRows(this.param(`${p}.embeddings.word_embeddings.weight`) as tf.Tensor2D, seqMajor(batch.inputIds));
    const pos = gatherRows(this.param(`${p}.embeddings.position_embeddings.weight`) as tf.Tensor2D, seqMajor(positionIds(batch, c)));
    const typ = gatherRows(this.param(`${p}.embeddings.token_type_embeddings.weight`) as tf.Tensor2D, seqMajor(tokenTypes));
    let h = drop(ln(tf.addN([word, pos, typ]) as tf.Tensor2D, `${p}.embeddings.LayerNorm`), rates.hidden);

    const H = c.hidden_size;
    const firstTokens = (x: tf.Tensor2D) => tf.slice(x, [0, 0], [B, H]);
    const hiddenStates: tf.Tensor2D[] | undefined = opts.outputHiddenStates ? [firstTokens(h)] : undefined;
    const mask = additiveAttentionMask(batch.attentionMask, B, S);
    const A = c.num_attention_heads;
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const b = `${p}.encoder.layer.${l}`;
      const firstOnly = lastLayerRows === "first-tokens" && l === c.num_hidden_layers - 1;
      // The query rows, and below the residual rows: two slices, taken before the key projection
      // and after the value projection, so that backpropagation sums h's four gradients in the
      // same order as the full layer (residual, value, key, query) and gives the same bytes.
      // (every row of a first-only layer's query, output and feed-forward is a kept first token)
      const rows = firstOnly ? undefined : keptT;
      const q = lin(firstOnly ? firstTokens(h) : h, `${b}.attention.self.query`, rows);
      const k = lin(h, `${b}.attention.self.key`, keptT);
      const v = lin(h, `${b}.attention.self.value`, keptT);
      // Dropout masks are prefixes of their generator's stream: the first query's rows of the full mask.
      const queries = firstOnly ? 1 : S;
      const probsMask = rates.attention > 0 ? dropoutMask([queries, B * A, S], rates.attention, rng!.nextUint32()) : null;
      const shape = { batchSize: B, seqLength: S, numHeads: A, firstQueryOnly: firstOnly };
      const ctx = multiHeadAttention(q, k, v, mask, shape, probsMask);
      const attnOut = drop(lin(ctx, `${b}.attention.output.dense`, rows), rates.hidden);
      const h1 = ln(tf.add(attnOut, firstOnly ? firstTokens(h) : h), `${b}.attention.output.LayerNorm`);
      const inter = gelu(lin(h1, `${b}.intermediate.dense`, rows));
      const out = drop(lin(inter, `${b}.output.dense`, rows), rates.hidden);
      h = ln(tf.add(out, h1), `${b}.output.LayerNorm`);
      if (hiddenStates) hiddenStates.push(firstTokens(h));
    }
    keptT?.dispose(); // the layers that need it for their backward saved their own reference
    return { sequenceOutput: h, hiddenStates };
  }

  /**
   * Sequence classification: logits [batch, num_labels] (and hidden states on request). The head
   * reads the first tokens only, so by default the last layer computes no others; "all" computes
   * every row (the same logits and gradients, byte for byte on the fused kernels; tests compare).
   */
  forward(batch: Batch, opts: ForwardOptions, lastLayerRows: LastLayerRows = "first-tokens"): ClassifierOutput {
    if (!this.heads.classifier) throw new Error("this model has no classification head (load it with a num_labels)");
    const { sequenceOutput, hiddenStates } = this.encode(batch, opts, lastLayerRows);
    // Rows 0..batch-1 of the sequence-major output are the first tokens.
    const first = lastLayerRows === "all" ? (tf.slice(sequenceOutput, [0, 0], [batch.batchSize, this.config.hidden_size]) as tf.Tensor2D) : sequenceOutput;
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
    const { sequenceOutput } = this.encode(batch, { ...opts, outputHiddenStates: false });
    const c = this.config;
    const lin = (x: tf.Tensor2D, name: string) => this.linearLayer(x, name, opts);
    const { batchSize: B, seqLength: S } = batch;
    const rows = new Int32Array(positions.length);
    for (let i = 0; i < positions.length; i++) {
      const q = positions[i];
      if (!(q >= 0 && q < B * S)) throw new Error(`mlmForward: position ${q} is outside the batch (0..${B * S - 1})`);
      rows[i] = (q % S) * B + Math.floor(q / S);
    }
    const picked = gatherRows(sequenceOutput, rows);
    const t = gelu(lin(picked, "cls.predictions.transform.dense"));
    const tn = layerNorm(
      t,
      this.param("cls.predictions.transform.LayerNorm.weight") as tf.Tensor1D,
      this.param("cls.predictions.transform.LayerNorm.bias") as tf.Tensor1D,
      c.layer_norm_eps,
    );
    // The decoder is an nn.Linear whose weight is the word-embedding table [vocab, hidden].
    const mlmLogits = linear(
      tn,
      this.param(`${this.prefix}.embeddings.word_embeddings.weight`) as tf.Tensor2D,
      this.param("cls.predictions.bias") as tf.Tensor1D,
    );
    const mlmLoss = crossEntropy(mlmLogits, labels);
    if (!nextSentenceLabels) return { loss: mlmLoss, mlmLoss, mlmLogits };
    // Rows 0..batch-1 of the sequence-major output are the first tokens.
    const first = tf.slice(sequenceOutput, [0, 0], [B, c.hidden_size]) as tf.Tensor2D;
    const pooled = tf.tanh(lin(first, `${this.prefix}.pooler.dense`));
    const nextSentenceLogits = lin(pooled, "cls.seq_relationship");
    const nextSentenceLoss = crossEntropy(nextSentenceLogits, nextSentenceLabels);
    return { loss: tf.add(mlmLoss, nextSentenceLoss), mlmLoss, mlmLogits, nextSentenceLoss, nextSentenceLogits };
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

/** Row-major [batch, seq] → [seq, batch]. */
function toSequenceMajor(a: Int32Array, B: number, S: number): Int32Array {
  const out = new Int32Array(B * S);
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) out[s * B + b] = a[b * S + s];
  return out;
}

function makeDropoutRng(rates: DropoutRates, opts: ForwardOptions): Random | null {
  if (rates.hidden === 0 && rates.attention === 0 && rates.classifier === 0) return null;
  if (opts.seed === undefined || !Number.isInteger(opts.seed)) {
    throw new Error("a training forward pass with dropout needs an integer seed (ForwardOptions.seed)");
  }
  return new Random(opts.seed).fork("encoder-dropout");
}

/** HF position ids: 0..S-1 for BERT; RoBERTa counts non-padding tokens from pad_token_id + 1. */
export function positionIds(batch: Batch, config: EncoderConfig): Int32Array {
  const { batchSize: B, seqLength: S, inputIds } = batch;
  const out = new Int32Array(B * S);
  if (config.model_type === "bert") {
    for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) out[b * S + s] = s;
  } else {
    const pad = config.pad_token_id;
    for (let b = 0; b < B; b++) {
      let count = 0;
      for (let s = 0; s < S; s++) {
        const i = b * S + s;
        if (inputIds[i] !== pad) out[i] = ++count + pad;
        else out[i] = pad;
      }
    }
  }
  return out;
}

/**
 * The sequence-major rows (s·batch + b) a classifier's loss can depend on: the unmasked positions
 * and every first token. A masked position is never attended to (its additive mask makes its
 * softmax weight exactly 0 while the example has an unmasked key) and only the first tokens are
 * read out, so the other rows change nothing the loss reads, and their gradients are exactly zero.
 * null when there is nothing to skip, or when an example has no unmasked position (its softmax
 * would then spread over masked keys).
 */
function keptRows(batch: Batch): Int32Array | null {
  const { batchSize: B, seqLength: S, attentionMask } = batch;
  for (let b = 0; b < B; b++) if (!attentionMask.subarray(b * S, (b + 1) * S).some((m) => m !== 0)) return null;
  const rows: number[] = [];
  for (let s = 0; s < S; s++) for (let b = 0; b < B; b++) if (s === 0 || attentionMask[b * S + s] !== 0) rows.push(s * B + b);
  return rows.length < B * S ? Int32Array.from(rows) : null;
}

function validateBatch(batch: Batch, config: EncoderConfig): void {
  const { batchSize: B, seqLength: S } = batch;
  const n = B * S;
  if (!(B > 0 && S > 0)) throw new Error(`batch: batchSize and seqLength must be positive, got ${B}×${S}`);
  if (batch.inputIds.length !== n) throw new Error(`batch: inputIds has ${batch.inputIds.length} ids, expected ${B}×${S}`);
  if (batch.attentionMask.length !== n) throw new Error(`batch: attentionMask has ${batch.attentionMask.length} entries, expected ${n}`);
  if (batch.tokenTypeIds && batch.tokenTypeIds.length !== n) {
    throw new Error(`batch: tokenTypeIds has ${batch.tokenTypeIds.length} entries, expected ${n}`);
  }
  const maxPos = config.model_type === "roberta" ? config.max_position_embeddings - config.pad_token_id - 1 : config.max_position_embeddings;
  if (S > maxPos) throw new Error(`batch: seqLength ${S} exceeds the model's ${maxPos} positions; truncate the inputs`);
  for (let i = 0; i < n; i++) {
    const id = batch.inputIds[i];
    if (id < 0 || id >= config.vocab_size) throw new Error(`batch: token id ${id} at ${i} is outside the vocabulary (${config.vocab_size})`);
  }
  if (batch.tokenTypeIds) {
    for (let i = 0; i < n; i++) {
      const t = batch.tokenTypeIds[i];
      if (t < 0 || t >= config.type_vocab_size) {
        throw new Error(`batch: token type ${t} at ${i} is outside 0..${config.type_vocab_size - 1}`);
      }
    }
  }
}
