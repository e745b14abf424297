// The AdamW updates of all parameters as a single wasm-backend kernel: model/kernels/adamw.ts's SIMD
// pass over the backend's memory reading θ, m, v, g and writing new θ, m, v (the composite update
// in adamw.ts dispatches ~10 kernels per parameter, ~700 per step for BERT). Same formula,
// evaluated in float64 and rounded to float32 once per stored value.
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../model/kernels/runtime";
import { splitChunks, threadsFor } from "../model/kernels/split";
import type { Call } from "../model/kernels/tasks";

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

/** One parameter's update: its tensors and the two scalars that differ between parameter groups. */
export interface AdamWUpdate {
  param: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  g: tf.Tensor;
  stepSize: number;
  keep: number;
}

/**
 * A kernel call takes parameters up to this many elements (a larger one alone) and at most
 * MAX_PER_KERNEL of them: the new θ, m, v of a call's parameters exist beside the old ones until
 * they are assigned, so this bounds that extra memory (48 MB) as one parameter at a time did; and
 * a thread's call list fits its segment (pool.ts).
 */
const MAX_ELEMENTS_PER_KERNEL = 1 << 22;
const MAX_PER_KERNEL = 256;

/** Consecutive runs of updates within those bounds. */
function kernelChunks(updates: AdamWUpdate[]): AdamWUpdate[][] {
  const chunks: AdamWUpdate[][] = [];
  let elements = 0;
  for (const u of updates) {
    const last = chunks[chunks.length - 1];
    if (!last || elements + u.param.size > MAX_ELEMENTS_PER_KERNEL || last.length >= MAX_PER_KERNEL) {
      chunks.push([u]);
      elements = u.param.size;
    } else {
      last.push(u);
      elements += u.param.size;
    }
  }
  return chunks;
}

// The outputs are new buffers, never θ, m, v themselves: writing in place (when the backend's
// refCount says nothing else holds them) saved ~1.3 of ~8 ms per AdamW step timed alone at
// L=4/H=128, nothing measurable in a training step's AdamW phase, and cost ~3 of ~42 ms at the
// MiniLM shape; the kernel is bound by float64 division and square root, not by allocation.
// All the parameters' elements, end to end, are cut into one even range per thread (a bias and a
// LayerNorm's 128 elements go along with a neighbour's, where one kernel per parameter ran each
// small one on one thread, ~70 kernel calls a step with tfjs's bookkeeping for each).
function kernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { beta1, beta2, eps, gScaleM, gScaleV } = attrs as unknown as AdamWScalars;
  const { stepSize, keep } = attrs as unknown as { stepSize: number[]; keep: number[] };
  const outs: tf.TensorInfo[] = [];
  const parts = stepSize.map((_, i) => {
    const [param, m, v, g] = ["p", "m", "v", "g"].map((k) => inputs[`${k}${i}`]);
    const o = [fk.output(param.shape), fk.output(param.shape), fk.output(param.shape)];
    outs.push(...o);
    return { at: [param, m, v, g, ...o].map((t) => fk.ptr(t)), size: param.shape.reduce((a, b) => a * b, 1) };
  });
  const total = parts.reduce((a, p) => a + p.size, 0);
  // elements [e, e + n) of part i
  const call = (i: number, e: number, n: number): Call => ({
    task: "adamw",
    args: [...parts[i].at.map((at) => at + 4 * e), n, beta1, beta2, eps, gScaleM, gScaleV, stepSize[i], keep[i]],
  });
  // elements [a, a + count) of all parts, as calls per part
  const chunk = ([a, count]: [number, number]): Call[] => {
    const calls: Call[] = [];
    let start = 0;
    parts.forEach((p, i) => {
      const [lo, hi] = [Math.max(a, start), Math.min(a + count, start + p.size)];
      if (hi > lo) calls.push(call(i, lo - start, hi - lo));
      start += p.size;
    });
    return calls;
  };
  if (total > 0) fk.parallelChunks(splitChunks(total, threadsFor(fk.threads(), total * ADAMW_COST), 2, ADAMW_COST).map((chunks) => chunks.map(chunk))); // one share runs on this thread, no pool
  return outs;
}

/** [θ', m', v'] of each update, or null off the fused path (the caller uses tfjs ops). */
export function fusedAdamWUpdates(updates: AdamWUpdate[], shared: Omit<AdamWScalars, "stepSize" | "keep">): tf.Tensor[][] | null {
  if (!fusedKernels() || updates.some((u) => u.param.dtype !== "float32" || u.g.dtype !== "float32")) return null;
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: KERNEL, backendName: "wasm", kernelFunc: kernel as unknown as tf.KernelFunc });
  }
  const out: tf.Tensor[][] = [];
  for (const chunk of kernelChunks(updates)) {
    const inputs: Record<string, tf.Tensor> = {};
    chunk.forEach((u, i) => Object.assign(inputs, { [`p${i}`]: u.param, [`m${i}`]: u.m, [`v${i}`]: u.v, [`g${i}`]: u.g }));
    const attrs = { ...shared, stepSize: chunk.map((u) => u.stepSize), keep: chunk.map((u) => u.keep) };
    const flat = tf.engine().runKernel(KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    for (let i = 0; i < chunk.length; i++) out.push(flat.slice(3 * i, 3 * i + 3));
  }
  return out;
}

/** [θ', m', v'] of one update, or null off the fused path. */
export function fusedAdamWUpdate(param: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, s: AdamWScalars): tf.Tensor[] | null {
  return fusedAdamWUpdates([{ param, m, v, g, stepSize: s.stepSize, keep: s.keep }], s)?.[0] ?? null;
}
