// One AdamW update of one parameter as a single wasm-backend kernel: a JS pass over the
// backend's memory reading θ, m, v, g and writing new θ, m, v (the composite update in adamw.ts
// dispatches ~10 kernels per parameter, ~700 per step for BERT). Same formula, evaluated in
// float64 and rounded to float32 once per stored value (test/train/adamw.test.ts compares both).
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../model/kernels/runtime";

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

function kernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { beta1, beta2, eps, gScaleM, gScaleV, stepSize, keep } = attrs as unknown as AdamWScalars;
  const shape = inputs.param.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const outs = [fk.output(shape), fk.output(shape), fk.output(shape)];
  const f = fk.f32();
  const [p, m, v, g] = [inputs.param, inputs.m, inputs.v, inputs.g].map((t) => fk.ptr(t) >> 2);
  const [po, mo, vo] = outs.map((t) => fk.ptr(t) >> 2);
  for (let i = 0; i < size; i++) {
    const gi = f[g + i];
    const mi = f[m + i] * beta1 + gi * gScaleM;
    const vi = f[v + i] * beta2 + gi * gi * gScaleV;
    f[mo + i] = mi;
    f[vo + i] = vi;
    f[po + i] = (f[p + i] - (Math.fround(mi) / (Math.sqrt(Math.fround(vi)) + eps)) * stepSize) * keep;
  }
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
