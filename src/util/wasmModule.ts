// The WebAssembly module layout shared by this project's SIMD kernels (measures/simd.ts for the
// float64 measure kernels, model/kernels for the float32 training kernels): LEB128 integers and
// a module of one imported memory (env.memory) and exported functions, each given as a readable
// instruction list by its caller. Nothing here is generated or vendored.

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export interface WasmFunction {
  name: string;
  /** Value types of the parameters. */
  params: number[];
  /** Value types of the extra locals, in index order after the params. */
  locals: number[];
  /** The instructions, without the final `end`. */
  body: number[];
}

const END = 0x0b;
const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** The most pages a shared memory import may have (4 GiB, wasm32's limit): a shared memory needs a maximum. */
const SHARED_MAX_PAGES = 65536;

/**
 * The module's bytes: one type per distinct signature, memory imported as env.memory (shared
 * when `sharedMemory`: a module imports a shared memory only if it declares it so), every
 * function exported.
 */
export function wasmModuleBytes(fns: WasmFunction[], sharedMemory = false): Uint8Array {
  const signatures = [...new Set(fns.map((f) => f.params.join(",")))];
  const types = signatures.map((sig) => {
    const params = sig === "" ? [] : sig.split(",").map(Number);
    return [0x60, ...uleb(params.length), ...params, 0];
  });
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(SHARED_MAX_PAGES)] : [0x00, ...uleb(1)]; // min 1 page
  const imports = [[...name("env"), ...name("memory"), 0x02, ...limits]];
  const funcs = fns.map((f) => uleb(signatures.indexOf(f.params.join(","))));
  const exported = fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = fns.map((f) => {
    // Locals are declared as runs of one type.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([count, t]) => [...uleb(count), t])), ...f.body, END];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exported)),
    ...section(10, vec(codes)),
  ]);
}
