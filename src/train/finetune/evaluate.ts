// Evaluation-mode predictions (no dropout, no Mixout) over a list of examples in their fixed order:
// logits [n, C] and, on request, the first-token hidden state of every layer [L+1, n, d] with HF
// indexing (0 = embeddings output, l = block l).
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
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let row = 0;
  for (const idx of batchIndices(order, opts.batchSize)) {
    const { batch } = makeBatch(data, idx);
    // forward() leaves its intermediates to the caller; tidy frees all but the outputs.
    const out = tf.tidy(() => {
      const o = model.forward(batch, { training: false, outputHiddenStates: Boolean(hidden) });
      return { logits: o.logits, hiddenStates: o.hiddenStates ?? [] };
    });
    try {
      logits.set(out.logits.dataSync() as Float32Array, row * C);
      out.hiddenStates.forEach((h, l) => hidden!.set(h.dataSync() as Float32Array, (l * n + row) * d));
    } finally {
      tf.dispose([out.logits, ...out.hiddenStates]);
    }
    row += idx.length;
  }
  return hidden ? { n, numLabels: C, logits, hidden, layers, width: d } : { n, numLabels: C, logits };
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
