// What a kernel thread can be asked to run: every function of the kernels' wasm module, by its
// export name, and the JS tasks below (loops over wasm calls that are cheaper to describe once
// than as call lists). The main thread and each worker build the same table from the same module,
// so a task travels between them as its index in the table and its numeric arguments.

import { ATTENTION_TASKS } from "./attention-heads";
import type { Blas } from "./blas";
import { BLAS_TASKS } from "./gemm-tiles";
import { LINEAR_ROWS_TASKS } from "./linear-rows";

/** A function of the kernels' module: numeric arguments, no result. */
export type KernelFunction = (...args: number[]) => void;

/** What a task runs on: the module's functions, a float32 view of the (shared) memory, and the BLAS library's sgemm where one is used (blas.ts). */
export interface KernelSet {
  fn: Record<string, KernelFunction>;
  f32(): Float32Array;
  blas: Blas | null;
}

/** A task in JS: its arguments are numbers, as for a wasm function. */
export type JsTask = (k: KernelSet, args: ArrayLike<number>) => void;

const JS_TASKS: Record<string, JsTask> = { ...ATTENTION_TASKS, ...LINEAR_ROWS_TASKS, ...BLAS_TASKS };

/** One task for one thread: a task name (a wasm export or a JS task) and its arguments. */
export interface Call {
  task: string;
  args: number[];
}

/** The names of the table, in index order: the module's exports, then the JS tasks. */
export function taskNames(exports: Record<string, unknown>): string[] {
  return [...Object.keys(exports).filter((name) => typeof exports[name] === "function"), ...Object.keys(JS_TASKS)];
}

/** Runs task `name` with `args` on `k`. */
export function runTask(k: KernelSet, name: string, args: ArrayLike<number>): void {
  const js = JS_TASKS[name];
  if (js) return js(k, args);
  const wasm = k.fn[name];
  if (!wasm) throw new Error(`kernel thread: no task named ${name}`);
  wasm(...Array.from(args));
}

/** A KernelSet over the exports of an instance on `memory`; `blas` gives the library when a task asks. */
export function kernelSet(exports: Record<string, unknown>, memory: { readonly buffer: ArrayBufferLike }, blas: () => Blas | null): KernelSet {
  let view = new Float32Array(memory.buffer);
  return {
    fn: exports as Record<string, KernelFunction>,
    f32: () => (view.buffer === memory.buffer ? view : (view = new Float32Array(memory.buffer))),
    get blas() {
      return blas();
    },
  };
}
