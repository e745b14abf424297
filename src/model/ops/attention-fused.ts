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
// (kᵀ, v, dy, k, q as B) are still copied.
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

const FORWARD = "InstabilityAttention";
const BACKWARD = "InstabilityAttentionGrad";

interface Dims {
  B: number;
  S: number;
  A: number;
  d: number;
  H: number;
  P: number;
  /** Query positions: S, or 1 with firstQueryOnly. */
  Q: number;
  /** Query rows of a head's scores and probabilities: P, or 1 with firstQueryOnly. */
  PQ: number;
  scale: number;
}

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

/** rows s < S of head (b, h) of x [S·B, H] → dst [P, d], or [d, P] transposed (padding zero). Offsets in floats. */
function gatherHead(fk: FusedKernels, f: Float32Array, x: number, dst: number, b: number, h: number, D: Dims, transpose: boolean): void {
  const { B, S, d, H, P } = D;
  const src = (x + b * H + h * d) << 2;
  if (transpose) {
    fk.transposeRows(src, B * H * 4, dst << 2, P * 4, S, d);
    for (let t = 0; t < d; t++) f.fill(0, dst + t * P + S, dst + t * P + P);
    return;
  }
  fk.copyRows(src, B * H * 4, dst << 2, d * 4, S, d);
  f.fill(0, dst + S * d, dst + P * d);
}

/** rows s < S of src [P, d] → head (b, h) of x [S·B, H]. */
function scatterHead(fk: FusedKernels, src: number, x: number, b: number, h: number, D: Dims): void {
  const { B, S, d, H } = D;
  fk.copyRows(src << 2, d * 4, (x + b * H + h * d) << 2, B * H * 4, S, d);
}

/** Head (b, h) of x [S·B, H] in place: its first float and its row stride (floats). */
function headRows(x: number, b: number, h: number, D: Dims): { at: number; row: number } {
  return { at: x + b * D.H + h * D.d, row: D.B * D.H };
}

/**
 * Head (b, h) of x [S·B, H] (or the first-position rows [B, H] when M = 1) = alpha · A · src for
 * A [M, K] (byte address a, strides sam, sak, sap) and src [K, d] (float index, rows d apart):
 * written in place when direct, else through the scratch `out`.
 */
function gemmToHead(
  fk: FusedKernels, a: number, sam: number, sak: number, sap: number, src: number, out: number, x: number,
  b: number, h: number, D: Dims, M: number, K: number, alpha: number, direct: boolean,
): void {
  const { d } = D;
  const dst = direct ? headRows(x, b, h, D) : { at: out, row: d };
  fk.gemm(a, sam, sak, sap, src << 2, d * 4, 32, dst.at << 2, dst.row * 4, 0, 0, M, d, K, alpha);
  if (!direct) scatterHead(fk, out, x, b, h, D);
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
  const { B, S, A, d, H, P, Q, PQ, scale } = D;
  const n = B * A;
  const ctx = fk.output([Q * B, H]);
  const probs = fk.output([n, PQ, P]);
  const dropped = dropMask ? fk.output([n, PQ, P]) : probs;
  const scratch = fk.malloc(4 * (3 * P * d + PQ * P + P));
  const f = fk.f32();
  const [qp, kp, vp, cp, mp, pr] = [q, k, v, ctx, mask, probs].map((t) => fk.ptr(t) >> 2);
  const dr = fk.ptr(dropped) >> 2;
  const dmp = dropMask ? fk.ptr(dropMask) >> 2 : 0;
  const qs = scratch >> 2, kt = qs + P * d, vs = kt + P * d, cs = qs; // ctx of a head reuses q's scratch
  const sc = vs + P * d, mrow = sc + PQ * P;
  // Without padding (S = P), or with one query row, q is read and ctx written in place, rows B·H apart.
  const direct = S === P || Q === 1;
  for (let b = 0; b < B; b++) {
    // This example's additive mask, padded keys masked out.
    for (let j = 0; j < S; j++) f[mrow + j] = f[mp + b * S + j];
    f.fill(-1e9, mrow + S, mrow + P);
    for (let h = 0; h < A; h++) {
      const c = b * A + h;
      const qh = direct ? headRows(qp, b, h, D) : { at: qs, row: d };
      if (!direct) gatherHead(fk, f, qp, qs, b, h, D, false);
      gatherHead(fk, f, kp, kt, b, h, D, true);
      gatherHead(fk, f, vp, vs, b, h, D, false);
      // scores [PQ, P] = scale · q · kt
      fk.gemm(qh.at << 2, qh.row * 4, 4, qh.row * 16, kt << 2, P * 4, 32, sc << 2, P * 4, 0, 0, PQ, P, d, scale);
      const base = c * PQ * P;
      // probs rows < Q = softmax(scores + mask) (padded keys masked too); rows ≥ Q zero
      fk.softmaxRows(sc << 2, P * 4, mrow << 2, (pr + base) << 2, Q, P);
      f.fill(0, pr + base + Q * P, pr + base + PQ * P);
      if (dropMask) {
        // dropped = probs ⊙ mask on the Q × seq block (the mask's row (i, c) is at (i·n + c)·S)
        fk.mulRows((pr + base) << 2, P * 4, (dmp + c * S) << 2, n * S * 4, (dr + base) << 2, P * 4, Q, S);
        for (let i = 0; i < Q; i++) f.fill(0, dr + base + i * P + S, dr + base + i * P + P);
        f.fill(0, dr + base + Q * P, dr + base + PQ * P);
      }
      // ctx head [PQ, d] = dropped · vs
      const ch = direct ? headRows(cp, b, h, D) : { at: cs, row: d };
      fk.gemm((dr + base) << 2, P * 4, 4, P * 16, vs << 2, d * 4, 32, ch.at << 2, ch.row * 4, 0, 0, PQ, d, P, 1);
      if (!direct) scatterHead(fk, cs, cp, b, h, D);
    }
  }
  fk.free(scratch);
  return dropMask ? [ctx, probs, dropped] : [ctx, probs];
}

// inputs dy, q, k, v [S·B, H], probs, dropped [B·A, PQ, P], dropMask (optional) → dq, dk, dv
// (dy, q and dq are [Q·B, H]).
function backwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { dy, q, k, v, probs, dropped, dropMask } = inputs;
  const D = dims(attrs, q.shape[1]);
  const { B, S, A, d, H, P, Q, PQ, scale } = D;
  const n = B * A;
  const dq = fk.output([Q * B, H]);
  const dk = fk.output([S * B, H]);
  const dv = fk.output([S * B, H]);
  const scratch = fk.malloc(4 * (4 * P * d + P * d + PQ * P));
  const f = fk.f32();
  const [dyp, qp, kp, vp, pr, dr, dqp, dkp, dvp] = [dy, q, k, v, probs, dropped, dq, dk, dv].map((t) => fk.ptr(t) >> 2);
  const dmp = dropMask ? fk.ptr(dropMask) >> 2 : 0;
  const dys = scratch >> 2, vt = dys + P * d, ks = vt + P * d, qs = ks + P * d, out = qs + P * d;
  const ds = out + P * d;
  const direct = S === P;
  const oneQuery = Q === 1;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < A; h++) {
      const c = b * A + h;
      const base = c * PQ * P;
      // One query row is read in place (a gemm of one row ignores the row stride).
      const dyh = oneQuery ? headRows(dyp, b, h, D).at : dys;
      const qh = oneQuery ? headRows(qp, b, h, D).at : qs;
      if (!oneQuery) gatherHead(fk, f, dyp, dys, b, h, D, false);
      gatherHead(fk, f, vp, vt, b, h, D, true);
      gatherHead(fk, f, kp, ks, b, h, D, false);
      if (!oneQuery) gatherHead(fk, f, qp, qs, b, h, D, false);
      // dv [P, d] = droppedᵀ · dy
      gemmToHead(fk, (dr + base) << 2, 4, P * 4, 16, dyh, out, dvp, b, h, D, P, PQ, 1, direct);
      // d(dropped) [PQ, P] = dy · vᵀ
      fk.gemm(dyh << 2, d * 4, 4, d * 16, vt << 2, P * 4, 32, ds << 2, P * 4, 0, 0, PQ, P, d, 1);
      // dprobs = d(dropped) ⊙ mask;  dscores = probs ⊙ (dprobs − Σ_j dprobs ⊙ probs)
      // (ds rows ≥ Q and columns ≥ S are zero: dy and vᵀ are zero-padded)
      if (dropMask) fk.mulRows(ds << 2, P * 4, (dmp + c * S) << 2, n * S * 4, ds << 2, P * 4, Q, S);
      fk.softmaxGradRows(ds << 2, P * 4, (pr + base) << 2, P * 4, Q, P);
      // dq = scale · dscores · k;  dk = scale · dscoresᵀ · q
      gemmToHead(fk, ds << 2, P * 4, 4, P * 16, ks, out, dqp, b, h, D, PQ, P, scale, direct || oneQuery);
      gemmToHead(fk, ds << 2, 4, P * 4, 16, qh, out, dkp, b, h, D, P, PQ, scale, direct);
    }
  }
  fk.free(scratch);
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
  dy: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, probs: tf.Tensor, dropped: tf.Tensor, dropMask: tf.Tensor | null,
  attrs: AttentionAttrs,
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = { dy, q, k, v, probs, dropped };
  if (dropMask) inputs.dropMask = dropMask;
  return tf.engine().runKernel(BACKWARD, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
