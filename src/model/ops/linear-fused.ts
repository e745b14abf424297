// nn.Linear (y = x·Wᵀ + b, W [out, in]) forward and backward on our SIMD gemm (kernels/gemm.ts),
// in the wasm backend's memory. Every product reads its B operand packed into panels of 12 columns
// (3 × 12 register blocks, where the width is a multiple of 12, as MiniLM's 384 and 1536) or 8 (4 × 8
// blocks) (packPanels: one pass over B, then sequential reads by every row block) and runs over
// blocks of ROW_BLOCK rows of A, so that the block's rows stay in L2 while all of B's panels stream by:
//   forward  y = x·Wᵀ + b      (B = Wᵀ: W's rows become panel columns; b added as the gemm stores)
//   backward dx = dy·W,  dW = dyᵀ·x (in K-blocks of 128 rows of x, A = dyᵀ packed too),
//            db = column sums of dy (kernels/rows.ts columnSums).
// Packing moves operands, not arithmetic: every sum runs over k in the same order as the strided
// products did, so results are the same bytes. Same arithmetic as linear.ts up to float32 rounding
// (test/model/fusedOps.test.ts).
import * as tf from "@tensorflow/tfjs";
import { type GemmFn, gemmFits } from "../kernels/gemm";
import { type FusedKernels, fusedKernels } from "../kernels/runtime";
import { registerWasmKernelsOnce } from "./registerWasmKernels";

const FORWARD = "InstabilityLinear";
const BACKWARD = "InstabilityLinearGrad";
const K_BLOCK = 128;
// A multiple of both kernels' rows (3 and 4), so that only a product's last block has leftover rows.
const ROW_BLOCK = 120;

/** The kernels when they take this shape (in % 8 = out % 8 = 0, any number of rows), else null. */
export function fusedLinearAvailable(rows: number, inDim: number, outDim: number): FusedKernels | null {
  const fk = fusedKernels();
  if (!fk || !gemmFits(rows, outDim) || !gemmFits(outDim, inDim) || !gemmFits(rows, inDim)) return null;
  registerOnce();
  return fk;
}

const registerOnce = registerWasmKernelsOnce({ [FORWARD]: forwardKernel, [BACKWARD]: backwardKernel });

type KernelArgs = { inputs: Record<string, tf.TensorInfo> };

/** The gemm for products with N columns (and, with A packed, M rows): 3 × 12 register blocks
 * where N % 12 = 0 (and M % 3 = 0), else 4 × 8. `cols` is the width of B's panels, `rows` of A's. */
interface Gemm {
  run: GemmFn;
  rows: number;
  cols: number;
}
function gemmFor(fk: FusedKernels, N: number, packedRows?: number): Gemm {
  if (N % 12 === 0 && (packedRows === undefined || packedRows % 3 === 0)) return { run: fk.gemm12, rows: 3, cols: 12 };
  return { run: fk.gemm, rows: 4, cols: 8 };
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
 * g.rows-row panels when lda is null.
 */
function gemmPackedB(fk: FusedKernels, g: Gemm, a: number, lda: number | null, bp: number, c: number, ldc: number, d: number, ldd: number, M: number, N: number, K: number): void {
  const [R, W] = [g.rows, g.cols];
  for (let m0 = 0; m0 < M; m0 += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, M - m0);
    const dBlock = d === 0 ? 0 : d + m0 * ldd;
    if (lda === null) g.run(a + m0 * K * 4, 4, 4 * R, 4 * R * K, bp, 4 * W, 4 * W * K, c + m0 * ldc, ldc, dBlock, ldd, rows, N, K, 1);
    else g.run(a + m0 * lda, lda, 4, R * lda, bp, 4 * W, 4 * W * K, c + m0 * ldc, ldc, dBlock, ldd, rows, N, K, 1);
  }
}

function forwardKernel({ inputs }: KernelArgs): tf.TensorInfo {
  const fk = fusedKernels()!;
  const { x, w, b } = inputs;
  const [n, inDim] = x.shape;
  const outDim = w.shape[0];
  const y = fk.output([n, outDim]);
  const py = fk.ptr(y);
  const g = gemmFor(fk, outDim);
  const wt = packB(fk, g, fk.ptr(w), 4, inDim * 4, inDim, outDim); // Wᵀ[i, o] = W[o, i]
  gemmPackedB(fk, g, fk.ptr(x), inDim * 4, wt, py, outDim * 4, fk.ptr(b), 0, n, outDim, inDim); // + b on every row
  fk.free(wt);
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
  const [pdy, px, pw] = [fk.ptr(dy), fk.ptr(x), fk.ptr(w)];
  const gx = gemmFor(fk, inDim);
  const wp = packB(fk, gx, pw, inDim * 4, 4, outDim, inDim);
  gemmPackedB(fk, gx, pdy, outDim * 4, wp, fk.ptr(dx), inDim * 4, 0, 0, n, inDim, outDim);
  fk.free(wp);
  // dW [out, in] = Σ over K-blocks of rows r: dy[r, :]ᵀ · x[r, :]
  const gw = gemmFor(fk, inDim, outDim);
  const ap = fk.malloc(4 * K_BLOCK * outDim);
  const bp = fk.malloc(4 * K_BLOCK * inDim);
  for (let k0 = 0; k0 < n; k0 += K_BLOCK) {
    const kb = Math.min(K_BLOCK, n - k0);
    fk.packPanels(pdy + k0 * outDim * 4, outDim * 4, 4, ap, kb, outDim, gw.rows); // A[o, r] = dy[r, o]
    fk.packPanels(px + k0 * inDim * 4, inDim * 4, 4, bp, kb, inDim, gw.cols);
    gemmPackedB(fk, gw, ap, null, bp, fk.ptr(dw), inDim * 4, k0 > 0 ? fk.ptr(dw) : 0, inDim * 4, outDim, inDim, kb);
  }
  fk.free(ap);
  fk.free(bp);
  fk.columnSums(pdy, outDim * 4, fk.ptr(db), n, outDim);
  return [dx, dw, db];
}

export function fusedLinearForward(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(FORWARD, { x, w, b } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor;
}

export function fusedLinearBackward(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(BACKWARD, { dy, x, w } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}
