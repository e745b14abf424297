// WD_pre (method.md §4.4): weight decay toward the pre-trained weights θ₀ instead of toward 0.
// AdamW runs with its own decay off (wdPreGroups); after each step the training loop calls
// apply(lr_t), which does θ ← θ − lr_t·λ·(θ − θ₀) for decayed parameters outside the head and
// θ ← θ − lr_t·λ·θ for decayed head parameters (the head has no pre-trained value to return to).
// Biases and LayerNorm weights get no decay.
import * as tf from "@tensorflow/tfjs";
import { ParameterGroup, isHead, isNoDecay, standardGroups } from "../parameterGroups";
import type { MitigationContext, MitigationHyperParameters, MitigationSetup } from "./method";
import { defaultOf } from "./methods/defaultOf";
import { WD_PRE } from "./methods/wdPre";

export interface WdPreOptions {
  /** λ (0.01 in the paper). */
  lambda?: number;
}

/** AdamW groups for WD_pre: the usual split, both without AdamW's own decay. */
export function wdPreGroups(names: Iterable<string>): ParameterGroup[] {
  return standardGroups(names, 0);
}

export class WeightDecayTowardPretrained {
  readonly lambda: number;
  /** Decayed toward θ₀. */
  readonly towardPretrained: string[] = [];
  /** Decayed toward 0 (head). */
  readonly towardZero: string[] = [];
  private readonly params: Map<string, tf.Variable>;
  private readonly anchors = new Map<string, tf.Tensor>();

  /** θ₀ is captured now: create it together with the optimizer, after any re-initialisation. */
  constructor(params: Map<string, tf.Variable>, options: WdPreOptions = {}) {
    this.lambda = options.lambda ?? defaultOf(WD_PRE, "wdPreLambda");
    if (!(this.lambda >= 0) || !Number.isFinite(this.lambda)) throw new Error(`WD_pre λ must be a finite number ≥ 0, got ${this.lambda}`);
    this.params = params;
    for (const [name, v] of params) {
      if (isNoDecay(name)) continue;
      if (isHead(name)) {
        this.towardZero.push(name);
      } else {
        this.towardPretrained.push(name);
        // A clone shares the buffer; Variable.assign swaps buffers, so this stays θ₀.
        this.anchors.set(name, tf.clone(v));
      }
    }
  }

  /** Apply after each AdamW step with that step's scheduled LR lr_t = lr·f(k−1). */
  apply(lrT: number): void {
    if (!Number.isFinite(lrT) || lrT < 0) throw new Error(`WD_pre: lr_t must be a finite number ≥ 0, got ${lrT}`);
    const rate = lrT * this.lambda;
    if (rate === 0) return;
    const r = tf.scalar(rate);
    const keep = tf.scalar(1 - rate);
    try {
      // One tidy per parameter keeps the peak memory at one parameter's temporaries.
      for (const name of this.towardPretrained) {
        const v = this.params.get(name)!;
        tf.tidy(() => v.assign(tf.sub(v, tf.mul(tf.sub(v, this.anchors.get(name)!), r))));
      }
      for (const name of this.towardZero) {
        const v = this.params.get(name)!;
        tf.tidy(() => v.assign(tf.mul(v, keep)));
      }
    } finally {
      r.dispose();
      keep.dispose();
    }
  }

  dispose(): void {
    for (const t of this.anchors.values()) t.dispose();
    this.anchors.clear();
  }
}

/** The registry's configure of WD_pre: AdamW without decay, the pull toward θ₀ after each step. */
export function configureWdPre(base: MitigationSetup, ctx: MitigationContext, hp: MitigationHyperParameters): MitigationSetup {
  const wd = new WeightDecayTowardPretrained(ctx.params, { lambda: hp.wdPreLambda });
  return { ...base, groups: wdPreGroups(ctx.params.keys()), afterStep: (lrT) => wd.apply(lrT), dispose: () => wd.dispose() };
}
