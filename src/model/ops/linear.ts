// A dense layer y = x·W + b with W held as [in, out] (the transpose of the checkpoint's
// nn.Linear [out, in] layout), so the forward is one plain fused matMul and the backward is two
// plain matMuls on explicitly transposed operands (see matmul.ts for why).
import * as tf from "@tensorflow/tfjs";
import { customGrad } from "./custom-grad";

const linearOp = customGrad((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved;
      return [tf.matMul(dy, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy), tf.sum(dy, 0)];
    },
  };
}) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x: [n, in], w: [in, out], b: [out] → [n, out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return linearOp(x, w, b) as tf.Tensor2D;
}
