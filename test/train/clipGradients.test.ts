import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { clipCoefficient, clipGradients, globalGradNorm } from "../../src/train/clipGradients";
import { AdamW } from "../../src/train/adamw";
import { Random } from "../../src/util/random";

tf.setBackend("cpu");

function randomGrads(seed: number, scale: number): { map: Map<string, tf.Tensor>; values: Map<string, Float32Array> } {
  const r = new Random(seed);
  const shapes: [string, number[]][] = [["a.weight", [5, 7]], ["a.bias", [7]], ["b.weight", [3]]];
  const values = new Map(shapes.map(([n, s]) => [n, Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => r.normal() * scale)]));
  const map = new Map(shapes.map(([n, s]) => [n, tf.tensor(values.get(n)!, s)] as [string, tf.Tensor]));
  return { map, values };
}

function jsNorm(values: Iterable<ArrayLike<number>>): number {
  let s = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

test("the global norm is the L2 norm over all gradients", () => {
  const { map, values } = randomGrads(1, 2);
  const want = jsNorm(values.values());
  assert.ok(Math.abs(globalGradNorm(map) - want) < 1e-6 * want);
  assert.equal(globalGradNorm(new Map()), 0);
  tf.dispose([...map.values()]);
});

test("clipping scales a large gradient to exactly max_norm, keeping its direction", () => {
  const { map, values } = randomGrads(2, 3);
  const before = tf.memory().numTensors;
  const norm = clipGradients(map, 1.0);
  assert.equal(tf.memory().numTensors, before, "old gradients are disposed");
  assert.ok(norm > 1);
  const clipped = new Map([...map].map(([n, t]) => [n, t.dataSync()]));
  assert.ok(Math.abs(jsNorm(clipped.values()) - 1) < 1e-6);
  for (const [n, v] of values) {
    const c = clipped.get(n)!;
    for (let i = 0; i < v.length; i++) assert.ok(Math.abs(c[i] - v[i] / norm) < 1e-6);
  }
  assert.ok(Math.abs(globalGradNorm(map) - 1) < 1e-6);
  tf.dispose([...map.values()]);
});

test("a gradient below max_norm is left as it is; a non-finite norm is reported, not scaled", () => {
  const { map, values } = randomGrads(3, 0.01);
  const norm = clipGradients(map, 1.0);
  assert.ok(norm < 1);
  for (const [n, v] of values) assert.deepEqual(Array.from(map.get(n)!.dataSync()), Array.from(v));
  tf.dispose([...map.values()]);
  const bad = new Map<string, tf.Tensor>([["x", tf.tensor([1, NaN])], ["y", tf.tensor([2])]]);
  assert.ok(Number.isNaN(clipGradients(bad, 1)));
  assert.ok(Number.isNaN(bad.get("x")!.dataSync()[1]) && bad.get("y")!.dataSync()[0] === 2);
  const inf = new Map<string, tf.Tensor>([["x", tf.tensor([Infinity])]]);
  assert.equal(globalGradNorm(inf), Infinity);
  assert.ok(Number.isNaN(clipCoefficient(Infinity)));
  assert.equal(clipCoefficient(0.5, 1), 1);
  assert.equal(clipCoefficient(4, 2), 0.5);
  assert.throws(() => clipCoefficient(1, 0), /max gradient norm/);
  tf.dispose([...bad.values(), ...inf.values()]);
});

test("AdamW's gradScale equals stepping with clipped gradients", () => {
  const mk = () => new Map([["a.weight", tf.variable(tf.ones([5, 7]))], ["a.bias", tf.variable(tf.ones([7]))], ["b.weight", tf.variable(tf.ones([3]))]]);
  const p1 = mk(), p2 = mk();
  const o1 = new AdamW(p1, undefined, { lr: 0.01 }), o2 = new AdamW(p2, undefined, { lr: 0.01 });
  for (let k = 1; k <= 3; k++) {
    const g1 = randomGrads(10 + k, 5).map, g2 = randomGrads(10 + k, 5).map;
    clipGradients(g1, 1);
    o1.step(g1, { lrFactor: 1 });
    o2.step(g2, { lrFactor: 1, gradScale: clipCoefficient(globalGradNorm(g2), 1) });
    tf.dispose([...g1.values(), ...g2.values()]);
  }
  for (const [n, v] of p1) {
    const a = v.dataSync(), b = p2.get(n)!.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, n);
  }
  o1.dispose(); o2.dispose();
  tf.dispose([...p1.values(), ...p2.values()]);
});

test("on the wasm backend the norm (summed in wasm) is the float64 JS loop's exactly, NaN included", async (t) => {
  const { useWasm } = await import("../helpers/useWasm");
  const { fusedKernels } = await import("../../src/model/kernels/runtime");
  const before = tf.getBackend();
  try {
    if (!(await useWasm()) || !fusedKernels()) return t.skip("no fused wasm kernels here");
    const r = new Random(9);
    const values = [1, 3, 1001, 4096].map((n) => Float32Array.from({ length: n }, () => r.normal() * 1e-3));
    const grads = values.map((v) => tf.tensor(v));
    assert.equal(globalGradNorm(grads), jsNorm(values));
    const withNaN = tf.tensor([1, Number.NaN, 2]);
    assert.ok(Number.isNaN(globalGradNorm([...grads, withNaN])));
    // Mostly-zero gradients (an embedding table's): all-zero groups of 16 are skipped, the rest
    // summed in order; a lone value, −0, a NaN or an Infinity inside a zero run still counts.
    const sparse = [37, 160, 999].map((n) => Float32Array.from({ length: n }, (_, i) => (i % 23 === 5 ? r.normal() : i % 7 === 0 ? -0 : 0)));
    assert.equal(globalGradNorm(sparse.map((v) => tf.tensor(v))), jsNorm(sparse));
    const lone = new Float32Array(64);
    lone[47] = 3;
    assert.equal(globalGradNorm([tf.tensor(lone)]), 3);
    for (const special of [Number.NaN, Infinity]) {
      const z = new Float32Array(64);
      z[33] = special;
      assert.equal(globalGradNorm([tf.tensor(z), ...grads]), special === Infinity ? Infinity : NaN);
    }
    assert.ok(Object.is(globalGradNorm([tf.tensor(new Float32Array(48).fill(-0))]), 0));
    tf.dispose([...grads, withNaN]);
  } finally {
    await tf.setBackend(before);
  }
});
