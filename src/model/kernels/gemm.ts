// A strided float32 matrix product in WebAssembly SIMD (f32x4), run directly on the tfjs wasm
// backend's memory so that tensors are read and written in place:
//
//   C[m, n] = alpha·Σ_k A[m, k]·B[k, n]  (+ C[m, n] when accumulate)
//
// with A addressed as a + m·sam + k·sak (any strides, so Aᵀ and a head's rows inside a
// [seq·batch, hidden] activation cost nothing), B as b + k·sbk + 4n (rows contiguous along n)
// and C as c + m·scm + 4n; all pointers and strides in BYTES. The micro-kernel keeps a 4 × 8
// block of C in eight f32x4 registers: per k it loads 8 floats of B, splats 4 of A and does
// 8 multiplies and 8 adds. The loop over n-blocks is outside the loop over m-blocks so that a
// K × 8 slab of B stays in cache while every m-block reads it. Requires M % 4 = 0 and N % 8 = 0
// (callers check `gemmFits` and otherwise use tfjs ops).
//
// Summation runs over k in order, one multiply and one add per term (no fused multiply-add), the
// same arithmetic on every run: results are deterministic.
import { type Fn, F32, I32, V128, addTo, advance, op } from "./assemble";

export function gemmFn(): Fn {
  const [a, sam, sak, b, sbk, c, scm, M, N, K, accumulate, alpha] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [m0, n0, k, pa0, pa1, pa2, pa3, pb, pc] = [12, 13, 14, 15, 16, 17, 18, 19, 20];
  const [alpha4, acc0, b0, b1, ar] = [21, 22, 30, 31, 32];
  const pa = [pa0, pa1, pa2, pa3];
  const acc = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => acc0 + i);
  // C[pc + off] ← acc·alpha (+ C[pc + off])
  const store = (reg: number, off: number, add: boolean) => [
    ...op.get(pc), ...(off ? [...op.i32(off), ...op.i32Add] : []),
    ...op.get(reg), ...op.get(alpha4), ...op.f32x4Mul,
    ...(add ? [...op.get(pc), ...(off ? [...op.i32(off), ...op.i32Add] : []), ...op.v128Load, ...op.f32x4Add] : []),
    ...op.v128Store,
  ];
  const storeRows = (add: boolean) =>
    [0, 1, 2, 3].flatMap((r) => [...store(acc[2 * r], 0, add), ...store(acc[2 * r + 1], 16, add), ...addTo(pc, scm)]);
  const body = [
    ...op.get(alpha), ...op.f32x4Splat, ...op.set(alpha4),
    ...op.block,
    ...op.loop, // n-blocks
    ...op.get(n0), ...op.get(N), ...op.i32GeS, ...op.brIf(1),
    ...op.i32(0), ...op.set(m0),
    ...op.block,
    ...op.loop, // m-blocks
    ...op.get(m0), ...op.get(M), ...op.i32GeS, ...op.brIf(1),
    ...op.get(a), ...op.get(m0), ...op.get(sam), ...op.i32Mul, ...op.i32Add, ...op.tee(pa0),
    ...op.get(sam), ...op.i32Add, ...op.tee(pa1), ...op.get(sam), ...op.i32Add, ...op.tee(pa2),
    ...op.get(sam), ...op.i32Add, ...op.set(pa3),
    ...op.get(b), ...op.get(n0), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.set(pb),
    ...acc.flatMap((r) => [...op.v128Zero, ...op.set(r)]),
    ...op.get(K), ...op.set(k),
    ...op.block,
    ...op.loop, // k
    ...op.get(k), ...op.i32Eqz, ...op.brIf(1),
    ...op.get(pb), ...op.v128Load, ...op.set(b0),
    ...op.get(pb), ...op.i32(16), ...op.i32Add, ...op.v128Load, ...op.set(b1),
    ...[0, 1, 2, 3].flatMap((r) => [
      ...op.get(pa[r]), ...op.v128Load32Splat, ...op.set(ar),
      ...op.get(acc[2 * r]), ...op.get(ar), ...op.get(b0), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc[2 * r]),
      ...op.get(acc[2 * r + 1]), ...op.get(ar), ...op.get(b1), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc[2 * r + 1]),
      ...addTo(pa[r], sak),
    ]),
    ...addTo(pb, sbk),
    ...advance(k, -1),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(c), ...op.get(m0), ...op.get(scm), ...op.i32Mul, ...op.i32Add,
    ...op.get(n0), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.set(pc),
    ...op.get(accumulate),
    ...op.if,
    ...storeRows(true),
    ...op.else,
    ...storeRows(false),
    ...op.end,
    ...advance(m0, 4),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...advance(n0, 8),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name: "gemm",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, V128, ...new Array<number>(8).fill(V128), V128, V128, V128],
    body,
  };
}

export type GemmFn = (
  a: number, sam: number, sak: number,
  b: number, sbk: number,
  c: number, scm: number,
  M: number, N: number, K: number,
  accumulate: number, alpha: number,
) => void;

/** Shapes the kernel handles (else the caller uses tfjs ops). */
export function gemmFits(M: number, N: number): boolean {
  return M > 0 && N > 0 && M % 4 === 0 && N % 8 === 0;
}
