// The BLAS library's products in tiles (src/model/kernels/blas.ts, gemm-tiles.ts) on operands inside a shared wasm memory,
// against a float64 reference: every transpose combination, alpha, accumulation (beta 1), a bias
// row, tiles whose rows do not divide M (the last one padded or not), operands at offsets. And the one-line errors of a bad
// INSTABILITY_BLAS, and the check that keeps a library whose rows change bytes with their place in a call out. Skipped where no
// OpenBLAS is installed (`apt-get install libopenblas0`) or where it fails that check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Blas, keepsRowBytes, loadBlas, processBlas, skippedBlas } from "../../src/model/kernels/blas";
import { type TiledGemm, columnParts, gemmTiles, unitsOf, weightTileRows } from "../../src/model/kernels/gemm-tiles";
import { withBlasSetting } from "../helpers/matrixProducts";

const blas = withBlasSetting("auto", () => processBlas());

/** C = alpha·op(A)·op(B) (+ bias row, or + beta·C) in float64, from the same memory. */
function reference(f: Float32Array, g: TiledGemm, M: number): Float64Array {
  const out = new Float64Array(M * g.N);
  const A = (m: number, k: number) => f[(g.a >> 2) + (g.transA ? k * g.lda + m : m * g.lda + k)];
  const B = (k: number, n: number) => f[(g.b >> 2) + (g.transB ? n * g.ldb + k : k * g.ldb + n)];
  for (let m = 0; m < M; m++)
    for (let n = 0; n < g.N; n++) {
      let s = 0;
      for (let k = 0; k < g.K; k++) s += A(m, k) * B(k, n);
      const before = g.bias ? f[(g.bias >> 2) + n] : g.beta * f[(g.c >> 2) + m * g.ldc + n];
      out[m * g.N + n] = g.alpha * s + before;
    }
  return out;
}

test("tiled sgemm on the wasm memory = the float64 product, for every transpose, alpha, beta, bias and column parts", (t) => {
  if (!blas) return t.skip(skippedBlas() ?? "no OpenBLAS here");
  const f = new Float32Array(new SharedArrayBuffer(64 * 65536)); // as the threads' wasm memory is
  let seed = 1;
  for (let i = 0; i < f.length; i++) f[i] = (((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24) * 2 - 1;
  const [M, N, K] = [70, 24, 37];
  for (const transA of [false, true]) for (const transB of [false, true]) for (const pad of transA ? [0] : [0, 1]) for (const [alpha, beta, bias] of [[1, 0, 0], [0.5, 1, 0], [1, 0, 4 * 200000]]) for (const parts of [1, 2]) {
    // A, B with padded leading dimensions, at odd offsets; C inside a wider matrix
    const g: TiledGemm = {
      transA, transB, N, K, alpha, beta, bias,
      a: 4 * 1001, lda: (transA ? M : K) + 3, b: 4 * 50003, ldb: (transB ? K : N) + 5,
      c: 4 * 100007, ldc: N + 2, tile: 32, pad, parts,
    };
    const want = reference(f, g, M);
    const before = f.slice(g.c >> 2, (g.c >> 2) + M * g.ldc);
    gemmTiles(blas, f, g, 0, unitsOf(g, M), M);
    const where = `transA ${transA} transB ${transB} pad ${pad} alpha ${alpha} beta ${beta} bias ${bias > 0} parts ${parts}`;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        const got = f[(g.c >> 2) + m * g.ldc + n];
        assert.ok(Math.abs(got - want[m * N + n]) <= 1e-5 * (1 + Math.abs(want[m * N + n])), `${where}: C[${m}, ${n}] = ${got}, want ${want[m * N + n]}`);
      }
      assert.equal(f[(g.c >> 2) + m * g.ldc + N], before[m * g.ldc + N], `${where}: row ${m}'s padding untouched`);
    }
    f.set(before, g.c >> 2);
  }
});

test("dW's tiles: rows per call fixed by the shape alone, at least 32, at most 128", () => {
  assert.deepEqual([1, 55, 300, 1024, 2048, 100000].map(weightTileRows), [32, 32, 48, 128, 128, 128]);
});

test("y's and dx's tiles: two column parts from 384 columns on (whole 16-column blocks each), else one", () => {
  assert.deepEqual([128, 200, 352, 384, 400, 512, 1536].map(columnParts), [1, 1, 1, 2, 1, 2, 2]);
});

test("a bad INSTABILITY_BLAS is a one-line error naming it and the fix", () => {
  assert.throws(() => loadBlas("/nonexistent/libblas.so"), /^Error: INSTABILITY_BLAS=\/nonexistent\/libblas\.so: cannot load its cblas_sgemm \(.*\); name a CBLAS library such as libopenblas\.so\.0, or set INSTABILITY_BLAS=0$/);
  assert.throws(() => withBlasSetting("/nonexistent/libblas.so", () => processBlas()), /INSTABILITY_BLAS=\/nonexistent\/libblas\.so/);
  assert.equal(withBlasSetting("0", () => processBlas()), null);
});

/** A row-major float32 sgemm in JS (C = alpha·op(A)·op(B) + beta·C, k in order); `perturbRow` picks rows whose sums run k backwards. */
function jsSgemm(perturbRow: (m: number) => boolean = () => false): Pick<Blas, "sgemm"> {
  return {
    sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) {
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let i = 0; i < K; i++) {
            const k = perturbRow(m) ? K - 1 - i : i;
            s = Math.fround(s + Math.fround((transA ? a[k * lda + m] : a[m * lda + k]) * (transB ? b[n * ldb + k] : b[k * ldb + n])));
          }
          c[m * ldc + n] = Math.fround(alpha * s + (beta === 0 ? 0 : beta * c[m * ldc + n]));
        }
    },
  };
}

test("a BLAS library is used only where a row's bytes do not depend on where the row sits in a call", () => {
  assert.equal(keepsRowBytes(jsSgemm()), true, "every row summed alike");
  assert.equal(keepsRowBytes(jsSgemm((m) => m % 8 === 7)), false, "rows 7, 15, … summed in another order");
  assert.equal(keepsRowBytes(jsSgemm((m) => m === 0)), false, "the first row of a call summed in another order");
  // what INSTABILITY_BLAS=auto picked (or skipped) on this machine: the startup line says which
  if (blas) assert.equal(keepsRowBytes(blas), true);
  else if (skippedBlas()) assert.match(skippedBlas()!, /not used: it gives a row different bytes at different places in a call/);
});
