// LayerNorm over the last axis with a hand-written backward: autodiff of the mean/variance
// formula records ~10 small kernels; the closed form needs a handful.
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../kernels/runtime";
import { customGrad } from "./custom-grad";
import { fusedLayerNormBackward, fusedLayerNormForward } from "./layer-norm-fused";

/** x: [n, d], gamma/beta: [d]; HF/PyTorch LayerNorm (biased variance, eps inside the sqrt). */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  if (fusedKernels() && x.shape[1] % 4 === 0) {
    const fused = customGrad((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      const [y, xhat, rstd] = fusedLayerNormForward(xx, g, b, eps);
      save([xhat, rstd, g]);
      return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => fusedLayerNormBackward(dy, saved[0], saved[1], saved[2]) };
    });
    return fused(x, gamma, beta) as tf.Tensor2D;
  }
  const op = customGrad((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const mean = tf.mean(xx, -1, true);
    const xc = tf.sub(xx, mean);
    const variance = tf.mean(tf.square(xc), -1, true);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(xc, rstd);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, srstd, sg] = saved;
        const dxhat = tf.mul(dy, sg);
        const meanD = tf.mean(dxhat, -1, true);
        const meanDX = tf.mean(tf.mul(dxhat, sxhat), -1, true);
        const dx = tf.mul(srstd, tf.sub(tf.sub(dxhat, meanD), tf.mul(sxhat, meanDX)));
        return [dx, tf.sum(tf.mul(dy, sxhat), 0), tf.sum(dy, 0)];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}
