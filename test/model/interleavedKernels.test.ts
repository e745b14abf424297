// The GELU kernels (src/model/kernels/gelu.ts) and the softmax's exp pass (softmax.ts) evaluate
// several vectors' statements interleaved; each element must still get the bytes it gets alone.
// GELU: a call over 4 floats runs the single-vector tail, nothing interleaved, so a call over the
// whole array must equal those calls element for element. Softmax: the kernel built to interleave
// one vector (the code before) against the one that interleaves four.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type GeluBackwardFn, type GeluForwardFn, geluBackwardFn, geluForwardFn } from "../../src/model/kernels/gelu";
import { instantiateKernels, newWasmMemory } from "../../src/model/kernels/runtime";
import { type SoftmaxRowsFn, softmaxRowsFn } from "../../src/model/kernels/softmax";

test("GELU forward and backward over a whole array = the same kernels one vector at a time, byte for byte", () => {
  const memory = newWasmMemory(16);
  const k = instantiateKernels([geluForwardFn(), geluBackwardFn()], memory);
  const [forward, backward] = [k.geluForward as GeluForwardFn, k.geluBackward as GeluBackwardFn];
  const f = new Float32Array(memory.buffer);
  const n = 4 * 37; // 9 steps of 4 vectors and one vector of tail
  const [src, dy, y, cdf, dx] = [0, 1, 2, 3, 4].map((i) => 4 * i * n);
  // the far tails, zeros of both signs, ordinary values
  for (let i = 0; i < n; i++) f[src / 4 + i] = i % 11 === 0 ? 0 : i % 13 === 0 ? -0 : Math.sin(i * 1.37) * (i % 5 === 0 ? 12 : 3);
  for (let i = 0; i < n; i++) f[dy / 4 + i] = Math.cos(i * 0.71);
  const run = (parts: number) => {
    const step = n / parts;
    for (let p = 0; p < parts; p++) forward(src + 4 * p * step, y + 4 * p * step, cdf + 4 * p * step, step);
    for (let p = 0; p < parts; p++) backward(dy + 4 * p * step, src + 4 * p * step, cdf + 4 * p * step, dx + 4 * p * step, step);
    return [y, cdf, dx].map((at) => new Uint8Array(f.slice(at / 4, at / 4 + n).buffer));
  };
  const oneByOne = run(n / 4);
  const whole = run(1);
  ["y", "Φ", "dx"].forEach((name, i) => assert.deepEqual(whole[i], oneByOne[i], name));
});

test("softmax rows with four vectors' exp interleaved = one vector at a time, byte for byte (rows of 4 to 37 vectors, masked keys)", () => {
  const memory = newWasmMemory(16);
  const interleaved = instantiateKernels([softmaxRowsFn()], memory).softmaxRows as SoftmaxRowsFn;
  const single = instantiateKernels([softmaxRowsFn(1)], memory).softmaxRows as SoftmaxRowsFn;
  const f = new Float32Array(memory.buffer);
  for (const P of [4, 12, 36, 64, 148]) {
    const rows = 7;
    const [src, mask, out1, out4] = [0, 1, 2, 3].map((i) => 4 * i * rows * P);
    const scores = Float32Array.from({ length: rows * P }, (_, i) => Math.sin(i * 0.93) * (i % 3 === 0 ? 30 : 4));
    for (let j = 0; j < P; j++) f[mask / 4 + j] = j % 5 === 4 ? -1e9 : 0;
    // softmaxRows writes the masked scores back to src: each kernel starts from the same scores
    f.set(scores, src / 4);
    single(src, 4 * P, mask, out1, rows, P);
    f.set(scores, src / 4);
    interleaved(src, 4 * P, mask, out4, rows, P);
    const bytes = (at: number) => new Uint8Array(f.slice(at / 4, at / 4 + rows * P).buffer);
    assert.deepEqual(bytes(out4), bytes(out1), `P = ${P}`);
  }
});
