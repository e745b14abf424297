// tfjs-core clones every tensor a custom gradient saves for its backward pass (Identity, ~160 per
// training step: activations, attention probabilities, weights), and the wasm backend's Identity
// copies the bytes. The CPU backend's Identity instead shares them, counting references, as the
// wasm backend's own Reshape does; with this override wasm clones do the same. Safe because no
// kernel writes into its inputs (AdamW writes new buffers; Variable.assign swaps buffers).
import * as tf from "@tensorflow/tfjs";

interface RefCounting {
  incRef(dataId: object): void;
}

let installed = false;

/** Makes wasm's Identity (tf.clone) share the input's buffer instead of copying it. */
export function installSharedIdentity(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel("Identity", "wasm");
  if (!original) return;
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: ((args: { inputs: { x: tf.TensorInfo }; backend: RefCounting }) => {
      const { x } = args.inputs;
      if (x.dtype === "string") return (original.kernelFunc as unknown as (a: typeof args) => tf.TensorInfo)(args);
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }) as unknown as tf.KernelFunc,
  });
}
