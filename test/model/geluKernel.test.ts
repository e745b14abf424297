// The GELU kernels (src/model/kernels/gelu.ts) evaluate several vectors' statements interleaved;
// each element must still get the bytes it gets alone. A call over 4 floats runs the single-vector
// tail, nothing interleaved: a call over the whole array must equal those calls element for element.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type GeluBackwardFn, type GeluForwardFn, geluBackwardFn, geluForwardFn } from "../../src/model/kernels/gelu";
import { instantiateKernels, newWasmMemory } from "../../src/model/kernels/runtime";

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
