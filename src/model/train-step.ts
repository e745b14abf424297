// The gradient half of a training step: the loss and the gradient of every trainable parameter,
// keyed by HF name. The optimizer (src/train) consumes the map and disposes it.
import * as tf from "@tensorflow/tfjs";
import type { EncoderModel } from "./encoder";

export interface LossAndGrads {
  loss: number;
  /** Gradient per trainable parameter, keyed by HF name; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
}

/**
 * Runs `fn` (which builds the scalar loss from model.forward / model.mlmForward) under autodiff.
 * Every intermediate tensor is freed before returning; only the gradients survive.
 */
export function lossAndGrads(model: EncoderModel, fn: () => tf.Scalar, only?: Iterable<string>): LossAndGrads {
  const vars = only ? [...only].map((n) => model.param(n)) : [...model.trainableVariables().values()];
  const { value, grads } = tf.variableGrads(fn, vars);
  const loss = value.dataSync()[0];
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [varName, g] of Object.entries(grads)) {
    const name = model.hfName(varName);
    if (!name) throw new Error(`gradient for a variable that is not a parameter of this model: ${varName}`);
    out.set(name, g);
  }
  return { loss, grads: out };
}
