// One optimisation update in the paper's order, so every training loop gets it the same way:
// global gradient norm → divergence check → (clip folded into) AdamW step with lr·f(k−1) →
// the mitigation's after-step hook (WD_pre). The forward/backward pass comes before, from the
// model (lossAndGrads); the gradients are consumed here.
import * as tf from "@tensorflow/tfjs";
import { AdamW } from "./adamw";
import { clipCoefficient, globalGradNorm } from "./clipGradients";
import type { UpdateSchedule } from "./schedule";

export interface UpdateResult {
  /** Number of this update (1-based); when diverged, the update that was not applied. */
  k: number;
  /** Scheduled base LR lr·f(k−1) of this update (before per-group scales). */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when the gradient norm was NaN/Inf: nothing was changed; record the run as diverged at step k. */
  diverged: boolean;
}

export interface UpdateOptions {
  /** Global-norm clipping threshold (1.0 in the paper). */
  maxGradNorm?: number;
  /** The mitigation's hook (MitigationSetup.afterStep). */
  afterStep?: (lrT: number) => void;
}

/** Applies one update and disposes the gradients (also when the run diverged or a step throws). */
export function applyUpdate(
  optimizer: AdamW,
  schedule: UpdateSchedule,
  grads: Map<string, tf.Tensor>,
  options: UpdateOptions = {},
): UpdateResult {
  try {
    const k = optimizer.stepCount + 1;
    const f = schedule.factorForUpdate(k);
    const gradNorm = globalGradNorm(grads);
    if (!Number.isFinite(gradNorm)) return { k, lr: optimizer.lr * f, gradNorm, diverged: true };
    const lr = optimizer.step(grads, { lrFactor: f, gradScale: clipCoefficient(gradNorm, options.maxGradNorm ?? 1.0) });
    options.afterStep?.(lr);
    return { k, lr, gradNorm, diverged: false };
  } finally {
    tf.dispose([...grads.values()]);
  }
}
