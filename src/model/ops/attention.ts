// Multi-head scaled dot-product attention (scores, padding mask, softmax, attention dropout,
// context) as one differentiable op. Both passes are batched plain matMuls on explicitly
// transposed operands: the wasm backend's transposeA/transposeB paths are 10–30× slower, and a
// single custom gradient records one tape node instead of ~15.
import * as tf from "@tensorflow/tfjs";
import { customGrad } from "./custom-grad";

export interface AttentionShape {
  batchSize: number;
  seqLength: number;
  numHeads: number;
}

/**
 * q, k, v: [batch·seq, hidden] projections; additiveMask: [batch, 1, 1, seq] (0 for tokens to
 * attend to, a large negative number for padding); probsDropoutMask: null or a scaled keep-mask
 * of shape [batch·heads, seq, seq]. Returns the context [batch·seq, hidden].
 */
export function multiHeadAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  additiveMask: tf.Tensor,
  shape: AttentionShape,
  probsDropoutMask: tf.Tensor | null,
): tf.Tensor2D {
  const { batchSize: B, seqLength: S, numHeads: A } = shape;
  const H = q.shape[1];
  const d = H / A;
  const scale = 1 / Math.sqrt(d);
  // [B·S, H] → [B·A, S, d]
  const heads = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [B, S, A, d]), [0, 2, 1, 3]), [B * A, S, d]);
  // [B·A, S, d] → [B·S, H]
  const merge = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [B, A, S, d]), [0, 2, 1, 3]), [B * S, H]);

  const op = customGrad((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor, save: tf.GradSaveFunc) => {
    const q3 = heads(tf.mul(qq, scale));
    const kT = tf.reshape(tf.transpose(tf.reshape(kk, [B, S, A, d]), [0, 2, 3, 1]), [B * A, d, S]);
    const v3 = heads(vv);
    const scores = tf.add(tf.reshape(tf.matMul(q3, kT), [B, A, S, S]), additiveMask);
    const probs = tf.reshape(tf.softmax(scores), [B * A, S, S]);
    const dropped = probsDropoutMask ? tf.mul(probs, probsDropoutMask) : probs;
    // The dropout mask goes through save() too: tensors merely captured by the closure are freed
    // when the forward scope ends, before the backward pass runs.
    save(probsDropoutMask ? [q3, kT, v3, probs, dropped, probsDropoutMask] : [q3, kT, v3, probs, dropped]);
    return {
      value: merge(tf.matMul(dropped, v3)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq3, skT, sv3, sprobs, sdropped, smask] = saved;
        const dctx = heads(dy);
        const dv3 = tf.matMul(tf.transpose(sdropped, [0, 2, 1]), dctx);
        let dprobs = tf.matMul(dctx, tf.transpose(sv3, [0, 2, 1]));
        if (smask) dprobs = tf.mul(dprobs, smask);
        // softmax backward: dS = P ⊙ (dP − Σ_j dP⊙P)
        const dscores = tf.mul(sprobs, tf.sub(dprobs, tf.sum(tf.mul(dprobs, sprobs), -1, true)));
        const dq3 = tf.mul(tf.matMul(dscores, tf.transpose(skT, [0, 2, 1])), scale);
        const dk3 = tf.matMul(tf.transpose(dscores, [0, 2, 1]), sq3);
        return [merge(dq3), merge(dk3), merge(dv3)];
      },
    };
  });
  return op(q, k, v) as tf.Tensor2D;
}

/** [batch, 1, 1, seq] additive mask from a 0/1 attention mask (HF's extended attention mask). */
export function additiveAttentionMask(attentionMask: Int32Array, batchSize: number, seqLength: number): tf.Tensor {
  const m = new Float32Array(batchSize * seqLength);
  // Large but finite, so a row is never all −inf; exp underflows to exactly 0 either way.
  for (let i = 0; i < m.length; i++) m[i] = attentionMask[i] ? 0 : -1e9;
  return tf.tensor4d(m, [batchSize, 1, 1, seqLength]);
}
