// A strided float32 matrix product in WebAssembly SIMD (f32x4), run directly on the tfjs wasm
// backend's memory so that tensors are read and written in place:
//
//   C[m, n] = alpha·Σ_k A[m, k]·B[k, n]  (+ D[m, n] unless d = 0)
//
// Addresses, all in BYTES, for a variant of R × W register blocks (W = 4V columns): A[m, k] at
// a + (m / R)·sap + (m % R)·sam + k·sak, B[k, n] at b + (n / W)·sbp + k·sbk + 4·(n % W), C[m, n] at
// c + m·scm + 4n, D[m, n] at d + m·sdm + 4n (D = C accumulates; sdm = 0 adds one row to every
// row, as a bias). A plain strided matrix has sap = R·sam and sbp = 4W (so Aᵀ and a head's rows
// inside a [seq·batch, hidden] activation cost nothing); operands packed by `packPanels` into
// R-row panels of A ([K][R] each) and W-column panels of B ([K][W] each) are read sequentially,
// which keeps big products at the kernel's speed (strided B touches a new cache line and page per
// k: 32 vs 45 GFLOP/s on 2048×384·384×1536).
//
// The micro-kernel keeps an R × W block of C in R·V f32x4 registers: per k it loads W floats of B,
// splats R of A (row r at one pointer + r·sam) and does R·V multiply-adds, and the loop ends when
// A's pointer reaches its end (no counter). The loop over n-blocks is outside the loop over
// m-blocks so that a K × W panel of B stays in cache while every m-block reads it. Requires
// N % W = 0, any M (callers check `gemmFits` and otherwise use tfjs ops). Two block shapes, as V8
// keeps every value of a k-step in x64's 16 vector registers (it loads all splats up front):
// - 4 × 8 (8 accumulators + 2 B + 4 splats): any N % 8 = 0;
// - 3 × 12 (9 + 3 + 3): 9 multiply-adds per 6 loads instead of 8, for N % 12 = 0 (MiniLM's 384
//   and 1536). 5 × 8, 6 × 8, 4 × 12 or a k-loop unrolled by two spill to the stack (25–40% slower).
// Each has an fma variant (relaxed SIMD's f32x4.relaxed_madd: one vfmadd231ps on machines with
// FMA3, 1.0–1.6× the plain variant's GFLOP/s here, bench/gemm.bench.ts) and a plain one (a
// multiply and an add; runtime.ts picks one per process). Every element is summed over k in order
// with the same instructions in every variant of a kind, whatever the block shape or M, so a row's
// result does not depend on the block shape, on M or on where the row sits in A (the M % R leftover
// rows take 1-row blocks), and results are deterministic on a machine.
import { type Fn, F32, I32, V128, addTo, advance, op } from "./assemble";

export interface GemmVariant {
  /** Rows per register block (R). */
  rows: number;
  /** f32x4 vectors per block row: the block is R × 4V, in R·V accumulators, and B's panels are 4V wide. */
  vectors: number;
  /** Use f32x4.relaxed_madd (relaxed SIMD) instead of a multiply and an add. */
  fma: boolean;
}

/** 4 × 8 blocks: any N % 8 = 0 (the attention's head-sized products, the embedded model's 128-wide layers). */
export const GEMM_FMA: GemmVariant = { rows: 4, vectors: 2, fma: true };
export const GEMM_PLAIN: GemmVariant = { rows: 4, vectors: 2, fma: false };
/** 3 × 12 blocks: 9 multiply-adds per 6 loads instead of 8 per 6, for N % 12 = 0 (MiniLM's 384 and 1536). */
export const GEMM_FMA_12: GemmVariant = { rows: 3, vectors: 3, fma: true };
export const GEMM_PLAIN_12: GemmVariant = { rows: 3, vectors: 3, fma: false };

/** B's panel width (columns) of a variant: N must be a multiple of it. */
export const gemmColumns = (v: GemmVariant): number => 4 * v.vectors;

/** The gemm of a variant, exported under `name` (a module holds one per variant it uses). */
export function gemmFn(variant: GemmVariant, name = "gemm"): Fn {
  const [a, sam, sak, sap, b, sbk, sbp, c, scm, d, sdm, M, N, K, alpha] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const R = variant.rows;
  const V = variant.vectors;
  const W = 4 * V;
  const [m0, n0, pa, paEnd, pb, pc, pd, mEnd] = [15, 16, 17, 18, 19, 20, 21, 22];
  const samTimes = Array.from({ length: R }, (_, r) => 23 + r); // samTimes[r] = r·sam (index 0 unused)
  const firstV = 23 + R;
  const [alpha4, ar] = [firstV, firstV + 1];
  const bv = Array.from({ length: V }, (_, v) => firstV + 2 + v);
  const acc = Array.from({ length: R * V }, (_, i) => firstV + 2 + V + i);
  const madd = (accReg: number, bReg: number) =>
    variant.fma
      ? [...op.get(ar), ...op.get(bReg), ...op.get(accReg), ...op.f32x4RelaxedMadd, ...op.set(accReg)]
      : [...op.get(accReg), ...op.get(ar), ...op.get(bReg), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(accReg)];
  // C[pc + off] ← acc·alpha (+ D[pd + off])
  const store = (reg: number, off: number, add: boolean) => [
    ...op.get(pc),
    ...op.get(reg), ...op.get(alpha4), ...op.f32x4Mul,
    ...(add ? [...op.get(pd), ...op.v128LoadAt(off), ...op.f32x4Add] : []),
    ...op.v128StoreAt(off),
  ];
  const storeRows = (rows: number, add: boolean) =>
    Array.from({ length: rows }, (_, r) => [
      ...Array.from({ length: V }, (_, v) => store(acc[r * V + v], 16 * v, add)).flat(),
      ...addTo(pc, scm), ...(add ? addTo(pd, sdm) : []),
    ]).flat();
  // acc += A[m0.., k] ⊗ B[k, n0..n0 + W): row r of A at pa + r·sam
  const kStep = (rows: number) => [
    ...bv.flatMap((reg, v) => [...op.get(pb), ...op.v128LoadAt(16 * v), ...op.set(reg)]),
    ...Array.from({ length: rows }, (_, r) => [
      ...op.get(pa), ...(r ? [...op.get(samTimes[r]), ...op.i32Add] : []), ...op.v128Load32Splat, ...op.set(ar),
      ...bv.flatMap((reg, v) => madd(acc[r * V + v], reg)),
    ]).flat(),
  ];
  // One rows × W block of C at (m0, n0); advances m0 by rows.
  const block = (rows: number) => [
    // pa = a + (m0 / R)·sap + (m0 % R)·sam;  pb = b + (n0 / W)·sbp;  paEnd = pa + K·sak
    ...op.get(a),
    ...op.get(m0), ...op.i32(R), ...op.i32DivU, ...op.get(sap), ...op.i32Mul, ...op.i32Add,
    ...op.get(m0), ...op.i32(R), ...op.i32RemU, ...op.get(sam), ...op.i32Mul, ...op.i32Add, ...op.tee(pa),
    ...op.get(K), ...op.get(sak), ...op.i32Mul, ...op.i32Add, ...op.set(paEnd),
    ...op.get(b), ...op.get(n0), ...op.i32(W), ...op.i32DivU, ...op.get(sbp), ...op.i32Mul, ...op.i32Add, ...op.set(pb),
    ...acc.slice(0, rows * V).flatMap((r) => [...op.v128Zero, ...op.set(r)]),
    ...op.block,
    ...op.get(K), ...op.i32Eqz, ...op.brIf(0),
    ...op.loop, // k: one pointer into A, one into B, until A's reaches its end
    ...kStep(rows),
    ...addTo(pa, sak), ...addTo(pb, sbk),
    ...op.get(pa), ...op.get(paEnd), ...op.i32Ne, ...op.brIf(0),
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
    ...samTimes.slice(1).flatMap((local, r) => [...op.get(sam), ...op.i32(r + 1), ...op.i32Mul, ...op.set(local)]),
    // mEnd = M − M % R: the rows the R-row blocks cover; the M % R rows left take 1-row blocks
    ...op.get(M), ...op.get(M), ...op.i32(R), ...op.i32RemS, ...op.i32Sub, ...op.set(mEnd),
    ...op.block,
    ...op.loop, // n-blocks
    ...op.get(n0), ...op.get(N), ...op.i32GeS, ...op.brIf(1),
    ...op.i32(0), ...op.set(m0),
    ...blocks(R, mEnd),
    ...blocks(1, M),
    ...advance(n0, W),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32],
    locals: [...new Array<number>(8 + R).fill(I32), ...new Array<number>(2 + V + R * V).fill(V128)],
    body,
  };
}

/**
 * packPanels(src, sk, sn, dst, K, N, width): the K × N matrix with element (k, n) at
 * src + k·sk + n·sn (bytes) into panels of `width` columns, dst[(n / width)·K·width + k·width +
 * n % width] (floats from byte address dst): the layout of the gemm's packed A (width R = 4 or 3,
 * A's rows as the columns here) and packed B (width W = 8 or 12). N % width = 0. Contiguous rows
 * (sn = 4) of width 4, 8 or 12 copy with f32x4 loads, of width 3 with an i64 and an f32 copy, any
 * other stride element by element.
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
  // One row of a panel: `vectors` f32x4 copies for contiguous rows (3: one i64 and one f32 copy,
  // the 3-row panels of the 3 × 12 gemm), else `width` scalar ones.
  const copyRow = (vectors: number | "three") =>
    vectors === "three"
      ? [
          ...op.get(pd), ...op.get(ps), ...op.i64LoadAt(0), ...op.i64StoreAt(0),
          ...op.get(pd), ...op.get(ps), ...op.f32LoadAt(8), ...op.f32StoreAt(8),
          ...advance(pd, 12),
        ]
      : vectors
      ? [
          ...Array.from({ length: vectors }, (_, v) => [...op.get(pd), ...op.get(ps), ...op.v128LoadAt(16 * v), ...op.v128StoreAt(16 * v)]).flat(),
          ...advance(pd, 16 * vectors),
        ]
      : loop(j, width, 1, [
          ...op.get(pd), ...op.get(ps), ...op.f32Load, ...op.f32Store,
          ...addTo(ps, sn), ...advance(pd, 4),
        ]);
  // p0 runs over the panels' first columns; each panel is K rows of `width` floats
  const panels = (vectors: number | "three") =>
    loop(p0, N, 0, [
      ...loop(k, K, 1, [
        ...op.get(src), ...op.get(k), ...op.get(sk), ...op.i32Mul, ...op.i32Add, ...op.set(ps),
        ...copyRow(vectors),
      ]),
      ...addTo(src, panelStep),
      ...addTo(p0, width),
    ]);
  // sn = 4 and width 8, 4, 12 or 3 (rows contiguous): fixed vector copies; any other stride: scalar
  const isVector = (w: number) => [...op.get(sn), ...op.i32(4), ...op.i32Sub, ...op.get(width), ...op.i32(w), ...op.i32Sub, ...op.i32Or, ...op.i32Eqz];
  const body = [
    ...op.get(width), ...op.get(sn), ...op.i32Mul, ...op.set(panelStep),
    ...op.get(dst), ...op.set(pd),
    ...isVector(8), ...op.if, ...panels(2),
    ...op.else, ...isVector(4), ...op.if, ...panels(1),
    ...op.else, ...isVector(12), ...op.if, ...panels(3),
    ...op.else, ...isVector(3), ...op.if, ...panels("three"),
    ...op.else, ...panels(0),
    ...op.end, ...op.end, ...op.end, ...op.end,
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
