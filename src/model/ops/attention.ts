// Multi-head scaled dot-product attention (scores, padding mask, softmax, attention dropout,
// context) as one differentiable op with a hand-written backward pass.
// Activations are sequence-major, [seq·batch, hidden] with row s·batch + b, so that a dense
// layer's output reshapes for free to [seq, batch·heads, headDim], which is the layout the
// batched products (contract.ts) read and write: every product below needs at most one
// transpose of one operand, and none of q/k/v/context needs reshuffling into heads.
import * as tf from "@tensorflow/tfjs";
import { contract } from "./contract";
import { fusedAttentionAvailable, fusedAttentionBackward, fusedAttentionForward } from "./attention-fused";
import { customGrad } from "./custom-grad";

export interface AttentionShape {
  batchSize: number;
  seqLength: number;
  numHeads: number;
  /**
   * Only the first position queries: q and the returned context are [batch, hidden] (the first
   * rows of the sequence-major layout), the dropout mask [1, batch·heads, seq]. A classifier's last
   * layer needs no more, since its loss reads only the first token.
   */
  firstQueryOnly?: boolean;
}

/**
 * q, k, v: [seq·batch, hidden] projections (sequence-major rows); additiveMask: [1, batch, 1, seq]
 * (0 for keys to attend to, a large negative number for padding); probsDropoutMask: null or a
 * scaled keep-mask of shape [seq (query), batch·heads, seq (key)]. Returns the context
 * [seq·batch, hidden], sequence-major. With shape.firstQueryOnly, q, the mask's query axis and the
 * context hold the first position only.
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
  const Q = shape.firstQueryOnly ? 1 : S; // query positions
  const H = q.shape[1];
  if (q.shape[0] !== Q * B || k.shape[0] !== S * B) {
    throw new Error(`multiHeadAttention: q has ${q.shape[0]} rows and k ${k.shape[0]}, expected ${Q * B} and ${S * B}`);
  }
  const d = H / A;
  const n = B * A;
  const scale = 1 / Math.sqrt(d);
  if (fusedAttentionAvailable(H, A)) return fusedMultiHeadAttention(q, k, v, additiveMask, shape, probsDropoutMask);

  const op = customGrad((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor, save: tf.GradSaveFunc) => {
    const qs = tf.mul(qq, scale); // [Q, n, d]
    // scores[i, c, j] = Σ_t qs[i, c, t]·k[j, c, t]
    const scores = contract(
      tf.transpose(tf.reshape(qs, [Q, n, d]), [2, 0, 1]),
      tf.transpose(tf.reshape(kk, [S, n, d]), [2, 1, 0]),
      d, Q, n, S,
    );
    const probs = tf.reshape(tf.softmax(tf.add(tf.reshape(scores, [Q, B, A, S]), additiveMask)), [Q, n, S]);
    const dropped = probsDropoutMask ? tf.mul(probs, probsDropoutMask) : probs;
    // The dropout mask goes through save() too: tensors merely captured by the closure are freed
    // when the forward scope ends, before the backward pass runs.
    save(probsDropoutMask ? [qs, kk, vv, probs, dropped, probsDropoutMask] : [qs, kk, vv, probs, dropped]);
    // ctx[i, c, t] = Σ_j P[i, c, j]·v[j, c, t]
    const ctx = contract(tf.transpose(dropped, [2, 0, 1]), vv, S, Q, n, d);
    return {
      value: tf.reshape(ctx, [Q * B, H]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sqs, sk, sv, sprobs, sdropped, smask] = saved;
        // dv[j, c, t] = Σ_i P[i, c, j]·dy[i, c, t]
        const dv = contract(tf.transpose(sdropped, [0, 2, 1]), dy, Q, S, n, d);
        // dP[i, c, j] = Σ_t dy[i, c, t]·v[j, c, t]
        let dprobs: tf.Tensor = contract(
          tf.transpose(tf.reshape(dy, [Q, n, d]), [2, 0, 1]),
          tf.transpose(tf.reshape(sv, [S, n, d]), [2, 1, 0]),
          d, Q, n, S,
        );
        if (smask) dprobs = tf.mul(dprobs, smask);
        // softmax backward: dS = P ⊙ (dP − Σ_j dP⊙P)
        const dscores = tf.mul(sprobs, tf.sub(dprobs, tf.sum(tf.mul(dprobs, sprobs), -1, true)));
        // dq[i, c, t] = scale·Σ_j dS[i, c, j]·k[j, c, t];  dk[j, c, t] = Σ_i dS[i, c, j]·qs[i, c, t]
        const dq = tf.mul(contract(tf.transpose(dscores, [2, 0, 1]), sk, S, Q, n, d), scale);
        const dk = contract(tf.transpose(dscores, [0, 2, 1]), sqs, Q, S, n, d);
        return [tf.reshape(dq, [Q * B, H]), tf.reshape(dk, [S * B, H]), tf.reshape(dv, [S * B, H])];
      },
    };
  });
  return op(q, k, v) as tf.Tensor2D;
}

/** The same op on the fused wasm kernels (attention-fused.ts). */
function fusedMultiHeadAttention(
  q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, additiveMask: tf.Tensor, shape: AttentionShape, probsDropoutMask: tf.Tensor | null,
): tf.Tensor2D {
  const attrs = { batchSize: shape.batchSize, seqLength: shape.seqLength, numHeads: shape.numHeads, firstQueryOnly: shape.firstQueryOnly === true };
  const op = customGrad((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor, save: tf.GradSaveFunc) => {
    const [ctx, probs, dropped] = fusedAttentionForward(qq, kk, vv, additiveMask, probsDropoutMask, attrs);
    // The masks go through save() too: tensors merely captured by the closure are freed when the
    // forward scope ends, before the backward pass runs. (The backward reads the additive mask for
    // each example's last key.)
    save(probsDropoutMask ? [qq, kk, vv, probs, additiveMask, dropped, probsDropoutMask] : [qq, kk, vv, probs, additiveMask]);
    return {
      value: ctx,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sprobs, sadditive, sdropped, smask] = saved;
        return fusedAttentionBackward(dy, sq, sk, sv, sprobs, sdropped ?? sprobs, sadditive, smask ?? null, attrs);
      },
    };
  });
  return op(q, k, v) as tf.Tensor2D;
}

/** [1, batch, 1, seq] additive mask from a 0/1 attention mask [batch, seq] (HF's extended attention mask). */
export function additiveAttentionMask(attentionMask: Int32Array, batchSize: number, seqLength: number): tf.Tensor {
  const m = new Float32Array(batchSize * seqLength);
  // Large but finite, so a row is never all −inf; exp underflows to exactly 0 either way.
  for (let i = 0; i < m.length; i++) m[i] = attentionMask[i] ? 0 : -1e9;
  return tf.tensor4d(m, [1, batchSize, 1, seqLength]);
}
