// Switches this test process to the tfjs wasm backend (whatever backend it started on); false
// where the wasm backend cannot load, so callers skip instead of failing.
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

export async function useWasm(): Promise<boolean> {
  try {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
    return await tf.setBackend("wasm");
  } catch {
    return false;
  }
}
