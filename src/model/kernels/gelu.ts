// Exact GELU, y = x·Φ(x), and its derivative in WebAssembly SIMD, over n floats (n % 4 = 0):
//   geluForward:  y = x·Φ(x)
//   geluBackward: dx = dy·(Φ(x) + x·φ(x)),  φ(x) = exp(−x²/2)/√(2π)
// Φ comes from erfc: with z = |x|/√2 and t = 1/(1 + z/2), erfc(z) = t·exp(−z² + P(t)) for the
// degree-9 Chebyshev-fitted P of Numerical Recipes' erfcc (fractional error < 1.2e-7 for every
// z ≥ 0), and Φ(x) = 1 − erfc(z)/2 for x ≥ 0, erfc(z)/2 for x < 0. Unlike 1 + erf(x/√2), this keeps
// float32 relative accuracy in the far negative tail too. exp is softmax.ts's Cephes expf.
import { type Fn, I32, V128, advance, op } from "./assemble";
import { expBody } from "./softmax";

// P(t) = −1.26551223 + t·(1.00002368 + t·(0.37409196 + …)), highest coefficient first for Horner.
const ERFC_P = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

/** Φ(x) for the f32x4 in local x; leaves it on the stack. Uses locals z, t, e0..e2. */
function cdf(x: number, z: number, t: number, e: [number, number, number]): number[] {
  return [
    ...op.get(x), ...op.f32x4Abs, ...op.f32x4Const(Math.SQRT1_2), ...op.f32x4Mul, ...op.set(z),
    ...op.f32x4Const(1), ...op.f32x4Const(1), ...op.get(z), ...op.f32x4Const(0.5), ...op.f32x4Mul, ...op.f32x4Add, ...op.f32x4Div, ...op.set(t),
    ...op.f32x4Const(ERFC_P[0]),
    ...ERFC_P.slice(1).flatMap((k) => [...op.get(t), ...op.f32x4Mul, ...op.f32x4Const(k), ...op.f32x4Add]),
    ...op.get(z), ...op.get(z), ...op.f32x4Mul, ...op.f32x4Sub,
    ...expBody(...e),
    ...op.get(t), ...op.f32x4Mul, ...op.f32x4Const(0.5), ...op.f32x4Mul, ...op.tee(z), // z ← erfc/2
    // x < 0 ? erfc/2 : 1 − erfc/2
    ...op.f32x4Const(1), ...op.get(z), ...op.f32x4Sub,
    ...op.get(x), ...op.v128Zero, ...op.f32x4Lt,
    ...op.v128Bitselect,
  ];
}

/** `for (j = 0; j < bytes; j += 16) { body }` with the pointers in `ptrs` advanced by 16 each time. */
const vectorLoop = (j: number, bytes: number, ptrs: number[], body: number[]) => [
  ...op.i32(0), ...op.set(j),
  ...op.block,
  ...op.loop,
  ...op.get(j), ...op.get(bytes), ...op.i32GeS, ...op.brIf(1),
  ...body,
  ...ptrs.flatMap((p) => advance(p, 16)),
  ...advance(j, 16),
  ...op.br(0),
  ...op.end,
  ...op.end,
];

export function geluForwardFn(): Fn {
  const [src, dst, n] = [0, 1, 2];
  const [j, bytes] = [3, 4];
  const [x, z, t, e0, e1, e2] = [5, 6, 7, 8, 9, 10];
  const body = [
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...vectorLoop(j, bytes, [src, dst], [
      ...op.get(dst),
      ...op.get(src), ...op.v128Load, ...op.tee(x),
      ...cdf(x, z, t, [e0, e1, e2]),
      ...op.f32x4Mul,
      ...op.v128Store,
    ]),
  ];
  return { name: "geluForward", params: [I32, I32, I32], locals: [I32, I32, V128, V128, V128, V128, V128, V128], body };
}

export function geluBackwardFn(): Fn {
  const [dy, src, dst, n] = [0, 1, 2, 3];
  const [j, bytes] = [4, 5];
  const [x, z, t, e0, e1, e2, phi] = [6, 7, 8, 9, 10, 11, 12];
  const body = [
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...vectorLoop(j, bytes, [dy, src, dst], [
      ...op.get(src), ...op.v128Load, ...op.tee(x),
      // φ(x)·x = exp(−x²/2)/√(2π)·x
      ...op.get(x), ...op.f32x4Mul, ...op.f32x4Const(-0.5), ...op.f32x4Mul,
      ...expBody(e0, e1, e2),
      ...op.f32x4Const(1 / Math.sqrt(2 * Math.PI)), ...op.f32x4Mul, ...op.get(x), ...op.f32x4Mul, ...op.set(phi),
      ...op.get(dst),
      ...op.get(dy), ...op.v128Load,
      ...cdf(x, z, t, [e0, e1, e2]), ...op.get(phi), ...op.f32x4Add,
      ...op.f32x4Mul,
      ...op.v128Store,
    ]),
  ];
  return { name: "geluBackward", params: [I32, I32, I32, I32], locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128], body };
}

export type GeluForwardFn = (src: number, dst: number, n: number) => void;
export type GeluBackwardFn = (dy: number, src: number, dst: number, n: number) => void;
