// nn.Linear (y = x·Wᵀ + b, W [out, in]) forward and backward on our SIMD gemm (kernels/gemm.ts),
// in the wasm backend's memory. Forward: Wᵀ into scratch (the gemm wants B's rows contiguous),
// y's rows preset to b, then y += x·Wᵀ. Backward: no transpose of dy or of x (the gemm reads dyᵀ
// through its strides):
//   dx = dy·W,  dW = dyᵀ·x (in K-blocks of 128 rows, which keeps the operands in cache),
//   db = column sums of dy (a gemm with a row of ones).
// Same arithmetic as linear.ts up to float32 rounding (test/model/fusedOps.test.ts).
import * as tf from "@tensorflow/tfjs";
import { gemmFits } from "../kernels/gemm";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";
import { registerWasmKernelsOnce } from "./registerWasmKernels";

const FORWARD = "InstabilityLinear";
const BACKWARD = "InstabilityLinearGrad";
const K_BLOCK = 128;

/** The kernels when they take this shape (rows % 4, in % 8, out % 8), else null. */
export function fusedLinearAvailable(rows: number, inDim: number, outDim: number): FusedKernels | null {
  const fk = fusedKernels();
  if (!fk || !gemmFits(rows, outDim) || !gemmFits(outDim, inDim) || !gemmFits(rows, inDim)) return null;
  registerOnce();
  return fk;
}

const registerOnce = registerWasmKernelsOnce({ [FORWARD]: forwardKernel, [BACKWARD]: backwardKernel });

type KernelArgs = { inputs: Record<string, tf.TensorInfo> };

function forwardKernel({ inputs }: KernelArgs): tf.TensorInfo {
  const fk = fusedKernels()!;
  const { x, w, b } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const y = fk.output([n, outDim]);
  const wt = fk.malloc(4 * inDim * outDim);
  const py = fk.ptr(y);
  fk.transposeRows(fk.ptr(w), inDim * 4, wt, outDim * 4, outDim, inDim);
  fk.copyRows(fk.ptr(b), 0, py, outDim * 4, n, outDim); // every row of y = b
  fk.gemm(fk.ptr(x), inDim * 4, 4, wt, outDim * 4, py, outDim * 4, n, outDim, inDim, 1, 1);
  fk.free(wt);
  return y;
}

function backwardKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { dy, x, w } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const dx = fk.output([n, inDim]);
  const dw = fk.output([outDim, inDim]);
  const db = fk.output([outDim]);
  const ones = fk.malloc(4 * n);
  const f = fk.f32();
  f.fill(1, ones >> 2, (ones >> 2) + n);
  const [pdy, px, pw] = [fk.ptr(dy), fk.ptr(x), fk.ptr(w)];
  fk.gemm(pdy, outDim * 4, 4, pw, inDim * 4, fk.ptr(dx), inDim * 4, n, inDim, outDim, 0, 1);
  for (let k0 = 0; k0 < n; k0 += K_BLOCK) {
    const kb = Math.min(K_BLOCK, n - k0);
    fk.gemm(pdy + k0 * outDim * 4, 4, outDim * 4, px + k0 * inDim * 4, inDim * 4, fk.ptr(dw), inDim * 4, outDim, inDim, kb, k0 > 0 ? 1 : 0, 1);
  }
  // db: four identical rows of ones·dy written to the same place (row stride 0).
  fk.gemm(ones, 0, 4, pdy, outDim * 4, fk.ptr(db), 0, 4, outDim, n, 0, 1);
  fk.free(ones);
  return [dx, dw, db];
}

export function fusedLinearForward(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(FORWARD, { x, w, b } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor;
}

export function fusedLinearBackward(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(BACKWARD, { dy, x, w } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}
