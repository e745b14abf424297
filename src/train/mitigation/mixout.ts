// Mixout (Lee et al. 2020), as method.md §4.1 defines it: in each training forward pass every
// linear weight W is replaced by W̃ = ((1−M)⊙u + M⊙W − p·u)/(1−p), where u is the weight at load
// time and M_j ~ Bernoulli(1−p) is drawn per INPUT feature and shared by all output rows.
// Algebraically W̃ = u + (M/(1−p))⊙(W − u), which is what we compute (three kernels), and
// E_M[W̃] = W. Biases are not mixed; eval passes use W itself (the model does not call the hook).
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random";
import type { MitigationContext, MitigationHyperParameters, MitigationSetup } from "./method";
import { defaultOf } from "./methods/defaultOf";
import { MIXOUT } from "./methods/mixout";

/** Which axis of the in-memory weight holds the input features: a number or a per-name rule. */
export type InputAxis = number | ((name: string, shape: readonly number[]) => number);

export interface MixoutOptions {
  /** Mix probability p (0.1 in the paper); p = 0 leaves every weight as it is. */
  p?: number;
  /** Draws the masks; give it a fork of the run's seed (e.g. rng.fork("mixout")). */
  rng: Random;
  inputAxis: InputAxis;
  /** Which parameters are linear weights; default: rank 2 and not an embedding table. */
  isLinearWeight?: (name: string, shape: readonly number[]) => boolean;
}

export function defaultIsLinearWeight(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && name.endsWith(".weight") && !name.includes("embeddings.");
}

/**
 * W̃ for one given keep-mask (1 = keep W, 0 = use u), one entry per input feature. Pure; used
 * by the hook and by tests that enumerate masks.
 */
export function mixoutWeight(w: tf.Tensor, target: tf.Tensor, keepMask: ArrayLike<number>, p: number, inputAxis: number): tf.Tensor2D {
  if (w.rank !== 2) throw new Error(`mixout expects a rank-2 linear weight, got shape [${w.shape}]`);
  if (inputAxis !== 0 && inputAxis !== 1) throw new Error(`mixout inputAxis must be 0 or 1, got ${inputAxis}`);
  if (!(p >= 0 && p < 1)) throw new Error(`mixout p must lie in [0, 1), got ${p}`);
  const nIn = w.shape[inputAxis];
  if (keepMask.length !== nIn) throw new Error(`mixout mask has ${keepMask.length} entries, the weight has ${nIn} input features`);
  return tf.tidy(() => {
    const scaled = new Float32Array(nIn);
    for (let j = 0; j < nIn; j++) scaled[j] = keepMask[j] / (1 - p);
    const mask = tf.tensor2d(scaled, inputAxis === 0 ? [nIn, 1] : [1, nIn]);
    return tf.add(target, tf.mul(mask, tf.sub(w, target))) as tf.Tensor2D;
  });
}

export class Mixout {
  readonly p: number;
  /** Names of the mixed weights (those with a load-time target u). */
  readonly targetNames: string[];
  private readonly targets = new Map<string, tf.Tensor>();
  private readonly axisOf: (name: string, shape: readonly number[]) => number;
  private readonly rng: Random;

  /** Call right after loading (and head initialisation / re-init): u is captured now. */
  constructor(params: Map<string, tf.Variable>, options: MixoutOptions) {
    this.p = options.p ?? defaultOf(MIXOUT, "mixoutP");
    if (!(this.p >= 0 && this.p < 1)) throw new Error(`mixout p must lie in [0, 1), got ${this.p}`);
    this.rng = options.rng;
    const axis = options.inputAxis;
    this.axisOf = typeof axis === "number" ? () => axis : axis;
    const isLinear = options.isLinearWeight ?? defaultIsLinearWeight;
    for (const [name, v] of params) {
      // tf.clone shares the buffer, and Variable.assign swaps buffers rather than writing into
      // them, so this is a true snapshot of the load-time value at no copy cost.
      if (isLinear(name, v.shape)) this.targets.set(name, tf.clone(v));
    }
    this.targetNames = [...this.targets.keys()];
  }

  /** The model's `weightTransform` for training forward passes: a fresh mask per call. */
  readonly weightTransform = (name: string, w: tf.Tensor2D): tf.Tensor2D => {
    const u = this.targets.get(name);
    if (!u) throw new Error(`mixout has no load-time target for ${name}; it mixes only linear weights present when Mixout was created (${this.targetNames.length} of them)`);
    if (this.p === 0) return w;
    const inputAxis = this.axisOf(name, w.shape);
    const nIn = w.shape[inputAxis];
    const keep = new Uint8Array(nIn);
    for (let j = 0; j < nIn; j++) keep[j] = this.rng.next() < 1 - this.p ? 1 : 0;
    return mixoutWeight(w, u, keep, this.p, inputAxis);
  };

  dispose(): void {
    for (const t of this.targets.values()) t.dispose();
    this.targets.clear();
  }
}

/** The registry's configure of Mixout: dropout off, the weight hook on. */
export function configureMixout(base: MitigationSetup, ctx: MitigationContext, hp: MitigationHyperParameters): MitigationSetup {
  if (ctx.inputAxis === undefined) throw new Error("mixout needs the model's input-feature axis of linear weights (MitigationContext.inputAxis)");
  const mixout = new Mixout(ctx.params, { p: hp.mixoutP, rng: ctx.rng.fork("mixout"), inputAxis: ctx.inputAxis });
  return { ...base, dropoutOverride: 0, weightTransform: mixout.weightTransform, dispose: () => mixout.dispose() };
}
