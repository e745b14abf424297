// Row softmax with an additive mask in WebAssembly SIMD, for attention scores:
//   for each of `rows` rows of width P (a multiple of 4) at src + r·rowBytes:
//     x_j = src_j + mask_j;  dst_j = exp(x_j − max_j x) / Σ_j exp(x_j − max_j x)
// exp is Cephes' single-precision expf (range reduction by n = round(x·log2 e) with ln 2 split in
// two, a degree-5 polynomial, 2^n built in the exponent bits), a few float32 ulps from libm's;
// arguments below −87.34 (masked keys: x − max ≈ −1e9) give exactly 0, as exp(−1e9) does.
import { type Fn, F32, I32, V128, addTo, advance, op } from "./assemble";

/** exp's constants (Cephes expf): the clamp below which exp is 0, ln 2 in two parts (C1 exact in a
 * few bits), the polynomial's coefficients (highest first), and the bias that makes 2^n's bits. */
export const EXP_MIN = -87.33654;
export const EXP_LN2_HI = 0.693359375;
export const EXP_LN2_LO = -2.12194440e-4;
export const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
export const EXP_BIAS = 127 + 8388608;

/**
 * exp(a) of the f32x4 in local a (lanes ≤ 0) into local p, as statements that each end in a
 * local.set, so that callers can interleave several vectors' (gelu.ts). Uses locals n and r.
 */
export function expStatements(a: number, n: number, r: number, p: number): number[][] {
  const K = op.f32x4Const;
  return [
    [...op.get(a), ...K(EXP_MIN), ...op.f32x4Pmax, ...op.set(r)], // r = clamped a for now
    [...op.get(r), ...K(Math.LOG2E), ...op.f32x4Mul, ...op.f32x4Nearest, ...op.set(n)],
    // r = a − n·C1 − n·C2 (C1 + C2 = ln 2, C1 exact in a few bits)
    [...op.get(r), ...op.get(n), ...K(EXP_LN2_HI), ...op.f32x4Mul, ...op.f32x4Sub, ...op.get(n), ...K(EXP_LN2_LO), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(r)],
    // Horner: p = (((((c0·r + c1)·r + c2)·r + c3)·r + c4)·r + c5)
    ...horner(p, EXP_POLY, r),
    // y = p·r² + r + 1
    [...op.get(p), ...op.get(r), ...op.f32x4Mul, ...op.get(r), ...op.f32x4Mul, ...op.get(r), ...op.f32x4Add, ...K(1), ...op.f32x4Add, ...op.set(p)],
    // · 2^n: n + 127 + 2^23 holds n + 127 in its low mantissa bits (n is an integer in [−126, 127]),
    // and shifting them up by 23 makes the float 2^n
    [...op.get(p), ...op.get(n), ...K(EXP_BIAS), ...op.f32x4Add, ...op.i32(23), ...op.i32x4Shl, ...op.f32x4Mul, ...op.set(p)],
    // lanes that were below the clamp → 0
    [...op.get(p), ...op.get(a), ...K(EXP_MIN), ...op.f32x4Lt, ...op.v128AndNot, ...op.set(p)],
  ];
}

/** Horner's scheme as statements: acc = c0·x + c1, then acc = acc·x + ck for the rest. */
export function horner(acc: number, coefficients: number[], x: number): number[][] {
  const K = op.f32x4Const;
  return [
    [...K(coefficients[0]), ...op.get(x), ...op.f32x4Mul, ...K(coefficients[1]), ...op.f32x4Add, ...op.set(acc)],
    ...coefficients.slice(2).map((k) => [...op.get(acc), ...op.get(x), ...op.f32x4Mul, ...K(k), ...op.f32x4Add, ...op.set(acc)]),
  ];
}

/**
 * Statement i of every vector, then statement i + 1 of every vector, …: long dependency chains
 * (exp's polynomial, GELU's erfc) of several vectors then run side by side in the core, where V8
 * emits one vector's whole chain after another's and the core waits on each result. Every element
 * sees the same operations in the same order, so the same bytes.
 */
export const interleaved = (perVector: number[][][]): number[] => perVector[0].flatMap((_, i) => perVector.flatMap((statements) => statements[i]));

/** exp of the f32x4 on the stack for lanes ≤ 0 (expStatements); leaves the result on the stack. Uses locals a, n, r, p. */
export function expBody(a: number, n: number, r: number, p: number): number[] {
  return [...op.set(a), ...expStatements(a, n, r, p).flat(), ...op.get(p)];
}

/** Vectors whose exp the softmax interleaves: 4 runs the kernel 1.6–2.0× as fast as 1 (Zen 4). */
const EXP_VECTORS = 4;

/** `expVectors`: how many vectors' exp to interleave (tests compare 4 with 1: the same bytes). */
export function softmaxRowsFn(expVectors = EXP_VECTORS): Fn {
  const [src, rowBytes, mask, dst, rows, P] = [0, 1, 2, 3, 4, 5];
  const [r, j, ps, pm, pd, end] = [6, 7, 8, 9, 10, 11];
  const [mx, sum] = [12, 13];
  const [vx, vmax, vsum, ex, en, er, ep] = [14, 15, 16, 17, 18, 19, 20];
  const group = Array.from({ length: expVectors }, (_, u) => {
    const [a, n2, r2, p] = [0, 1, 2, 3].map((i) => 21 + 4 * u + i); // a vector's own exp locals
    return { a, p, statements: expStatements(a, n2, r2, p) };
  });
  const body = [
    ...op.block,
    ...op.loop,
    ...op.get(r), ...op.get(rows), ...op.i32GeS, ...op.brIf(1),
    ...op.get(P), ...op.i32(4), ...op.i32Mul, ...op.set(end), // row bytes actually used
    // pass 1: x = src + mask (written back to src), running max
    ...op.f32x4Const(-3.4e38), ...op.set(vmax),
    ...op.get(src), ...op.set(ps), ...op.get(mask), ...op.set(pm), ...op.i32(0), ...op.set(j),
    ...op.block,
    ...op.loop,
    ...op.get(j), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...op.get(ps), ...op.get(ps), ...op.v128Load, ...op.get(pm), ...op.v128Load, ...op.f32x4Add, ...op.tee(vx), ...op.v128Store,
    ...op.get(vmax), ...op.get(vx), ...op.f32x4Pmax, ...op.set(vmax),
    ...advance(ps, 16), ...advance(pm, 16), ...advance(j, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(vmax), ...op.f32x4Lane(0), ...op.get(vmax), ...op.f32x4Lane(1), ...op.f32Max,
    ...op.get(vmax), ...op.f32x4Lane(2), ...op.get(vmax), ...op.f32x4Lane(3), ...op.f32Max, ...op.f32Max, ...op.set(mx),
    // pass 2: dst = exp(x − max), running sum
    ...op.get(mx), ...op.f32x4Splat, ...op.set(vmax),
    ...op.v128Zero, ...op.set(vsum),
    ...op.get(src), ...op.set(ps), ...op.get(dst), ...op.set(pd), ...op.i32(0), ...op.set(j),
    // expVectors vectors at a time, their exp statements interleaved, summed in order
    ...op.block,
    ...op.loop,
    ...op.get(j), ...op.i32(16 * expVectors), ...op.i32Add, ...op.get(end), ...op.i32GtS, ...op.brIf(1),
    ...group.flatMap((g, u) => [...op.get(ps), ...(u ? [...op.i32(16 * u), ...op.i32Add] : []), ...op.v128Load, ...op.get(vmax), ...op.f32x4Sub, ...op.set(g.a)]),
    ...interleaved(group.map((g) => g.statements)),
    ...group.flatMap((g, u) => [
      ...op.get(pd), ...(u ? [...op.i32(16 * u), ...op.i32Add] : []), ...op.get(g.p), ...op.v128Store,
      ...op.get(vsum), ...op.get(g.p), ...op.f32x4Add, ...op.set(vsum),
    ]),
    ...advance(ps, 16 * expVectors), ...advance(pd, 16 * expVectors), ...advance(j, 16 * expVectors),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // the rest one vector at a time
    ...op.block,
    ...op.loop,
    ...op.get(j), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...op.get(pd),
    ...op.get(ps), ...op.v128Load, ...op.get(vmax), ...op.f32x4Sub, ...expBody(ex, en, er, ep), ...op.tee(vx),
    ...op.v128Store,
    ...op.get(vsum), ...op.get(vx), ...op.f32x4Add, ...op.set(vsum),
    ...advance(ps, 16), ...advance(pd, 16), ...advance(j, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // pass 3: dst /= sum (a divide per element, as the composite softmax does)
    ...op.get(vsum), ...op.f32x4Lane(0), ...op.get(vsum), ...op.f32x4Lane(1), ...op.f32Add,
    ...op.get(vsum), ...op.f32x4Lane(2), ...op.get(vsum), ...op.f32x4Lane(3), ...op.f32Add, ...op.f32Add, ...op.set(sum),
    ...op.get(sum), ...op.f32x4Splat, ...op.set(vsum),
    ...op.get(dst), ...op.set(pd), ...op.i32(0), ...op.set(j),
    ...op.block,
    ...op.loop,
    ...op.get(j), ...op.get(end), ...op.i32GeS, ...op.brIf(1),
    ...op.get(pd), ...op.get(pd), ...op.v128Load, ...op.get(vsum), ...op.f32x4Div, ...op.v128Store,
    ...advance(pd, 16), ...advance(j, 16),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...addTo(src, rowBytes), ...addTo(dst, rowBytes),
    ...advance(r, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name: "softmaxRows",
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, F32, F32, ...new Array<number>(7 + 4 * expVectors).fill(V128)],
    body,
  };
}

export type SoftmaxRowsFn = (src: number, rowBytes: number, mask: number, dst: number, rows: number, P: number) => void;
