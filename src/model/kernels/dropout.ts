// Dropout keep-masks written straight into the wasm backend's memory, the same xorshift128
// sequence as ops/dropout.ts's JS loop (so the same seed gives the same bytes on either path):
//   t = x ^ (x << 11); x = y; y = z; z = w; w = w ^ (w >>> 19) ^ t ^ (t >>> 8)
//   mask_i = w (unsigned) ≥ threshold ? scale : 0
//
// Four words per step in SIMD, exactly the serial sequence. The state (x, y, z, w) is the last four
// words w₋₃..w₀, and each new word is w_{k+1} = f(w_k) ^ g(w_{k−3}) with f(v) = v ^ (v >>> 19) and
// g(v) = t ^ (t >>> 8), t = v ^ (v << 11). Both are linear over bits, and f is an involution
// (f(f(v)) = v ^ (v >>> 38) = v for 32-bit v), so with g_j = g(w_{j−3}) for the state's lanes j:
//   o_k = f^{k+1}(w₀) ^ XOR_{j≤k} f^{k−j}(g_j) = f^k( f(w₀) ^ P_k ),  P = prefix-XOR of a,
//   a_j = g_j for even j, f(g_j) for odd j
// (f^m is f for odd m, the identity for even m). The next state is o itself. n % 4 leftover words
// run the scalar recurrence from the vector state.
import { type Fn, F32, I32, V128, advance, op } from "./assemble";

const ODD_LANES = op.i32x4ConstLanes(0, -1, 0, -1);

/** f(v) = v ^ (v >>> 19) of the i32x4 in local v, applied to the lanes where `lanes` is all ones; leaves it on the stack. */
const fOn = (v: number, lanes: number[] | null) => [
  ...op.get(v), ...op.get(v), ...op.i32(19), ...op.i32x4ShrU, ...(lanes ? [...lanes, ...op.v128And] : []), ...op.v128Xor,
];

export function dropoutMaskFn(): Fn {
  const [dst, n, x, y, z, w, threshold, scale] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [end, t, vecEnd] = [8, 9, 10];
  const [S, G, P, W, thr, keep] = [11, 12, 13, 14, 15, 16];
  // S ← o, the next four words, from S = [w₋₃, w₋₂, w₋₁, w₀] and W = splat(f(w₀))
  const vectorStep = [
    // G = g(S): t = S ^ (S << 11), t ^ (t >>> 8)
    ...op.get(S), ...op.get(S), ...op.i32(11), ...op.i32x4Shl, ...op.v128Xor, ...op.set(G),
    ...op.get(G), ...op.get(G), ...op.i32(8), ...op.i32x4ShrU, ...op.v128Xor, ...op.set(G),
    // a = f on the odd lanes of G; P = prefix-XOR over the lanes (shift up by one lane, then by two)
    ...fOn(G, ODD_LANES), ...op.set(P),
    ...op.get(P), ...op.get(P), ...op.v128Zero, ...op.i32x4Shuffle([4, 0, 1, 2]), ...op.v128Xor, ...op.set(P),
    ...op.get(P), ...op.get(P), ...op.v128Zero, ...op.i32x4Shuffle([4, 4, 0, 1]), ...op.v128Xor, ...op.set(P),
    // o = f on the odd lanes of (f(w₀) ^ P)
    ...op.get(W), ...op.get(P), ...op.v128Xor, ...op.set(P),
    ...fOn(P, ODD_LANES), ...op.set(S),
    // W = splat(f(o₃))
    ...op.get(S), ...op.get(S), ...op.i32x4Shuffle([3, 3, 3, 3]), ...op.set(W),
    ...fOn(W, null), ...op.set(W),
  ];
  const body = [
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.get(dst), ...op.i32Add, ...op.set(end),
    ...op.get(n), ...op.i32(-4), ...op.i32And, ...op.i32(4), ...op.i32Mul, ...op.get(dst), ...op.i32Add, ...op.set(vecEnd),
    ...op.get(x), ...op.i32x4Splat, ...op.get(y), ...op.i32x4ReplaceLane(1), ...op.get(z), ...op.i32x4ReplaceLane(2),
    ...op.get(w), ...op.i32x4ReplaceLane(3), ...op.set(S),
    ...op.get(w), ...op.i32x4Splat, ...op.set(W), ...fOn(W, null), ...op.set(W),
    ...op.get(threshold), ...op.i32x4Splat, ...op.set(thr),
    ...op.get(scale), ...op.f32x4Splat, ...op.set(keep),
    ...op.block,
    ...op.loop,
    ...op.get(dst), ...op.get(vecEnd), ...op.i32GeS, ...op.brIf(1),
    ...vectorStep,
    ...op.get(dst), ...op.get(S), ...op.get(thr), ...op.i32x4GeU, ...op.get(keep), ...op.v128And, ...op.v128Store,
    ...advance(dst, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // the scalar recurrence for the n % 4 last words, from the vector state
    ...[x, y, z, w].flatMap((local, lane) => [...op.get(S), ...op.i32x4ExtractLane(lane), ...op.set(local)]),
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
  return { name: "dropoutMask", params: [I32, I32, I32, I32, I32, I32, I32, F32], locals: [I32, I32, I32, V128, V128, V128, V128, V128, V128], body };
}

export type DropoutMaskFn = (dst: number, n: number, x: number, y: number, z: number, w: number, threshold: number, scale: number) => void;
