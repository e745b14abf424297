// tfjs's Add on the wasm backend, for two float32 tensors of one shape (a multiple of 4 elements),
// replaced by our SIMD add (residual-add.ts without a mask) split over the kernel threads. Most
// Adds of a training step are backpropagation summing a tensor's gradients (a block's input feeds
// the query, key, value and the residual): 16–24 a step that ran on the main thread alone, each
// ~3× slower than the SIMD loop. A float32 sum is rounded alike either way: the same bytes.
// Any other Add (broadcasting, other dtypes, sizes) runs tfjs's own kernel.
import * as tf from "@tensorflow/tfjs";
import type { FusedKernels } from "./runtime";
import { overElements } from "./split";

/** Work units per element (a load of each input and a store; the threads pay off from ~130k elements). */
const ADD_COST = 4;

let installed = false;

type KernelArgs = { inputs: { a: tf.TensorInfo; b: tf.TensorInfo }; backend: unknown; attrs: object };

/** Routes wasm's Add of two same-shape float32 tensors through our kernel (fused: the kernels in use now, or null). */
export function installFusedAdd(fused: () => FusedKernels | null): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel("Add", "wasm");
  if (!original) return;
  const fallback = original.kernelFunc as unknown as (args: KernelArgs) => tf.TensorInfo;
  tf.unregisterKernel("Add", "wasm");
  tf.registerKernel({
    kernelName: "Add",
    backendName: "wasm",
    kernelFunc: ((args: KernelArgs) => {
      const { a, b } = args.inputs;
      const fk = fused();
      const n = a.shape.reduce((x, y) => x * y, 1);
      const same = a.dtype === "float32" && b.dtype === "float32" && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
      if (!fk || !same || n % 4 !== 0 || n === 0) return fallback(args);
      const out = fk.output([...a.shape]);
      const [pa, pb, po] = [fk.ptr(a), fk.ptr(b), fk.ptr(out)];
      overElements(fk, n, 4, ADD_COST, "residualAdd", fk.residualAdd, (start, count) => [pa + 4 * start, 0, pb + 4 * start, po + 4 * start, count]);
      return out;
    }) as unknown as tf.KernelFunc,
  });
}
