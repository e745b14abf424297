// The fused ops register their kernels with tfjs for the wasm backend on first use (not at import,
// so a process on another backend never touches them); this is that "first use" in one place.
import * as tf from "@tensorflow/tfjs";

type Kernel = (args: never) => tf.TensorInfo | tf.TensorInfo[];

/** A function that registers `kernels` (name → kernel function) for wasm the first time it is called. */
export function registerWasmKernelsOnce(kernels: Record<string, Kernel>): () => void {
  let registered = false;
  return () => {
    if (registered) return;
    registered = true;
    for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
      tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
  };
}
