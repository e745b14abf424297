// GELU forward and backward as two wasm-backend kernels (kernels/gelu.ts): one SIMD pass each
// instead of five tfjs kernels forward and seven backward. The forward also returns Φ(x), which
// the backward reuses with x instead of evaluating erfc again.
import * as tf from "@tensorflow/tfjs";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";
import { registerWasmKernelsOnce } from "./registerWasmKernels";
import { overElements } from "../kernels/split";

/** Work units per element for splitting between threads (≈ 5 ns an element, a gemm's 16 multiply-adds). */
const GELU_COST = 16;

const FORWARD = "InstabilityGelu";
const BACKWARD = "InstabilityGeluGrad";

/** The kernels when they take this tensor (float32, size a multiple of 4), else null. */
export function fusedGeluAvailable(x: tf.Tensor): FusedKernels | null {
  const fk = fusedKernels();
  if (!fk || x.dtype !== "float32" || x.size % 4 !== 0) return null;
  registerOnce();
  return fk;
}

const registerOnce = registerWasmKernelsOnce({ [FORWARD]: forwardKernel, [BACKWARD]: backwardKernel });

type KernelArgs = { inputs: Record<string, tf.TensorInfo> };

// x → [y, Φ(x)]
function forwardKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { x } = inputs;
  const y = fk.output(x.shape);
  const cdf = fk.output(x.shape);
  const [px, py, pc] = [fk.ptr(x), fk.ptr(y), fk.ptr(cdf)];
  overElements(fk, sizeOf(x), 4, GELU_COST, "geluForward", fk.geluForward, (e, n) => [px + 4 * e, py + 4 * e, pc + 4 * e, n]);
  return [y, cdf];
}

function backwardKernel({ inputs }: KernelArgs): tf.TensorInfo {
  const fk = fusedKernels()!;
  const { dy, x, cdf } = inputs;
  const dx = fk.output(x.shape);
  const [pdy, px, pc, pdx] = [fk.ptr(dy), fk.ptr(x), fk.ptr(cdf), fk.ptr(dx)];
  overElements(fk, sizeOf(x), 4, GELU_COST, "geluBackward", fk.geluBackward, (e, n) => [pdy + 4 * e, px + 4 * e, pc + 4 * e, pdx + 4 * e, n]);
  return dx;
}

const sizeOf = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);

/** [x·Φ(x), Φ(x)] */
export function fusedGeluForward(x: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(FORWARD, { x } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}

export function fusedGeluBackward(dy: tf.Tensor, x: tf.Tensor, cdf: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(BACKWARD, { dy, x, cdf } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor;
}
