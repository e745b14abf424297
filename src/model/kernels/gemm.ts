// A strided float32 matrix product in WebAssembly SIMD (f32x4), run directly on the tfjs wasm
// backend's memory so that tensors are read and written in place:
//
//   C[m, n] = alpha·Σ_k A[m, k]·B[k, n]  (+ D[m, n] unless d = 0)
//
// Addresses, all in BYTES: A[m, k] at a + (m >> 2)·sap + (m & 3)·sam + k·sak, B[k, n] at
// b + (n >> 3)·sbp + k·sbk + 4·(n & 7), C[m, n] at c + m·scm + 4n, D[m, n] at d + m·sdm + 4n
// (D = C accumulates; sdm = 0 adds one row to every row, as a bias). A plain strided matrix has
// sap = 4·sam and sbp = 32 (so Aᵀ and a head's rows inside a [seq·batch, hidden] activation cost
// nothing); operands packed by `packPanels` into 4-row panels of A ([K][4] each) and 8-column
// panels of B ([K][8] each) are read sequentially, which keeps big products at the kernel's speed
// (strided B touches a new cache line and page per k: 32 vs 45 GFLOP/s on 2048×384·384×1536).
// The micro-kernel keeps an R × 8 block of C in 2R f32x4 registers: per k it loads 8 floats of B,
// splats R of A and does 2R multiply-adds. The loop over n-blocks is outside the loop over m-blocks
// so that a K × 8 panel of B stays in cache while every m-block reads it. Requires N % 8 = 0, any M
// (callers check `gemmFits` and otherwise use tfjs ops).
//
// Two variants (runtime.ts picks one per process), both 4 × 8 blocks (8 accumulators + 2 B + 4
// splats of A live: V8 loads all splats of a k-step up front, so 6 × 8 or 5 × 8 blocks spill to
// the stack and ran 25–40% slower, as did unrolling k by two):
// - fma: relaxed SIMD's f32x4.relaxed_madd, which V8 compiles to one vfmadd231ps on machines
//   with FMA3 (1.0–1.6× the plain variant's GFLOP/s on the step's products here, bench/gemm.bench.ts).
// - plain: a multiply and an add per term (no relaxed SIMD needed).
// Summation runs over k in order with the same instructions on every call, so results are
// deterministic on a machine (they differ between the variants by float32 rounding). Blocks of
// fewer rows (2, then 1) take the M % 4 leftover rows with the same per-element arithmetic, so a row's
// result does not depend on M or on where the row sits in A.
import { type Fn, F32, I32, V128, addTo, advance, op } from "./assemble";

export interface GemmVariant {
  /** Rows per register block (2R accumulators). */
  rows: number;
  /** Use f32x4.relaxed_madd (relaxed SIMD) instead of a multiply and an add. */
  fma: boolean;
}

export const GEMM_FMA: GemmVariant = { rows: 4, fma: true };
export const GEMM_PLAIN: GemmVariant = { rows: 4, fma: false };

export function gemmFn(variant: GemmVariant): Fn {
  const [a, sam, sak, sap, b, sbk, sbp, c, scm, d, sdm, M, N, K, alpha] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const R = variant.rows;
  const [m0, n0, k, pb, pc, mEnd, pd] = [15, 16, 17, 18, 19, 20, 21];
  const pa = Array.from({ length: R }, (_, r) => 22 + r);
  const mEnd2 = 22 + R;
  const firstV = 23 + R;
  const [alpha4, b0, b1, ar] = [firstV, firstV + 1, firstV + 2, firstV + 3];
  const acc = Array.from({ length: 2 * R }, (_, i) => firstV + 4 + i);
  const madd = (accReg: number, bReg: number) =>
    variant.fma
      ? [...op.get(ar), ...op.get(bReg), ...op.get(accReg), ...op.f32x4RelaxedMadd, ...op.set(accReg)]
      : [...op.get(accReg), ...op.get(ar), ...op.get(bReg), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(accReg)];
  // C[pc + off] ← acc·alpha (+ D[pd + off])
  const store = (reg: number, off: number, add: boolean) => [
    ...op.get(pc), ...(off ? [...op.i32(off), ...op.i32Add] : []),
    ...op.get(reg), ...op.get(alpha4), ...op.f32x4Mul,
    ...(add ? [...op.get(pd), ...op.v128LoadAt(off), ...op.f32x4Add] : []),
    ...op.v128Store,
  ];
  const storeRows = (rows: number, add: boolean) =>
    Array.from({ length: rows }, (_, r) => [
      ...store(acc[2 * r], 0, add), ...store(acc[2 * r + 1], 16, add),
      ...addTo(pc, scm), ...(add ? addTo(pd, sdm) : []),
    ]).flat();
  // acc += A[:, k] ⊗ B[k, 0..7]; moves the A and B pointers to k + 1
  const kStep = (rows: number) => [
    ...op.get(pb), ...op.v128Load, ...op.set(b0),
    ...op.get(pb), ...op.v128LoadAt(16), ...op.set(b1),
    ...Array.from({ length: rows }, (_, r) => [
      ...op.get(pa[r]), ...op.v128Load32Splat, ...op.set(ar),
      ...madd(acc[2 * r], b0),
      ...madd(acc[2 * r + 1], b1),
      ...addTo(pa[r], sak),
    ]).flat(),
    ...addTo(pb, sbk),
  ];
  // One rows × 8 block of C at (m0, n0); advances m0 by rows.
  const block = (rows: number) => [
    // pa[0] = a + (m0 >> 2)·sap + (m0 & 3)·sam;  pb = b + (n0 >> 3)·sbp
    ...op.get(a),
    ...op.get(m0), ...op.i32(2), ...op.i32ShrU, ...op.get(sap), ...op.i32Mul, ...op.i32Add,
    ...op.get(m0), ...op.i32(3), ...op.i32And, ...op.get(sam), ...op.i32Mul, ...op.i32Add, ...op.set(pa[0]),
    ...pa.slice(1, rows).flatMap((p, r) => [...op.get(pa[r]), ...op.get(sam), ...op.i32Add, ...op.set(p)]),
    ...op.get(b), ...op.get(n0), ...op.i32(3), ...op.i32ShrU, ...op.get(sbp), ...op.i32Mul, ...op.i32Add, ...op.set(pb),
    ...acc.slice(0, 2 * rows).flatMap((r) => [...op.v128Zero, ...op.set(r)]),
    ...op.get(K), ...op.set(k),
    ...op.block,
    ...op.loop, // k
    ...op.get(k), ...op.i32Eqz, ...op.brIf(1),
    ...kStep(rows),
    ...advance(k, -1),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(c), ...op.get(m0), ...op.get(scm), ...op.i32Mul, ...op.i32Add,
    ...op.get(n0), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.set(pc),
    ...op.get(d), ...op.get(m0), ...op.get(sdm), ...op.i32Mul, ...op.i32Add,
    ...op.get(n0), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.set(pd),
    ...op.get(d),
    ...op.if,
    ...storeRows(rows, true),
    ...op.else,
    ...storeRows(rows, false),
    ...op.end,
    ...advance(m0, rows),
  ];
  // while (m0 < limit) block(rows)
  const blocks = (rows: number, limit: number) => [
    ...op.block,
    ...op.loop,
    ...op.get(m0), ...op.get(limit), ...op.i32GeS, ...op.brIf(1),
    ...block(rows),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  const body = [
    ...op.get(alpha), ...op.f32x4Splat, ...op.set(alpha4),
    // mEnd = M − M % R: the rows the R-row blocks cover; mEnd2 = M − M % 2: then the 2-row blocks
    ...op.get(M), ...op.get(M), ...op.i32(R), ...op.i32RemS, ...op.i32Sub, ...op.set(mEnd),
    ...op.get(M), ...op.get(M), ...op.i32(2), ...op.i32RemS, ...op.i32Sub, ...op.set(mEnd2),
    ...op.block,
    ...op.loop, // n-blocks
    ...op.get(n0), ...op.get(N), ...op.i32GeS, ...op.brIf(1),
    ...op.i32(0), ...op.set(m0),
    ...blocks(R, mEnd),
    ...blocks(2, mEnd2), // the M % R leftover rows in pairs,
    ...blocks(1, M), // and the last odd one
    ...advance(n0, 8),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name: "gemm",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32],
    locals: [...new Array<number>(8 + R).fill(I32), ...new Array<number>(4 + 2 * R).fill(V128)],
    body,
  };
}

/**
 * packPanels(src, sk, sn, dst, K, N, width): the K × N matrix with element (k, n) at
 * src + k·sk + n·sn (bytes) into panels of `width` columns, dst[(n / width)·K·width + k·width +
 * n % width] (floats from byte address dst): the layout of the gemm's packed A (width 4, A's rows as
 * the columns here) and packed B (width 8). N % width = 0. Contiguous rows (sn = 4) copy with
 * f32x4 loads, any other stride element by element.
 */
export function packPanelsFn(): Fn {
  const [src, sk, sn, dst, K, N, width] = [0, 1, 2, 3, 4, 5, 6];
  const [p0, k, j, ps, pd, panelStep] = [7, 8, 9, 10, 11, 12];
  // for (x = 0; x < limit; x += step) body
  const loop = (x: number, limit: number, step: number, body: number[]) => [
    ...op.i32(0), ...op.set(x),
    ...op.block, ...op.loop,
    ...op.get(x), ...op.get(limit), ...op.i32GeS, ...op.brIf(1),
    ...body,
    ...(step ? advance(x, step) : []),
    ...op.br(0), ...op.end, ...op.end,
  ];
  // One row of a panel: `vectors` f32x4 copies for contiguous rows, else `width` scalar ones.
  const copyRow = (vectors: number) =>
    vectors
      ? [
          ...Array.from({ length: vectors }, (_, v) => [...op.get(pd), ...op.get(ps), ...op.v128LoadAt(16 * v), ...op.v128StoreAt(16 * v)]).flat(),
          ...advance(pd, 16 * vectors),
        ]
      : loop(j, width, 1, [
          ...op.get(pd), ...op.get(ps), ...op.f32Load, ...op.f32Store,
          ...addTo(ps, sn), ...advance(pd, 4),
        ]);
  // p0 runs over the panels' first columns; each panel is K rows of `width` floats
  const panels = (vectors: number) =>
    loop(p0, N, 0, [
      ...loop(k, K, 1, [
        ...op.get(src), ...op.get(k), ...op.get(sk), ...op.i32Mul, ...op.i32Add, ...op.set(ps),
        ...copyRow(vectors),
      ]),
      ...addTo(src, panelStep),
      ...addTo(p0, width),
    ]);
  // sn = 4 and width 8 or 4 (rows contiguous): fixed vector copies; any other stride: scalar
  const isVector = (w: number) => [...op.get(sn), ...op.i32(4), ...op.i32Sub, ...op.get(width), ...op.i32(w), ...op.i32Sub, ...op.i32Or, ...op.i32Eqz];
  const body = [
    ...op.get(width), ...op.get(sn), ...op.i32Mul, ...op.set(panelStep),
    ...op.get(dst), ...op.set(pd),
    ...isVector(8), ...op.if, ...panels(2),
    ...op.else, ...isVector(4), ...op.if, ...panels(1),
    ...op.else, ...panels(0),
    ...op.end, ...op.end,
  ];
  return { name: "packPanels", params: [I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, I32, I32], body };
}

export type PackPanelsFn = (src: number, sk: number, sn: number, dst: number, K: number, N: number, width: number) => void;

export type GemmFn = (
  a: number, sam: number, sak: number, sap: number,
  b: number, sbk: number, sbp: number,
  c: number, scm: number,
  d: number, sdm: number,
  M: number, N: number, K: number,
  alpha: number,
) => void;

/** Shapes the kernel handles (else the caller uses tfjs ops). */
export function gemmFits(M: number, N: number): boolean {
  return M > 0 && N > 0 && N % 8 === 0;
}
