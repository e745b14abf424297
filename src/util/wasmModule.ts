// The WebAssembly assembler shared by this project's SIMD kernels (measures/simd.ts for the
// float64 measure kernels, model/kernels for the float32 training kernels): LEB128 integers, the
// one opcode table, and a module of one imported memory (env.memory) and exported functions, each
// given as a readable instruction list by its caller. Nothing here is generated or vendored.

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

// ---- the opcodes the kernels use ----

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const F64 = 0x7c;

const simd = (code: number, ...rest: number[]) => [0xfd, ...uleb(code), ...rest];

export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Eqz: [0x45],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32RemS: [0x6f],
  i32DivU: [0x6e],
  i32RemU: [0x70],
  i32Ne: [0x47],
  i32And: [0x71],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32GeU: [0x4f],
  /** select(a, b, cond): a when cond ≠ 0, else b. */
  select: [0x1b],
  i32GeS: [0x4e],
  i32GtS: [0x4a],
  i32LtS: [0x48],
  f32Load: [0x2a, 2, 0], // memarg: align 2^2, offset 0
  i32Load: [0x28, 2, 0],
  f32Store: [0x38, 2, 0],
  f32LoadAt: (offset: number) => [0x2a, 2, ...uleb(offset)],
  f32StoreAt: (offset: number) => [0x38, 2, ...uleb(offset)],
  /** i64.load / i64.store at a constant byte offset (8 bytes, any alignment): moves two floats. */
  i64LoadAt: (offset: number) => [0x29, 2, ...uleb(offset)],
  i64StoreAt: (offset: number) => [0x37, 2, ...uleb(offset)],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Sqrt: [0x91],
  f32ConvertI32S: [0xb2],
  f32Mul: [0x94],
  v128Load: simd(0x00, 2, 0), // align 4 bytes: rows are only float-aligned
  /** v128.load at a constant byte offset from the address on the stack. */
  v128LoadAt: (offset: number) => simd(0x00, 2, ...uleb(offset)),
  v128Load32Splat: simd(0x09, 2, 0),
  v128Store: simd(0x0b, 2, 0),
  /** v128.store at a constant byte offset from the address below the value on the stack. */
  v128StoreAt: (offset: number) => simd(0x0b, 2, ...uleb(offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Splat: simd(0x13),
  f32x4Lane: (lane: number) => simd(0x1f, lane),
  f64x2Lane: (lane: number) => simd(0x21, lane),
  f32x4Lt: simd(0x43),
  /** a ≠ b per lane: all ones or zero (true for NaN). */
  f32x4Ne: simd(0x42),
  v128Or: simd(0x50),
  /** 1 if any bit of the vector is set, else 0. */
  v128AnyTrue: simd(0x53),
  v128AndNot: simd(0x4f),
  /** (a & mask) | (b & ~mask) for a, b, mask on the stack. */
  v128Bitselect: simd(0x52),
  f32x4Abs: simd(0xe0),
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4ShrU: simd(0xad),
  /** Unsigned a ≥ b per lane: all ones or zero. */
  i32x4GeU: simd(0x40),
  i32x4Splat: simd(0x11),
  i32x4ExtractLane: (lane: number) => simd(0x1b, lane),
  i32x4ReplaceLane: (lane: number) => simd(0x1c, lane),
  v128And: simd(0x4e),
  v128Xor: simd(0x51),
  /** i8x16.shuffle(a, b) of 32-bit lanes: lane i of the result is lane lanes[i] of a (0–3) or of b (4–7). */
  i32x4Shuffle: (lanes: [number, number, number, number]) => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])),
  i32x4Add: simd(0xae),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Max: simd(0xe9),
  /** b > a ? b : a: one maxps (f32x4.max's NaN and −0 rules cost V8 six instructions). */
  f32x4Pmax: simd(0xeb),
  i32x4TruncSatF32x4S: simd(0xf8),
  /** Relaxed SIMD a·b + c (one rounding where the machine has FMA, else two; fixed per machine). */
  f32x4RelaxedMadd: simd(0x105),
  // float64 (AdamW's update is float64, as the JS formula it replaced)
  /** Two floats at a constant byte offset into the low half, zeros above. */
  load64ZeroAt: (offset: number) => simd(0x5d, 2, ...uleb(offset)),
  /** Stores the low two floats at a constant byte offset. */
  store64LowAt: (offset: number) => simd(0x5b, 2, ...uleb(offset), 0),
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2PromoteLowF32x4: simd(0x5f),
  f64x2Splat: simd(0x14),
  f64x2Sqrt: simd(0xef),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  f64Sqrt: [0x9f],
  f32DemoteF64: [0xb6],
  f64PromoteF32: [0xbb],
  f64Load: [0x2b, 3, 0], // memarg: align 2^3, offset 0
  f64Store: [0x39, 3, 0],
  f32Max: [0x97],
  f32Div: [0x95],
  f64Const: (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  f32Const: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  /** v128.const with the same float32 in all four lanes. */
  f32x4Const: (v: number) => simd(0x0c, ...new Uint8Array(Float32Array.of(v, v, v, v).buffer)),
  i32x4Const: (v: number) => simd(0x0c, ...new Uint8Array(Int32Array.of(v, v, v, v).buffer)),
  /** v128.const with four int32 lanes. */
  i32x4ConstLanes: (a: number, b: number, c: number, d: number) => simd(0x0c, ...new Uint8Array(Int32Array.of(a, b, c, d).buffer)),
};

/** `local += bytes` for an i32 pointer local. */
export const advance = (local: number, bytes: number) => [...op.get(local), ...op.i32(bytes), ...op.i32Add, ...op.set(local)];
/** `local += other` for i32 locals. */
export const addTo = (local: number, other: number) => [...op.get(local), ...op.get(other), ...op.i32Add, ...op.set(local)];
