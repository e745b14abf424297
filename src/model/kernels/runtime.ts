// The bridge between our SIMD module and the tfjs wasm backend: the module imports the backend's
// own WebAssembly.Memory, so a tensor's bytes are read and written where tfjs keeps them (its
// memoryOffset) and a kernel's outputs are buffers the backend allocated (makeOutput).
// fusedKernels() is null off the wasm backend, without WebAssembly SIMD, or with
// INSTABILITY_FUSED=0: callers then use the composite tfjs ops (the old path).
import * as tf from "@tensorflow/tfjs";
import { moduleBytes } from "./assemble";
import { type GemmFn, gemmFn } from "./gemm";
import { type RowsFn, copyRowsFn, mulRowsFn, softmaxGradRowsFn, transposeRowsFn } from "./rows";
import { type SoftmaxRowsFn, softmaxRowsFn } from "./softmax";

// tsconfig's lib has no DOM, so the part of the WebAssembly JS API used here is typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface WasmBackendLike {
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory; _malloc(n: number): number; _free(p: number): void };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

export interface FusedKernels {
  readonly backend: WasmBackendLike;
  gemm: GemmFn;
  softmaxRows: SoftmaxRowsFn;
  /** See rows.ts for the four row kernels' arguments. */
  copyRows: RowsFn;
  transposeRows: RowsFn;
  mulRows: RowsFn;
  softmaxGradRows: RowsFn;
  /** Float32 view of the whole wasm memory (take it again after anything that may allocate). */
  f32(): Float32Array;
  /** Byte address of a tensor's data in the wasm memory. */
  ptr(t: tf.TensorInfo): number;
  /** A new float32 tensor buffer of the backend (contents undefined until written). */
  output(shape: number[]): tf.TensorInfo;
  /** Scratch bytes in the wasm heap; free with `free`. */
  malloc(bytes: number): number;
  free(p: number): void;
}

let cached: FusedKernels | null | undefined;
let cachedBackend: unknown = null;

/** Whether the fused path is switched on (INSTABILITY_FUSED=0 turns it off). */
export function fusedEnabled(): boolean {
  const v = process.env.INSTABILITY_FUSED;
  if (v === undefined || v === "" || v === "1") return true;
  if (v === "0") return false;
  throw new Error(`INSTABILITY_FUSED=${v} is not a switch: use 1 (fused kernels, the default) or 0 (composite tfjs ops)`);
}

/** The fused kernels for the active backend, or null when the old path must be used. */
export function fusedKernels(): FusedKernels | null {
  if (!fusedEnabled() || tf.getBackend() !== "wasm") return null;
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (cached !== undefined && cachedBackend === backend) return cached;
  cachedBackend = backend;
  cached = null;
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!memory || !tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) return null;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new wasm.Instance(new wasm.Module(moduleBytes([gemmFn(), softmaxRowsFn(), copyRowsFn(), transposeRowsFn(), mulRowsFn(), softmaxGradRowsFn()])), { env: { memory } });
    let view = new Float32Array(memory.buffer);
    cached = {
      backend,
      gemm: instance.exports.gemm as unknown as GemmFn,
      softmaxRows: instance.exports.softmaxRows as unknown as SoftmaxRowsFn,
      copyRows: instance.exports.copyRows as unknown as RowsFn,
      transposeRows: instance.exports.transposeRows as unknown as RowsFn,
      mulRows: instance.exports.mulRows as unknown as RowsFn,
      softmaxGradRows: instance.exports.softmaxGradRows as unknown as RowsFn,
      f32: () => (view.buffer === memory.buffer ? view : (view = new Float32Array(memory.buffer))),
      ptr: (t) => {
        const d = backend.dataIdMap.get(t.dataId);
        if (!d) throw new Error("fused kernel: a tensor has no data on the wasm backend (disposed?)");
        return d.memoryOffset;
      },
      output: (shape) => backend.makeOutput(shape, "float32"),
      malloc: (bytes) => backend.wasm._malloc(bytes),
      free: (p) => backend.wasm._free(p),
    };
  } catch {
    cached = null; // this engine cannot compile the module: the composite ops are used
  }
  return cached;
}
