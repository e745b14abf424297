// nn.Linear (y = x·Wᵀ + b, W [out, in]) forward and backward on our SIMD gemm (kernels/gemm.ts),
// in the wasm backend's memory. Every product reads its B operand packed into panels of 12 columns
// (3 × 12 register blocks, where the width is a multiple of 12, as MiniLM's 384 and 1536) or 8 (4 × 8
// blocks) (packPanels: one pass over B, then sequential reads by every row block) and runs over
// blocks of ROW_BLOCK rows of A, so that the block's rows stay in L2 while all of B's panels stream by:
//   forward  y = x·Wᵀ + b      (B = Wᵀ: W's rows become panel columns; b added as the gemm stores)
//   backward dx = dy·W,  dW = dyᵀ·x (in K-blocks of 128 rows of x; threads split dW's columns,
//            each packing its columns of x, A = dyᵀ read in place: kernels/linear-rows.ts),
//            db = column sums of dy (kernels/rows.ts columnSums), threads splitting db's elements
//            in the dispatch of dW.
// Packing moves operands, not arithmetic: every sum runs over k in the same order as the strided
// products did, so results are the same bytes. Same arithmetic as linear.ts up to float32 rounding
// (test/model/fusedOps.test.ts). Where a BLAS library is in use (kernels/blas.ts) the same three
// products run on it instead, in tiles of fixed shapes (kernels/gemm-tiles.ts): W read as it lies,
// nothing packed by us.
import * as tf from "@tensorflow/tfjs";
import { GEMM_FMA, GEMM_FMA_12, type GemmFn, gemmColumns, gemmFits } from "../kernels/gemm";
import { ROW_TILE } from "../kernels/blas";
import { type TiledGemm, columnParts, gemmTiles, gemmTilesArgs, unitsOf, weightTileRows } from "../kernels/gemm-tiles";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";
import { splitChunks, splitRange, threadsFor } from "../kernels/split";
import { ROW_BLOCK, ROW_UNIT, backwardRowsArgs, forwardRowsArgs, weightGradArgs } from "../kernels/linear-rows";
import type { Call } from "../kernels/tasks";
import { registerWasmKernelsOnce } from "./registerWasmKernels";

const FORWARD = "InstabilityLinear";
const BACKWARD = "InstabilityLinearGrad";
const FORWARD_ROWS = "InstabilityLinearRows";
const BACKWARD_ROWS = "InstabilityLinearRowsGrad";
const K_BLOCK = 128;

/** The kernels when they take this shape (in % 8 = out % 8 = 0, any number of rows), else null. */
export function fusedLinearAvailable(rows: number, inDim: number, outDim: number): FusedKernels | null {
  const fk = fusedKernels();
  if (!fk || !gemmFits(rows, outDim) || !gemmFits(outDim, inDim) || !gemmFits(rows, inDim)) return null;
  registerOnce();
  return fk;
}

const registerOnce = registerWasmKernelsOnce({
  [FORWARD]: forwardKernel,
  [BACKWARD]: backwardKernel,
  [FORWARD_ROWS]: forwardRowsKernel,
  [BACKWARD_ROWS]: backwardRowsKernel,
});

type KernelArgs = { inputs: Record<string, tf.TensorInfo> };

/** The gemm for products with N columns (and, with A packed, M rows): 3 × 12 register blocks
 * where N % 12 = 0 (and M % 3 = 0), else 4 × 8. `cols` is the width of B's panels, `rows` of A's. */
interface Gemm {
  run: GemmFn;
  /** The module's export of `run` (what a kernel thread calls). */
  name: string;
  rows: number;
  cols: number;
}
function gemmFor(fk: FusedKernels, N: number, packedRows?: number): Gemm {
  const [rows, cols] = [GEMM_FMA_12.rows, gemmColumns(GEMM_FMA_12)]; // the plain variant's blocks are alike
  if (N % cols === 0 && (packedRows === undefined || packedRows % rows === 0)) return { run: fk.gemm12, name: "gemm12", rows, cols };
  return { run: fk.gemm, name: "gemm", rows: GEMM_FMA.rows, cols: gemmColumns(GEMM_FMA) };
}

/** B [K, N] (element (k, n) at src + k·sk + n·sn, bytes) packed into g's panels: free with fk.free. */
function packB(fk: FusedKernels, g: Gemm, src: number, sk: number, sn: number, K: number, N: number): number {
  const p = fk.malloc(4 * K * N);
  fk.packPanels(src, sk, sn, p, K, N, g.cols);
  return p;
}

/**
 * C [M, N] (row stride ldc bytes) = A·B (+ D, row stride ldd, unless d = 0) for B packed by packB,
 * in blocks of ROW_BLOCK rows. A is a plain [M, K] matrix (row stride lda bytes), or packed into
 * g.rows-row panels when lda is null. With more than one thread, each computes a range of B's
 * panels (C's columns) over all rows: every element is still one thread's whole sum over k.
 */
function gemmPackedB(fk: FusedKernels, g: Gemm, a: number, lda: number | null, bp: number, c: number, ldc: number, d: number, ldd: number, M: number, N: number, K: number): void {
  const threads = threadsFor(fk.threads(), M * N * K);
  if (threads === 1) return rowBlocks(g, a, lda, bp, c, ldc, d, ldd, M, N, K, (...args) => g.run(...args));
  const chunk = ([n0, cols]: [number, number]): Call[] => {
    const calls: Call[] = [];
    const [b0, c0, d0] = [bp + (n0 / g.cols) * 4 * g.cols * K, c + 4 * n0, d === 0 ? 0 : d + 4 * n0];
    rowBlocks(g, a, lda, b0, c0, ldc, d0, ldd, M, cols, K, (...args) => calls.push({ task: g.name, args }));
    return calls;
  };
  fk.parallelChunks(splitChunks(N, threads, g.cols, M * K).map((chunks) => chunks.map(chunk)));
}

/** The gemm calls of gemmPackedB over N columns (B's panels from bp on), passed to `call`. */
function rowBlocks(g: Gemm, a: number, lda: number | null, bp: number, c: number, ldc: number, d: number, ldd: number, M: number, N: number, K: number, call: (...args: Parameters<GemmFn>) => void): void {
  const [R, W] = [g.rows, g.cols];
  for (let m0 = 0; m0 < M; m0 += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, M - m0);
    const dBlock = d === 0 ? 0 : d + m0 * ldd;
    if (lda === null) call(a + m0 * K * 4, 4, 4 * R, 4 * R * K, bp, 4 * W, 4 * W * K, c + m0 * ldc, ldc, dBlock, ldd, rows, N, K, 1);
    else call(a + m0 * lda, lda, 4, R * lda, bp, 4 * W, 4 * W * K, c + m0 * ldc, ldc, dBlock, ldd, rows, N, K, 1);
  }
}

/**
 * C's M rows of `products` (in order, all tiled alike: dW's K-blocks accumulate into one C) on the
 * BLAS library (gemm-tiles.ts), threads taking whole units; `work` multiply-adds in all.
 */
function blasProducts(fk: FusedKernels, products: TiledGemm[], M: number, work: number, after: (threads: number) => Call[][] = noCalls): void {
  const units = products.length === 0 ? 0 : unitsOf(products[0], M);
  const threads = units === 0 ? 1 : Math.min(units, threadsFor(fk.threads(), work));
  if (threads === 1) {
    const [blas, f32] = [fk.blas!, fk.f32()];
    products.forEach((g) => gemmTiles(blas, f32, g, 0, units, M));
    return runHere(fk, after(1)[0]);
  }
  const tails = after(threads); // with each thread's first chunk
  const shares = splitChunks(units, threads, 1, work / units).map((chunks, t) =>
    chunks.map(([u0, count], i) => [...products.map((g) => ({ task: "gemmTiles", args: gemmTilesArgs(g, u0, u0 + count, M) })), ...(i === 0 ? tails[t] : [])]));
  fk.parallelChunks(shares);
}
const blasProduct = (fk: FusedKernels, g: TiledGemm, M: number): void => blasProducts(fk, [g], M, M * g.N * g.K);

/** No calls after a product's tiles. */
const noCalls = (threads: number): Call[][] => Array.from({ length: threads }, () => []);

/** Runs `calls` on this thread, in order. */
const runHere = (fk: FusedKernels, calls: Call[]): void => fk.parallel([calls]);

/**
 * db = Σ_rows dy (dy [n, out], row stride out floats) as one call per thread, each on its own range
 * of db's elements (columns of dy; every column is summed over rows in order on one thread, so the
 * bytes are those of one call over all columns): they ride in the dispatch of dW's products.
 */
const biasGradCalls = (pdy: number, pdb: number, n: number, outDim: number) => (threads: number): Call[][] => {
  const ranges = splitRange(outDim, threads, 4);
  return Array.from({ length: threads }, (_, t) => {
    if (t >= ranges.length) return [];
    const [o0, count] = ranges[t];
    return [{ task: "columnSums", args: [pdy + 4 * o0, outDim * 4, pdb + 4 * o0, n, count] }];
  });
};

/** y = x·Wᵀ (+ b), at byte addresses (W [out, in] read as it lies): a tiled product on the BLAS library. */
const blasForward = (x: number, w: number, bias: number, y: number, inDim: number, outDim: number): TiledGemm =>
  ({ transA: false, transB: true, N: outDim, K: inDim, alpha: 1, a: x, lda: inDim, b: w, ldb: inDim, beta: 0, c: y, ldc: outDim, bias, tile: ROW_TILE, pad: 1, parts: columnParts(outDim) });
/** dx = dy·W: a tiled product on the BLAS library. */
const blasInputGrad = (dy: number, w: number, dx: number, inDim: number, outDim: number): TiledGemm =>
  ({ transA: false, transB: false, N: inDim, K: outDim, alpha: 1, a: dy, lda: outDim, b: w, ldb: inDim, beta: 0, c: dx, ldc: inDim, bias: 0, tile: ROW_TILE, pad: 1, parts: columnParts(inDim) });

/** y [n, out] = x·Wᵀ + b at byte addresses. */
function linearForward(fk: FusedKernels, px: number, pw: number, pb: number, py: number, n: number, inDim: number, outDim: number): void {
  if (fk.blas) return blasProduct(fk, blasForward(px, pw, pb, py, inDim, outDim), n);
  const g = gemmFor(fk, outDim);
  const wt = packB(fk, g, pw, 4, inDim * 4, inDim, outDim); // Wᵀ[i, o] = W[o, i]
  gemmPackedB(fk, g, px, inDim * 4, wt, py, outDim * 4, pb, 0, n, outDim, inDim); // + b on every row
  fk.free(wt);
}

/** The K-blocks of dW's sum over n rows: [first row, rows] of K_BLOCK rows each. */
const denseBlocks = (n: number): [number, number][] =>
  Array.from({ length: Math.ceil(n / K_BLOCK) }, (_, i) => [i * K_BLOCK, Math.min(K_BLOCK, n - i * K_BLOCK)]);

/** dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy at byte addresses, over n rows. */
function linearBackward(fk: FusedKernels, pdy: number, px: number, pw: number, pdx: number, pdw: number, pdb: number, n: number, inDim: number, outDim: number): void {
  if (fk.blas) {
    blasProduct(fk, blasInputGrad(pdy, pw, pdx, inDim, outDim), n);
  } else {
    const gx = gemmFor(fk, inDim);
    const wp = packB(fk, gx, pw, inDim * 4, 4, outDim, inDim);
    gemmPackedB(fk, gx, pdy, outDim * 4, wp, pdx, inDim * 4, 0, 0, n, inDim, outDim);
    fk.free(wp);
  }
  weightGradients(fk, pdy, px, pdw, pdb, n, inDim, outDim, denseBlocks(n));
}

/** dW = dyᵀ·x and db = Σ_rows dy over n rows, dW summing each K-block of rows (kBlocks: [first row, rows]) on its own and adding the blocks in order. */
function weightGradients(fk: FusedKernels, pdy: number, px: number, pdw: number, pdb: number, n: number, inDim: number, outDim: number, kBlocks: [number, number][]): void {
  if (fk.blas) return blasWeightGradients(fk, pdy, px, pdw, pdb, n, inDim, outDim, kBlocks);
  // dW [out, in] = Σ over K-blocks of rows r: dy[r, :]ᵀ · x[r, :], threads splitting dW's columns
  const g = gemmFor(fk, inDim, outDim);
  const common = { dy: pdy, x: px, inDim, outDim, dw: pdw, wide12: g.name === "gemm12" ? 1 : 0 };
  const shares = splitChunks(inDim, Math.min(Math.ceil(inDim / g.cols), threadsFor(fk.threads(), n * inDim * outDim)), g.cols, n * outDim);
  const kMax = Math.max(...kBlocks.map(([, kb]) => kb));
  const scratch = fk.malloc(4 * kMax * inDim); // each chunk its columns' part
  const db = biasGradCalls(pdy, pdb, n, outDim)(shares.length); // with each thread's first chunk
  fk.parallelChunks(shares.map((chunks, t) => chunks.map(([n0, cols], i) =>
    [{ task: "linearWeightGrad", args: weightGradArgs({ ...common, n0, cols, scratch: scratch + 4 * kMax * n0 }, kBlocks) }, ...(i === 0 ? db[t] : [])])));
  fk.free(scratch);
}

/** weightGradients on the BLAS library: per K-block one tiled product dW (+)= dy_blockᵀ·x_block, threads taking whole tiles of dW's rows. */
function blasWeightGradients(fk: FusedKernels, pdy: number, px: number, pdw: number, pdb: number, n: number, inDim: number, outDim: number, kBlocks: [number, number][]): void {
  const blocks = kBlocks.filter(([, kb]) => kb > 0); // an empty block adds exact zeros
  if (blocks.length === 0) fk.f32().fill(0, pdw >> 2, (pdw >> 2) + outDim * inDim);
  const products = blocks.map(([k0, kb], i): TiledGemm =>
    ({ transA: true, transB: false, N: inDim, K: kb, alpha: 1, a: pdy + 4 * k0 * outDim, lda: outDim, b: px + 4 * k0 * inDim, ldb: inDim, beta: i === 0 ? 0 : 1, c: pdw, ldc: inDim, bias: 0, tile: weightTileRows(outDim), pad: 0, parts: 1 }));
  blasProducts(fk, products, outDim, n * inDim * outDim, biasGradCalls(pdy, pdb, n, outDim));
}

function forwardKernel({ inputs }: KernelArgs): tf.TensorInfo {
  const fk = fusedKernels()!;
  const { x, w, b } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const y = fk.output([n, outDim]);
  linearForward(fk, fk.ptr(x), fk.ptr(w), fk.ptr(b), fk.ptr(y), n, inDim, outDim);
  return y;
}

function backwardKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { dy, x, w } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const dx = fk.output([n, inDim]);
  const dw = fk.output([outDim, inDim]);
  const db = fk.output([outDim]);
  linearBackward(fk, fk.ptr(dy), fk.ptr(x), fk.ptr(w), fk.ptr(dx), fk.ptr(dw), fk.ptr(db), n, inDim, outDim);
  return [dx, dw, db];
}

// The same layer on the rows listed in `rows` only (int32, ascending): they are gathered into a
// compact matrix, multiplied, and scattered back; every other row of y (and of dx) is zero, and dW
// and db sum over the listed rows. The gathers, products, scatters and zeroing run on every thread,
// each on its own range of the listed rows (kernels/linear-rows.ts); dW and db then run on the
// compact rows as in the dense kernel. For rows whose gradient is exactly zero (a padded position
// when the loss reads real tokens only), that is the full layer's dW, db and dx on the listed rows:
// the rows left out only add zeros. dW's K-blocks stay those of the full rows (each listed row in
// the block of its own index), so its partial sums group alike.

/** dW's K-blocks over the compact rows: the listed rows of each K_BLOCK of the full n rows. */
function listedBlocks(rows: Int32Array, n: number): [number, number][] {
  const blocks = denseBlocks(n).map((): [number, number] => [0, 0]);
  let i = 0;
  blocks.forEach((block, b) => {
    block[0] = i;
    while (i < rows.length && rows[i] < (b + 1) * K_BLOCK) i++;
    block[1] = i - block[0];
  });
  return blocks;
}

/** The rows table of a kernel input, copied out of the wasm memory (it is small). */
const rowList = (fk: FusedKernels, rows: tf.TensorInfo): Int32Array =>
  new Int32Array(fk.f32().buffer, fk.ptr(rows), rows.shape[0]).slice();

/**
 * Threads' shares for a rows kernel of `work` multiply-adds over T listed rows, in chunks of units
 * [u0, count] (kernels/linear-rows.ts: BLAS tiles' column parts of an N-column product where
 * blasTile > 0, else ROW_UNIT rows), and the parts a tile.
 */
function rowUnits(fk: FusedKernels, T: number, work: number, blasTile: number, N: number): { shares: [number, number][][]; parts: number } {
  const parts = blasTile > 0 ? columnParts(N) : 1;
  const units = Math.ceil(T / (blasTile || ROW_UNIT)) * parts;
  // threads' shares of whole units (parts: odd tile counts split evenly), their chunks of whole tiles (a tile's rows gathered once)
  return { shares: splitChunks(units, Math.min(units, threadsFor(fk.threads(), work)), 1, work / units, parts), parts };
}

function forwardRowsKernel({ inputs }: KernelArgs): tf.TensorInfo {
  const fk = fusedKernels()!;
  const { x, w, b, rows } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const T = rows.shape[0];
  const y = fk.output([n, outDim]);
  if (T === 0) return zeroed(fk, y, n * outDim);
  const g = gemmFor(fk, outDim);
  const onBlas = fk.blas !== null;
  const blasTile = onBlas ? ROW_TILE : 0;
  const wt = onBlas ? fk.ptr(w) : packB(fk, g, fk.ptr(w), 4, inDim * 4, inDim, outDim); // Wᵀ[i, o] = W[o, i]
  const [xc, yc] = [fk.malloc(4 * T * inDim), fk.malloc(4 * T * outDim)];
  const common = { x: fk.ptr(x), inDim, outDim, table: fk.ptr(rows), T, n, xc, wt, bias: fk.ptr(b), yc, y: fk.ptr(y), wide12: g.name === "gemm12" ? 1 : 0, blasTile };
  const { shares, parts } = rowUnits(fk, T, T * inDim * outDim, blasTile, outDim);
  fk.parallelChunks(shares.map((chunks) => chunks.map(([u0, count]) => [{ task: "linearForwardRows", args: forwardRowsArgs({ ...common, u0, u1: u0 + count, parts }) }])));
  (onBlas ? [xc, yc] : [wt, xc, yc]).forEach((p) => fk.free(p));
  return y;
}

function backwardRowsKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const { dy, x, w, rows } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const T = rows.shape[0];
  const dx = fk.output([n, inDim]);
  const dw = fk.output([outDim, inDim]);
  const db = fk.output([outDim]);
  if (T === 0) return [zeroed(fk, dx, n * inDim), zeroed(fk, dw, outDim * inDim), zeroed(fk, db, outDim)];
  // dx = dy·W and the gathered rows of dy and x, split over threads by rows; then dW and db
  const g = gemmFor(fk, inDim);
  const onBlas = fk.blas !== null;
  const blasTile = onBlas ? ROW_TILE : 0;
  const wp = onBlas ? fk.ptr(w) : packB(fk, g, fk.ptr(w), inDim * 4, 4, outDim, inDim);
  const [dyc, xc, dxc] = [fk.malloc(4 * T * outDim), fk.malloc(4 * T * inDim), fk.malloc(4 * T * inDim)];
  const common = { dy: fk.ptr(dy), x: fk.ptr(x), inDim, outDim, table: fk.ptr(rows), T, n, dyc, xc, wp, dxc, dx: fk.ptr(dx), wide12: g.name === "gemm12" ? 1 : 0, blasTile };
  const { shares, parts } = rowUnits(fk, T, T * inDim * outDim, blasTile, inDim);
  fk.parallelChunks(shares.map((chunks) => chunks.map(([u0, count]) => [{ task: "linearBackwardRows", args: backwardRowsArgs({ ...common, u0, u1: u0 + count, parts }) }])));
  (onBlas ? [dxc] : [wp, dxc]).forEach((p) => fk.free(p));
  weightGradients(fk, dyc, xc, fk.ptr(dw), fk.ptr(db), T, inDim, outDim, listedBlocks(rowList(fk, rows), n));
  [dyc, xc].forEach((p) => fk.free(p));
  return [dx, dw, db];
}

/** t filled with `count` zeros. */
function zeroed(fk: FusedKernels, t: tf.TensorInfo, count: number): tf.TensorInfo {
  const p = fk.ptr(t) >> 2;
  fk.f32().fill(0, p, p + count);
  return t;
}

export function fusedLinearForward(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(FORWARD, { x, w, b } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor;
}

export function fusedLinearBackward(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(BACKWARD, { dy, x, w } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}

/** The layer on the listed rows only (rows: int32 [T], ascending); y's other rows are zero. */
export function fusedLinearRowsForward(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, rows: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(FORWARD_ROWS, { x, w, b, rows } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor;
}

export function fusedLinearRowsBackward(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor, rows: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(BACKWARD_ROWS, { dy, x, w, rows } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}
