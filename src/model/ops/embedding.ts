// Row lookup (embedding tables, and picking the masked positions out of a hidden-state matrix).
// tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks, so the backward
// pass scatters the incoming rows into a dense gradient: on wasm straight into a zeroed backend
// buffer (no JS-side table and copy: the table is 4–47 MB), elsewhere in plain JS. Either way a
// memory-bound loop over (number of ids × width) floats, far cheaper than a one-hot matMul, with
// the same float32 sums in the same order.
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../kernels/runtime";
import { splitRange, threadsFor } from "../kernels/split";
import { customGrad } from "./custom-grad";
import { registerWasmKernelsOnce } from "./registerWasmKernels";

const GATHER = "InstabilityGatherRows";
const SCATTER = "InstabilityScatterAddRows";

type RowsKernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: { ids: Int32Array; rows: number } };

// On wasm, tf.gather runs a generic strided loop (~10 ms for 2048 rows of 128); a row lookup is
// one row copy per id in the backend's memory: our wasm row kernel where the width is a multiple
// of 4 (one call; a copyWithin per id cost ~0.2 µs each, 70 ms of the spam run), else copyWithin.
function gatherKernel({ inputs, attrs }: RowsKernelArgs): tf.TensorInfo {
  const k = fusedKernels()!;
  const width = inputs.table.shape[1];
  const { ids } = attrs;
  const out = k.output([ids.length, width]);
  if (width % 4 === 0 && ids.length > 0) {
    const table = k.malloc(4 * ids.length);
    new Int32Array(k.f32().buffer, table, ids.length).set(ids);
    k.gatherRows(k.ptr(inputs.table), 4 * width, k.ptr(out), 4 * width, table, ids.length, width);
    k.free(table);
    return out;
  }
  const f = k.f32();
  const src = k.ptr(inputs.table) >> 2, dst = k.ptr(out) >> 2;
  ids.forEach((id, i) => f.copyWithin(dst + i * width, src + id * width, src + id * width + width));
  return out;
}

/** Work units per destination row (zeroing it) for splitting between threads; every thread also reads the whole id list. */
const ZERO_COST = 1;

// [rows, width] of zeros, + dy's row i at row ids[i], for every i in order. In wasm where the width
// is a multiple of 4 (rows.ts scatterAddRows), the threads splitting the table's rows: each zeroes
// its rows and adds the ids that land there, so every row sums its ids in order, as one thread does.
function scatterAddKernel({ inputs, attrs }: RowsKernelArgs): tf.TensorInfo {
  const k = fusedKernels()!;
  const width = inputs.dy.shape[1];
  const out = k.output([attrs.rows, width]);
  const { ids } = attrs;
  if (width % 4 === 0) {
    const table = k.malloc(4 * Math.max(1, ids.length));
    new Int32Array(k.f32().buffer, table, ids.length).set(ids);
    const [src, dst, row] = [k.ptr(inputs.dy), k.ptr(out), 4 * width];
    const ranges = splitRange(attrs.rows, threadsFor(k.threads(), (attrs.rows + ids.length) * width * ZERO_COST));
    const args = (lo: number, count: number) => [src, row, dst, row, table, ids.length, width, lo, lo + count];
    if (ranges.length <= 1) k.scatterAddRows(...args(0, attrs.rows));
    else k.parallel(ranges.map(([lo, count]) => [{ task: "scatterAddRows", args: args(lo, count) }]));
    k.free(table);
    return out;
  }
  const f = k.f32();
  const src = k.ptr(inputs.dy) >> 2, dst = k.ptr(out) >> 2;
  f.fill(0, dst, dst + attrs.rows * width);
  for (let i = 0; i < ids.length; i++) {
    const d = dst + ids[i] * width, s = src + i * width;
    for (let j = 0; j < width; j++) f[d + j] += f[s + j];
  }
  return out;
}

const registerOnce = registerWasmKernelsOnce({ [GATHER]: gatherKernel, [SCATTER]: scatterAddKernel });

const runRowsKernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: { ids: Int32Array; rows?: number }) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

/** Whether the wasm kernels take this tensor (registering them on first use). */
function fused(t: tf.Tensor): boolean {
  if (!fusedKernels() || t.dtype !== "float32") return false;
  registerOnce();
  return true;
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
      value: fused(t) ? runRowsKernel(GATHER, { table: t }, { ids }) : tf.gather(t, tf.tensor1d(ids, "int32")),
      gradFunc: (dy: tf.Tensor) => {
        if (fused(dy)) return runRowsKernel(SCATTER, { dy }, { ids, rows });
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
