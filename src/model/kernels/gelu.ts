// Exact GELU, y = x·Φ(x), and its derivative in WebAssembly SIMD, over n floats (n % 4 = 0):
//   geluForward:  y = x·Φ(x), and Φ(x) into cdfOut unless it is 0 (the backward reads it)
//   geluBackward: dx = dy·(Φ(x) + x·φ(x)),  φ(x) = exp(−x²/2)/√(2π), with the forward's Φ(x)
// Reusing Φ leaves the backward one exp per vector instead of the whole erfc, with the same bytes.
// Each loop iteration evaluates U = 4 vectors with their statements interleaved (statement i of
// every vector, then statement i + 1, …): their long dependency chains (a degree-9 Horner polynomial,
// a division, exp's polynomial) then run side by side, where V8 emits one vector's whole chain after
// another's and the core waits on each result. Forward 1.7–2.0×, backward 1.2–1.6× the speed of two
// vectors one after the other (Zen 4, 1M floats); every element sees the same operations, so the
// same bytes (softmax.ts interleaved; test/model/interleavedKernels.test.ts).
// Vectors whose inputs are all +0 (the rows of padded positions, a quarter of a spam batch's)
// are stored as the formula gives them (y = +0, Φ(0), dx = +0) without evaluating it.
// Φ comes from erfc: with z = |x|/√2 and t = 1/(1 + z/2), erfc(z) = t·exp(−z² + P(t)) for the
// degree-9 Chebyshev-fitted P of Numerical Recipes' erfcc (fractional error < 1.2e-7 for every
// z ≥ 0), and Φ(x) = 1 − erfc(z)/2 for x ≥ 0, erfc(z)/2 for x < 0. Unlike 1 + erf(x/√2), this keeps
// float32 relative accuracy in the far negative tail too. exp is softmax.ts's Cephes expf.
import { type Fn, I32, V128, advance, op } from "./assemble";
import { expStatements, horner, interleaved } from "./softmax";

// P(t) = −1.26551223 + t·(1.00002368 + t·(0.37409196 + …)), highest coefficient first for Horner.
const ERFC_P = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

/** The v128 locals one vector's Φ works in. */
interface CdfLocals {
  x: number;
  z: number;
  t: number;
  /** −z² + P(t), exp's argument */
  a: number;
  n: number;
  r: number;
  p: number;
  phi: number;
}

/** Φ(x) for the f32x4 in local x into local phi, as statements that each end in a local.set (so
 * that vectors can be interleaved, see above); exp as softmax.ts's expStatements. */
function cdfStatements(v: CdfLocals): number[][] {
  const K = op.f32x4Const;
  const { x, z, t, a, n, r, p, phi } = v;
  return [
    [...op.get(x), ...op.f32x4Abs, ...K(Math.SQRT1_2), ...op.f32x4Mul, ...op.set(z)],
    [...K(1), ...K(1), ...op.get(z), ...K(0.5), ...op.f32x4Mul, ...op.f32x4Add, ...op.f32x4Div, ...op.set(t)],
    ...horner(a, ERFC_P, t),
    [...op.get(a), ...op.get(z), ...op.get(z), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(a)],
    ...expStatements(a, n, r, p),
    // z ← erfc/2 = exp·t/2; Φ = x < 0 ? erfc/2 : 1 − erfc/2
    [...op.get(p), ...op.get(t), ...op.f32x4Mul, ...K(0.5), ...op.f32x4Mul, ...op.set(z)],
    [...op.get(z), ...K(1), ...op.get(z), ...op.f32x4Sub, ...op.get(x), ...op.v128Zero, ...op.f32x4Lt, ...op.v128Bitselect, ...op.set(phi)],
  ];
}

/**
 * `for (j = 0; j < bytes; j += 16·U) { body(U) }`, then body(1) on single vectors up to `bytes`;
 * body(count) handles the `count` vectors at byte offsets 16u (u < count) from the pointers, which
 * advance after each step. With `zero`, a step whose vectors at the `tested` pointers are all +0
 * bits (a padded row's) runs zero(u) for each vector instead.
 */
function unrolledLoop(j: number, bytes: number, ptrs: number[], U: number, body: (count: number) => number[], zero?: { tested: number[]; run: (u: number) => number[] }): number[] {
  const step = (count: number) => {
    const bodies = body(count);
    if (!zero) return bodies;
    const vectors = zero.tested.flatMap((p) => Array.from({ length: count }, (_, u) => [...at(p, u), ...op.v128Load]));
    const anyBit = [...vectors[0], ...vectors.slice(1).flatMap((v) => [...v, ...op.v128Or])];
    return [...anyBit, ...op.v128AnyTrue, ...op.if, ...bodies, ...op.else, ...Array.from({ length: count }, (_, u) => zero.run(u)).flat(), ...op.end];
  };
  const loop = (stride: number, count: number) => [
    ...op.block,
    ...op.loop,
    // while (j + 16·count ≤ bytes)
    ...op.get(j), ...op.i32(16 * count), ...op.i32Add, ...op.get(bytes), ...op.i32GtS, ...op.brIf(1),
    ...step(count),
    ...ptrs.flatMap((p) => advance(p, stride)),
    ...advance(j, stride),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return [...op.i32(0), ...op.set(j), ...loop(16 * U, U), ...loop(16, 1)];
}

/** `ptr + 16u` on the stack (the address of vector u of an unrolled step). */
const at = (ptr: number, u: number) => [...op.get(ptr), ...(u ? [...op.i32(16 * u), ...op.i32Add] : [])];

/** Vectors a loop step interleaves (2: 1.2–1.5× slower than 4 here; 6 and 8 no faster than 4). */
const U = 4;
const store = (ptr: number, u: number, value: number[]) => [...at(ptr, u), ...value, ...op.v128Store];

export function geluForwardFn(): Fn {
  const [src, dst, cdfOut, n] = [0, 1, 2, 3];
  const [j, bytes] = [4, 5];
  const CDF_LOCALS = 8;
  const locals = (u: number): CdfLocals => {
    const [x, z, t, a, en, r, p, phi] = Array.from({ length: CDF_LOCALS }, (_, i) => 6 + CDF_LOCALS * u + i);
    return { x, z, t, a, n: en, r, p, phi };
  };
  const cdfOfZero = 6 + CDF_LOCALS * U;
  // y = x·Φ(x); with saveCdf also cdfOut = Φ(x)
  const step = (saveCdf: boolean) => (count: number) => {
    const vs = Array.from({ length: count }, (_, u) => locals(u));
    return [
      ...vs.flatMap((v, u) => [...at(src, u), ...op.v128Load, ...op.set(v.x)]),
      ...interleaved(vs.map(cdfStatements)),
      ...vs.flatMap((v, u) => [
        ...(saveCdf ? store(cdfOut, u, op.get(v.phi)) : []),
        ...store(dst, u, [...op.get(v.x), ...op.get(v.phi), ...op.f32x4Mul]),
      ]),
    ];
  };
  // x = +0 (a padded row): y = +0·Φ(0) = +0, and Φ(0) as the same instructions give it
  const zero = (saveCdf: boolean) => ({ tested: [src], run: (u: number) => [...store(dst, u, op.v128Zero), ...(saveCdf ? store(cdfOut, u, op.get(cdfOfZero)) : [])] });
  const v0 = locals(0);
  const body = [
    ...op.v128Zero, ...op.set(v0.x), ...cdfStatements(v0).flat(), ...op.get(v0.phi), ...op.set(cdfOfZero),
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...op.get(cdfOut), ...op.i32Eqz,
    ...op.if, ...unrolledLoop(j, bytes, [src, dst], U, step(false), zero(false)),
    ...op.else, ...unrolledLoop(j, bytes, [src, dst, cdfOut], U, step(true), zero(true)),
    ...op.end,
  ];
  return { name: "geluForward", params: [I32, I32, I32, I32], locals: [I32, I32, ...new Array<number>(CDF_LOCALS * U + 1).fill(V128)], body };
}

export function geluBackwardFn(): Fn {
  const [dy, src, cdfIn, dst, n] = [0, 1, 2, 3, 4];
  const [j, bytes] = [5, 6];
  const LOCALS = 6;
  const regs = (u: number) => Array.from({ length: LOCALS }, (_, i) => 7 + LOCALS * u + i);
  // φ(x)·x = exp(−x²/2)/√(2π)·x into phi, then dx = dy·(Φ(x) + φ(x)·x)
  const statements = (u: number) => {
    const [x, a, en, r, p, phi] = regs(u);
    return [
      [...at(src, u), ...op.v128Load, ...op.set(x)],
      [...op.get(x), ...op.get(x), ...op.f32x4Mul, ...op.f32x4Const(-0.5), ...op.f32x4Mul, ...op.set(a)],
      ...expStatements(a, en, r, p),
      [...op.get(p), ...op.f32x4Const(1 / Math.sqrt(2 * Math.PI)), ...op.f32x4Mul, ...op.get(x), ...op.f32x4Mul, ...op.set(phi)],
      store(dst, u, [...at(dy, u), ...op.v128Load, ...at(cdfIn, u), ...op.v128Load, ...op.get(phi), ...op.f32x4Add, ...op.f32x4Mul]),
    ];
  };
  // x = +0 and dy = +0 (a padded row): dx = +0·(Φ(0) + 0) = +0
  const zero = { tested: [src, dy], run: (u: number) => store(dst, u, op.v128Zero) };
  const body = [
    ...op.get(n), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...unrolledLoop(j, bytes, [dy, src, cdfIn, dst], U, (count) => interleaved(Array.from({ length: count }, (_, u) => statements(u))), zero),
  ];
  return { name: "geluBackward", params: [I32, I32, I32, I32, I32], locals: [I32, I32, ...new Array<number>(LOCALS * U).fill(V128)], body };
}

export type GeluForwardFn = (src: number, dst: number, cdfOut: number, n: number) => void;
export type GeluBackwardFn = (dy: number, src: number, cdfIn: number, dst: number, n: number) => void;
