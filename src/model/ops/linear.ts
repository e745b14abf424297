// nn.Linear: y = x·Wᵀ + b with W in PyTorch's [out, in] layout (the checkpoint layout, kept in
// memory too). The wasm backend runs only plain matMuls (no transposeA/B, batch 1) on its fast
// XNNPACK path, so every transpose is explicit, and the layout is chosen so the backward pass
// needs one large transpose (of dy) and the bias gradient is a sum over the innermost axis
// (a sum over axis 0 makes the wasm backend transpose its input first):
//   dx = dy·W,   dW = dyᵀ·x,   db = Σ_rows dyᵀ.
import * as tf from "@tensorflow/tfjs";
import { customGrad } from "./custom-grad";
import { fusedLinearAvailable, fusedLinearBackward, fusedLinearForward, fusedLinearRowsBackward, fusedLinearRowsForward } from "./linear-fused";

const linearOp = customGrad((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: tf.transpose(w) as tf.Tensor2D, bias: b }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved;
      const dyT = tf.transpose(dy);
      return [tf.matMul(dy, sw), tf.matMul(dyT, sx), tf.sum(dyT, 1)];
    },
  };
});

// Forward and backward on our SIMD gemm (linear-fused.ts), for the shapes it takes on wasm.
const fusedLinearOp = customGrad((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: fusedLinearForward(x, w, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => fusedLinearBackward(dy, saved[0], saved[1]),
  };
});

// The fused layer on some rows only (linear-fused.ts): `rows` is saved with x and w for the backward.
const fusedLinearRowsOp = (rows: tf.Tensor1D) =>
  customGrad((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w, rows]);
    return {
      value: fusedLinearRowsForward(x, w, b, rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => fusedLinearRowsBackward(dy, saved[0], saved[1], saved[2]),
    };
  });

/**
 * x: [n, in], w: [out, in] (nn.Linear layout), b: [out] → [n, out]. With `rows` (int32, ascending)
 * the fused kernels compute those rows only and leave the others zero, and the backward assumes
 * the others' gradient is zero (padded positions when the loss reads real tokens only, see
 * model/skippedRows.ts); the composite ops compute every row.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, rows?: tf.Tensor1D): tf.Tensor2D {
  if (fusedLinearAvailable(x.shape[0], x.shape[1], w.shape[0])) {
    if (rows && rows.shape[0] > 0 && rows.shape[0] < x.shape[0]) return fusedLinearRowsOp(rows)(x, w, b) as tf.Tensor2D;
    return fusedLinearOp(x, w, b) as tf.Tensor2D;
  }
  return linearOp(x, w, b) as tf.Tensor2D;
}
