// Multi-head attention forward and backward as two wasm kernels of our own (no transposes, no
// depthwise convolutions, a handful of dispatches per layer instead of ~40): per (example, head)
// the products run on the SIMD gemm (kernels/gemm.ts) and the mask, softmax, dropout and softmax
// backward are one JS pass per row over the wasm memory. Same arithmetic as attention.ts's
// composite op up to float32 rounding (test/model/fusedOps.test.ts).
//
// Layouts: q, k, v, ctx are [seq·batch, hidden] with row s·batch + b (sequence-major, as the
// encoder keeps them); head h of example b is columns h·d..h·d+d−1 of rows b, b+B, b+2B, ….
// Each head is copied into zero-padded scratch of P = ceil(seq/8)·8 rows so that every product
// fits the gemm's 4 × 8 blocks for any sequence length; the saved probabilities are
// [batch·heads, P, P] with zeros outside the seq × seq block.
import * as tf from "@tensorflow/tfjs";
import { gemmFits } from "../kernels/gemm";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";

const FORWARD = "InstabilityAttention";
const BACKWARD = "InstabilityAttentionGrad";

interface Dims {
  B: number;
  S: number;
  A: number;
  d: number;
  H: number;
  P: number;
  scale: number;
}

function dims(attrs: Record<string, unknown>, H: number): Dims {
  const B = attrs.batchSize as number;
  const S = attrs.seqLength as number;
  const A = attrs.numHeads as number;
  const d = H / A;
  return { B, S, A, d, H, P: Math.ceil(S / 8) * 8, scale: 1 / Math.sqrt(d) };
}

/** Whether the fused kernels take this shape (else attention.ts's composite op runs). */
export function fusedAttentionAvailable(hidden: number, numHeads: number): FusedKernels | null {
  const fk = fusedKernels();
  if (!fk) return null;
  registerOnce();
  const d = hidden / numHeads;
  return Number.isInteger(d) && gemmFits(8, d) ? fk : null;
}

/** rows s < S of head (b, h) of x [S·B, H] → dst [P, d] (rows ≥ S zero). Offsets in floats. */
function gatherHead(f: Float32Array, x: number, dst: number, b: number, h: number, D: Dims, transpose: boolean): void {
  const { B, S, d, H, P } = D;
  const rowStride = B * H;
  if (transpose) {
    // dst [d, P]: column s is row s of the head.
    for (let t = 0; t < d; t++) {
      const o = dst + t * P;
      let src = x + b * H + h * d + t;
      for (let s = 0; s < S; s++, src += rowStride) f[o + s] = f[src];
      for (let s = S; s < P; s++) f[o + s] = 0;
    }
    return;
  }
  for (let s = 0; s < S; s++) {
    const src = x + (s * B + b) * H + h * d;
    const o = dst + s * d;
    for (let t = 0; t < d; t++) f[o + t] = f[src + t];
  }
  f.fill(0, dst + S * d, dst + P * d);
}

/** rows s < S of src [P, d] → head (b, h) of x [S·B, H]. */
function scatterHead(f: Float32Array, src: number, x: number, b: number, h: number, D: Dims): void {
  const { B, S, d, H } = D;
  for (let s = 0; s < S; s++) {
    const o = x + (s * B + b) * H + h * d;
    const i = src + s * d;
    for (let t = 0; t < d; t++) f[o + t] = f[i + t];
  }
}

let registered = false;
function registerOnce(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FORWARD, backendName: "wasm", kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BACKWARD, backendName: "wasm", kernelFunc: backwardKernel as unknown as tf.KernelFunc });
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown> };

// inputs q, k, v [S·B, H], mask [B·S] additive, dropMask [S, B·A, S] (optional)
// → ctx [S·B, H], probs [B·A, P, P], dropped [B·A, P, P] (the probabilities after dropout).
function forwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { q, k, v, mask, dropMask } = inputs;
  const D = dims(attrs, q.shape[1]);
  const { B, S, A, d, H, P, scale } = D;
  const n = B * A;
  const ctx = fk.output([S * B, H]);
  const probs = fk.output([n, P, P]);
  const dropped = dropMask ? fk.output([n, P, P]) : probs;
  const scratch = fk.malloc(4 * (3 * P * d + P * P + P));
  const f = fk.f32();
  const [qp, kp, vp, cp, mp, pr] = [q, k, v, ctx, mask, probs].map((t) => fk.ptr(t) >> 2);
  const dr = fk.ptr(dropped) >> 2;
  const dmp = dropMask ? fk.ptr(dropMask) >> 2 : 0;
  const qs = scratch >> 2, kt = qs + P * d, vs = kt + P * d, cs = qs; // ctx of a head reuses q's scratch
  const sc = vs + P * d, mrow = sc + P * P;
  for (let b = 0; b < B; b++) {
    // This example's additive mask, padded keys masked out.
    for (let j = 0; j < S; j++) f[mrow + j] = f[mp + b * S + j];
    f.fill(-1e9, mrow + S, mrow + P);
    for (let h = 0; h < A; h++) {
      const c = b * A + h;
      gatherHead(f, qp, qs, b, h, D, false);
      gatherHead(f, kp, kt, b, h, D, true);
      gatherHead(f, vp, vs, b, h, D, false);
      // scores [P, P] = scale · qs · kt
      fk.gemm(qs << 2, d * 4, 4, kt << 2, P * 4, sc << 2, P * 4, P, P, d, 0, scale);
      const base = c * P * P;
      // probs rows < S = softmax(scores + mask) (padded keys masked too); rows ≥ S zero
      fk.softmaxRows(sc << 2, P * 4, mrow << 2, (pr + base) << 2, S, P);
      f.fill(0, pr + base + S * P, pr + base + P * P);
      if (dropMask) {
        for (let i = 0; i < S; i++) {
          const out = pr + base + i * P, dout = dr + base + i * P;
          const dm = dmp + (i * n + c) * S;
          for (let j = 0; j < S; j++) f[dout + j] = f[out + j] * f[dm + j];
          for (let j = S; j < P; j++) f[dout + j] = 0;
        }
        f.fill(0, dr + base + S * P, dr + base + P * P);
      }
      // ctx head [P, d] = dropped · vs
      fk.gemm((dr + base) << 2, P * 4, 4, vs << 2, d * 4, cs << 2, d * 4, P, d, P, 0, 1);
      scatterHead(f, cs, cp, b, h, D);
    }
  }
  fk.free(scratch);
  return dropMask ? [ctx, probs, dropped] : [ctx, probs];
}

// inputs dy, q, k, v [S·B, H], probs, dropped [B·A, P, P], dropMask (optional) → dq, dk, dv.
function backwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { dy, q, k, v, probs, dropped, dropMask } = inputs;
  const D = dims(attrs, q.shape[1]);
  const { B, S, A, d, H, P, scale } = D;
  const n = B * A;
  const dq = fk.output([S * B, H]);
  const dk = fk.output([S * B, H]);
  const dv = fk.output([S * B, H]);
  const scratch = fk.malloc(4 * (4 * P * d + P * d + P * P));
  const f = fk.f32();
  const [dyp, qp, kp, vp, pr, dr, dqp, dkp, dvp] = [dy, q, k, v, probs, dropped, dq, dk, dv].map((t) => fk.ptr(t) >> 2);
  const dmp = dropMask ? fk.ptr(dropMask) >> 2 : 0;
  const dys = scratch >> 2, vt = dys + P * d, ks = vt + P * d, qs = ks + P * d, out = qs + P * d;
  const ds = out + P * d;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < A; h++) {
      const c = b * A + h;
      const base = c * P * P;
      gatherHead(f, dyp, dys, b, h, D, false);
      gatherHead(f, vp, vt, b, h, D, true);
      gatherHead(f, kp, ks, b, h, D, false);
      gatherHead(f, qp, qs, b, h, D, false);
      // dv [P, d] = droppedᵀ · dy
      fk.gemm((dr + base) << 2, 4, P * 4, dys << 2, d * 4, out << 2, d * 4, P, d, P, 0, 1);
      scatterHead(f, out, dvp, b, h, D);
      // d(dropped) [P, P] = dy · vᵀ
      fk.gemm(dys << 2, d * 4, 4, vt << 2, P * 4, ds << 2, P * 4, P, P, d, 0, 1);
      // dprobs = d(dropped) ⊙ mask;  dscores = probs ⊙ (dprobs − Σ_j dprobs ⊙ probs)
      for (let i = 0; i < P; i++) {
        const row = ds + i * P;
        if (i >= S) {
          f.fill(0, row, row + P);
          continue;
        }
        const p = pr + base + i * P;
        if (dropMask) {
          const dm = dmp + (i * n + c) * S;
          for (let j = 0; j < S; j++) f[row + j] *= f[dm + j];
        }
        let dot = 0;
        for (let j = 0; j < S; j++) dot += f[row + j] * f[p + j];
        for (let j = 0; j < S; j++) f[row + j] = f[p + j] * (f[row + j] - dot);
        for (let j = S; j < P; j++) f[row + j] = 0;
      }
      // dq = scale · dscores · k;  dk = scale · dscoresᵀ · q
      fk.gemm(ds << 2, P * 4, 4, ks << 2, d * 4, out << 2, d * 4, P, d, P, 0, scale);
      scatterHead(f, out, dqp, b, h, D);
      fk.gemm(ds << 2, 4, P * 4, qs << 2, d * 4, out << 2, d * 4, P, d, P, 0, scale);
      scatterHead(f, out, dkp, b, h, D);
    }
  }
  fk.free(scratch);
  return [dq, dk, dv];
}

/** The fused forward: [ctx, probs, dropped]; see attention.ts for the arguments. */
export function fusedAttentionForward(
  q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor, dropMask: tf.Tensor | null,
  attrs: { batchSize: number; seqLength: number; numHeads: number },
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = { q, k, v, mask };
  if (dropMask) inputs.dropMask = dropMask;
  return tf.engine().runKernel(FORWARD, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

export function fusedAttentionBackward(
  dy: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, probs: tf.Tensor, dropped: tf.Tensor, dropMask: tf.Tensor | null,
  attrs: { batchSize: number; seqLength: number; numHeads: number },
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = { dy, q, k, v, probs, dropped };
  if (dropMask) inputs.dropMask = dropMask;
  return tf.engine().runKernel(BACKWARD, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
