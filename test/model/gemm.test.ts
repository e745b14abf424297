// The SIMD gemm (src/model/kernels/gemm.ts), each variant in a memory of its own, against a
// float64 product computed here: strided A (plain and transposed), accumulate, alpha, odd K,
// leftover rows; operands packed into panels; and the same call twice (also after V8 has re-compiled the hot function) gives
// the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GEMM_FMA, GEMM_FMA_12, GEMM_PLAIN, GEMM_PLAIN_12, type GemmFn, type GemmVariant, type PackPanelsFn, gemmColumns, gemmFn, packPanelsFn } from "../../src/model/kernels/gemm";
import { type WasmMemory, instantiateKernels, newWasmMemory } from "../../src/model/kernels/runtime";

function instantiate(variant: GemmVariant, memory: WasmMemory): GemmFn | null {
  try {
    return instantiateKernels([gemmFn(variant)], memory).gemm as GemmFn;
  } catch {
    return null;
  }
}

/** The FMA variant where this engine compiles relaxed SIMD, else the plain one (as runtime.ts picks). */
const anyGemm = (memory: WasmMemory): GemmFn | null => instantiate(GEMM_FMA, memory) ?? instantiate(GEMM_PLAIN, memory);
const anyGemm12 = (memory: WasmMemory): GemmFn | null => instantiate(GEMM_FMA_12, memory) ?? instantiate(GEMM_PLAIN_12, memory);

const VARIANTS: [string, GemmVariant][] = [
  ["fma 4×8", GEMM_FMA], ["plain 4×8", GEMM_PLAIN], ["fma 3×12", GEMM_FMA_12], ["plain 3×12", GEMM_PLAIN_12],
  ["fma 6×8 (leftover rows)", { rows: 6, vectors: 2, fma: true }],
];

for (const [label, variant] of VARIANTS) {
  test(`gemm ${label} = a float64 product (strided and transposed A, accumulate, alpha, odd K)`, (t) => {
    const memory = newWasmMemory(64);
    const gemm = instantiate(variant, memory);
    if (!gemm) return t.skip("this engine cannot compile relaxed SIMD");
    const f = new Float32Array(memory.buffer);
    const cols = gemmColumns(variant);
    // N in B panels of the variant's width
    for (const [M, panels, K, transposed, accumulate, alpha] of [
      [4, 1, 1, false, false, 1], [12, 2, 7, false, true, 0.5], [20, 3, 33, true, false, 1], [8, 1, 64, true, true, -2],
      [1, 1, 5, false, false, 1], [3, 2, 9, true, true, 0.5], [7, 1, 12, false, false, 1], [13, 3, 3, true, false, 2],
    ] as [number, number, number, boolean, boolean, number][]) {
      const N = panels * cols;
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
      gemm(a, sam, sak, variant.rows * sam, b, 4 * N, 4 * cols, c, 4 * N, accumulate ? c : 0, 4 * N, M, N, K, alpha);
      for (let i = 0; i < M * N; i++) {
        const tol = 1e-5 * K * 4 * Math.abs(alpha) + 1e-6;
        assert.ok(Math.abs(f[c / 4 + i] - want[i]) <= tol, `M=${M} N=${N} K=${K}: C[${i}] = ${f[c / 4 + i]}, want ${want[i]}`);
      }
    }
  });
}

for (const [label, pick, R] of [["4 × 8", anyGemm, 4], ["3 × 12", anyGemm12, 3]] as const) {
  test(`gemm ${label}: a row's bytes do not depend on M or on the row's place in A (blocks of ${R} rows and 1)`, (t) => {
    const memory = newWasmMemory(64);
    const gemm = pick(memory);
    if (!gemm) return t.skip("no gemm");
    const f = new Float32Array(memory.buffer);
    const [M, N, K] = [12, 24, 37];
    const b = 4 * M * K, c = b + 4 * K * N, c2 = c + 4 * M * N;
    for (let i = 0; i < M * K + K * N; i++) f[i] = Math.cos(i * 0.37) * 3;
    gemm(0, 4 * K, 4, R * 4 * K, b, 4 * N, 4 * N, c, 4 * N, 0, 0, M, N, K, 0.7);
    const whole = new Uint8Array(f.slice(c / 4, c / 4 + M * N).buffer);
    for (const [first, rows] of [[0, 1], [0, 2], [0, 3], [0, 5], [0, 7], [1, 1], [2, 3], [5, 6], [11, 1], [3, 9]]) {
      gemm(4 * K * first, 4 * K, 4, R * 4 * K, b, 4 * N, 4 * N, c2, 4 * N, 0, 0, rows, N, K, 0.7);
      const part = new Uint8Array(f.slice(c2 / 4, c2 / 4 + rows * N).buffer);
      assert.deepEqual(part, whole.slice(4 * first * N, 4 * (first + rows) * N), `rows ${first}..${first + rows - 1}`);
    }
  });
}

test("the 3 × 12 gemm gives the 4 × 8 gemm's bytes, strided and on packed operands (3-row A and 12-column B panels, the f32x4 packing paths)", (t) => {
  const memory = newWasmMemory(64);
  const [g8, g12] = [anyGemm(memory), anyGemm12(memory)];
  if (!g8 || !g12) return t.skip("no gemm");
  const pack = instantiateKernels([packPanelsFn()], memory).packPanels as PackPanelsFn;
  const f = new Float32Array(memory.buffer);
  for (const [M, N, K] of [[12, 24, 37], [7, 48, 5], [1, 24, 16], [30, 72, 64]]) {
    // A [M, K] and B [K, N] row-major; their transposes for the strided packing paths.
    const a = 0, b = 4 * M * K, at = b + 4 * K * N, bt = at + 4 * M * K, ap = bt + 4 * K * N, bp = ap + 4 * M * K;
    const c8 = bp + 4 * K * N, c12 = c8 + 4 * M * N, c12p = c12 + 4 * M * N, d = c12p + 4 * M * N, ap2 = d + 4 * M * N, bp2 = ap2 + 4 * M * K;
    for (let i = 0; i < (M * K + K * N); i++) f[i] = Math.sin(0.5 + i * 0.613);
    for (let i = 0; i < M * N; i++) f[d / 4 + i] = Math.cos(i);
    for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) f[at / 4 + k * M + m] = f[a / 4 + m * K + k];
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) f[bt / 4 + n * K + k] = f[b / 4 + k * N + n];
    g8(a, 4 * K, 4, 16 * K, b, 4 * N, 32, c8, 4 * N, d, 4 * N, M, N, K, 1);
    g12(a, 4 * K, 4, 12 * K, b, 4 * N, 48, c12, 4 * N, d, 4 * N, M, N, K, 1);
    assert.deepEqual(new Uint8Array(memory.buffer, c12, 4 * M * N), new Uint8Array(memory.buffer, c8, 4 * M * N), `strided ${M}×${N}×${K}`);
    // Packed from the transposes (rows contiguous: the i64 + f32 and the 3-vector copies)…
    pack(at, 4 * M, 4, ap, K, M - (M % 3), 3);
    pack(b, 4 * N, 4, bp, K, N, 12);
    // …and from A and Bᵀ (element by element): the same panels.
    pack(a, 4, 4 * K, ap2, K, M - (M % 3), 3);
    pack(bt, 4, 4 * K, bp2, K, N, 12);
    assert.deepEqual(new Uint8Array(memory.buffer, ap, 4 * K * (M - (M % 3))), new Uint8Array(memory.buffer, ap2, 4 * K * (M - (M % 3))), "3-row panels");
    assert.deepEqual(new Uint8Array(memory.buffer, bp, 4 * K * N), new Uint8Array(memory.buffer, bp2, 4 * K * N), "12-column panels");
    // Packed products (rows in whole panels) give the strided rows' bytes.
    const Mp = M - (M % 3);
    if (Mp === 0) continue;
    assert.equal(f[ap / 4 + 1 * K * 3 + 4 * 3 + 2], f[a / 4 + 5 * K + 4], "A panel 1, k 4, row 2 = A[5, 4]");
    g12(ap, 4, 12, 12 * K, bp, 48, 48 * K, c12p, 4 * N, d, 4 * N, Mp, N, K, 1);
    assert.deepEqual(new Uint8Array(memory.buffer, c12p, 4 * Mp * N), new Uint8Array(memory.buffer, c8, 4 * Mp * N), `packed ${Mp}×${N}×${K}`);
  }
});

test("gemm: the same product twice, and after many calls (V8 tiers hot code up), is byte-identical", (t) => {
  const memory = newWasmMemory(64);
  const gemm = anyGemm(memory);
  if (!gemm) return t.skip("no gemm");
  const f = new Float32Array(memory.buffer);
  const [M, N, K] = [64, 64, 96];
  const b = 4 * M * K, c = b + 4 * K * N;
  for (let i = 0; i < (M * K + K * N); i++) f[i] = Math.cos(i * 0.37);
  const run = () => {
    gemm(0, 4 * K, 4, 16 * K, b, 4 * N, 32, c, 4 * N, 0, 0, M, N, K, 1);
    return f.slice(c / 4, c / 4 + M * N);
  };
  const first = run();
  for (let i = 0; i < 300; i++) run();
  assert.deepEqual(new Uint8Array(run().buffer), new Uint8Array(first.buffer));
});

test("gemm on operands packed by packPanels (4-row panels of A, 8-column panels of B) gives the strided product's bytes", (t) => {
  const memory = newWasmMemory(64);
  let ex: Record<string, unknown>;
  try {
    ex = instantiateKernels([gemmFn(GEMM_FMA), packPanelsFn()], memory);
  } catch {
    ex = instantiateKernels([gemmFn(GEMM_PLAIN), packPanelsFn()], memory);
  }
  const gemm = ex.gemm as GemmFn;
  const pack = ex.packPanels as PackPanelsFn;
  if (!gemm) return t.skip("no gemm");
  const f = new Float32Array(memory.buffer);
  const [M, N, K] = [12, 24, 37];
  // A stored transposed ([K, M], as dyᵀ in dW), B as [N, K] (as W in x·Wᵀ): both need a stride ≠ 4 to pack.
  const a = 0, b = a + 4 * K * M, ap = b + 4 * N * K, bp = ap + 4 * M * K, c2 = bp + 4 * K * N;
  for (let i = 0; i < (ap) / 4; i++) f[i] = Math.sin(3 + i * 0.917);
  // Reference: element by element in float64 (B[k, n] = b-matrix[n, k]).
  const want = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += f[a / 4 + k * M + m] * f[b / 4 + n * K + k];
    want[m * N + n] = s;
  }
  pack(a, 4 * M, 4, ap, K, M, 4); // A[m, k] = At[k, m]: the panels' columns are A's rows
  pack(b, 4, 4 * K, bp, K, N, 8); // B[k, n] = Bt[n, k]
  // The packed panels hold what their layout says.
  assert.equal(f[ap / 4 + 1 * K * 4 + 5 * 4 + 2], f[a / 4 + 5 * M + 6], "A panel 1, k 5, row 2 = A[6, 5]");
  assert.equal(f[bp / 4 + 2 * K * 8 + 7 * 8 + 3], f[b / 4 + 19 * K + 7], "B panel 2, k 7, column 3 = B[7, 19]");
  gemm(ap, 4, 16, 16 * K, bp, 32, 32 * K, c2, 4 * N, 0, 0, M, N, K, 1);
  for (let i = 0; i < M * N; i++) assert.ok(Math.abs(f[c2 / 4 + i] - want[i]) <= 1e-4, `C[${i}] = ${f[c2 / 4 + i]}, want ${want[i]}`);
  // Same bytes as the strided call over the same operands (rows-contiguous B copy, strided A).
  const bRows = c2 + 4 * M * N, c3 = bRows + 4 * K * N;
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) f[bRows / 4 + k * N + n] = f[b / 4 + n * K + k];
  gemm(a, 4, 4 * M, 16, bRows, 4 * N, 32, c3, 4 * N, 0, 0, M, N, K, 1);
  assert.deepEqual(new Uint8Array(memory.buffer, c2, 4 * M * N), new Uint8Array(memory.buffer, c3, 4 * M * N));
  // Rows-contiguous B (the f32x4 path) packs to the same panels as the strided copy did.
  const bp2 = c3 + 4 * M * N;
  pack(bRows, 4 * N, 4, bp2, K, N, 8);
  assert.deepEqual(new Uint8Array(memory.buffer, bp2, 4 * K * N), new Uint8Array(memory.buffer, bp, 4 * K * N));
});

test("gemm adds D as it stores: D = C accumulates, a row stride of 0 adds one row (a bias) to every row", (t) => {
  const memory = newWasmMemory(64);
  const gemm = instantiate(GEMM_FMA, memory) ?? instantiate(GEMM_PLAIN, memory);
  if (!gemm) return t.skip("no gemm");
  const f = new Float32Array(memory.buffer);
  const [M, N, K] = [8, 16, 5];
  const a = 0, b = 4 * M * K, bias = b + 4 * K * N, c = bias + 4 * N, plain = c + 4 * M * N;
  for (let i = 0; i < bias / 4 + N; i++) f[i] = Math.cos(2 + i * 0.53);
  gemm(a, 4 * K, 4, 16 * K, b, 4 * N, 32, plain, 4 * N, 0, 0, M, N, K, 1);
  gemm(a, 4 * K, 4, 16 * K, b, 4 * N, 32, c, 4 * N, bias, 0, M, N, K, 1);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    assert.equal(f[c / 4 + m * N + n], Math.fround(f[plain / 4 + m * N + n] + f[bias / 4 + n]), `C[${m}, ${n}]`);
  }
});
