// Exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)), as HF's "gelu" (not the tanh approximation). On the
// wasm backend it runs as two fused SIMD kernels (gelu-fused.ts); elsewhere as tfjs ops.
import * as tf from "@tensorflow/tfjs";
import { customGrad } from "./custom-grad";
import { fusedGeluAvailable, fusedGeluBackward, fusedGeluForward } from "./gelu-fused";

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const compositeGelu = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, INV_SQRT2))));
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, scdf] = saved;
      // d/dx xΦ(x) = Φ(x) + x·φ(x)
      const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(sx))));
      return [tf.mul(dy, tf.add(scdf, tf.mul(sx, pdf)))];
    },
  };
});

const fusedGelu = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const [y, cdf] = fusedGeluForward(x);
  save([x, cdf]);
  cdf.dispose(); // save() keeps its own reference
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [fusedGeluBackward(dy, saved[0], saved[1])] };
});

export function gelu<T extends tf.Tensor>(x: T): T {
  return (fusedGeluAvailable(x) ? fusedGelu(x) : compositeGelu(x)) as T;
}
