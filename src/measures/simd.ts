// WebAssembly SIMD (f64x2) versions of the inner loops that dominate the representation
// measures: blocks of dot products (Gram matrices, the Procrustes pair product) and the symmetric
// matrix-vector product and rank-2 update of the Householder tridiagonalisation, apart and fused
// into one pass. Scalar JS does one multiply-add per instruction pair and bounds-checks every
// typed-array access; f64x2 does two and the wasm memory needs no per-access checks, which
// measured ~2× faster on the pair product.
//
// The module is four small functions (dots4, symvLower, syr2Lower, syr2Symv), assembled below
// from readable instruction lists (not a binary blob). It works on one shared linear memory:
// callers reserve space, copy operands in through `f64()`, and pass BYTE offsets (8 × the element
// offsets that `alloc` returns). When wasm SIMD is unavailable (or INSTABILITY_NO_SIMD=1)
// `simdKernels()` returns null and callers use their scalar loops. Summation order differs from the
// scalar loops (two lanes), so results agree with them to round-off (~1e-15 relative), not bit-wise.
import { addTo, advance, F64, I32, op, V128, wasmModuleBytes } from "../util/wasmModule";

export interface SimdKernels {
  /** Float64 view of the whole memory. Take it again after `alloc`, which may grow the memory. */
  f64(): Float64Array;
  /** Stack allocation of `count` float64s (16-byte aligned); returns the ELEMENT offset. */
  alloc(count: number): number;
  /** The current top of the stack, for `release`. */
  mark(): number;
  /** Frees everything allocated since `mark()` returned `top`. */
  release(top: number): void;
  /**
   * For r < rows, q < 4: out[o + r·outStep + q·outStride] = Σ_{t < len − r·lenStep} a[ar + t]·b[br + q·bStride + t]
   * with ar = aPtr + r·aStep, br = bPtr + r·bStep, o = outPtr (pointers, steps and strides in bytes).
   */
  dots4(aPtr: number, aStep: number, bPtr: number, bStep: number, bStride: number, len: number, lenStep: number, rows: number, outPtr: number, outStep: number, outStride: number): void;
  /** p[j] += Σ over the lower triangle: for i < m, j < i: p[i] += a_ij·v_j, p[j] += a_ij·v_i; p[i] += a_ii·v_i. Row i of A starts at aPtr + i·rowBytes. */
  symvLower(aPtr: number, rowBytes: number, m: number, vPtr: number, pPtr: number): void;
  /** a_ij −= v_i·w_j + w_i·v_j for j ≤ i < m (lower triangle). */
  syr2Lower(aPtr: number, rowBytes: number, m: number, vPtr: number, wPtr: number): void;
  /** syr2Lower(v, w) and then symvLower(x → p) in one pass over the rows. */
  syr2Symv(aPtr: number, rowBytes: number, m: number, vPtr: number, wPtr: number, xPtr: number, pPtr: number): void;
}

// The opcodes, LEB128 and the module layout: util/wasmModule.ts (shared with model/kernels).

/** Pushes (count & ~1) << 3 + base: the byte address where the paired (f64x2) part of a row ends. */
const pairEnd = (base: number[], count: number[]) => [...base, ...count, ...op.i32(-2), ...op.i32And, ...op.i32(3), ...op.i32Shl, ...op.i32Add];

interface Fn {
  name: string;
  params: number;
  locals: number[]; // value types of the extra locals, in index order after the params
  body: number[];
}

function dots4Fn(): Fn {
  // params: 0 aPtr 1 aStep 2 bPtr 3 bStep 4 bStride 5 len 6 lenStep 7 rows 8 outPtr 9 outStep 10 outStride
  const [aPtr, aStep, bPtr, bStep, bStride, len, lenStep, rows, outPtr, outStep, outStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [r, pa, pb0, pb1, pb2, pb3, end, acc0, acc1, acc2, acc3, x] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const pb = [pb0, pb1, pb2, pb3];
  const acc = [acc0, acc1, acc2, acc3];
  const body = [
    ...op.block,
    ...op.loop,
    ...op.get(r), ...op.get(rows), ...op.i32GeS, ...op.brIf(1),
    ...op.get(aPtr), ...op.set(pa),
    ...op.get(bPtr), ...op.tee(pb0), ...op.get(bStride), ...op.i32Add, ...op.tee(pb1),
    ...op.get(bStride), ...op.i32Add, ...op.tee(pb2), ...op.get(bStride), ...op.i32Add, ...op.set(pb3),
    ...pairEnd(op.get(pa), op.get(len)), ...op.set(end),
    ...acc.flatMap((a) => [...op.v128Zero, ...op.set(a)]),
    // Two terms of each of the four dot products per iteration: one load of a, four of b.
    ...op.block,
    ...op.loop,
    ...op.get(pa), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...op.get(pa), ...op.v128Load, ...op.set(x),
    ...[0, 1, 2, 3].flatMap((q) => [...op.get(acc[q]), ...op.get(x), ...op.get(pb[q]), ...op.v128Load, ...op.f64x2Mul, ...op.f64x2Add, ...op.set(acc[q])]),
    ...advance(pa, 16), ...pb.flatMap((p) => advance(p, 16)),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // out_q = lane 0 + lane 1 (+ the odd last term, selected away when len is even: the read past
    // the row is harmless because alloc() keeps slack after the last operand).
    ...[0, 1, 2, 3].flatMap((q) => [
      ...op.get(outPtr), ...op.get(outStride), ...op.i32(q), ...op.i32Mul, ...op.i32Add,
      ...op.get(acc[q]), ...op.f64x2Lane(0), ...op.get(acc[q]), ...op.f64x2Lane(1), ...op.f64Add,
      ...op.get(pa), ...op.f64Load, ...op.get(pb[q]), ...op.f64Load, ...op.f64Mul,
      ...op.f64Const(0), ...op.get(len), ...op.i32(1), ...op.i32And, ...op.select, ...op.f64Add,
      ...op.f64Store,
    ]),
    ...addTo(aPtr, aStep), ...addTo(bPtr, bStep), ...addTo(outPtr, outStep),
    ...op.get(len), ...op.get(lenStep), ...op.i32Sub, ...op.set(len),
    ...advance(r, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return { name: "dots4", params: 11, locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128], body };
}

function symvLowerFn(): Fn {
  // params: 0 aPtr 1 rowBytes 2 m 3 vPtr 4 pPtr
  const [aPtr, rowBytes, m, vPtr, pPtr] = [0, 1, 2, 3, 4];
  const [i, pa, pv, pp, end, acc, vi2, x, vi, s] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const body = [
    ...op.block,
    ...op.loop,
    ...op.get(i), ...op.get(m), ...op.i32GeS, ...op.brIf(1),
    ...op.get(vPtr), ...op.get(i), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.f64Load, ...op.tee(vi), ...op.f64x2Splat, ...op.set(vi2),
    ...op.get(aPtr), ...op.set(pa), ...op.get(vPtr), ...op.set(pv), ...op.get(pPtr), ...op.set(pp),
    ...pairEnd(op.get(pa), op.get(i)), ...op.set(end),
    ...op.v128Zero, ...op.set(acc),
    // Row i below the diagonal, two columns at a time: acc += a·v (for p_i), p_j += a·v_i.
    ...op.block,
    ...op.loop,
    ...op.get(pa), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...op.get(pa), ...op.v128Load, ...op.set(x),
    ...op.get(acc), ...op.get(x), ...op.get(pv), ...op.v128Load, ...op.f64x2Mul, ...op.f64x2Add, ...op.set(acc),
    ...op.get(pp), ...op.get(pp), ...op.v128Load, ...op.get(x), ...op.get(vi2), ...op.f64x2Mul, ...op.f64x2Add, ...op.v128Store,
    ...advance(pa, 16), ...advance(pv, 16), ...advance(pp, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(acc), ...op.f64x2Lane(0), ...op.get(acc), ...op.f64x2Lane(1), ...op.f64Add, ...op.set(s),
    // Odd i: one column j = i − 1 is left.
    ...op.get(i), ...op.i32(1), ...op.i32And,
    ...op.if,
    ...op.get(s), ...op.get(pa), ...op.f64Load, ...op.get(pv), ...op.f64Load, ...op.f64Mul, ...op.f64Add, ...op.set(s),
    ...op.get(pp), ...op.get(pp), ...op.f64Load, ...op.get(pa), ...op.f64Load, ...op.get(vi), ...op.f64Mul, ...op.f64Add, ...op.f64Store,
    ...advance(pa, 8), ...advance(pp, 8),
    ...op.end,
    // p_i += s + a_ii·v_i (pa and pp now point at the diagonal and at p_i).
    ...op.get(pp), ...op.get(pp), ...op.f64Load, ...op.get(s), ...op.get(pa), ...op.f64Load, ...op.get(vi), ...op.f64Mul, ...op.f64Add, ...op.f64Add, ...op.f64Store,
    ...addTo(aPtr, rowBytes),
    ...advance(i, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return { name: "symvLower", params: 5, locals: [I32, I32, I32, I32, I32, V128, V128, V128, F64, F64], body };
}

function syr2LowerFn(): Fn {
  // params: 0 aPtr 1 rowBytes 2 m 3 vPtr 4 wPtr
  const [aPtr, rowBytes, m, vPtr, wPtr] = [0, 1, 2, 3, 4];
  const [i, pa, pv, pw, end, vi2, wi2, vi, wi] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  // a −= v_i·w + w_i·v at the address on the stack twice (scalar or pair form).
  const update = (load: number[], store: number[], mul: number[], add: number[], sub: number[], vI: number, wI: number) => [
    ...op.get(pa), ...op.get(pa), ...load,
    ...op.get(vI), ...op.get(pw), ...load, ...mul, ...op.get(wI), ...op.get(pv), ...load, ...mul, ...add,
    ...sub, ...store,
  ];
  const body = [
    ...op.block,
    ...op.loop,
    ...op.get(i), ...op.get(m), ...op.i32GeS, ...op.brIf(1),
    ...op.get(vPtr), ...op.get(i), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.f64Load, ...op.tee(vi), ...op.f64x2Splat, ...op.set(vi2),
    ...op.get(wPtr), ...op.get(i), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.f64Load, ...op.tee(wi), ...op.f64x2Splat, ...op.set(wi2),
    ...op.get(aPtr), ...op.set(pa), ...op.get(vPtr), ...op.set(pv), ...op.get(wPtr), ...op.set(pw),
    ...pairEnd(op.get(pa), [...op.get(i), ...op.i32(1), ...op.i32Add]), ...op.set(end), // columns 0..i
    ...op.block,
    ...op.loop,
    ...op.get(pa), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...update(op.v128Load, op.v128Store, op.f64x2Mul, op.f64x2Add, op.f64x2Sub, vi2, wi2),
    ...advance(pa, 16), ...advance(pv, 16), ...advance(pw, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // Even i: i + 1 columns, so the diagonal is left over.
    ...op.get(i), ...op.i32(1), ...op.i32And, ...op.i32(1), ...op.i32Sub, // 0 when i is odd
    ...op.if,
    ...update(op.f64Load, op.f64Store, op.f64Mul, op.f64Add, op.f64Sub, vi, wi),
    ...op.end,
    ...addTo(aPtr, rowBytes),
    ...advance(i, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return { name: "syr2Lower", params: 5, locals: [I32, I32, I32, I32, I32, V128, V128, F64, F64], body };
}

function syr2SymvFn(): Fn {
  // syr2Lower(v, w) and then symvLower(x → p) on each row while it is in registers: one pass over
  // the matrix per Householder step instead of two.
  const [aPtr, rowBytes, m, vPtr, wPtr, xPtr, pPtr] = [0, 1, 2, 3, 4, 5, 6];
  const [i, pa, pv, pw, px, pp, end, vi2, wi2, xi2, acc, y] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const [vi, wi, xi, s, ys] = [19, 20, 21, 22, 23];
  const at = (base: number) => [...op.get(base), ...op.get(i), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.f64Load];
  // y = a − (v_i·w_j + w_i·v_j); a ← y (pair or scalar form), leaving nothing on the stack.
  const update = (load: number[], store: number[], mul: number[], add: number[], sub: number[], vI: number, wI: number, yl: number) => [
    ...op.get(pa), ...op.get(pa), ...load,
    ...op.get(vI), ...op.get(pw), ...load, ...mul, ...op.get(wI), ...op.get(pv), ...load, ...mul, ...add,
    ...sub, ...op.tee(yl), ...store,
  ];
  const body = [
    ...op.block,
    ...op.loop,
    ...op.get(i), ...op.get(m), ...op.i32GeS, ...op.brIf(1),
    ...at(vPtr), ...op.tee(vi), ...op.f64x2Splat, ...op.set(vi2),
    ...at(wPtr), ...op.tee(wi), ...op.f64x2Splat, ...op.set(wi2),
    ...at(xPtr), ...op.tee(xi), ...op.f64x2Splat, ...op.set(xi2),
    ...op.get(aPtr), ...op.set(pa), ...op.get(vPtr), ...op.set(pv), ...op.get(wPtr), ...op.set(pw),
    ...op.get(xPtr), ...op.set(px), ...op.get(pPtr), ...op.set(pp),
    ...pairEnd(op.get(pa), op.get(i)), ...op.set(end), // columns j < i in pairs
    ...op.v128Zero, ...op.set(acc),
    ...op.block,
    ...op.loop,
    ...op.get(pa), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...update(op.v128Load, op.v128Store, op.f64x2Mul, op.f64x2Add, op.f64x2Sub, vi2, wi2, y),
    ...op.get(acc), ...op.get(y), ...op.get(px), ...op.v128Load, ...op.f64x2Mul, ...op.f64x2Add, ...op.set(acc),
    ...op.get(pp), ...op.get(pp), ...op.v128Load, ...op.get(y), ...op.get(xi2), ...op.f64x2Mul, ...op.f64x2Add, ...op.v128Store,
    ...advance(pa, 16), ...advance(pv, 16), ...advance(pw, 16), ...advance(px, 16), ...advance(pp, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(acc), ...op.f64x2Lane(0), ...op.get(acc), ...op.f64x2Lane(1), ...op.f64Add, ...op.set(s),
    // Odd i: column j = i − 1 is left.
    ...op.get(i), ...op.i32(1), ...op.i32And,
    ...op.if,
    ...update(op.f64Load, op.f64Store, op.f64Mul, op.f64Add, op.f64Sub, vi, wi, ys),
    ...op.get(s), ...op.get(ys), ...op.get(px), ...op.f64Load, ...op.f64Mul, ...op.f64Add, ...op.set(s),
    ...op.get(pp), ...op.get(pp), ...op.f64Load, ...op.get(ys), ...op.get(xi), ...op.f64Mul, ...op.f64Add, ...op.f64Store,
    ...advance(pa, 8), ...advance(pv, 8), ...advance(pw, 8), ...advance(pp, 8),
    ...op.end,
    // The diagonal: a_ii ← a_ii − (v_i·w_i + w_i·v_i), then p_i += s + a_ii·x_i.
    ...update(op.f64Load, op.f64Store, op.f64Mul, op.f64Add, op.f64Sub, vi, wi, ys),
    ...op.get(pp), ...op.get(pp), ...op.f64Load, ...op.get(s), ...op.get(ys), ...op.get(xi), ...op.f64Mul, ...op.f64Add, ...op.f64Add, ...op.f64Store,
    ...addTo(aPtr, rowBytes),
    ...advance(i, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return { name: "syr2Symv", params: 7, locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, F64, F64, F64, F64, F64], body };
}

/** The module's bytes: an imported memory and the four exported functions (all parameters i32). */
export function kernelModuleBytes(): Uint8Array {
  const fns = [dots4Fn(), symvLowerFn(), syr2LowerFn(), syr2SymvFn()];
  return wasmModuleBytes(fns.map((f) => ({ ...f, params: new Array<number>(f.params).fill(I32) })));
}

// tsconfig's lib has no DOM, so the part of the WebAssembly JS API used here is typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const PAGE = 65536;
const SLACK = 64; // bytes past the last operand that the kernels may read (and discard)
let cached: SimdKernels | null | undefined;

/** The SIMD kernels of this thread, or null when WebAssembly SIMD is unavailable or disabled. */
export function simdKernels(): SimdKernels | null {
  if (cached !== undefined) return cached;
  cached = null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (process.env.INSTABILITY_NO_SIMD === "1" || !wasm) return cached;
  try {
    const memory = new wasm.Memory({ initial: 64 });
    const instance = new wasm.Instance(new wasm.Module(kernelModuleBytes()), { env: { memory } });
    const ex = instance.exports as unknown as Pick<SimdKernels, "dots4" | "symvLower" | "syr2Lower" | "syr2Symv">;
    let view = new Float64Array(memory.buffer);
    let top = 0; // in float64s
    cached = {
      f64: () => (view.buffer === memory.buffer ? view : (view = new Float64Array(memory.buffer))),
      alloc: (count: number) => {
        const at = top;
        top += count + (count & 1);
        const need = top * 8 + SLACK - memory.buffer.byteLength;
        if (need > 0) memory.grow(Math.ceil(need / PAGE));
        return at;
      },
      mark: () => top,
      release: (t: number) => {
        top = t;
      },
      dots4: ex.dots4,
      symvLower: ex.symvLower,
      syr2Lower: ex.syr2Lower,
      syr2Symv: ex.syr2Symv,
    };
  } catch {
    cached = null; // no SIMD support in this engine: the scalar loops are used
  }
  return cached;
}
