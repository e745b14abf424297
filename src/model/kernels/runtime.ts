// The bridge between our SIMD module and the tfjs wasm backend: the module imports the backend's
// own WebAssembly.Memory, so a tensor's bytes are read and written where tfjs keeps them (its
// memoryOffset) and a kernel's outputs are buffers the backend allocated (makeOutput).
// fusedKernels() is null off the wasm backend, without WebAssembly SIMD, or with
// INSTABILITY_FUSED=0: callers then use the composite tfjs ops (the old path). Where the backend's
// memory is shared (more than one thread, backend.ts), `parallel` runs kernel calls on worker
// threads too (pool.ts), and `threads` says how many a kernel may split its work over.
import * as v8 from "node:v8";
import * as tf from "@tensorflow/tfjs";
import { type AdamWFn, adamwFn } from "./adamw";
import { type Fn, moduleBytes } from "./assemble";
import { GEMM_FMA, GEMM_FMA_12, GEMM_PLAIN, GEMM_PLAIN_12, type GemmFn, type PackPanelsFn, gemmFn, packPanelsFn } from "./gemm";
import { type DropoutMaskFn, dropoutMaskFn } from "./dropout";
import { type GeluBackwardFn, type GeluForwardFn, geluBackwardFn, geluForwardFn } from "./gelu";
import { installSharedIdentity } from "./identity";
import { installThreadedAdd } from "./threaded-add";
import { type LayerNormBackwardFn, type LayerNormForwardFn, layerNormBackwardFn, layerNormForwardFn, layerNormParamGradsFn } from "./layer-norm";
import { type RowsFn, columnSumsFn, copyRowsFn, gatherRowsFn, mulRowsFn, scatterAddRowsFn, scatterRowsFn, softmaxGradRowsFn, transposeRowsFn } from "./rows";
import { type ResidualAddFn, residualAddFn } from "./residual-add";
import { type SoftmaxRowsFn, softmaxRowsFn } from "./softmax";
import { type SumSquaresFn, sumSquaresFn } from "./sum-squares";
import { type Blas, processBlas } from "./blas";
import { KernelPool } from "./pool";
import { type Call, kernelSet, runTask, taskNames } from "./tasks";
import { kernelThreads } from "../threads";
import { envSwitch } from "../../util/envSwitch";

// tsconfig's lib has no DOM, so the part of the WebAssembly JS API used here is typed locally.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

interface WasmBackendLike {
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory; _malloc(n: number): number; _free(p: number): void };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

export interface FusedKernels {
  readonly backend: WasmBackendLike;
  /** 4 × 8 register blocks: N % 8 = 0, B in 8-column panels (A packed: 4-row panels). */
  gemm: GemmFn;
  /** 3 × 12 register blocks, the same arithmetic per element: N % 12 = 0, B in 12-column panels
   * (A packed: 3-row panels). */
  gemm12: GemmFn;
  /** Packs a matrix into the gemm's A or B panels (gemm.ts). */
  packPanels: PackPanelsFn;
  softmaxRows: SoftmaxRowsFn;
  /** See rows.ts for the four row kernels' arguments. */
  copyRows: RowsFn;
  /** gatherRows / scatterRows(src, srcRowBytes, dst, dstRowBytes, table, count, cols): rows by an i32 index table (rows.ts). */
  gatherRows: RowsFn;
  scatterRows: RowsFn;
  /** scatterAddRows(src, srcRowBytes, dst, dstRowBytes, table, count, cols, lo, hi): rows.ts. */
  scatterAddRows: RowsFn;
  transposeRows: RowsFn;
  mulRows: RowsFn;
  softmaxGradRows: RowsFn;
  /** columnSums(src, srcRowBytes, dst, rows, cols): dst_j = Σ_r src_rj (rows.ts). */
  columnSums: RowsFn;
  geluForward: GeluForwardFn;
  geluBackward: GeluBackwardFn;
  dropoutMask: DropoutMaskFn;
  layerNormForward: LayerNormForwardFn;
  layerNormBackward: LayerNormBackwardFn;
  /** One AdamW update of a parameter (adamw.ts). */
  adamw: AdamWFn;
  /** Adds Σ g² (float64, in order) of a float32 buffer to the float64 at an address (sum-squares.ts). */
  sumSquares: SumSquaresFn;
  /** x ⊙ mask + r (or x + r with mask 0), a block's LayerNorm input (residual-add.ts). */
  residualAdd: ResidualAddFn;
  /** Float32 view of the whole wasm memory (take it again after anything that may allocate). */
  f32(): Float32Array;
  /** Byte address of a tensor's data in the wasm memory. */
  ptr(t: tf.TensorInfo): number;
  /** A new float32 tensor buffer of the backend (contents undefined until written). */
  output(shape: number[]): tf.TensorInfo;
  /** Scratch bytes in the wasm heap; free with `free`. */
  malloc(bytes: number): number;
  free(p: number): void;
  /** The threads a kernel may split its work over now (1: call the functions above directly). */
  threads(): number;
  /** Runs perThread[t]'s calls on thread t (0: this one), or on another through with its own, and returns when all have run (pool.ts). */
  parallel(perThread: Call[][]): void;
  /** The same with each thread's share cut into chunks (lists of calls): a thread through with its share takes others' last chunks. */
  parallelChunks(shares: Call[][][]): void;
  /** The BLAS library's sgemm the linear layers use now (blas.ts: INSTABILITY_BLAS), or null for our gemm. */
  readonly blas: Blas | null;
}

let cached: FusedKernels | null | undefined;
let cachedBackend: unknown = null;

/** Whether the fused path is switched on (INSTABILITY_FUSED=0 turns it off). */
export function fusedEnabled(): boolean {
  const v = envSwitch("INSTABILITY_FUSED");
  if (v === undefined || v === "" || v === "1") return true;
  if (v === "0") return false;
  throw new Error(`INSTABILITY_FUSED=${v} is not a switch: use 1 (fused kernels, the default) or 0 (composite tfjs ops)`);
}

const kernelFns = (fma: boolean): Fn[] => [gemmFn(fma ? GEMM_FMA : GEMM_PLAIN), gemmFn(fma ? GEMM_FMA_12 : GEMM_PLAIN_12, "gemm12"), packPanelsFn(), softmaxRowsFn(), copyRowsFn(), gatherRowsFn(), scatterRowsFn(), scatterAddRowsFn(), transposeRowsFn(), mulRowsFn(), softmaxGradRowsFn(), columnSumsFn(), geluForwardFn(), geluBackwardFn(), dropoutMaskFn(), layerNormForwardFn(), layerNormBackwardFn(), layerNormBackwardFn(false), layerNormParamGradsFn(), adamwFn(), sumSquaresFn(), residualAddFn()];

/**
 * Instantiates a module of `fns` on `memory`. Node 20's V8 (11.3) has relaxed SIMD (a finished
 * WebAssembly proposal, on by default from V8 11.4 / Node 22) behind
 * --experimental-wasm-relaxed-simd; wasm features are read when a module is compiled, so setting
 * the flag here, before compiling, enables it for this process. It changes nothing else.
 * Throws when the engine cannot compile the module.
 */
export function instantiateKernels(fns: Fn[], memory: WasmMemory): Record<string, unknown> {
  return instantiateModule(fns, memory).exports;
}

/** instantiateKernels, with the compiled module (worker threads instantiate it again). */
function instantiateModule(fns: Fn[], memory: WasmMemory): { module: object; exports: Record<string, unknown> } {
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const module = new wasm.Module(moduleBytes(fns, typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer));
  return { module, exports: new wasm.Instance(module, { env: { memory } }).exports };
}

/** A fresh WebAssembly memory of `pages` × 64 KiB (for tests and benches of the kernels alone). */
export function newWasmMemory(pages: number): WasmMemory {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  return new wasm.Memory({ initial: pages });
}

/** The module with the FMA gemm where relaxed SIMD compiles, else with the plain one; fixed per
 * process and machine, so results stay deterministic (same seed → same bytes). */
function compileKernels(memory: WasmMemory): { module: object; exports: Record<string, unknown> } {
  try {
    return instantiateModule(kernelFns(true), memory);
  } catch {
    return instantiateModule(kernelFns(false), memory);
  }
}

let dispatches = 0;
/** How many dispatches over more than one thread this process has run (tests check the threaded path ran). */
export const threadedDispatches = (): number => dispatches;

/** `parallelChunks` of FusedKernels: the pool starts at the first dispatch over more than one thread. */
function parallelRunner(memory: WasmMemory, module: object, exports: Record<string, unknown>): (shares: Call[][][]) => void {
  const local = kernelSet(exports, memory, processBlas);
  let pool: KernelPool | null = null;
  return (shares) => {
    if (shares.length === 1) {
      for (const chunk of shares[0]) for (const call of chunk) runTask(local, call.task, call.args);
      return;
    }
    pool ??= new KernelPool(memory, module, taskNames(exports), local);
    dispatches++;
    pool.run(shares);
  };
}

/** The fused kernels for the active backend, or null when the old path must be used. */
export function fusedKernels(): FusedKernels | null {
  if (!fusedEnabled() || tf.getBackend() !== "wasm") return null;
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (cached !== undefined && cachedBackend === backend) return cached;
  processBlas(); // first: a library named in INSTABILITY_BLAS that fails to load is an error, every time
  cachedBackend = backend;
  cached = null;
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!memory || !tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) return null;
  try {
    const { module, exports } = compileKernels(memory);
    installSharedIdentity();
    installThreadedAdd(fusedKernels);
    let view = new Float32Array(memory.buffer);
    const parallelChunks = parallelRunner(memory, module, exports);
    cached = {
      backend,
      gemm: exports.gemm as unknown as GemmFn,
      gemm12: exports.gemm12 as unknown as GemmFn,
      packPanels: exports.packPanels as unknown as PackPanelsFn,
      softmaxRows: exports.softmaxRows as unknown as SoftmaxRowsFn,
      copyRows: exports.copyRows as unknown as RowsFn,
      gatherRows: exports.gatherRows as unknown as RowsFn,
      scatterRows: exports.scatterRows as unknown as RowsFn,
      scatterAddRows: exports.scatterAddRows as unknown as RowsFn,
      transposeRows: exports.transposeRows as unknown as RowsFn,
      mulRows: exports.mulRows as unknown as RowsFn,
      softmaxGradRows: exports.softmaxGradRows as unknown as RowsFn,
      columnSums: exports.columnSums as unknown as RowsFn,
      geluForward: exports.geluForward as unknown as GeluForwardFn,
      geluBackward: exports.geluBackward as unknown as GeluBackwardFn,
      dropoutMask: exports.dropoutMask as unknown as DropoutMaskFn,
      layerNormForward: exports.layerNormForward as unknown as LayerNormForwardFn,
      layerNormBackward: exports.layerNormBackward as unknown as LayerNormBackwardFn,
      adamw: exports.adamw as unknown as AdamWFn,
      sumSquares: exports.sumSquares as unknown as SumSquaresFn,
      residualAdd: exports.residualAdd as unknown as ResidualAddFn,
      f32: () => (view.buffer === memory.buffer ? view : (view = new Float32Array(memory.buffer))),
      ptr: (t) => {
        const d = backend.dataIdMap.get(t.dataId);
        if (!d) throw new Error("fused kernel: a tensor has no data on the wasm backend (disposed?)");
        return d.memoryOffset;
      },
      output: (shape) => backend.makeOutput(shape, "float32"),
      malloc: (bytes) => backend.wasm._malloc(bytes),
      free: (p) => backend.wasm._free(p),
      threads: () => (memory.buffer instanceof SharedArrayBuffer ? kernelThreads() : 1),
      parallelChunks,
      parallel: (perThread) => parallelChunks(perThread.map((calls) => [calls])),
      get blas() {
        return processBlas();
      },
    };
  } catch {
    cached = null; // this engine cannot compile the module: the composite ops are used
  }
  return cached;
}
