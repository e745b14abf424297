// One AdamW update of one parameter as a single wasm-backend kernel: model/kernels/adamw.ts's SIMD
// pass over the backend's memory reading θ, m, v, g and writing new θ, m, v (the composite update
// in adamw.ts dispatches ~10 kernels per parameter, ~700 per step for BERT). Same formula,
// evaluated in float64 and rounded to float32 once per stored value.
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../model/kernels/runtime";
import { overElements } from "../model/kernels/split";

/** Work units per element for splitting between threads (float64 division and square root). */
const ADAMW_COST = 8;

const KERNEL = "InstabilityAdamW";
let registered = false;

export interface AdamWScalars {
  beta1: number;
  beta2: number;
  eps: number;
  /** (1 − β1)·c and (1 − β2)·c² for the clipping coefficient c. */
  gScaleM: number;
  gScaleV: number;
  stepSize: number;
  /** 1 − lr·λ (1 without decay). */
  keep: number;
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown> };

// The outputs are new buffers, never θ, m, v themselves: writing in place (when the backend's
// refCount says nothing else holds them) saved ~1.3 of ~8 ms per AdamW step timed alone at
// L=4/H=128, nothing measurable in a training step's AdamW phase, and cost ~3 of ~42 ms at the
// MiniLM shape; the kernel is bound by float64 division and square root, not by allocation.
function kernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { beta1, beta2, eps, gScaleM, gScaleV, stepSize, keep } = attrs as unknown as AdamWScalars;
  const { param, m, v, g } = inputs;
  const size = param.shape.reduce((a, b) => a * b, 1);
  const outs = [fk.output(param.shape), fk.output(param.shape), fk.output(param.shape)];
  const [p, mp, vp, gp] = [param, m, v, g].map((t) => fk.ptr(t));
  const [po, mo, vo] = outs.map((t) => fk.ptr(t));
  // Pairs of elements stay together (the kernel's f64x2 steps), each element computed alike anyway.
  overElements(fk, size, 2, ADAMW_COST, "adamw", fk.adamw, (e, n) =>
    [...[p, mp, vp, gp, po, mo, vo].map((at) => at + 4 * e), n, beta1, beta2, eps, gScaleM, gScaleV, stepSize, keep]);
  return outs;
}

/** [θ', m', v'] of one update, or null off the fused path (the caller uses tfjs ops). */
export function fusedAdamWUpdate(param: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, s: AdamWScalars): tf.Tensor[] | null {
  if (!fusedKernels() || param.dtype !== "float32" || g.dtype !== "float32") return null;
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: KERNEL, backendName: "wasm", kernelFunc: kernel as unknown as tf.KernelFunc });
  }
  return tf.engine().runKernel(KERNEL, { param, m, v, g } as unknown as tf.NamedTensorMap, s as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
