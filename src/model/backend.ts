// The one place that chooses the tfjs backend. tfjs-node (native TensorFlow) is fastest when its
// native library is present; the wasm backend is the portable fast path (SIMD kernels); the pure
// JS cpu backend is the last resort (~20× slower than wasm). The choice is printed once per
// process so that a slow run is never silently slow.
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { withSharedWasmMemory } from "./sharedMemory";
import { fusedKernels } from "./kernels/runtime";
import { blasSetting, skippedBlas } from "./kernels/blas";
import { backendMemoryShared, kernelThreads, threads } from "./threads";

export type BackendName = "node" | "wasm" | "cpu";

let chosen: Promise<BackendName> | null = null;
let announced = false;

function wantedFromEnv(): BackendName | null {
  const v = process.env.INSTABILITY_BACKEND;
  if (v === undefined || v === "") return null;
  if (v === "node" || v === "wasm" || v === "cpu") return v;
  throw new Error(`INSTABILITY_BACKEND=${v} is not a backend: use node, wasm or cpu (or unset it)`);
}

async function tryNode(): Promise<boolean> {
  try {
    // Registers the "tensorflow" backend as a side effect; throws when the native library is absent.
    require("@tensorflow/tfjs-node");
    return await tf.setBackend("tensorflow");
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    wasm.setWasmPaths(dist + path.sep);
    // One thread keeps the backend exactly as before; more share its memory with worker threads.
    const ok = await (threads() > 1 ? withSharedWasmMemory(() => tf.setBackend("wasm")) : tf.setBackend("wasm"));
    if (ok) backendMemoryShared(wasmMemoryShared());
    return ok;
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  return tf.setBackend("cpu");
}

async function choose(): Promise<BackendName> {
  const wanted = wantedFromEnv();
  const tries: Array<[BackendName, () => Promise<boolean>]> = [
    ["node", tryNode],
    ["wasm", tryWasm],
    ["cpu", tryCpu],
  ];
  if (wanted) {
    const entry = tries.find(([n]) => n === wanted)!;
    if (!(await entry[1]())) {
      throw new Error(
        `INSTABILITY_BACKEND=${wanted} was requested but the ${wanted} backend could not be initialised` +
          (wanted === "node" ? " (is @tensorflow/tfjs-node installed with its native library?)" : ""),
      );
    }
    return wanted;
  }
  for (const [name, attempt] of tries) if (await attempt()) return name;
  throw new Error("no tfjs backend could be initialised (tried node, wasm, cpu)");
}

/** Picks and activates the backend (once per process) and returns its name. */
export function initBackend(): Promise<BackendName> {
  if (!chosen) {
    chosen = choose().then((name) => {
      if (!announced) {
        announced = true;
        process.stderr.write(`[instability] tfjs backend: ${describeBackend(name)}\n`);
      }
      return name;
    });
  }
  return chosen;
}

/** Whether the active wasm backend's memory is a SharedArrayBuffer (worker threads can use it). */
function wasmMemoryShared(): boolean {
  const wasm = (tf.backend() as unknown as { wasm?: { asm?: { memory?: { buffer: unknown } }; wasmMemory?: { buffer: unknown } } }).wasm;
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  return typeof SharedArrayBuffer !== "undefined" && memory?.buffer instanceof SharedArrayBuffer;
}

/** The backend name plus what the wasm backend runs with (SIMD, how many kernel threads). */
export function describeBackend(name: BackendName): string {
  if (name !== "wasm") return name;
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const running = kernelThreads();
  const note = running < threads() ? ` of ${threads()} asked: the wasm memory could not be shared` : "";
  const blas = fusedKernels()?.blas;
  const skipped = blasSetting() === "auto" ? skippedBlas() : null;
  return `wasm (simd: ${simd ? "yes" : "no"}, threads: ${running}${note}, matrix products: ${blas ? blas.description : `our SIMD gemm${skipped ? `; ${skipped}` : ""}`})`;
}
