// Row lookup (embedding tables, and picking the masked positions out of a hidden-state matrix).
// tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks, so the backward
// pass scatters the incoming rows into a dense gradient in plain JS; it is a memory-bound loop
// over (number of ids × width) floats, far cheaper than a one-hot matMul.
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../kernels/runtime";
import { customGrad } from "./custom-grad";

const GATHER = "InstabilityGatherRows";
let registered = false;

// On wasm, tf.gather runs a generic strided loop (~10 ms for 2048 rows of 128); a row lookup is
// one memmove per id in the backend's memory.
function fusedGather(table: tf.Tensor, ids: Int32Array): tf.Tensor | null {
  const fk = fusedKernels();
  if (!fk) return null;
  if (!registered) {
    registered = true;
    tf.registerKernel({
      kernelName: GATHER,
      backendName: "wasm",
      kernelFunc: (({ inputs, attrs }: { inputs: { table: tf.TensorInfo }; attrs: { ids: Int32Array } }) => {
        const k = fusedKernels()!;
        const width = inputs.table.shape[1];
        const out = k.output([attrs.ids.length, width]);
        const f = k.f32();
        const src = k.ptr(inputs.table) >> 2, dst = k.ptr(out) >> 2;
        attrs.ids.forEach((id, i) => f.copyWithin(dst + i * width, src + id * width, src + id * width + width));
        return out;
      }) as unknown as tf.KernelFunc,
    });
  }
  return tf.engine().runKernel(GATHER, { table } as unknown as tf.NamedTensorMap, { ids } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** table: [rows, width], ids: row indices → [ids.length, width]. */
export function gatherRows(table: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const [rows, width] = table.shape;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= rows) {
      throw new Error(`index ${ids[i]} at position ${i} is outside the table of ${rows} rows`);
    }
  }
  const op = customGrad((t: tf.Tensor, _save: tf.GradSaveFunc) => {
    return {
      value: fusedGather(t, ids) ?? tf.gather(t, tf.tensor1d(ids, "int32")),
      gradFunc: (dy: tf.Tensor) => {
        const g = new Float32Array(rows * width);
        const d = dy.dataSync() as Float32Array;
        for (let i = 0; i < ids.length; i++) {
          const dst = ids[i] * width;
          const src = i * width;
          for (let j = 0; j < width; j++) g[dst + j] += d[src + j];
        }
        return tf.tensor2d(g, [rows, width]);
      },
    };
  });
  return op(table) as tf.Tensor2D;
}
