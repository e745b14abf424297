// Row lookup (embedding tables, and picking the masked positions out of a hidden-state matrix).
// tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks, so the backward
// pass scatters the incoming rows into a dense gradient in plain JS; it is a memory-bound loop
// over (number of ids × width) floats, far cheaper than a one-hot matMul.
import * as tf from "@tensorflow/tfjs";
import { customGrad } from "./custom-grad";

/** table: [rows, width], ids: row indices → [ids.length, width]. */
export function gatherRows(table: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const [rows, width] = table.shape;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= rows) {
      throw new Error(`index ${ids[i]} at position ${i} is outside the table of ${rows} rows`);
    }
  }
  const op = customGrad((t: tf.Tensor, _save: tf.GradSaveFunc) => {
    const idx = tf.tensor1d(ids, "int32");
    return {
      value: tf.gather(t, idx),
      gradFunc: (dy: tf.Tensor) => {
        const g = new Float32Array(rows * width);
        const d = dy.dataSync() as Float32Array;
        for (let i = 0; i < ids.length; i++) {
          const dst = ids[i] * width;
          const src = i * width;
          for (let j = 0; j < width; j++) g[dst + j] += d[src + j];
        }
        return tf.tensor2d(g, [rows, width]);
      },
    };
  });
  return op(table) as tf.Tensor2D;
}
