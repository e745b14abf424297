// Matrix product whose backward pass uses explicit transposes and plain matMuls. On the wasm
// backend a matMul with transposeA/transposeB runs 10–30× slower than a plain one, and tfjs's own
// gradient of matMul uses exactly those flags. The training step itself does not call this: the
// dense layers (ops/linear*.ts) and attention (ops/attention*.ts, ops/contract.ts) write their
// own backward passes on the same rule. It is exported (model.matMul) for any other product that
// needs a gradient, and test/model/gradients.test.ts checks it against tfjs's autodiff.
import * as tf from "@tensorflow/tfjs";
import { customGrad } from "./custom-grad";

/** Swaps the last two axes (works for rank 2 and rank 3). */
export function transposeLast2(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1]);
}

/** a·b for [m,k]·[k,n] or batched [b,m,k]·[b,k,n]; gradients without transposed matMuls. */
export const matMul = customGrad((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, transposeLast2(sb)), tf.matMul(transposeLast2(sa), dy)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
