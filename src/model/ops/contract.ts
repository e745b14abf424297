// Many small matrix products at once, in the layout attention needs:
//   out[m, c, p] = Σ_t x[t, m, c] · f[t, c, p]      (c indexes batch·head)
// The wasm backend runs batched matMuls on a scalar fallback loop (only unbatched, untransposed
// products reach XNNPACK), 5–10× slower per FLOP than its 2-D path. A depthwise convolution does
// exactly this arithmetic on XNNPACK's vectorised kernels: the contraction axis t is the filter
// height, c the input channel, p the channel multiplier. The layouts above are the ones that
// depthwise convolution reads and writes without any transpose.
import * as tf from "@tensorflow/tfjs";

export function contract(x: tf.Tensor, f: tf.Tensor, t: number, m: number, c: number, p: number): tf.Tensor3D {
  if (tf.getBackend() === "wasm") {
    const y = tf.depthwiseConv2d(tf.reshape(x, [1, t, m, c]) as tf.Tensor4D, tf.reshape(f, [t, 1, c, p]) as tf.Tensor4D, 1, "valid");
    return tf.reshape(y, [m, c, p]) as tf.Tensor3D;
  }
  // Elsewhere a batched matMul is the fast path: [c, m, t]·[c, t, p] → [c, m, p].
  const a = tf.transpose(tf.reshape(x, [t, m, c]), [2, 1, 0]);
  const b = tf.transpose(tf.reshape(f, [t, c, p]), [1, 0, 2]);
  return tf.transpose(tf.matMul(a, b), [1, 0, 2]) as tf.Tensor3D;
}
