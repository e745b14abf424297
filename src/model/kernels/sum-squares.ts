// Σ g² over a float32 buffer in float64, for the global gradient norm (train/clipGradients.ts):
//   *acc ← *acc + Σ_i f64(src_i)·f64(src_i), i in order
// the same operations in the same order as the JS loop it replaces (sumSq += f[i] * f[i]), so the
// norm and every clipped step are the same bytes; it saves that loop's typed-array bounds checks.
// The running sum lives at the float64 address acc, so one sum runs over many tensors.
import { type Fn, F64, I32, advance, op } from "./assemble";

export function sumSquaresFn(): Fn {
  const [src, n, acc] = [0, 1, 2];
  const [end, sum, x] = [3, 4, 5];
  const square = [...op.f32Load, ...op.f64PromoteF32, ...op.tee(x), ...op.get(x), ...op.f64Mul];
  const body = [
    ...op.get(acc), ...op.f64Load, ...op.set(sum),
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.get(src), ...op.i32Add, ...op.set(end),
    ...op.block,
    ...op.loop,
    ...op.get(src), ...op.get(end), ...op.i32GeU, ...op.brIf(1),
    ...op.get(sum), ...op.get(src), ...square, ...op.f64Add, ...op.set(sum),
    ...advance(src, 4),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(acc), ...op.get(sum), ...op.f64Store,
  ];
  return { name: "sumSquares", params: [I32, I32, I32], locals: [I32, F64, F64], body };
}

export type SumSquaresFn = (src: number, n: number, acc: number) => void;
