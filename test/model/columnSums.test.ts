// columnSums (src/model/kernels/rows.ts), the bias gradient of the fused linear layer: exactly the
// float32 sums in row order computed here with Math.fround, and the same bytes as the gemm with a
// row of ones that it replaced (so switching to it changed no fine-tuning run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { GEMM_FMA, GEMM_PLAIN, type GemmFn, gemmFn } from "../../src/model/kernels/gemm";
import { columnSumsFn, type RowsFn } from "../../src/model/kernels/rows";
import { instantiateKernels, newWasmMemory } from "../../src/model/kernels/runtime";

test("columnSums = float32 sums in row order, byte for byte, on a strided source", () => {
  const memory = newWasmMemory(64);
  const columnSums = instantiateKernels([columnSumsFn()], memory).columnSums as RowsFn;
  const f = new Float32Array(memory.buffer);
  for (const [rows, cols, stride] of [[1, 4, 4], [37, 12, 20], [2048, 64, 64], [5, 384, 388]]) {
    const src = 64, dst = src + 4 * rows * stride;
    for (let i = 0; i < rows * stride; i++) f[src / 4 + i] = Math.sin(1 + i * 0.917) * (i % 7 === 0 ? 1e3 : 1);
    f.fill(Number.NaN, dst / 4, dst / 4 + cols); // the kernel must not read dst before writing it
    columnSums(src, 4 * stride, dst, rows, cols);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = Math.fround(s + f[src / 4 + r * stride + j]);
      assert.equal(f[dst / 4 + j], s, `rows=${rows} cols=${cols}: column ${j}`);
    }
  }
});

test("columnSums gives the same bytes as the gemm of a row of ones (the bias gradient before it)", () => {
  for (const variant of [GEMM_FMA, GEMM_PLAIN]) {
    const memory = newWasmMemory(64);
    let exports: Record<string, unknown>;
    try {
      exports = instantiateKernels([gemmFn(variant), columnSumsFn()], memory);
    } catch {
      continue; // this engine cannot compile relaxed SIMD: the plain variant still runs
    }
    const gemm = exports.gemm as GemmFn;
    const columnSums = exports.columnSums as RowsFn;
    const f = new Float32Array(memory.buffer);
    const [n, cols] = [300, 40];
    const src = 0, ones = 4 * n * cols, viaGemm = ones + 4 * n, viaSums = viaGemm + 4 * cols;
    for (let i = 0; i < n * cols; i++) f[i] = Math.cos(i * 0.37) * 3;
    f.fill(1, ones / 4, ones / 4 + n);
    gemm(ones, 0, 4, 0, src, cols * 4, 32, viaGemm, 0, 0, 0, 4, cols, n, 1);
    columnSums(src, cols * 4, viaSums, n, cols);
    assert.deepEqual(new Uint8Array(memory.buffer, viaSums, 4 * cols), new Uint8Array(memory.buffer, viaGemm, 4 * cols));
  }
});
