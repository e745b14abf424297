// Row-wise helpers of the fused attention in WebAssembly SIMD, all addressing rows by a base
// pointer and a row stride in BYTES:
//   copyRows:        dst_r = src_r                       (cols a multiple of 4)
//   gatherRows:      dst_i = src_table[i]                (cols a multiple of 4; table: i32 row indices)
//   scatterRows:     dst_table[i] = src_i                (the inverse copy)
//   scatterAddRows:  rows lo..hi−1 of dst ← 0, then dst_table[i] += src_i for every i in order whose
//                    table[i] is in lo..hi−1 (cols a multiple of 4): an embedding's gradient, each
//                    thread on its own rows, every row's sum in the order of i as on one thread
//   transposeRows:   dst[c, r] = src[r, c]               (scalar: a head's keys → [d, seq])
//   mulRows:         out_r = a_r ⊙ b_r                   (any cols: f32x4, then a scalar tail)
//   softmaxGradRows: g_r ← p_r ⊙ (g_r − Σ_j g_rj·p_rj)   (cols a multiple of 4, in place)
//   columnSums:      dst_j = Σ_r src_rj, r in order from 0 (cols a multiple of 4): a linear layer's
//                    bias gradient, one sequential pass with dst in L1. The same additions in the
//                    same order as the gemm with a row of ones it replaces (1·x is exact, so FMA or
//                    not), hence the same bytes.
import { type Fn, F32, I32, V128, addTo, advance, op } from "./assemble";

/** `for (j = 0; j < limit; j += step) { body }` over the i32 local j (limit an i32 local). */
export const forLoop = (j: number, limit: number, step: number, body: number[]) => [
  ...op.i32(0), ...op.set(j),
  ...op.block,
  ...op.loop,
  ...op.get(j), ...op.get(limit), ...op.i32GeS, ...op.brIf(1),
  ...body,
  ...advance(j, step),
  ...op.br(0),
  ...op.end,
  ...op.end,
];

export function copyRowsFn(): Fn {
  const [src, srcRow, dst, dstRow, rows, cols] = [0, 1, 2, 3, 4, 5];
  const [r, j, bytes] = [6, 7, 8];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...forLoop(r, rows, 1, [
      ...forLoop(j, bytes, 16, [
        ...op.get(dst), ...op.get(j), ...op.i32Add,
        ...op.get(src), ...op.get(j), ...op.i32Add, ...op.v128Load,
        ...op.v128Store,
      ]),
      ...addTo(src, srcRow), ...addTo(dst, dstRow),
    ]),
  ];
  return { name: "copyRows", params: [I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32], body };
}

/** dst row i ← src row table[i] (gather) or dst row table[i] ← src row i (scatter), count rows. */
function indexedRowsFn(name: string, scatter: boolean): Fn {
  const [src, srcRow, dst, dstRow, table, count, cols] = [0, 1, 2, 3, 4, 5, 6];
  const [i, j, bytes, ps, pd] = [7, 8, 9, 10, 11];
  // the table's entry i, times a row stride
  const indexed = (rowBytes: number) => [...op.get(table), ...op.get(i), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.i32Load, ...op.get(rowBytes), ...op.i32Mul];
  const sequential = (rowBytes: number) => [...op.get(i), ...op.get(rowBytes), ...op.i32Mul];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...forLoop(i, count, 1, [
      ...op.get(src), ...(scatter ? sequential(srcRow) : indexed(srcRow)), ...op.i32Add, ...op.set(ps),
      ...op.get(dst), ...(scatter ? indexed(dstRow) : sequential(dstRow)), ...op.i32Add, ...op.set(pd),
      ...forLoop(j, bytes, 16, [
        ...op.get(pd), ...op.get(j), ...op.i32Add,
        ...op.get(ps), ...op.get(j), ...op.i32Add, ...op.v128Load,
        ...op.v128Store,
      ]),
    ]),
  ];
  return { name, params: [I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, I32], body };
}

export const gatherRowsFn = (): Fn => indexedRowsFn("gatherRows", false);
export const scatterRowsFn = (): Fn => indexedRowsFn("scatterRows", true);

export function scatterAddRowsFn(): Fn {
  const [src, srcRow, dst, dstRow, table, count, cols, lo, hi] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [i, j, bytes, ps, pd, r, span] = [9, 10, 11, 12, 13, 14, 15];
  const rowAt = (row: number[]) => [...op.get(dst), ...row, ...op.get(dstRow), ...op.i32Mul, ...op.i32Add, ...op.set(pd)];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...op.get(hi), ...op.get(lo), ...op.i32Sub, ...op.set(span),
    ...forLoop(r, span, 1, [
      ...rowAt([...op.get(lo), ...op.get(r), ...op.i32Add]),
      ...forLoop(j, bytes, 16, [...op.get(pd), ...op.get(j), ...op.i32Add, ...op.v128Zero, ...op.v128Store]),
    ]),
    ...forLoop(i, count, 1, [
      // r = table[i] − lo; rows outside lo..hi−1 wrap to ≥ span as unsigned
      ...op.get(table), ...op.get(i), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.i32Load, ...op.get(lo), ...op.i32Sub, ...op.set(r),
      ...op.get(r), ...op.get(span), ...op.i32GeU, ...op.i32Eqz,
      ...op.if,
      ...rowAt([...op.get(lo), ...op.get(r), ...op.i32Add]),
      ...op.get(src), ...op.get(i), ...op.get(srcRow), ...op.i32Mul, ...op.i32Add, ...op.set(ps),
      ...forLoop(j, bytes, 16, [
        ...op.get(pd), ...op.get(j), ...op.i32Add,
        ...op.get(pd), ...op.get(j), ...op.i32Add, ...op.v128Load,
        ...op.get(ps), ...op.get(j), ...op.i32Add, ...op.v128Load,
        ...op.f32x4Add, ...op.v128Store,
      ]),
      ...op.end,
    ]),
  ];
  return { name: "scatterAddRows", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, I32, I32, I32], body };
}

export function transposeRowsFn(): Fn {
  const [src, srcRow, dst, dstRow, rows, cols] = [0, 1, 2, 3, 4, 5];
  const [r, c, ps, pd] = [6, 7, 8, 9];
  const body = [
    ...forLoop(r, rows, 1, [
      ...op.get(src), ...op.set(ps),
      ...op.get(dst), ...op.get(r), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.set(pd),
      ...forLoop(c, cols, 1, [
        ...op.get(pd), ...op.get(ps), ...op.f32Load, ...op.f32Store,
        ...advance(ps, 4), ...addTo(pd, dstRow),
      ]),
      ...addTo(src, srcRow),
    ]),
  ];
  return { name: "transposeRows", params: [I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32], body };
}

export function mulRowsFn(): Fn {
  const [a, aRow, b, bRow, out, outRow, rows, cols] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [r, j, vecBytes, bytes] = [8, 9, 10, 11];
  const at = (base: number) => [...op.get(base), ...op.get(j), ...op.i32Add];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...op.get(cols), ...op.i32(-4), ...op.i32And, ...op.i32(4), ...op.i32Mul, ...op.set(vecBytes), // (cols & ~3)·4
    ...forLoop(r, rows, 1, [
      ...forLoop(j, vecBytes, 16, [...at(out), ...at(a), ...op.v128Load, ...at(b), ...op.v128Load, ...op.f32x4Mul, ...op.v128Store]),
      // scalar tail: j runs on from vecBytes
      ...op.get(vecBytes), ...op.set(j),
      ...op.block,
      ...op.loop,
      ...op.get(j), ...op.get(bytes), ...op.i32GeS, ...op.brIf(1),
      ...at(out), ...at(a), ...op.f32Load, ...at(b), ...op.f32Load, ...op.f32Mul, ...op.f32Store,
      ...advance(j, 4),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...addTo(a, aRow), ...addTo(b, bRow), ...addTo(out, outRow),
    ]),
  ];
  return { name: "mulRows", params: [I32, I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32], body };
}

export function softmaxGradRowsFn(): Fn {
  const [g, gRow, p, pRow, rows, cols] = [0, 1, 2, 3, 4, 5];
  const [r, j, bytes] = [6, 7, 8];
  const [dot] = [9];
  const [acc, vdot] = [10, 11];
  const at = (base: number) => [...op.get(base), ...op.get(j), ...op.i32Add];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...forLoop(r, rows, 1, [
      ...op.v128Zero, ...op.set(acc),
      ...forLoop(j, bytes, 16, [...op.get(acc), ...at(g), ...op.v128Load, ...at(p), ...op.v128Load, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc)]),
      ...op.get(acc), ...op.f32x4Lane(0), ...op.get(acc), ...op.f32x4Lane(1), ...op.f32Add,
      ...op.get(acc), ...op.f32x4Lane(2), ...op.get(acc), ...op.f32x4Lane(3), ...op.f32Add, ...op.f32Add, ...op.set(dot),
      ...op.get(dot), ...op.f32x4Splat, ...op.set(vdot),
      ...forLoop(j, bytes, 16, [
        ...at(g),
        ...at(p), ...op.v128Load, ...at(g), ...op.v128Load, ...op.get(vdot), ...op.f32x4Sub, ...op.f32x4Mul,
        ...op.v128Store,
      ]),
      ...addTo(g, gRow), ...addTo(p, pRow),
    ]),
  ];
  return { name: "softmaxGradRows", params: [I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, F32, V128, V128], body };
}

export function columnSumsFn(): Fn {
  const [src, srcRow, dst, rows, cols] = [0, 1, 2, 3, 4];
  const [r, j, bytes] = [5, 6, 7];
  const at = (base: number) => [...op.get(base), ...op.get(j), ...op.i32Add];
  const body = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(bytes),
    ...forLoop(j, bytes, 16, [...at(dst), ...op.v128Zero, ...op.v128Store]),
    ...forLoop(r, rows, 1, [
      ...forLoop(j, bytes, 16, [...at(dst), ...at(dst), ...op.v128Load, ...at(src), ...op.v128Load, ...op.f32x4Add, ...op.v128Store]),
      ...addTo(src, srcRow),
    ]),
  ];
  return { name: "columnSums", params: [I32, I32, I32, I32, I32], locals: [I32, I32, I32], body };
}

export type RowsFn = (...args: number[]) => void;
