// The per-thread part of a linear layer on listed rows (ops/linear-fused.ts's rows kernels), free
// of tfjs so that kernel threads run it too. Threads split the LISTED rows' units (row blocks, or
// on a BLAS library tiles' column parts) into contiguous ranges; each gathers the rows of its units
// into the compact matrix, runs the products on them, scatters its blocks of the results back and
// zeroes the unlisted rows around them: the row moves that used to run on the main thread alone (a
// third of a small model's step at 2 threads) now run beside each other.
// A row's gemm result does not depend on the rows around it (kernels/gemm.ts; on a BLAS library,
// calls of one fixed shape: gemm-tiles.ts), so the bytes are those of one thread doing all rows. Offsets are BYTES unless a name says otherwise.
import type { Blas } from "./blas";
import { gemmTiles } from "./gemm-tiles";
import { GEMM_FMA, GEMM_FMA_12, gemmColumns } from "./gemm";

/** A function of the kernels' module (tasks.ts's KernelFunction; not imported, to keep imports one-way). */
type KernelFunction = (...args: number[]) => void;
/** What a kernel thread hands a JS task (tasks.ts's KernelSet). */
type RowsTask = (k: { fn: Record<string, KernelFunction>; f32(): Float32Array; blas: Blas | null }, args: ArrayLike<number>) => void;

/** Rows of A per gemm call, so that a block's rows stay in L2 while all of B's panels stream by;
 * a multiple of both block shapes' rows (3 and 4), so only a range's last block has leftover rows. */
export const ROW_BLOCK = 120;
/** Threads' ranges of listed rows start at multiples of this (both block shapes' rows divide it). */
export const ROW_UNIT = 12;

/** The gemm export for B's panels of `wide12` (1: 3 × 12 blocks, 0: 4 × 8), its rows and panel width. */
export function gemmShape(wide12: number): { name: string; rows: number; cols: number } {
  return wide12 ? { name: "gemm12", rows: GEMM_FMA_12.rows, cols: gemmColumns(GEMM_FMA_12) } : { name: "gemm", rows: GEMM_FMA.rows, cols: gemmColumns(GEMM_FMA) };
}

/**
 * C rows [m0, m1) = A rows [m0, m1) · B (+ D's row, bias-like, when d ≠ 0 and ldd = 0; + D's rows
 * otherwise), in blocks of ROW_BLOCK rows, for B packed into the gemm's panels (K × N) and A a
 * plain matrix (row stride lda bytes). `call` receives each gemm call's arguments.
 */
export function plainRowBlocks(wide12: number, a: number, lda: number, bp: number, c: number, ldc: number, d: number, ldd: number, m0: number, m1: number, N: number, K: number, call: (...args: number[]) => void): void {
  const { rows: R, cols: W } = gemmShape(wide12);
  for (let m = m0; m < m1; m += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, m1 - m);
    call(a + m * lda, lda, 4, R * lda, bp, 4 * W, 4 * W * K, c + m * ldc, ldc, d === 0 ? 0 : d + m * ldd, ldd, rows, N, K, 1);
  }
}

/**
 * Zeroes columns [col, col + width) of the rows of the [n, cols] matrix at byte address p that
 * table[i0..i1) (ascending) leaves out, from row 0 where i0 = 0 (else from table[i0]) to row n
 * where i1 = T (else to table[i1]): the blocks of neighbouring units meet without overlap.
 */
function zeroGaps(f32: Float32Array, p: number, cols: number, table: Int32Array, i0: number, i1: number, n: number, col: number, width: number): void {
  const start = i0 === 0 ? 0 : table[i0];
  const end = i1 === table.length ? n : table[i1];
  const base = (p >> 2) + col;
  const zero = (r0: number, r1: number) => {
    if (width === cols) f32.fill(0, base + r0 * cols, base + r1 * cols);
    else for (let r = r0; r < r1; r++) f32.fill(0, base + r * cols, base + r * cols + width);
  };
  let next = start;
  for (let i = i0; i < i1; i++) {
    if (table[i] > next) zero(next, table[i]);
    next = table[i] + 1;
  }
  if (end > next) zero(next, end);
}

/**
 * A task's units [u0, u1) (a tile's column part each, `parts` a tile of `tile` listed rows; T
 * listed rows in all) as blocks [i0, i1, col, width]: listed rows [i0, i1) and columns
 * [col, col + width) of an N-column output. Whole tiles one after another make one block.
 */
function unitBlocks(u0: number, u1: number, parts: number, tile: number, T: number, N: number): [number, number, number, number][] {
  const w = N / parts;
  const out: [number, number, number, number][] = [];
  for (let u = u0; u < u1; ) {
    const t = Math.floor(u / parts);
    const end = Math.min(u1, (t + 1) * parts);
    const [p0, p1] = [u - t * parts, end - t * parts];
    const [i0, i1] = [t * tile, Math.min(T, (t + 1) * tile)];
    const last = out[out.length - 1];
    if (p1 - p0 === parts && last && last[3] === N && last[1] === i0) last[1] = i1;
    else out.push([i0, i1, p0 * w, (p1 - p0) * w]);
    u = end;
  }
  return out;
}

/** The listed rows [first, end) of the tiles a task's units [u0, u1) have a part of. */
const rowsOfUnits = (u0: number, u1: number, parts: number, tile: number, T: number): [number, number] =>
  [Math.floor(u0 / parts) * tile, Math.min(T, (Math.floor((u1 - 1) / parts) + 1) * tile)];

// A task's arguments, in these key orders. Its work is units [u0, u1) of the listed rows: with
// blasTile > 0 the products run on the BLAS library in padded tiles of that many compact rows, each
// in `parts` column parts (gemm-tiles.ts), and wt / wp is W itself, not packed; with blasTile = 0
// a unit is ROW_UNIT rows, in one part. A tile shared with another thread (each with its own
// parts) has its rows gathered by both: the same bytes written twice, read by each after its own write.
const FORWARD_KEYS = ["x", "inDim", "outDim", "table", "T", "n", "u0", "u1", "xc", "wt", "bias", "yc", "y", "wide12", "blasTile", "parts"] as const;
const BACKWARD_KEYS = ["dy", "x", "inDim", "outDim", "table", "T", "n", "u0", "u1", "dyc", "xc", "wp", "dxc", "dx", "wide12", "blasTile", "parts"] as const;
export type ForwardRowsArgs = Record<(typeof FORWARD_KEYS)[number], number>;
export type BackwardRowsArgs = Record<(typeof BACKWARD_KEYS)[number], number>;

const toArgs = <K extends string>(keys: readonly K[], o: Record<K, number>): number[] => keys.map((key) => o[key]);
const fromArgs = <K extends string>(keys: readonly K[], args: ArrayLike<number>): Record<K, number> =>
  Object.fromEntries(keys.map((key, i) => [key, args[i]])) as Record<K, number>;

export const forwardRowsArgs = (o: ForwardRowsArgs): number[] => toArgs(FORWARD_KEYS, o);
export const backwardRowsArgs = (o: BackwardRowsArgs): number[] => toArgs(BACKWARD_KEYS, o);

const blasOf = (k: Parameters<RowsTask>[0]): Blas => {
  if (!k.blas) throw new Error("kernel thread: a BLAS rows task without a BLAS library");
  return k.blas;
};

const tableOf = (f32: Float32Array, table: number, T: number) => new Int32Array(f32.buffer, table, T);

/** Units [u0, u1) of y = x·Wᵀ + b on the listed rows: their rows gathered into xc, multiplied into yc, scattered into y (wt: Wᵀ packed). */
const forwardRows: RowsTask = (k, args) => {
  const o = fromArgs(FORWARD_KEYS, args);
  const [rowIn, rowOut, tile] = [4 * o.inDim, 4 * o.outDim, o.blasTile || ROW_UNIT];
  const [r0, r1] = rowsOfUnits(o.u0, o.u1, o.parts, tile, o.T);
  k.fn.gatherRows(o.x, rowIn, o.xc + r0 * rowIn, rowIn, o.table + 4 * r0, r1 - r0, o.inDim);
  if (o.blasTile > 0) gemmTiles(blasOf(k), k.f32(), { transA: false, transB: true, N: o.outDim, K: o.inDim, alpha: 1, a: o.xc, lda: o.inDim, b: o.wt, ldb: o.inDim, beta: 0, c: o.yc, ldc: o.outDim, bias: o.bias, tile: o.blasTile, pad: 1, parts: o.parts }, o.u0, o.u1, o.T);
  else plainRowBlocks(o.wide12, o.xc, rowIn, o.wt, o.yc, rowOut, o.bias, 0, r0, r1, o.outDim, o.inDim, k.fn[gemmShape(o.wide12).name]);
  scatterBlocks(k, o, o.yc, o.y, o.outDim, tile);
};

/** Units [u0, u1) of dx = dy·W on the listed rows, with dy's and x's rows gathered into dyc and xc for dW (wp: W packed). */
const backwardRows: RowsTask = (k, args) => {
  const o = fromArgs(BACKWARD_KEYS, args);
  const [rowIn, rowOut, tile] = [4 * o.inDim, 4 * o.outDim, o.blasTile || ROW_UNIT];
  const [r0, r1] = rowsOfUnits(o.u0, o.u1, o.parts, tile, o.T);
  const table = o.table + 4 * r0;
  k.fn.gatherRows(o.dy, rowOut, o.dyc + r0 * rowOut, rowOut, table, r1 - r0, o.outDim);
  k.fn.gatherRows(o.x, rowIn, o.xc + r0 * rowIn, rowIn, table, r1 - r0, o.inDim);
  if (o.blasTile > 0) gemmTiles(blasOf(k), k.f32(), { transA: false, transB: false, N: o.inDim, K: o.outDim, alpha: 1, a: o.dyc, lda: o.outDim, b: o.wp, ldb: o.inDim, beta: 0, c: o.dxc, ldc: o.inDim, bias: 0, tile: o.blasTile, pad: 1, parts: o.parts }, o.u0, o.u1, o.T);
  else plainRowBlocks(o.wide12, o.dyc, rowOut, o.wp, o.dxc, rowIn, 0, 0, r0, r1, o.inDim, o.outDim, k.fn[gemmShape(o.wide12).name]);
  scatterBlocks(k, o, o.dxc, o.dx, o.inDim, tile);
};

/** A task's blocks of the compact result (N columns) scattered to its listed rows of `out`, and the unlisted rows around them zeroed. */
function scatterBlocks(k: Parameters<RowsTask>[0], o: { u0: number; u1: number; parts: number; T: number; n: number; table: number }, compact: number, out: number, N: number, tile: number): void {
  const row = 4 * N;
  const table = tableOf(k.f32(), o.table, o.T);
  for (const [i0, i1, col, width] of unitBlocks(o.u0, o.u1, o.parts, tile, o.T, N)) {
    k.fn.scatterRows(compact + i0 * row + 4 * col, row, out + 4 * col, row, o.table + 4 * i0, i1 - i0, width);
    zeroGaps(k.f32(), out, N, table, i0, i1, o.n, col, width);
  }
}

const WEIGHT_GRAD_KEYS = ["dy", "x", "inDim", "outDim", "dw", "wide12", "n0", "cols", "scratch"] as const;
export type WeightGradArgs = Record<(typeof WEIGHT_GRAD_KEYS)[number], number>;

/** A weightGrad task's numbers: the keys, then [first row, rows] of each K-block. */
export const weightGradArgs = (o: WeightGradArgs, kBlocks: [number, number][]): number[] => [...toArgs(WEIGHT_GRAD_KEYS, o), ...kBlocks.flat()];

/**
 * Columns [n0, n0 + cols) of dW [out, in] = Σ over K-blocks of rows r: dy[r, :]ᵀ · x[r, :], each
 * block summed on its own and added to the blocks before it in order (dW = 0 when every block is
 * empty). Each thread packs its own columns of the block's x into its scratch (kb × cols floats);
 * Aᵀ is read where it lies, dy with its strides swapped (a block's rows of dy stay in cache while
 * the block runs). Both used to be packed on the main thread before every block, one dispatch per
 * block: a serial pass that left the other threads waiting (a small model's step ran ~100 of them).
 */
const weightGrad: RowsTask = (k, args) => {
  const o = fromArgs(WEIGHT_GRAD_KEYS, args);
  const { name, rows: R, cols: W } = gemmShape(o.wide12);
  const [rowIn, rowOut] = [4 * o.inDim, 4 * o.outDim];
  const c = o.dw + 4 * o.n0; // this thread's first column of dW
  let first = true;
  for (let at = WEIGHT_GRAD_KEYS.length; at < args.length; at += 2) {
    const [k0, kb] = [args[at], args[at + 1]];
    if (kb === 0) continue; // adds exact zeros
    k.fn.packPanels(o.x + k0 * rowIn + 4 * o.n0, rowIn, 4, o.scratch, kb, o.cols, W); // this thread's columns of the block's x
    for (let m = 0; m < o.outDim; m += ROW_BLOCK) {
      const rows = Math.min(ROW_BLOCK, o.outDim - m);
      k.fn[name](o.dy + k0 * rowOut + 4 * m, 4, rowOut, 4 * R, o.scratch, 4 * W, 4 * W * kb, c + m * rowIn, rowIn, first ? 0 : c + m * rowIn, rowIn, rows, o.cols, kb, 1);
    }
    first = false;
  }
  if (first) for (let m = 0; m < o.outDim; m++) k.f32().fill(0, (c >> 2) + m * o.inDim, (c >> 2) + m * o.inDim + o.cols);
};

/** The JS tasks of kernel threads (tasks.ts). */
export const LINEAR_ROWS_TASKS: Record<string, RowsTask> = { linearForwardRows: forwardRows, linearBackwardRows: backwardRows, linearWeightGrad: weightGrad };
