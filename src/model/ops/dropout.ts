// Inverted dropout whose mask comes from an explicit seed, so a run's dropout masks are a pure
// function of (run seed, step, site) and identical across backends and processes.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random";

/** Keep-mask scaled by 1/(1-p): each entry is 0 with probability p, else 1/(1-p). */
export function dropoutMask(shape: number[], p: number, seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const mask = new Float32Array(n);
  const scale = 1 / (1 - p);
  // Threshold on a 32-bit integer: avoids a float divide per element.
  const threshold = Math.floor(p * 4294967296);
  // Millions of draws per training step: an inlined xorshift128 (seeded from the project PRNG)
  // instead of a method call per element.
  const init = new Random(seed);
  let x = init.nextUint32() | 1, y = init.nextUint32(), z = init.nextUint32(), w = init.nextUint32();
  for (let i = 0; i < n; i++) {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = w ^ (w >>> 19) ^ (t ^ (t >>> 8));
    mask[i] = w >>> 0 >= threshold ? scale : 0;
  }
  return tf.tensor(mask, shape);
}

/** x with dropout applied (training) — returns x unchanged when p is 0. */
export function dropout<T extends tf.Tensor>(x: T, p: number, seed: number): T {
  if (p <= 0) return x;
  if (!(p < 1)) throw new Error(`dropout probability must be in [0, 1), got ${p}`);
  return tf.mul(x, dropoutMask(x.shape, p, seed)) as T;
}
