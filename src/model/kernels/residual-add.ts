// The input of a post-LN block's LayerNorm over n floats (n % 4 = 0): s = x ⊙ mask + r (x the dense
// layer's output, mask its dropout mask, r the residual), or s = x + r where mask is 0 (no dropout).
// A multiply and then an add, each rounded to float32 as tfjs's Multiply and Add round them, so s
// has the bytes of the two tfjs ops it replaces (never a fused multiply-add).
import { type Fn, I32, op } from "./assemble";
import { forLoop } from "./rows";

export function residualAddFn(): Fn {
  const [x, mask, r, out, n] = [0, 1, 2, 3, 4];
  const [j, bytes] = [5, 6];
  const at = (p: number) => [...op.get(p), ...op.get(j), ...op.i32Add];
  const loop = (masked: boolean) =>
    forLoop(j, bytes, 16, [
      ...at(out),
      ...at(x), ...op.v128Load, ...(masked ? [...at(mask), ...op.v128Load, ...op.f32x4Mul] : []),
      ...at(r), ...op.v128Load, ...op.f32x4Add,
      ...op.v128Store,
    ]);
  const body = [
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...op.get(mask), ...op.i32Eqz,
    ...op.if, ...loop(false), ...op.else, ...loop(true), ...op.end,
  ];
  return { name: "residualAdd", params: [I32, I32, I32, I32, I32], locals: [I32, I32], body };
}

export type ResidualAddFn = (x: number, mask: number, r: number, out: number, n: number) => void;
