// Global L2 gradient-norm clipping (max norm 1.0 before every step, method.md §3). The norm is
// also the run's divergence detector: a non-finite norm means NaN/Inf reached the gradients,
// and the caller records the run as diverged instead of stepping.
//
// The scale is max_norm / norm exactly; torch.nn.utils.clip_grad_norm_ uses
// max_norm / (norm + 1e-6), a relative difference of at most 1e-6 / max_norm.
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../model/kernels/runtime";

/** √(Σ_tensors Σ g²), read back to JS (one sync). 0 for no gradients. */
export function globalGradNorm(grads: Map<string, tf.Tensor> | tf.Tensor[]): number {
  const list = Array.isArray(grads) ? grads : [...grads.values()];
  if (list.length === 0) return 0;
  const fk = fusedKernels();
  if (fk && list.every((g) => g.dtype === "float32")) {
    // On wasm the gradients already lie in the backend's memory: one float64 pass over them in
    // wasm instead of two kernels per tensor (NaN/Inf propagate into the sum as with tf.sum).
    const acc = fk.malloc(8);
    try {
      new Float64Array(fk.f32().buffer, acc, 1)[0] = 0;
      for (const g of list) fk.sumSquares(fk.ptr(g), g.size, acc);
      return Math.sqrt(new Float64Array(fk.f32().buffer, acc, 1)[0]);
    } finally {
      fk.free(acc);
    }
  }
  const sumSq = tf.tidy(() => tf.addN(list.map((g) => tf.sum(tf.square(g)))));
  const value = sumSq.dataSync()[0];
  sumSq.dispose();
  return Math.sqrt(value);
}

/** The factor that brings a gradient of this norm down to maxNorm: min(1, maxNorm/norm); NaN if the norm is not finite. */
export function clipCoefficient(norm: number, maxNorm = 1.0): number {
  if (!(maxNorm > 0)) throw new Error(`max gradient norm must be > 0, got ${maxNorm}`);
  if (!Number.isFinite(norm)) return NaN;
  return norm > maxNorm ? maxNorm / norm : 1;
}

/**
 * Scales the gradients in place (replacing and disposing the map's tensors) so that their global
 * norm is at most maxNorm; returns the norm before clipping. With a non-finite norm nothing is
 * scaled. AdamW.step({gradScale: clipCoefficient(norm)}) does the same without the extra pass.
 */
export function clipGradients(grads: Map<string, tf.Tensor>, maxNorm = 1.0): number {
  const norm = globalGradNorm(grads);
  const c = clipCoefficient(norm, maxNorm);
  if (Number.isFinite(c) && c < 1) {
    const scale = tf.scalar(c);
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, scale));
      g.dispose();
    }
    scale.dispose();
  }
  return norm;
}
