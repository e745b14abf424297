// The SIMD gemm (src/model/kernels/gemm.ts), each variant in a memory of its own, against a
// float64 product computed here: strided A (plain and transposed), accumulate, alpha, odd K,
// leftover rows; and the same call twice (also after V8 has re-compiled the hot function) gives
// the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GEMM_FMA, GEMM_PLAIN, type GemmFn, type GemmVariant, gemmFn } from "../../src/model/kernels/gemm";
import { type WasmMemory, instantiateKernels, newWasmMemory } from "../../src/model/kernels/runtime";

function instantiate(variant: GemmVariant, memory: WasmMemory): GemmFn | null {
  try {
    return instantiateKernels([gemmFn(variant)], memory).gemm as GemmFn;
  } catch {
    return null;
  }
}

const VARIANTS: [string, GemmVariant][] = [["fma 4×8", GEMM_FMA], ["plain 4×8", GEMM_PLAIN], ["fma 6×8 (leftover rows)", { rows: 6, fma: true }]];

for (const [label, variant] of VARIANTS) {
  test(`gemm ${label} = a float64 product (strided and transposed A, accumulate, alpha, odd K)`, (t) => {
    const memory = newWasmMemory(64);
    const gemm = instantiate(variant, memory);
    if (!gemm) return t.skip("this engine cannot compile relaxed SIMD");
    const f = new Float32Array(memory.buffer);
    for (const [M, N, K, transposed, accumulate, alpha] of [
      [4, 8, 1, false, false, 1], [12, 16, 7, false, true, 0.5], [20, 24, 33, true, false, 1], [8, 8, 64, true, true, -2],
    ] as [number, number, number, boolean, boolean, number][]) {
      // A stored as [M, K] (row stride K + 3, padding between rows) or as [K, M] (transposed).
      const lda = transposed ? M + 5 : K + 3;
      const a = 0, b = a + 4 * lda * (transposed ? K : M), c = b + 4 * K * N;
      for (let i = 0; i < (c + 4 * M * N) / 4; i++) f[i] = Math.sin(1 + i * 0.731) * 2;
      const A = (m: number, k: number) => f[(transposed ? k * lda + m : m * lda + k)];
      const before = f.slice(c / 4, c / 4 + M * N);
      const want = new Float64Array(M * N);
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A(m, k) * f[b / 4 + k * N + n];
          want[m * N + n] = alpha * s + (accumulate ? before[m * N + n] : 0);
        }
      const [sam, sak] = transposed ? [4, 4 * lda] : [4 * lda, 4];
      gemm(a, sam, sak, b, 4 * N, c, 4 * N, M, N, K, accumulate ? 1 : 0, alpha);
      for (let i = 0; i < M * N; i++) {
        const tol = 1e-5 * K * 4 * Math.abs(alpha) + 1e-6;
        assert.ok(Math.abs(f[c / 4 + i] - want[i]) <= tol, `M=${M} N=${N} K=${K}: C[${i}] = ${f[c / 4 + i]}, want ${want[i]}`);
      }
    }
  });
}

test("gemm: the same product twice, and after many calls (V8 tiers hot code up), is byte-identical", (t) => {
  const memory = newWasmMemory(64);
  const gemm = instantiate(GEMM_FMA, memory) ?? instantiate(GEMM_PLAIN, memory)!;
  if (!gemm) return t.skip("no gemm");
  const f = new Float32Array(memory.buffer);
  const [M, N, K] = [64, 64, 96];
  const b = 4 * M * K, c = b + 4 * K * N;
  for (let i = 0; i < (M * K + K * N); i++) f[i] = Math.cos(i * 0.37);
  const run = () => {
    gemm(0, 4 * K, 4, b, 4 * N, c, 4 * N, M, N, K, 0, 1);
    return f.slice(c / 4, c / 4 + M * N);
  };
  const first = run();
  for (let i = 0; i < 300; i++) run();
  assert.deepEqual(new Uint8Array(run().buffer), new Uint8Array(first.buffer));
});
