// The inputs and outputs of EncoderModel's passes (encoder.ts): a padded batch, the forward
// options (dropout, weight transforms, which rows may be skipped) and what each pass returns.
import type * as tf from "@tensorflow/tfjs";

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
