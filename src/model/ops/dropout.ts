// Inverted dropout whose mask comes from an explicit seed, so a run's dropout masks are a pure
// function of (run seed, step, site) and identical across backends and processes. On the fused
// wasm path the same generator runs in wasm and writes the mask into the backend's memory
// (kernels/dropout.ts); the bytes are the same as the JS loop's.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random";
import { fusedKernels } from "../kernels/runtime";
import { overElements } from "../kernels/split";
import { type XorshiftState, xorshiftJump } from "../kernels/xorshiftJump";
import { customGrad } from "./custom-grad";
import { registerWasmKernelsOnce } from "./registerWasmKernels";

const MASK = "InstabilityDropoutMask";
/** Work units per element for splitting between threads (~1 ns an element). */
const MASK_COST = 4;

interface MaskAttrs {
  shape: number[];
  /** xorshift128 state x, y, z, w (uint32 each). */
  state: number[];
  threshold: number;
  scale: number;
}

/** The generator's threshold on a uint32 (avoids a float divide per element), scale and start state. */
function maskParameters(p: number, seed: number): { threshold: number; scale: number; state: number[] } {
  // Millions of draws per training step: a xorshift128 seeded from the project PRNG instead of a
  // method call per element.
  const init = new Random(seed);
  const state = [init.nextUint32() | 1, init.nextUint32(), init.nextUint32(), init.nextUint32()];
  return { threshold: Math.floor(p * 4294967296), scale: 1 / (1 - p), state };
}

function fusedMask(shape: number[], p: number, seed: number): tf.Tensor | null {
  if (!fusedKernels()) return null;
  registerOnce();
  const attrs: MaskAttrs = { shape, ...maskParameters(p, seed) };
  return tf.engine().runKernel(MASK, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

// Threads write their own ranges of the mask, each from the generator's state at its range's
// start (kernels/xorshiftJump.ts): the same sequence as one loop over the whole mask.
function maskKernel({ attrs }: { attrs: MaskAttrs }): tf.TensorInfo {
  const fk = fusedKernels()!;
  const out = fk.output(attrs.shape);
  const p = fk.ptr(out);
  const state = attrs.state as XorshiftState;
  overElements(fk, attrs.shape.reduce((a, b) => a * b, 1), 4, MASK_COST, "dropoutMask", fk.dropoutMask, (e, n) =>
    [p + 4 * e, n, ...xorshiftJump(state, e), attrs.threshold | 0, attrs.scale]);
  return out;
}

const registerOnce = registerWasmKernelsOnce({ [MASK]: maskKernel });

/** The mask computed in JS (the composite path, and the reference the fused kernel is tested against). */
export function dropoutMaskJs(shape: number[], p: number, seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const mask = new Float32Array(n);
  const { threshold, scale, state } = maskParameters(p, seed);
  let [x, y, z, w] = state;
  for (let i = 0; i < n; i++) {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = w ^ (w >>> 19) ^ (t ^ (t >>> 8));
    mask[i] = w >>> 0 >= threshold ? scale : 0;
  }
  return mask;
}

/** Keep-mask scaled by 1/(1-p): each entry is 0 with probability p, else 1/(1-p). */
export function dropoutMask(shape: number[], p: number, seed: number): tf.Tensor {
  if (!(p < 1)) throw new Error(`dropout probability must be in [0, 1), got ${p}`);
  return fusedMask(shape, p, seed) ?? tf.tensor(dropoutMaskJs(shape, p, seed), shape);
}

/** x with dropout applied (training) — returns x unchanged when p is 0. */
export function dropout<T extends tf.Tensor>(x: T, p: number, seed: number): T {
  if (p <= 0) return x;
  return applyDropoutMask(x, dropoutMask(x.shape, p, seed)) as T;
}

/**
 * x ⊙ mask, whose gradient is dy ⊙ mask: the same products as tf.mul's, without its gradient's
 * cast of the mask, which copies it even from float32 to float32 (0.2 s of a 2-thread spam run
 * on the main thread alone).
 */
export function applyDropoutMask(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const op = customGrad((xx: tf.Tensor, save: tf.GradSaveFunc) => {
    save([mask]);
    return { value: tf.mul(xx, mask), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  });
  return op(x);
}
