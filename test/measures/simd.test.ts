// The hand-assembled WebAssembly SIMD kernels against plain loops over the same memory, on sizes
// that exercise the paired (f64x2) part, the odd last term and the diagonal walk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { simdKernels } from "../../src/measures/simd";
import { gaussian } from "./fixtures";

const simd = simdKernels();
const skip = !simd && "WebAssembly SIMD is unavailable here (or INSTABILITY_NO_SIMD=1): the scalar loops are used";

test("dots4: four dot products per row, with and without the diagonal walk", { skip }, () => {
  const k = simd!;
  const top = k.mark();
  try {
    for (const [rows, len] of [[9, 23], [8, 24], [5, 1], [3, 2]]) {
      const a = gaussian(rows, len + rows, 1);
      const b = gaussian(4, len + rows, 2);
      const w = len + rows; // row length of both inputs
      const aAt = k.alloc(a.length);
      const bAt = k.alloc(b.length);
      const outAt = k.alloc(4 * rows);
      const mem = k.f64();
      mem.set(a, aAt);
      mem.set(b, bAt);
      // Plain: out[r, q] = Σ_{t < len} a[r, t]·b[q, t].
      k.dots4(aAt * 8, w * 8, bAt * 8, 0, w * 8, len, 0, rows, outAt * 8, 32, 8);
      for (let r = 0; r < rows; r++) {
        for (let q = 0; q < 4; q++) {
          let s = 0;
          for (let t = 0; t < len; t++) s += a[r * w + t] * b[q * w + t];
          assert.ok(Math.abs(k.f64()[outAt + 4 * r + q] - s) <= 1e-13 * (1 + Math.abs(s)), `rows ${rows} len ${len} (${r}, ${q})`);
        }
      }
      // Diagonal walk: row r starts r columns later in both and is r terms shorter.
      k.dots4(aAt * 8, (w + 1) * 8, bAt * 8, 8, w * 8, len, 1, Math.min(rows, len), outAt * 8, 8, 8 * rows);
      for (let r = 0; r < Math.min(rows, len); r++) {
        for (let q = 0; q < 4; q++) {
          let s = 0;
          for (let t = r; t < len; t++) s += a[r * w + t] * b[q * w + t];
          assert.ok(Math.abs(k.f64()[outAt + q * rows + r] - s) <= 1e-13 * (1 + Math.abs(s)), `walk rows ${rows} len ${len} (${r}, ${q})`);
        }
      }
    }
  } finally {
    k.release(top);
  }
});

test("symvLower and syr2Lower: product with and rank-2 update of a lower triangle inside a larger matrix", { skip }, () => {
  const k = simd!;
  const n = 41;
  const off = 3;
  for (const m of [38, 37, 2, 1]) {
    const top = k.mark();
    try {
      const a = gaussian(n, n, 3 + m);
      const v = gaussian(1, m, 4);
      const w = gaussian(1, m, 5);
      const aAt = k.alloc(n * n);
      const vAt = k.alloc(m);
      const wAt = k.alloc(m);
      const pAt = k.alloc(m);
      const mem = k.f64();
      mem.set(a, aAt);
      mem.set(v, vAt);
      mem.set(w, wAt);
      mem.fill(0, pAt, pAt + m); // symvLower accumulates into p
      const sym = (i: number, j: number) => (i >= j ? a[(off + i) * n + off + j] : a[(off + j) * n + off + i]);
      k.symvLower((aAt + off * n + off) * 8, n * 8, m, vAt * 8, pAt * 8);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += sym(i, j) * v[j];
        assert.ok(Math.abs(k.f64()[pAt + i] - s) <= 1e-13 * (1 + Math.abs(s)), `symv m ${m} row ${i}`);
      }
      k.syr2Lower((aAt + off * n + off) * 8, n * 8, m, vAt * 8, wAt * 8);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const inBlock = i >= off && j >= off && i < off + m && j <= i;
          const want = inBlock ? a[i * n + j] - (v[i - off] * w[j - off] + w[i - off] * v[j - off]) : a[i * n + j];
          assert.equal(k.f64()[aAt + i * n + j], want, `syr2 m ${m} (${i}, ${j})`);
        }
      }
    } finally {
      k.release(top);
    }
  }
});

test("syr2Symv equals syr2Lower followed by symvLower, bit for bit", { skip }, () => {
  const k = simd!;
  const n = 30;
  for (const m of [29, 28, 1]) {
    const top = k.mark();
    try {
      const a = gaussian(n, n, 50 + m);
      const [v, w, x] = [51, 52, 53].map((seed) => gaussian(1, m, seed));
      const [fusedAt, plainAt] = [k.alloc(n * n), k.alloc(n * n)];
      const [vAt, wAt, xAt, p1At, p2At] = [k.alloc(m), k.alloc(m), k.alloc(m), k.alloc(m), k.alloc(m)];
      const mem = k.f64();
      mem.set(a, fusedAt);
      mem.set(a, plainAt);
      mem.set(v, vAt);
      mem.set(w, wAt);
      mem.set(x, xAt);
      mem.fill(0, p1At, p1At + m);
      mem.fill(0, p2At, p2At + m);
      k.syr2Symv((fusedAt + n + 1) * 8, n * 8, m, vAt * 8, wAt * 8, xAt * 8, p1At * 8);
      k.syr2Lower((plainAt + n + 1) * 8, n * 8, m, vAt * 8, wAt * 8);
      k.symvLower((plainAt + n + 1) * 8, n * 8, m, xAt * 8, p2At * 8);
      assert.deepEqual(mem.slice(fusedAt, fusedAt + n * n), mem.slice(plainAt, plainAt + n * n), `matrix, m ${m}`);
      assert.deepEqual(mem.slice(p1At, p1At + m), mem.slice(p2At, p2At + m), `product, m ${m}`);
    } finally {
      k.release(top);
    }
  }
});
