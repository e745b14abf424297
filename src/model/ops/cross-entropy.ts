// Mean softmax cross-entropy against integer labels. One-hot × log-softmax instead of a gather,
// because gather has no gradient kernel on wasm.
import * as tf from "@tensorflow/tfjs";

/** logits: [n, classes], labels: n integers in [0, classes) → scalar mean loss. */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const [n, classes] = logits.shape;
  if (labels.length !== n) throw new Error(`crossEntropy: ${labels.length} labels for ${n} rows of logits`);
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw new Error(`label ${labels[i]} at row ${i} is outside 0..${classes - 1}`);
    }
  }
  const oneHot = tf.oneHot(tf.tensor1d(labels, "int32"), classes);
  return tf.neg(tf.div(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))), n)) as tf.Scalar;
}
