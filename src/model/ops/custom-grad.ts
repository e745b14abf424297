// tf.customGrad with a usable signature: tfjs types the wrapped function as taking
// (Tensor | GradSaveFunc)[], which TypeScript cannot match against named parameters.
import * as tf from "@tensorflow/tfjs";

export type GradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

export function customGrad<A extends tf.Tensor[]>(
  f: (...args: [...A, tf.GradSaveFunc]) => GradResult,
): (...inputs: A) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: A) => tf.Tensor;
}
