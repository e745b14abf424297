// Multi-head attention forward and backward as two wasm kernels of our own (no transposes, no
// depthwise convolutions, a handful of dispatches per layer instead of ~40): per (example, head)
// the products run on the SIMD gemm (kernels/gemm.ts) and the mask, softmax, dropout and softmax
// backward are one JS pass per row over the wasm memory. Same arithmetic as attention.ts's
// composite op up to float32 rounding (test/model/fusedOps.test.ts).
//
// Layouts: q, k, v, ctx are [seq·batch, hidden] with row s·batch + b (sequence-major, as the
// encoder keeps them); head h of example b is columns h·d..h·d+d−1 of rows b, b+B, b+2B, ….
// Each head is copied into zero-padded scratch of P = ceil(seq/8)·8 rows so that every product
// fits the gemm's 8-column blocks for any sequence length; the saved probabilities are
// [batch·heads, P, P] with zeros outside the seq × seq block. When seq is a multiple of 8 there is
// no padding, and the products read q and write ctx, dq, dk, dv in place (rows B·H apart)
// instead of copying them through scratch; the operands that must be contiguous or transposed
// (kᵀ, v, dy, k, q as B) are still copied. Each example's products stop at its last real key
// (kernels/attention-heads.ts keysOf; the backward reads the additive mask for it too).
//
// With `firstQueryOnly` only the first position queries (a classifier's last layer, whose loss
// reads only the first token): q, ctx, dq and the upstream dy are [batch, hidden], row b; k, v, dk,
// dv stay [seq·batch, hidden]; probabilities are [batch·heads, 1, P] and the dropout mask
// [1, batch·heads, seq]. Every number computed is the one the full op computes for that row: the
// gemm's rows are independent, and the rows it skips would only add exact zeros to dk and dv.
import * as tf from "@tensorflow/tfjs";
import { gemmFits } from "../kernels/gemm";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";
import { registerWasmKernelsOnce } from "./registerWasmKernels";
import { type Dims, type HeadTensors, backwardPairs, backwardScratch, forwardPairs, forwardScratch, pairTaskArgs } from "../kernels/attention-heads";
import { splitChunks, threadsFor } from "../kernels/split";

const FORWARD = "InstabilityAttention";
const BACKWARD = "InstabilityAttentionGrad";

function dims(attrs: Record<string, unknown>, H: number): Dims {
  const B = attrs.batchSize as number;
  const S = attrs.seqLength as number;
  const A = attrs.numHeads as number;
  const d = H / A;
  const P = Math.ceil(S / 8) * 8;
  const first = attrs.firstQueryOnly === true;
  return { B, S, A, d, H, P, Q: first ? 1 : S, PQ: first ? 1 : P, scale: 1 / Math.sqrt(d) };
}

/** Whether the fused kernels take this shape (else attention.ts's composite op runs). */
export function fusedAttentionAvailable(hidden: number, numHeads: number): FusedKernels | null {
  const fk = fusedKernels();
  if (!fk) return null;
  registerOnce();
  const d = hidden / numHeads;
  return Number.isInteger(d) && gemmFits(8, d) ? fk : null;
}

/**
 * Runs `task` over the B·A (example, head) pairs, split between the threads worth using in chunks
 * (split.ts; the pairs' work differs with their examples' lengths), each chunk with its own
 * scratch of `scratchFloats`.
 */
function overPairs(fk: FusedKernels, D: Dims, T: HeadTensors, scratchFloats: number, task: "attentionForwardPairs" | "attentionBackwardPairs"): void {
  const pairs = D.B * D.A;
  const pairWork = D.PQ * D.P * D.d * 2;
  const threads = Math.min(pairs, threadsFor(fk.threads(), pairs * pairWork));
  const shares = splitChunks(pairs, threads, 1, pairWork);
  const chunks = shares.flat(1);
  const scratch = fk.malloc(4 * scratchFloats * chunks.length);
  const at = (i: number) => (scratch >> 2) + i * scratchFloats;
  if (threads === 1) (task === "attentionForwardPairs" ? forwardPairs : backwardPairs)(fk, T, D, at(0), 0, pairs);
  else {
    let i = 0;
    fk.parallelChunks(shares.map((share) => share.map(([c0, count]) => [{ task, args: pairTaskArgs(D, T, at(i++), c0, c0 + count) }])));
  }
  fk.free(scratch);
}

const registerOnce = registerWasmKernelsOnce({ [FORWARD]: forwardKernel, [BACKWARD]: backwardKernel });

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown> };

// inputs q, k, v [S·B, H], mask [B·S] additive, dropMask [Q, B·A, S] (optional)
// → ctx [Q·B, H], probs [B·A, PQ, P], dropped [B·A, PQ, P] (the probabilities after dropout);
// q is [Q·B, H] too (Q = 1 with firstQueryOnly).
function forwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { q, k, v, mask, dropMask } = inputs;
  const D = dims(attrs, q.shape[1]);
  const { B, A, H, P, Q, PQ } = D;
  const n = B * A;
  const ctx = fk.output([Q * B, H]);
  const probs = fk.output([n, PQ, P]);
  const dropped = dropMask ? fk.output([n, PQ, P]) : probs;
  const [qp, kp, vp, cp, mp, pr] = [q, k, v, ctx, mask, probs].map((t) => fk.ptr(t) >> 2);
  const T: HeadTensors = { q: qp, k: kp, v: vp, mask: mp, probs: pr, dropped: fk.ptr(dropped) >> 2, dropMask: dropMask ? fk.ptr(dropMask) >> 2 : 0, ctx: cp, dy: 0, dq: 0, dk: 0, dv: 0 };
  overPairs(fk, D, T, forwardScratch(D), "attentionForwardPairs");
  return dropMask ? [ctx, probs, dropped] : [ctx, probs];
}

// inputs dy, q, k, v [S·B, H], probs, dropped [B·A, PQ, P], mask [B·S] additive, dropMask
// (optional) → dq, dk, dv (dy, q and dq are [Q·B, H]).
function backwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { dy, q, k, v, probs, dropped, mask, dropMask } = inputs;
  const D = dims(attrs, q.shape[1]);
  const { B, S, H, Q } = D;
  const dq = fk.output([Q * B, H]);
  const dk = fk.output([S * B, H]);
  const dv = fk.output([S * B, H]);
  const [dyp, qp, kp, vp, pr, dr, dqp, dkp, dvp] = [dy, q, k, v, probs, dropped, dq, dk, dv].map((t) => fk.ptr(t) >> 2);
  const T: HeadTensors = { q: qp, k: kp, v: vp, mask: fk.ptr(mask) >> 2, probs: pr, dropped: dr, dropMask: dropMask ? fk.ptr(dropMask) >> 2 : 0, ctx: 0, dy: dyp, dq: dqp, dk: dkp, dv: dvp };
  overPairs(fk, D, T, backwardScratch(D), "attentionBackwardPairs");
  return [dq, dk, dv];
}

export interface AttentionAttrs {
  batchSize: number;
  seqLength: number;
  numHeads: number;
  firstQueryOnly: boolean;
}

/** The fused forward: [ctx, probs, dropped]; see attention.ts for the arguments. */
export function fusedAttentionForward(
  q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor, dropMask: tf.Tensor | null,
  attrs: AttentionAttrs,
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = { q, k, v, mask };
  if (dropMask) inputs.dropMask = dropMask;
  return tf.engine().runKernel(FORWARD, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

export function fusedAttentionBackward(
  dy: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, probs: tf.Tensor, dropped: tf.Tensor, mask: tf.Tensor, dropMask: tf.Tensor | null,
  attrs: AttentionAttrs,
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = { dy, q, k, v, probs, dropped, mask };
  if (dropMask) inputs.dropMask = dropMask;
  return tf.engine().runKernel(BACKWARD, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
