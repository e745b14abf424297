// The f32 kernels' assembler: the opcode table and module layout of util/wasmModule.ts (shared
// with measures/simd.ts's float64 kernels), under the names the kernels import. The kernels are
// written as readable instruction lists in gemm.ts and its neighbours.
import { wasmModuleBytes, type WasmFunction } from "../../util/wasmModule";

export { addTo, advance, F32, F64, I32, op, sleb, uleb, V128 } from "../../util/wasmModule";

/** A kernel function: name, parameter and local value types, instructions (util/wasmModule.ts). */
export type Fn = WasmFunction;

/** The module's bytes: memory imported as env.memory, every function exported. */
export const moduleBytes = wasmModuleBytes;
