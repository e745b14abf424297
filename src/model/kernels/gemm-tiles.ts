// The linear layers' products on a BLAS library (blas.ts), in calls of fixed shapes.
//
// Same bytes for any thread count, and for any batch around a row: OpenBLAS's result for an
// element can depend on the call's shape (its kernels for a few leftover rows, for one row, or for
// small products sum in other orders), and a library is used only where it does not, in one
// shape, depend on where a row sits (blas.ts keepsRowBytes: OpenBLAS's SkylakeX kernels pass, its
// Haswell/Zen ones do not; tested: test/model/blas.test.ts and the byte-for-byte tests that run on
// both engines). So a linear
// layer's y and dx are computed in calls of exactly ROW_TILE rows (blas.ts) — the last tile padded through
// scratch — and of columnParts(N) column parts, and every row's result is that of the one call
// shape, whichever rows share its batch, whether padded positions are skipped, and whichever
// thread runs it; threads take whole units (a tile's part). dW = dyᵀ·x sums over rows in K-blocks
// of 128 rows, as our gemm does, in tiles of its own rows fixed by its shape (one part); threads
// take whole tiles. Results are deterministic per machine and library, not across them: the
// library picks its kernels for the CPU.

import type { Blas } from "./blas";

/**
 * Column parts of each tile of a product N columns wide: 2 where N ≥ 384 (each half a whole
 * number of 16-column blocks), else 1. Threads take whole parts, so two threads split an odd
 * number of tiles evenly: with whole tiles the range holding one more (T = 1,799 listed rows: 29
 * tiles) ran 7–12% longer and the other thread waited for it in every linear layer. Fixed by N
 * alone, so a row's calls are the same for any thread count and any batch. Half-width calls ran as
 * fast as whole ones on MiniLM's shapes (0.98–1.08×; 0.94–0.98× at widths 128 and 512, so smaller
 * products keep one part).
 */
export const columnParts = (N: number): number => (N >= 384 && N % 32 === 0 ? 2 : 1);

/**
 * Rows per tile of dW [M, N] = dyᵀ·x: about 8 tiles (work for up to 8 threads), a multiple of
 * 16, at least 32 and at most 128 (each call packs all of op(B) again, so a tile has rows enough
 * to pay for that). Fixed by M alone; not padded (a product computes each of dW's rows once).
 */
export const weightTileRows = (M: number): number => Math.min(128, Math.max(32, Math.ceil(M / 128) * 16));

/** One tiled product: C rows [m0, m1) of alpha·op(A)·op(B) (+ bias on every row, or + beta·C). */
export interface TiledGemm {
  transA: boolean;
  transB: boolean;
  N: number;
  K: number;
  alpha: number;
  /** Byte addresses in the memory; leading dimensions in floats. */
  a: number;
  lda: number;
  b: number;
  ldb: number;
  /** 0: C = product; 1: C += product. */
  beta: number;
  c: number;
  ldc: number;
  /** Byte address of a row of N floats added to every row of C (with beta 0), or 0. */
  bias: number;
  /** Rows of C per sgemm call: fixed by the product's shape, so the calls are the same for any thread count. */
  tile: number;
  /** 1: a last tile of fewer rows runs padded to `tile` rows (op(A) not transposed), so every call has the same shape. */
  pad: number;
  /** Column parts per tile (columnParts(N), or 1): each part one call of N / parts columns. */
  parts: number;
}

/** The work units of a product of M rows: each tile's column parts, tile after tile. */
export const unitsOf = (g: Pick<TiledGemm, "tile" | "parts">, M: number): number => Math.ceil(M / g.tile) * g.parts;

/** This thread's scratch for a padded tile's rows of A and of C (grown as needed). */
let scratchA = new Float32Array(0);
let scratchC = new Float32Array(0);
const scratch = (have: Float32Array, floats: number): Float32Array => (have.length >= floats ? have : new Float32Array(floats));

/** Units [u0, u1) of `g` (unitsOf) over its M rows: one sgemm call each, a tile's rows and a part's columns. */
export function gemmTiles(blas: Blas, f32: Float32Array, g: TiledGemm, u0: number, u1: number, M: number): void {
  const w = g.N / g.parts;
  for (let u = u0; u < u1; u++) {
    const [m, col] = [Math.floor(u / g.parts) * g.tile, (u % g.parts) * w];
    const rows = Math.min(g.tile, M - m);
    const a = (g.a >> 2) + m * (g.transA ? 1 : g.lda); // row m of op(A)
    const b = f32.subarray((g.b >> 2) + col * (g.transB ? g.ldb : 1)); // column col of op(B)
    const c = (g.c >> 2) + m * g.ldc + col;
    const bias = g.bias === 0 ? null : f32.subarray((g.bias >> 2) + col, (g.bias >> 2) + col + w);
    if (rows < g.tile && g.pad) {
      paddedTile(blas, f32, g, a, b, c, rows, w, bias);
      continue;
    }
    if (bias) for (let r = 0; r < rows; r++) f32.set(bias, c + r * g.ldc);
    blas.sgemm(g.transA, g.transB, rows, w, g.K, g.alpha, f32.subarray(a), g.lda, b, g.ldb, bias ? 1 : g.beta, f32.subarray(c), g.ldc);
  }
}

/** A last tile of `rows` < g.tile rows and w columns, computed as a whole tile: its rows of A and C copied to scratch (zero rows below), then back. */
function paddedTile(blas: Blas, f32: Float32Array, g: TiledGemm, a: number, b: Float32Array, c: number, rows: number, w: number, bias: Float32Array | null): void {
  if (g.transA) throw new Error("gemmTiles: padded tiles need op(A) = A");
  const [T, K] = [g.tile, g.K];
  scratchA = scratch(scratchA, T * K);
  scratchC = scratch(scratchC, T * w);
  for (let r = 0; r < rows; r++) scratchA.set(f32.subarray(a + r * g.lda, a + r * g.lda + K), r * K);
  scratchA.fill(0, rows * K, T * K);
  for (let r = 0; r < rows; r++) scratchC.set(bias ?? f32.subarray(c + r * g.ldc, c + r * g.ldc + w), r * w);
  scratchC.fill(0, rows * w, T * w);
  blas.sgemm(false, g.transB, T, w, K, g.alpha, scratchA, K, b, g.ldb, bias ? 1 : g.beta, scratchC, w);
  for (let r = 0; r < rows; r++) f32.set(scratchC.subarray(r * w, r * w + w), c + r * g.ldc);
}

const TILED_KEYS = ["transA", "transB", "N", "K", "alpha", "a", "lda", "b", "ldb", "beta", "c", "ldc", "bias", "tile", "pad", "parts"] as const;

/** A "gemmTiles" task's numbers: the product, then its units [u0, u1) and rows M. */
export const gemmTilesArgs = (g: TiledGemm, u0: number, u1: number, M: number): number[] => [...TILED_KEYS.map((key) => Number(g[key])), u0, u1, M];

/** What a kernel thread hands a JS task (tasks.ts's KernelSet; not imported, to keep imports one-way). */
type BlasTask = (k: { blas: Blas | null; f32(): Float32Array }, args: ArrayLike<number>) => void;

/** The JS tasks of kernel threads (tasks.ts). */
export const BLAS_TASKS: Record<string, BlasTask> = {
  gemmTiles: (k, args) => {
    if (!k.blas) throw new Error("kernel thread: gemmTiles without a BLAS library");
    const g = Object.fromEntries(TILED_KEYS.map((key, i) => [key, key === "transA" || key === "transB" ? args[i] === 1 : args[i]])) as unknown as TiledGemm;
    const at = TILED_KEYS.length;
    gemmTiles(k.blas, k.f32(), g, args[at], args[at + 1], args[at + 2]);
  },
};
