// Evaluation-mode predictions (no dropout, no Mixout) over a list of examples, returned in their
// fixed order: logits [n, C] and, on request, the first-token hidden state of every layer
// [L+1, n, d] with HF indexing (0 = embeddings output, l = block l).
//
// The examples run in batches of similar length (sorted by token count, as sentence-transformers'
// encode does), so each batch is padded less: a fifth fewer positions on spam's validation half.
// An example's outputs do not depend on its batch: every op but attention is per position, and
// attention gives padded keys probability exactly 0 (exp of a score near −1e9), so the extra terms
// of its sums are exact zeros. On the fused kernels, whose products compute each row alike for
// any number of rows, the logits and hidden states are the same bytes as fixed-order batches give
// (test/train/evaluate.test.ts).
import * as tf from "@tensorflow/tfjs";
import type { EncoderModel } from "../../model/encoder";
import { predictions, taskMetric, type TaskMetric } from "../../measures/taskMetrics";
import { type EncodedExamples, batchIndices, makeBatch } from "./batches";

export interface Predictions {
  n: number;
  numLabels: number;
  /** Row-major [n, C]. */
  logits: Float32Array;
  /** Row-major [L+1, n, d] when asked for. */
  hidden?: Float32Array;
  layers?: number;
  width?: number;
}

export function predict(model: EncoderModel, data: EncodedExamples, opts: { batchSize: number; hiddenStates?: boolean }): Predictions {
  const n = data.labels.length;
  const C = model.config.num_labels;
  const d = model.config.hidden_size;
  const layers = model.config.num_hidden_layers + 1;
  const logits = new Float32Array(n * C);
  const hidden = opts.hiddenStates ? new Float32Array(layers * n * d) : undefined;
  for (const idx of batchIndices(lengthOrder(data), opts.batchSize)) {
    const { batch } = makeBatch(data, idx);
    // forward() leaves its intermediates to the caller; tidy frees all but the outputs.
    const out = tf.tidy(() => {
      const o = model.forward(batch, { training: false, outputHiddenStates: Boolean(hidden) });
      return { logits: o.logits, hiddenStates: o.hiddenStates ?? [] };
    });
    try {
      // each example's rows back at its own index
      const l0 = out.logits.dataSync() as Float32Array;
      idx.forEach((i, r) => logits.set(l0.subarray(r * C, (r + 1) * C), i * C));
      out.hiddenStates.forEach((h, l) => {
        const h0 = h.dataSync() as Float32Array;
        idx.forEach((i, r) => hidden!.set(h0.subarray(r * d, (r + 1) * d), (l * n + i) * d));
      });
    } finally {
      tf.dispose([out.logits, ...out.hiddenStates]);
    }
  }
  return hidden ? { n, numLabels: C, logits, hidden, layers, width: d } : { n, numLabels: C, logits };
}

/** Example indices by token count (ties in index order): batches of similar lengths pad least. */
export function lengthOrder(data: EncodedExamples): Int32Array {
  const order = Array.from({ length: data.labels.length }, (_, i) => i);
  order.sort((a, b) => data.inputIds[a].length - data.inputIds[b].length || a - b);
  return Int32Array.from(order);
}

export function predictedLabels(p: Predictions): Int32Array {
  return predictions(Float64Array.from(p.logits), p.n, p.numLabels);
}

export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** The task's metric of these predictions (NaN when the logits are not finite). */
export function scorePredictions(p: Predictions, labels: Int32Array, metric: TaskMetric): number {
  if (!allFinite(p.logits)) return NaN;
  return taskMetric(metric, predictedLabels(p), labels, undefined, p.numLabels);
}
