// LayerNorm forward and backward as two wasm-backend kernels (SIMD, kernels/layer-norm.ts) over
// the backend's memory instead of ~10 tfjs kernels each way (and no transposes for the axis-0
// sums of the parameter gradients); rows of a multiple of 4 floats. Results agree with
// layer-norm.ts's float32 composite op to rounding (test/model/fusedOps.test.ts).
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../kernels/runtime";
import { registerWasmKernelsOnce } from "./registerWasmKernels";
import { overElements } from "../kernels/split";

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
  // Rows are independent: threads split them. (The backward sums dγ and dβ over rows in order, so
  // it stays on one thread.)
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
  fk.layerNormBackward(dy, xh, rs, g, dx, dg, db, n, d);
  return outs;
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
