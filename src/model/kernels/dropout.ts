// Dropout keep-masks written straight into the wasm backend's memory, the same xorshift128
// sequence as ops/dropout.ts's JS loop (so the same seed gives the same bytes on either path):
//   t = x ^ (x << 11); x = y; y = z; z = w; w = w ^ (w >>> 19) ^ t ^ (t >>> 8)
//   mask_i = w (unsigned) ≥ threshold ? scale : 0
// The generator is a serial recurrence, so this is scalar code: it saves the JS loop's boxing and
// the upload of the finished mask, not the arithmetic.
import { type Fn, F32, I32, advance, op } from "./assemble";

export function dropoutMaskFn(): Fn {
  const [dst, n, x, y, z, w, threshold, scale] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [end, t] = [8, 9];
  const body = [
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.get(dst), ...op.i32Add, ...op.set(end),
    ...op.block,
    ...op.loop,
    ...op.get(dst), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...op.get(x), ...op.get(x), ...op.i32(11), ...op.i32Shl, ...op.i32Xor, ...op.set(t),
    ...op.get(y), ...op.set(x),
    ...op.get(z), ...op.set(y),
    ...op.get(w), ...op.set(z),
    ...op.get(w), ...op.get(w), ...op.i32(19), ...op.i32ShrU, ...op.i32Xor,
    ...op.get(t), ...op.i32Xor, ...op.get(t), ...op.i32(8), ...op.i32ShrU, ...op.i32Xor, ...op.set(w),
    ...op.get(dst),
    ...op.get(scale), ...op.f32Const(0), ...op.get(w), ...op.get(threshold), ...op.i32GeU, ...op.select,
    ...op.f32Store,
    ...advance(dst, 4),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return { name: "dropoutMask", params: [I32, I32, I32, I32, I32, I32, I32, F32], locals: [I32, I32], body };
}

export type DropoutMaskFn = (dst: number, n: number, x: number, y: number, z: number, w: number, threshold: number, scale: number) => void;
