// LayerNorm over rows of d floats (d % 4 = 0) in WebAssembly SIMD, two-pass statistics in float32
// lanes (the composite op's precision):
//   layerNormForward:  mean, rstd = 1/√(var + eps); xhat = (x − mean)·rstd; y = xhat·γ + β
//   layerNormBackward: dx = rstd·(dy·γ − mean(dy·γ) − xhat·mean(dy·γ·xhat));
//                      dγ = Σ_rows dy·xhat, dβ = Σ_rows dy (accumulated into zeroed outputs)
//   layerNormBackwardRows, layerNormParamGrads: the same split between threads (dx by rows, dγ and
//                      dβ by columns)
import { type Fn, F32, I32, V128, op } from "./assemble";

/** `for (j = 0; j < bytes; j += 16) { body }` over the i32 local j. */
const rowLoop = (j: number, bytes: number, body: number[]) => [
  ...op.i32(0), ...op.set(j),
  ...op.block,
  ...op.loop,
  ...op.get(j), ...op.get(bytes), ...op.i32GeS, ...op.brIf(1),
  ...body,
  ...op.get(j), ...op.i32(16), ...op.i32Add, ...op.set(j),
  ...op.br(0),
  ...op.end,
  ...op.end,
];
const at = (base: number, j: number) => [...op.get(base), ...op.get(j), ...op.i32Add];
const load = (base: number, j: number) => [...at(base, j), ...op.v128Load];
/** Sum of the four lanes of local v, as an f32. */
const lanesSum = (v: number) => [
  ...op.get(v), ...op.f32x4Lane(0), ...op.get(v), ...op.f32x4Lane(1), ...op.f32Add,
  ...op.get(v), ...op.f32x4Lane(2), ...op.get(v), ...op.f32x4Lane(3), ...op.f32Add, ...op.f32Add,
];
/** `local += bytes` */
const bump = (local: number, bytes: number) => [...op.get(local), ...op.get(bytes), ...op.i32Add, ...op.set(local)];
/** `for (r = 0; r < rows; r++) { body }` */
const rows = (r: number, n: number, body: number[]) => [
  ...op.i32(0), ...op.set(r),
  ...op.block,
  ...op.loop,
  ...op.get(r), ...op.get(n), ...op.i32GeS, ...op.brIf(1),
  ...body,
  ...op.get(r), ...op.i32(1), ...op.i32Add, ...op.set(r),
  ...op.br(0),
  ...op.end,
  ...op.end,
];

export function layerNormForwardFn(): Fn {
  const [x, g, b, y, xh, rs, n, d, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r, j, bytes] = [9, 10, 11];
  const [mean, rstd] = [12, 13];
  const [acc, vmean, vrstd, h] = [14, 15, 16, 17];
  const body = [
    ...op.get(d), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...rows(r, n, [
      ...op.v128Zero, ...op.set(acc),
      ...rowLoop(j, bytes, [...op.get(acc), ...load(x, j), ...op.f32x4Add, ...op.set(acc)]),
      ...lanesSum(acc), ...op.get(d), ...op.f32ConvertI32S, ...op.f32Div, ...op.set(mean),
      ...op.get(mean), ...op.f32x4Splat, ...op.set(vmean),
      ...op.v128Zero, ...op.set(acc),
      ...rowLoop(j, bytes, [...load(x, j), ...op.get(vmean), ...op.f32x4Sub, ...op.tee(h), ...op.get(h), ...op.f32x4Mul, ...op.get(acc), ...op.f32x4Add, ...op.set(acc)]),
      ...op.f32Const(1), ...lanesSum(acc), ...op.get(d), ...op.f32ConvertI32S, ...op.f32Div, ...op.get(eps), ...op.f32Add, ...op.f32Sqrt, ...op.f32Div, ...op.set(rstd),
      ...op.get(rs), ...op.get(rstd), ...op.f32Store,
      ...op.get(rstd), ...op.f32x4Splat, ...op.set(vrstd),
      ...rowLoop(j, bytes, [
        ...at(xh, j), ...load(x, j), ...op.get(vmean), ...op.f32x4Sub, ...op.get(vrstd), ...op.f32x4Mul, ...op.tee(h), ...op.v128Store,
        ...at(y, j), ...op.get(h), ...load(g, j), ...op.f32x4Mul, ...load(b, j), ...op.f32x4Add, ...op.v128Store,
      ]),
      ...bump(x, bytes), ...bump(xh, bytes), ...bump(y, bytes),
      ...op.get(rs), ...op.i32(4), ...op.i32Add, ...op.set(rs),
    ]),
  ];
  return { name: "layerNormForward", params: [I32, I32, I32, I32, I32, I32, I32, I32, F32], locals: [I32, I32, I32, F32, F32, V128, V128, V128, V128], body };
}

/** `dγ += dy·xhat; dβ += dy` for the vectors at byte offset j (vdy, vh: dy's and xhat's). */
const paramGradsStep = (dg: number, db: number, j: number, vdy: number[], vh: number[]) => [
  ...at(dg, j), ...load(dg, j), ...vdy, ...vh, ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store,
  ...at(db, j), ...load(db, j), ...vdy, ...op.f32x4Add, ...op.v128Store,
];

/**
 * LayerNorm's backward over n rows: dx, and with `params` dγ and dβ too (zeroed, then summed over
 * the rows in order). Without `params` ("layerNormBackwardRows") the rows are a thread's share, and
 * layerNormParamGrads sums dγ and dβ by columns: the same operations in the same order, so the
 * same bytes as one call.
 */
export function layerNormBackwardFn(params = true): Fn {
  const [dy, xh, rs, g, dx, dg, db, n, d] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r, j, bytes] = [9, 10, 11];
  const [acc1, acc2, dh, vdy, vh, vmeanD, vmeanDX, vrstd] = [12, 13, 14, 15, 16, 17, 18, 19];
  const invD = [...op.f32Const(1), ...op.get(d), ...op.f32ConvertI32S, ...op.f32Div];
  const body = [
    ...op.get(d), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...(params ? rowLoop(j, bytes, [...at(dg, j), ...op.v128Zero, ...op.v128Store, ...at(db, j), ...op.v128Zero, ...op.v128Store]) : []),
    ...rows(r, n, [
      ...op.v128Zero, ...op.set(acc1), ...op.v128Zero, ...op.set(acc2),
      ...rowLoop(j, bytes, [
        ...load(dy, j), ...op.set(vdy), ...load(xh, j), ...op.set(vh),
        ...op.get(vdy), ...load(g, j), ...op.f32x4Mul, ...op.set(dh),
        ...op.get(acc1), ...op.get(dh), ...op.f32x4Add, ...op.set(acc1),
        ...op.get(acc2), ...op.get(dh), ...op.get(vh), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc2),
        ...(params ? paramGradsStep(dg, db, j, op.get(vdy), op.get(vh)) : []),
      ]),
      ...lanesSum(acc1), ...invD, ...op.f32Mul, ...op.f32x4Splat, ...op.set(vmeanD),
      ...lanesSum(acc2), ...invD, ...op.f32Mul, ...op.f32x4Splat, ...op.set(vmeanDX),
      ...op.get(rs), ...op.v128Load32Splat, ...op.set(vrstd),
      ...rowLoop(j, bytes, [
        ...at(dx, j),
        ...load(dy, j), ...load(g, j), ...op.f32x4Mul, ...op.get(vmeanD), ...op.f32x4Sub,
        ...load(xh, j), ...op.get(vmeanDX), ...op.f32x4Mul, ...op.f32x4Sub,
        ...op.get(vrstd), ...op.f32x4Mul,
        ...op.v128Store,
      ]),
      ...bump(dy, bytes), ...bump(xh, bytes), ...bump(dx, bytes),
      ...op.get(rs), ...op.i32(4), ...op.i32Add, ...op.set(rs),
    ]),
  ];
  return { name: params ? "layerNormBackward" : "layerNormBackwardRows", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, ...new Array<number>(8).fill(V128)], body };
}

/** dγ = Σ_rows dy·xhat and dβ = Σ_rows dy over n rows (row stride `stride` bytes) for `cols` columns (cols % 4 = 0): a thread's columns. */
export function layerNormParamGradsFn(): Fn {
  const [dy, xh, dg, db, n, stride, cols] = [0, 1, 2, 3, 4, 5, 6];
  const [r, j, bytes] = [7, 8, 9];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...rowLoop(j, bytes, [...at(dg, j), ...op.v128Zero, ...op.v128Store, ...at(db, j), ...op.v128Zero, ...op.v128Store]),
    ...rows(r, n, [
      ...rowLoop(j, bytes, paramGradsStep(dg, db, j, load(dy, j), load(xh, j))),
      ...bump(dy, stride), ...bump(xh, stride),
    ]),
  ];
  return { name: "layerNormParamGrads", params: [I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32], body };
}

export type LayerNormForwardFn = (x: number, g: number, b: number, y: number, xhat: number, rstd: number, n: number, d: number, eps: number) => void;
export type LayerNormBackwardFn = (dy: number, xhat: number, rstd: number, g: number, dx: number, dg: number, db: number, n: number, d: number) => void;
