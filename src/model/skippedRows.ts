// The rows a classifier's pass may leave out, and why that changes no byte the loss reads. Two
// speed tricks, both for a loss that reads the first tokens only (EncoderModel.forward):
//
// - First-token last layer (lastLayerRows "first-tokens"): the last layer computes the first token
//   of each example only. Its keys and values still come from every position, but its query,
//   attention output and feed-forward run on batch rows instead of seq·batch, which skips 5/6 of
//   that layer's products (a MiniLM-L6 step: 14% of them). The rows kept hold the numbers the full
//   layer gives, and so do the gradients: the rows skipped feed only the other positions' outputs,
//   whose gradients are zero when the loss reads the first tokens.
// - Padded rows (ForwardOptions.paddedRows "skip", with the first-token last layer): the fused
//   linear layers (ops/linear.ts, the `rows` argument) compute the kept rows only; see keptRows.
//
// Activations are sequence-major, [seq·batch, hidden] with row s·batch + b (ops/attention.ts), so
// the first tokens are rows 0..batch-1.
import * as tf from "@tensorflow/tfjs";
import type { Batch, ForwardOptions, LastLayerRows } from "./encoderTypes";

/** The first tokens of sequence-major activations: [seq·batch, hidden] → [batch, hidden]. */
export function firstTokens(x: tf.Tensor2D, batchSize: number): tf.Tensor2D {
  return tf.slice(x, [0, 0], [batchSize, x.shape[1]]);
}

/**
 * The sequence-major rows (s·batch + b) a classifier's loss can depend on: the unmasked positions
 * and every first token. A masked position is never attended to (its additive mask makes its
 * softmax weight exactly 0 while the example has an unmasked key) and only the first tokens are
 * read out, so the other rows change nothing the loss reads, and their gradients are exactly zero.
 * null when there is nothing to skip, or when an example has no unmasked position (its softmax
 * would then spread over masked keys).
 */
export function keptRows(batch: Batch): Int32Array | null {
  const { batchSize: B, seqLength: S, attentionMask } = batch;
  for (let b = 0; b < B; b++) if (!attentionMask.subarray(b * S, (b + 1) * S).some((m) => m !== 0)) return null;
  const rows: number[] = [];
  for (let s = 0; s < S; s++) for (let b = 0; b < B; b++) if (s === 0 || attentionMask[b * S + s] !== 0) rows.push(s * B + b);
  return rows.length < B * S ? Int32Array.from(rows) : null;
}

/** Which rows each layer of one pass computes. */
export class RowPlan {
  /** The kept rows (int32 [kept]) the fused linear layers compute, or undefined to compute every row. */
  readonly kept: tf.Tensor1D | undefined;
  private readonly firstOnlyLayer: number;

  constructor(batch: Batch, numLayers: number, opts: ForwardOptions, lastLayerRows: LastLayerRows) {
    const firstTokensOnly = lastLayerRows === "first-tokens";
    const kept = firstTokensOnly && (opts.paddedRows ?? "skip") === "skip" ? keptRows(batch) : null;
    this.kept = kept ? tf.tensor1d(kept, "int32") : undefined;
    this.firstOnlyLayer = firstTokensOnly ? numLayers - 1 : -1;
  }

  /** Whether layer l computes the first tokens only (its query, attention output and feed-forward). */
  firstOnly(l: number): boolean {
    return l === this.firstOnlyLayer;
  }

  /**
   * The rows the fused layers compute for layer l's queries, attention output and feed-forward:
   * the kept rows, or all of them in a first-only layer (every row there is a kept first token).
   */
  fusedRows(l: number): tf.Tensor1D | undefined {
    return this.firstOnly(l) ? undefined : this.kept;
  }

  /** After the pass: the layers whose backward needs the kept rows saved their own reference. */
  dispose(): void {
    this.kept?.dispose();
  }
}
