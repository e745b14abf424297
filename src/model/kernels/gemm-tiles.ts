// The linear layers' products on a BLAS library (blas.ts), in calls of fixed shapes.
//
// Same bytes for any thread count, and for any batch around a row: OpenBLAS's result for an
// element can depend on the call's shape (its kernels for a few leftover rows, for one row, or for
// small products sum in other orders), but not, in one shape, on where a row sits (tested:
// test/model/blas.test.ts and the byte-for-byte tests that run on both engines). So a linear
// layer's y and dx are computed in calls of exactly ROW_TILE rows — the last tile padded through
// scratch — and every row's result is that of the one call shape, whichever rows share its batch,
// whether padded positions are skipped, and whichever thread runs it. dW = dyᵀ·x sums over rows in
// K-blocks of 128 rows, as our gemm does, in tiles of its own rows fixed by its shape; threads
// take whole tiles. Results are deterministic per machine and library, not across them: the
// library picks its kernels for the CPU.

import type { Blas } from "./blas";

/** Rows of every call computing a linear layer's y or dx (the last tile padded to it). */
export const ROW_TILE = 64;

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
}

/** This thread's scratch for a padded tile's rows of A and of C (grown as needed). */
let scratchA = new Float32Array(0);
let scratchC = new Float32Array(0);
const scratch = (have: Float32Array, floats: number): Float32Array => (have.length >= floats ? have : new Float32Array(floats));

/** C's rows [m0, m1) of `g`, m0 a multiple of g.tile, one sgemm call per tile. */
export function gemmTiles(blas: Blas, f32: Float32Array, g: TiledGemm, m0: number, m1: number): void {
  const bias = g.bias === 0 ? null : f32.subarray(g.bias >> 2, (g.bias >> 2) + g.N);
  const b = f32.subarray(g.b >> 2);
  for (let m = m0; m < m1; m += g.tile) {
    const rows = Math.min(g.tile, m1 - m);
    const a = (g.a >> 2) + m * (g.transA ? 1 : g.lda); // row m of op(A)
    const c = (g.c >> 2) + m * g.ldc;
    if (rows < g.tile && g.pad) {
      paddedTile(blas, f32, g, a, c, rows, bias, b);
      continue;
    }
    if (bias) for (let r = 0; r < rows; r++) f32.set(bias, c + r * g.ldc);
    blas.sgemm(g.transA, g.transB, rows, g.N, g.K, g.alpha, f32.subarray(a), g.lda, b, g.ldb, bias ? 1 : g.beta, f32.subarray(c), g.ldc);
  }
}

/** A last tile of `rows` < g.tile rows, computed as a whole tile: its rows of A and C copied to scratch (zero rows below), then back. */
function paddedTile(blas: Blas, f32: Float32Array, g: TiledGemm, a: number, c: number, rows: number, bias: Float32Array | null, b: Float32Array): void {
  if (g.transA) throw new Error("gemmTiles: padded tiles need op(A) = A");
  const [T, K, N] = [g.tile, g.K, g.N];
  scratchA = scratch(scratchA, T * K);
  scratchC = scratch(scratchC, T * N);
  for (let r = 0; r < rows; r++) scratchA.set(f32.subarray(a + r * g.lda, a + r * g.lda + K), r * K);
  scratchA.fill(0, rows * K, T * K);
  for (let r = 0; r < rows; r++) scratchC.set(bias ?? f32.subarray(c + r * g.ldc, c + r * g.ldc + N), r * N);
  scratchC.fill(0, rows * N, T * N);
  blas.sgemm(false, g.transB, T, N, K, g.alpha, scratchA, K, b, g.ldb, bias ? 1 : g.beta, scratchC, N);
  for (let r = 0; r < rows; r++) f32.set(scratchC.subarray(r * N, r * N + N), c + r * g.ldc);
}

const TILED_KEYS = ["transA", "transB", "N", "K", "alpha", "a", "lda", "b", "ldb", "beta", "c", "ldc", "bias", "tile", "pad"] as const;

/** A "gemmTiles" task's numbers: the product, then its rows [m0, m1). */
export const gemmTilesArgs = (g: TiledGemm, m0: number, m1: number): number[] => [...TILED_KEYS.map((key) => Number(g[key])), m0, m1];

/** What a kernel thread hands a JS task (tasks.ts's KernelSet; not imported, to keep imports one-way). */
type BlasTask = (k: { blas: Blas | null; f32(): Float32Array }, args: ArrayLike<number>) => void;

/** The JS tasks of kernel threads (tasks.ts). */
export const BLAS_TASKS: Record<string, BlasTask> = {
  gemmTiles: (k, args) => {
    if (!k.blas) throw new Error("kernel thread: gemmTiles without a BLAS library");
    const g = Object.fromEntries(TILED_KEYS.map((key, i) => [key, key === "transA" || key === "transB" ? args[i] === 1 : args[i]])) as unknown as TiledGemm;
    gemmTiles(k.blas, k.f32(), g, args[TILED_KEYS.length], args[TILED_KEYS.length + 1]);
  },
};
