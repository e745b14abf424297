// A post-LN block's "dropout, add the residual, LayerNorm" after its dense layer (HF's
// BertSelfOutput and BertOutput): y = LayerNorm(x ⊙ mask + r), mask the dropout's (none: x + r).
// On the fused path it is one kernel each way where tfjs ran a Multiply and an Add (its own
// kernels, on the main thread alone) and recorded them on the tape beside the LayerNorm: the
// forward splits rows between threads, each computing its rows' x ⊙ mask + r (kernels/residual-add.ts)
// and their LayerNorm; the backward runs LayerNorm's backward, whose dx is the residual's gradient,
// and x's is that ⊙ mask, each thread on its rows of both (and on its columns of dγ and dβ). The
// same float32 operations as the ops it replaces, so the same bytes (test/model/residualLayerNorm.test.ts).
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../kernels/runtime";
import { splitChunks, threadsFor } from "../kernels/split";
import type { Call } from "../kernels/tasks";
import { customGrad } from "./custom-grad";
import { applyDropoutMask } from "./dropout";
import { layerNorm } from "./layer-norm";
import { layerNormBackward } from "./layer-norm-fused";
import { registerWasmKernelsOnce } from "./registerWasmKernels";

const FORWARD = "InstabilityResidualLayerNorm";
const BACKWARD = "InstabilityResidualLayerNormGrad";
/** Work units per element for splitting between threads (the add, then LayerNorm's passes). */
const FORWARD_COST = 5;

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown> };

// inputs x, r [n, d], mask [n, d] (optional), gamma, beta [d] → y [n, d], xhat [n, d], rstd [n]
function forwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const [n, d] = inputs.x.shape;
  const outs = [fk.output([n, d]), fk.output([n, d]), fk.output([n])];
  const s = fk.malloc(4 * n * d); // x ⊙ mask + r, LayerNorm's input
  const [x, r, g, b] = [inputs.x, inputs.r, inputs.gamma, inputs.beta].map((t) => fk.ptr(t));
  const mask = inputs.mask ? fk.ptr(inputs.mask) : 0;
  const [y, xh, rs] = outs.map((t) => fk.ptr(t));
  const at = (p: number, r0: number) => p + r0 * 4 * d;
  // rows r0 … r0 + rows − 1: their sum, then their LayerNorm (a chunk; one thread's runs here)
  const chunk = ([r0, rows]: [number, number]): Call[] => [
    { task: "residualAdd", args: [at(x, r0), mask ? at(mask, r0) : 0, at(r, r0), at(s, r0), rows * d] },
    { task: "layerNormForward", args: [at(s, r0), g, b, at(y, r0), at(xh, r0), rs + 4 * r0, rows, d, attrs.eps as number] },
  ];
  fk.parallelChunks(splitChunks(n, threadsFor(fk.threads(), n * d * FORWARD_COST), 1, d * FORWARD_COST).map((chunks) => chunks.map(chunk)));
  fk.free(s);
  return outs;
}

// inputs dy, xhat [n, d], rstd [n], gamma [d], mask [n, d] (optional) → dx, dr [n, d], dgamma, dbeta [d]
function backwardKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const [n, d] = inputs.dy.shape;
  const outs = [fk.output([n, d]), fk.output([n, d]), fk.output([d]), fk.output([d])];
  const [dy, xh, rs, g] = [inputs.dy, inputs.xhat, inputs.rstd, inputs.gamma].map((t) => fk.ptr(t));
  const [dx, dr, dg, db] = outs.map((t) => fk.ptr(t));
  const mask = inputs.mask ? fk.ptr(inputs.mask) : 0;
  // each thread's rows of dx = dr ⊙ mask (or dr) right after its rows of dr
  const at = (p: number, r0: number) => p + r0 * 4 * d;
  layerNormBackward(fk, dy, xh, rs, g, dr, dg, db, n, d, (r0, rows) => [
    mask
      ? { task: "mulRows", args: [at(dr, r0), 0, at(mask, r0), 0, at(dx, r0), 0, 1, rows * d] }
      : { task: "copyRows", args: [at(dr, r0), 4 * d, at(dx, r0), 4 * d, rows, d] },
  ]);
  return outs;
}

const registerOnce = registerWasmKernelsOnce({ [FORWARD]: forwardKernel, [BACKWARD]: backwardKernel });

/**
 * LayerNorm(x ⊙ mask + residual) over the last axis (gamma, beta: its weight and bias); without a
 * mask, LayerNorm(x + residual). x, residual, mask: [n, d].
 */
export function residualLayerNorm(x: tf.Tensor2D, residual: tf.Tensor2D, mask: tf.Tensor | null, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  if (!fusedKernels() || x.shape[1] % 4 !== 0) {
    return layerNorm(tf.add(mask ? applyDropoutMask(x, mask) : x, residual) as tf.Tensor2D, gamma, beta, eps);
  }
  registerOnce();
  const op = customGrad((xx: tf.Tensor, r: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, xhat, rstd] = tf.engine().runKernel(FORWARD, mask ? { x: xx, r, mask, gamma: g, beta: b } : { x: xx, r, gamma: g, beta: b }, { eps }) as unknown as tf.Tensor[];
    save(mask ? [xhat, rstd, g, mask] : [xhat, rstd, g]); // saved: kept for the backward
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, srstd, sg, smask] = saved;
        const inputs: tf.NamedTensorMap = smask ? { dy, xhat: sxhat, rstd: srstd, gamma: sg, mask: smask } : { dy, xhat: sxhat, rstd: srstd, gamma: sg };
        return tf.engine().runKernel(BACKWARD, inputs, {}) as unknown as tf.Tensor[];
      },
    };
  });
  return op(x, residual, gamma, beta) as tf.Tensor2D;
}
