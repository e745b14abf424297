// AdamW exactly as the paper's code runs it (HF transformers' AdamW, method.md §3):
//   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   θ ← θ − lr_t·[√(1−β2^k)/(1−β1^k)]·m/(√v + ε)      (ε on √v, not on the corrected √v̂)
//   θ ← θ − lr_t·λ·θ                                   (decoupled decay, after the Adam step)
// lr_t = baseLr · f(t) · group.lrScale. Gradient clipping is folded in as a scale c on g
// (m gets (1−β1)·c·g, v gets (1−β2)·c²·g²), so clipping costs no extra pass over the gradients.
import * as tf from "@tensorflow/tfjs";
import { fusedAdamWUpdates } from "./adamwFused";
import { ParameterGroup, standardGroups, validateGroups } from "./parameterGroups";

export interface AdamWConfig {
  /** Base learning rate (2e-5 in the paper). */
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamWStepOptions {
  /** Schedule factor f(k − 1) of this update (see LinearWarmupSchedule.factorForUpdate). */
  lrFactor: number;
  /** Multiplies every gradient before use: the clipping coefficient (see clipCoefficient). */
  gradScale?: number;
}

/** Serializable optimizer state, for resuming a run. */
export interface AdamWState {
  /** Number of finished updates k. */
  step: number;
  moments: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
}

interface Slot {
  param: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
  group: number;
}

export class AdamW {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly groups: readonly ParameterGroup[];
  private readonly slots = new Map<string, Slot>();
  private k = 0;
  private disposed = false;

  /** groups default to the standard decay (0.01) / no-decay split. */
  constructor(params: Map<string, tf.Variable>, groups: ParameterGroup[] | undefined, config: AdamWConfig) {
    this.lr = config.lr;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-6;
    if (!(this.lr >= 0) || !Number.isFinite(this.lr)) throw new Error(`AdamW lr must be a finite number ≥ 0, got ${config.lr}`);
    if (!(this.beta1 >= 0 && this.beta1 < 1)) throw new Error(`AdamW beta1 must lie in [0, 1), got ${this.beta1}`);
    if (!(this.beta2 >= 0 && this.beta2 < 1)) throw new Error(`AdamW beta2 must lie in [0, 1), got ${this.beta2}`);
    if (!(this.epsilon > 0)) throw new Error(`AdamW epsilon must be > 0, got ${this.epsilon}`);
    this.groups = groups ?? standardGroups(params.keys());
    validateGroups(this.groups as ParameterGroup[], params.keys());
    this.groups.forEach((g, gi) => {
      for (const name of g.params) {
        const param = params.get(name)!;
        this.slots.set(name, {
          param,
          m: zeroVariable(param),
          v: zeroVariable(param),
          group: gi,
        });
      }
    });
  }

  /** Number of finished updates. */
  get stepCount(): number {
    return this.k;
  }

  /**
   * One update with the given gradients (names as in the parameter map; a parameter without a
   * gradient is left untouched, as PyTorch skips parameters whose .grad is None). Returns the
   * scheduled base LR lr·f used by this update. Does not dispose the gradients.
   */
  step(grads: Map<string, tf.Tensor>, options: AdamWStepOptions): number {
    if (this.disposed) throw new Error("AdamW.step called after dispose()");
    const { lrFactor } = options;
    const c = options.gradScale ?? 1;
    if (!Number.isFinite(lrFactor) || lrFactor < 0) throw new Error(`AdamW lrFactor must be a finite number ≥ 0, got ${lrFactor}`);
    if (!Number.isFinite(c)) throw new Error(`AdamW gradScale must be finite, got ${c} (a non-finite gradient norm means the run diverged)`);
    for (const [name, g] of grads) {
      const slot = this.slots.get(name);
      if (!slot) throw new Error(`gradient for ${name}, which is not a parameter this optimizer owns`);
      if (!tf.util.arraysEqual(g.shape, slot.param.shape)) {
        throw new Error(`gradient for ${name} has shape [${g.shape}], parameter has [${slot.param.shape}]`);
      }
    }
    const k = this.k + 1;
    const lrT = this.lr * lrFactor;
    // Bias correction computed in float64 and folded into one scalar per group.
    const correction = Math.sqrt(1 - Math.pow(this.beta2, k)) / (1 - Math.pow(this.beta1, k));
    const entries = [...grads].map(([name, g]) => ({ slot: this.slots.get(name)!, g }));
    const fused = fusedAdamWUpdates(
      entries.map(({ slot, g }) => {
        const group = this.groups[slot.group];
        return { param: slot.param, m: slot.m, v: slot.v, g, stepSize: lrT * group.lrScale * correction, keep: group.weightDecay > 0 ? 1 - lrT * group.lrScale * group.weightDecay : 1 };
      }),
      { beta1: this.beta1, beta2: this.beta2, eps: this.epsilon, gScaleM: (1 - this.beta1) * c, gScaleV: (1 - this.beta2) * c * c },
    );
    if (fused) {
      entries.forEach(({ slot }, i) => {
        // assign() keeps the new buffers; the variables' old ones are released.
        slot.m.assign(fused[i][1]);
        slot.v.assign(fused[i][2]);
        slot.param.assign(fused[i][0]);
        tf.dispose(fused[i]);
      });
    } else {
      this.compositeStep(entries, lrT, correction, c);
    }
    this.k = k;
    return lrT;
  }

  /** The same update in tfjs ops (off the fused kernels). */
  private compositeStep(entries: { slot: Slot; g: tf.Tensor }[], lrT: number, correction: number, c: number): void {
    // tf.scalar creates no intermediates, so no tidy is needed; all are disposed below.
    const scalars = {
      beta1: tf.scalar(this.beta1),
      beta2: tf.scalar(this.beta2),
      eps: tf.scalar(this.epsilon),
      gScaleM: tf.scalar((1 - this.beta1) * c),
      gScaleV: tf.scalar((1 - this.beta2) * c * c),
      stepSize: this.groups.map((g) => tf.scalar(lrT * g.lrScale * correction)),
      keep: this.groups.map((g) => (g.weightDecay > 0 ? tf.scalar(1 - lrT * g.lrScale * g.weightDecay) : null)),
    };
    try {
      for (const { slot, g } of entries) {
        const keep = scalars.keep[slot.group];
        // One tidy per parameter keeps the peak memory at one parameter's temporaries.
        tf.tidy(() => {
          const m = tf.add(tf.mul(slot.m, scalars.beta1), tf.mul(g, scalars.gScaleM));
          const v = tf.add(tf.mul(slot.v, scalars.beta2), tf.mul(tf.square(g), scalars.gScaleV));
          const update = tf.div(m, tf.add(tf.sqrt(v), scalars.eps));
          let theta = tf.sub(slot.param, tf.mul(update, scalars.stepSize[slot.group]));
          if (keep) theta = tf.mul(theta, keep);
          slot.m.assign(m);
          slot.v.assign(v);
          slot.param.assign(theta);
        });
      }
    } finally {
      tf.dispose([scalars.beta1, scalars.beta2, scalars.eps, scalars.gScaleM, scalars.gScaleV, ...scalars.stepSize]);
      for (const t of scalars.keep) if (t) t.dispose();
    }
  }

  /** The LR of each group at schedule factor f: lr · f · lrScale (for logs and tests). */
  groupLearningRates(lrFactor: number): { name: string; lr: number; weightDecay: number }[] {
    return this.groups.map((g) => ({ name: g.name, lr: this.lr * lrFactor * g.lrScale, weightDecay: g.weightDecay }));
  }

  /** A copy of the moments and step count. */
  exportState(): AdamWState {
    const moments: AdamWState["moments"] = [];
    for (const [name, s] of this.slots) {
      // Copies: a backend may hand out its own buffer from dataSync.
      moments.push({ name, shape: [...s.param.shape], m: Float32Array.from(s.m.dataSync()), v: Float32Array.from(s.v.dataSync()) });
    }
    return { step: this.k, moments };
  }

  /** Restores a state from exportState; it must cover exactly this optimizer's parameters. */
  importState(state: AdamWState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`AdamW state: step must be an integer ≥ 0, got ${state.step}`);
    const given = new Set<string>();
    for (const e of state.moments) {
      const s = this.slots.get(e.name);
      if (!s) throw new Error(`AdamW state holds moments for ${e.name}, which is not a parameter of this model`);
      if (!tf.util.arraysEqual(e.shape, s.param.shape)) throw new Error(`AdamW state: ${e.name} has shape [${e.shape}], parameter has [${s.param.shape}]`);
      const size = tf.util.sizeFromShape(e.shape);
      if (e.m.length !== size || e.v.length !== size) throw new Error(`AdamW state: ${e.name} moments have ${e.m.length}/${e.v.length} values, expected ${size}`);
      given.add(e.name);
    }
    for (const name of this.slots.keys()) if (!given.has(name)) throw new Error(`AdamW state has no moments for parameter ${name}`);
    for (const e of state.moments) {
      const s = this.slots.get(e.name)!;
      tf.tidy(() => {
        s.m.assign(tf.tensor(e.m, e.shape, "float32"));
        s.v.assign(tf.tensor(e.v, e.shape, "float32"));
      });
    }
    this.k = state.step;
  }

  /** Frees the moment buffers (not the parameters). */
  dispose(): void {
    if (this.disposed) return;
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.disposed = true;
  }
}

function zeroVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
  const v = tf.variable(zeros, false);
  zeros.dispose();
  return v;
}
