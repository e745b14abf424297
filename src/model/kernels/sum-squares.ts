// Σ g² over a float32 buffer in float64, for the global gradient norm (train/clipGradients.ts):
//   *acc ← *acc + Σ_i f64(src_i)·f64(src_i), i in order
// the same operations in the same order as the JS loop it replaces (sumSq += f[i] * f[i]), so the
// norm and every clipped step are the same bytes; it saves that loop's typed-array bounds checks.
// The running sum lives at the float64 address acc, so one sum runs over many tensors.
// Groups of 16 elements that are all ±0 are skipped: their squares are +0, and adding +0 to a sum
// of squares (≥ +0) leaves it as it was, so the bytes are those of the plain loop. Most of the
// word-embedding table's gradient is such groups (only the rows of a batch's tokens are not zero),
// and it is over half of a small model's gradient; the serial float64 chain was 3% of its step.
import { type Fn, F64, I32, V128, advance, op } from "./assemble";

const GROUP = 16;

export function sumSquaresFn(): Fn {
  const [src, n, acc] = [0, 1, 2];
  const [end, sum, x, groupsEnd, zero] = [3, 4, 5, 6, 7];
  const square = [...op.f32Load, ...op.f64PromoteF32, ...op.tee(x), ...op.get(x), ...op.f64Mul];
  const squareAt = (offset: number) => [...op.get(sum), ...op.get(src), ...op.f32LoadAt(offset), ...op.f64PromoteF32, ...op.tee(x), ...op.get(x), ...op.f64Mul, ...op.f64Add, ...op.set(sum)];
  const notZero = (offset: number) => [...op.get(src), ...op.v128LoadAt(offset), ...op.get(zero), ...op.f32x4Ne];
  const body = [
    ...op.get(acc), ...op.f64Load, ...op.set(sum),
    ...op.v128Zero, ...op.set(zero),
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.get(src), ...op.i32Add, ...op.set(end),
    ...op.get(n), ...op.i32(-GROUP), ...op.i32And, ...op.i32(4), ...op.i32Mul, ...op.get(src), ...op.i32Add, ...op.set(groupsEnd),
    // whole groups: skipped when all 16 are ±0, else added one by one in order
    ...op.block,
    ...op.loop,
    ...op.get(src), ...op.get(groupsEnd), ...op.i32GeU, ...op.brIf(1),
    ...notZero(0), ...notZero(16), ...op.v128Or, ...notZero(32), ...notZero(48), ...op.v128Or, ...op.v128Or, ...op.v128AnyTrue,
    ...op.if,
    ...Array.from({ length: GROUP }, (_, i) => squareAt(4 * i)).flat(),
    ...op.end,
    ...advance(src, 4 * GROUP),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // the last n % 16
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
  return { name: "sumSquares", params: [I32, I32, I32], locals: [I32, F64, F64, I32, V128], body };
}

export type SumSquaresFn = (src: number, n: number, acc: number) => void;
