// LayerNorm forward and backward as two wasm-backend kernels (SIMD, kernels/layer-norm.ts) over
// the backend's memory instead of ~10 tfjs kernels each way (and no transposes for the axis-0
// sums of the parameter gradients); rows of a multiple of 4 floats. Results agree with
// layer-norm.ts's float32 composite op to rounding (test/model/fusedOps.test.ts).
import * as tf from "@tensorflow/tfjs";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";
import { registerWasmKernelsOnce } from "./registerWasmKernels";
import { overElements, splitRange, threadsFor } from "../kernels/split";
import type { Call } from "../kernels/tasks";

const FORWARD = "InstabilityLayerNorm";
const BACKWARD = "InstabilityLayerNormGrad";

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown> };

// inputs x [n, d], gamma, beta [d] → y [n, d], xhat [n, d], rstd [n]
function forwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const [n, d] = inputs.x.shape;
  const outs = [fk.output([n, d]), fk.output([n, d]), fk.output([n])];
  const [x, g, b] = [inputs.x, inputs.gamma, inputs.beta].map((t) => fk.ptr(t));
  const [y, xh, rs] = outs.map((t) => fk.ptr(t));
  // Rows are independent: threads split them.
  const row = 4 * d;
  overElements(fk, n, 1, 4 * d, "layerNormForward", fk.layerNormForward, (r, rows) => [x + r * row, g, b, y + r * row, xh + r * row, rs + 4 * r, rows, d, attrs.eps as number]);
  return outs;
}

// inputs dy, xhat [n, d], rstd [n], gamma [d] → dx [n, d], dgamma, dbeta [d]
function backwardKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const [n, d] = inputs.dy.shape;
  const outs = [fk.output([n, d]), fk.output([d]), fk.output([d])];
  const [dy, xh, rs, g] = [inputs.dy, inputs.xhat, inputs.rstd, inputs.gamma].map((t) => fk.ptr(t));
  const [dx, dg, db] = outs.map((t) => fk.ptr(t));
  layerNormBackward(fk, dy, xh, rs, g, dx, dg, db, n, d);
  return outs;
}

/** Work units per element of the backward, for splitting between threads (two passes over a row, then dγ and dβ). */
const BACKWARD_COST = 6;

/**
 * LayerNorm's backward at byte addresses (kernels/layer-norm.ts): on one thread one call; split,
 * each thread computes dx for its rows (then `rowsThen(r0, rows)`'s calls) and dγ, dβ for its
 * columns, every column summed over the rows in order on one thread: the same bytes.
 */
export function layerNormBackward(fk: FusedKernels, dy: number, xh: number, rs: number, g: number, dx: number, dg: number, db: number, n: number, d: number, rowsThen: (r0: number, rows: number) => Call[] = () => []): void {
  const threads = threadsFor(fk.threads(), n * d * BACKWARD_COST);
  if (threads === 1) {
    fk.layerNormBackward(dy, xh, rs, g, dx, dg, db, n, d);
    return fk.parallel([rowsThen(0, n)]);
  }
  const [row, rowRanges, colRanges] = [4 * d, splitRange(n, threads), splitRange(d, threads, 4)];
  // either split can have fewer ranges than threads (few rows, or few columns): every range gets a list
  fk.parallel(Array.from({ length: Math.max(rowRanges.length, colRanges.length) }, (_, t): Call[] => {
    const calls: Call[] = [];
    if (t < rowRanges.length) {
      const [r0, rows] = rowRanges[t];
      calls.push({ task: "layerNormBackwardRows", args: [dy + r0 * row, xh + r0 * row, rs + 4 * r0, g, dx + r0 * row, 0, 0, rows, d] }, ...rowsThen(r0, rows));
    }
    if (t < colRanges.length) {
      const [c0, cols] = colRanges[t];
      calls.push({ task: "layerNormParamGrads", args: [dy + 4 * c0, xh + 4 * c0, dg + 4 * c0, db + 4 * c0, n, row, cols] });
    }
    return calls;
  }));
}

const registerOnce = registerWasmKernelsOnce({ [FORWARD]: forwardKernel, [BACKWARD]: backwardKernel });

/** [y, xhat, rstd] of LayerNorm over the last axis of x [n, d]. */
export function fusedLayerNormForward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor[] {
  registerOnce();
  return tf.engine().runKernel(FORWARD, { x, gamma, beta } as unknown as tf.NamedTensorMap, { eps }) as unknown as tf.Tensor[];
}

/** [dx, dgamma, dbeta]. */
export function fusedLayerNormBackward(dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor): tf.Tensor[] {
  registerOnce();
  return tf.engine().runKernel(BACKWARD, { dy, xhat, rstd, gamma } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}
