// tfjs's Add on the wasm backend runs on the calling thread alone (XNNPACK). The backward pass's
// gradient sums are Adds of same-shape float32 tensors (24 of 3 MB in a MiniLM step: 11–14 ms of
// a 2-thread step on the main thread while the other thread idled). Where threads are worth it,
// this override splits such an Add between them with residualAdd (s = x + r); anything else goes
// to tfjs's own kernel. An IEEE add is one correctly rounded operation whichever code runs it, so
// the bytes are tfjs's (test/model/threadedAdd.test.ts).
import * as tf from "@tensorflow/tfjs";
import { overElements, threadsFor } from "./split";
import type { Call } from "./tasks";

/** What the override needs of the fused kernels (runtime.ts's FusedKernels). */
export interface AddKernels {
  threads(): number;
  parallelChunks(shares: Call[][][]): void;
  output(shape: number[]): tf.TensorInfo;
  ptr(t: tf.TensorInfo): number;
  residualAdd(x: number, mask: number, r: number, out: number, n: number): void;
}

/**
 * Work units per element for splitting (split.ts: a gemm multiply-add is 1). An add is cheaper
 * than that, but half its inputs were just written by the other thread, so tfjs's Add reads them
 * from the other core's cache: the spam shape's 1024 × 128 sums took 2.8 ms a step at 2 threads
 * against 1.8 at 1, and split over the threads (cost 4) the step ran 0.985–0.989× (paired).
 */
const ADD_COST = 4;

let installed = false;

/** Makes wasm's Add split big same-shape float32 sums between the kernel threads (`kernels()`: the fused kernels now, or null). */
export function installThreadedAdd(kernels: () => AddKernels | null): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel("Add", "wasm");
  if (!original) return;
  const tfjsAdd = original.kernelFunc as unknown as (args: unknown) => tf.TensorInfo;
  tf.unregisterKernel("Add", "wasm");
  tf.registerKernel({
    ...original,
    kernelFunc: ((args: { inputs: { a: tf.TensorInfo; b: tf.TensorInfo } }) => {
      const { a, b } = args.inputs;
      const fk = kernels();
      const n = tf.util.sizeFromShape(a.shape);
      const same = a.dtype === "float32" && b.dtype === "float32" && tf.util.arraysEqual(a.shape, b.shape);
      if (!fk || !same || n % 4 !== 0 || threadsFor(fk.threads(), n * ADD_COST) < 2) return tfjsAdd(args);
      const out = fk.output(a.shape);
      const [pa, pb, po] = [fk.ptr(a), fk.ptr(b), fk.ptr(out)];
      overElements(fk, n, 4, ADD_COST, "residualAdd", fk.residualAdd, (e, count) => [pa + 4 * e, 0, pb + 4 * e, po + 4 * e, count]);
      return out;
    }) as unknown as tf.KernelFunc,
  });
}
