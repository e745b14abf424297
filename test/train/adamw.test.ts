import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { type AdamWFn, adamwFn } from "../../src/model/kernels/adamw";
import { fusedKernels, instantiateKernels, newWasmMemory } from "../../src/model/kernels/runtime";
import { AdamW } from "../../src/train/adamw";
import type { AdamWScalars } from "../../src/train/adamwFused";
import { LinearWarmupSchedule } from "../../src/train/schedule";
import { Random } from "../../src/util/random";
import { useWasm } from "../helpers/useWasm";

tf.setBackend("cpu");

interface RefParam { theta: number[]; m: number[]; v: number[]; lrScale: number; wd: number }

/** method.md §3 in float64, written independently of src/train/adamw.ts. */
function referenceStep(p: RefParam, g: number[], k: number, lrT: number, opts: { epsOnCorrected?: boolean; decayBeforeAdam?: boolean } = {}): void {
  const b1 = 0.9, b2 = 0.999, eps = 1e-6;
  const lr = lrT * p.lrScale;
  for (let i = 0; i < p.theta.length; i++) {
    p.m[i] = b1 * p.m[i] + (1 - b1) * g[i];
    p.v[i] = b2 * p.v[i] + (1 - b2) * g[i] * g[i];
    const old = p.theta[i];
    let step: number;
    if (opts.epsOnCorrected) step = lr * (p.m[i] / (1 - b1 ** k)) / (Math.sqrt(p.v[i] / (1 - b2 ** k)) + eps);
    else step = lr * (Math.sqrt(1 - b2 ** k) / (1 - b1 ** k)) * p.m[i] / (Math.sqrt(p.v[i]) + eps);
    p.theta[i] -= step;
    p.theta[i] -= lr * p.wd * (opts.decayBeforeAdam ? old : p.theta[i]);
  }
}

function randomArray(r: Random, n: number, scale: number): number[] {
  return Array.from({ length: n }, () => r.normal() * scale);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Three parameters: a decayed weight, a no-decay bias with tiny gradients (where ε matters),
 * and a second group with its own LR scale. Large lr/λ so that the order of operations shows. */
function setup(seed: number) {
  const r = new Random(seed);
  const spec = [
    { name: "w", shape: [3, 4], gScale: 1, group: 0 },
    { name: "b.bias", shape: [4], gScale: 1e-5, group: 1 },
    { name: "u", shape: [5], gScale: 0.3, group: 2 },
  ];
  const groups = [
    { name: "decay", params: ["w"], lrScale: 1, weightDecay: 0.1 },
    { name: "no_decay", params: ["b.bias"], lrScale: 1, weightDecay: 0 },
    { name: "scaled", params: ["u"], lrScale: 0.5, weightDecay: 0.2 },
  ];
  const params = new Map<string, tf.Variable>();
  const ref = new Map<string, RefParam>();
  for (const s of spec) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const theta = randomArray(r, n, 1).map((x) => Math.fround(x));
    params.set(s.name, tf.variable(tf.tensor(theta, s.shape), true));
    ref.set(s.name, { theta: [...theta], m: new Array(n).fill(0), v: new Array(n).fill(0), lrScale: groups[s.group].lrScale, wd: groups[s.group].weightDecay });
  }
  const gradSeq = (k: number) => new Map(spec.map((s) => [s.name, randomArray(new Random(seed * 1000 + k).fork(s.name), s.shape.reduce((a, b) => a * b, 1), s.gScale).map((x) => Math.fround(x))]));
  return { params, ref, groups, spec, gradSeq };
}

test("AdamW's first steps equal a float64 implementation of method.md (LR 0 first, ε on √v, decay after)", () => {
  const { params, ref, groups, spec, gradSeq } = setup(1);
  const opt = new AdamW(params, groups, { lr: 0.05 });
  const schedule = new LinearWarmupSchedule({ trainExamples: 16 * 10, batchSize: 16, epochs: 1, warmupRatio: 0.3 }); // W = 3
  const variants = { epsOnCorrected: setup(1).ref, decayBeforeAdam: setup(1).ref };
  for (let k = 1; k <= 6; k++) {
    const f = schedule.factorForUpdate(k);
    const gradScale = k === 4 ? 0.25 : 1; // a clipped step
    const g = gradSeq(k);
    const grads = new Map(spec.map((s) => [s.name, tf.tensor(g.get(s.name)!, s.shape)]));
    const before = params.get("w")!.dataSync().slice();
    const lrT = opt.step(grads, { lrFactor: f, gradScale });
    assert.ok(Math.abs(lrT - 0.05 * f) < 1e-18);
    tf.dispose([...grads.values()]);
    for (const [name, p] of ref) {
      const gs = g.get(name)!.map((x) => x * gradScale);
      referenceStep(p, gs, k, 0.05 * f);
      referenceStep(variants.epsOnCorrected.get(name)!, gs, k, 0.05 * f, { epsOnCorrected: true });
      referenceStep(variants.decayBeforeAdam.get(name)!, gs, k, 0.05 * f, { decayBeforeAdam: true });
    }
    if (k === 1) {
      assert.equal(f, 0);
      assert.deepEqual(Array.from(params.get("w")!.dataSync()), Array.from(before), "the first update has LR 0");
      const st = opt.exportState();
      assert.ok(st.moments.every((e) => e.m.some((x) => x !== 0) && e.v.some((x) => x !== 0)), "moments are fed on the first update");
    }
    const state = opt.exportState();
    assert.equal(state.step, k);
    for (const e of state.moments) {
      const p = ref.get(e.name)!;
      assert.ok(maxAbsDiff(e.m, p.m) <= 1e-6 * Math.max(...p.m.map(Math.abs)) + 1e-12, `m of ${e.name} at step ${k}`);
      assert.ok(maxAbsDiff(e.v, p.v) <= 1e-6 * Math.max(...p.v.map(Math.abs)) + 1e-20, `v of ${e.name} at step ${k}`);
      assert.ok(maxAbsDiff(params.get(e.name)!.dataSync(), p.theta) < 2e-6, `θ of ${e.name} at step ${k}`);
    }
  }
  // The comparison above can tell the rule from its near variants.
  assert.ok(maxAbsDiff(params.get("b.bias")!.dataSync(), variants.epsOnCorrected.get("b.bias")!.theta) > 1e-3);
  assert.ok(maxAbsDiff(params.get("w")!.dataSync(), variants.decayBeforeAdam.get("w")!.theta) > 1e-5);
  opt.dispose();
  tf.dispose([...params.values()]);
});

test("a parameter without a gradient is untouched; bad gradients are refused", () => {
  const { params, groups } = setup(2);
  const opt = new AdamW(params, groups, { lr: 0.1 });
  const u0 = params.get("u")!.dataSync().slice();
  const w0 = params.get("w")!.dataSync().slice();
  const grads = new Map<string, tf.Tensor>([["w", tf.ones([3, 4])]]);
  opt.step(grads, { lrFactor: 1 });
  assert.deepEqual(Array.from(params.get("u")!.dataSync()), Array.from(u0));
  assert.notDeepEqual(Array.from(params.get("w")!.dataSync()), Array.from(w0));
  assert.throws(() => opt.step(new Map([["nope", tf.ones([1])]]), { lrFactor: 1 }), /nope/);
  assert.throws(() => opt.step(new Map([["w", tf.ones([4, 3])]]), { lrFactor: 1 }), /shape \[4,3\]/);
  assert.throws(() => opt.step(grads, { lrFactor: 1, gradScale: NaN }), /diverged/);
  assert.throws(() => new AdamW(params, [groups[0]], { lr: 1 }), /in no parameter group/);
  opt.dispose();
  tf.dispose([...params.values(), ...grads.values()]);
});

test("default groups: decay 0.01 on weights, none on biases and LayerNorm weights", () => {
  const params = new Map<string, tf.Variable>([
    ["x.dense.weight", tf.variable(tf.ones([2]))],
    ["x.dense.bias", tf.variable(tf.ones([2]))],
    ["x.LayerNorm.weight", tf.variable(tf.ones([2]))],
  ]);
  const opt = new AdamW(params, undefined, { lr: 0.5 });
  // Zero gradients: the Adam part is 0/(0+ε) = 0, so only the decay moves θ.
  const zeros = new Map([...params.keys()].map((n) => [n, tf.zeros([2])] as [string, tf.Tensor]));
  opt.step(zeros, { lrFactor: 1 });
  assert.ok(maxAbsDiff(params.get("x.dense.weight")!.dataSync(), [1 - 0.5 * 0.01, 1 - 0.5 * 0.01]) < 1e-7);
  assert.deepEqual(Array.from(params.get("x.dense.bias")!.dataSync()), [1, 1]);
  assert.deepEqual(Array.from(params.get("x.LayerNorm.weight")!.dataSync()), [1, 1]);
  opt.dispose();
  tf.dispose([...params.values(), ...zeros.values()]);
});

test("state export/import resumes exactly", () => {
  const a = setup(3), b = setup(3);
  const optA = new AdamW(a.params, a.groups, { lr: 0.01 });
  const step = (opt: AdamW, params: Map<string, tf.Variable>, k: number) => {
    const g = a.gradSeq(k);
    const grads = new Map([...params].map(([n, p]) => [n, tf.tensor(g.get(n)!, p.shape)] as [string, tf.Tensor]));
    opt.step(grads, { lrFactor: 0.5 });
    tf.dispose([...grads.values()]);
  };
  for (let k = 1; k <= 3; k++) step(optA, a.params, k);
  const saved = opt_json_roundtrip(optA.exportState());
  for (const [n, p] of b.params) p.assign(a.params.get(n)!);
  const optB = new AdamW(b.params, b.groups, { lr: 0.01 });
  optB.importState(saved);
  assert.equal(optB.stepCount, 3);
  for (let k = 4; k <= 5; k++) {
    step(optA, a.params, k);
    step(optB, b.params, k);
  }
  for (const [n, p] of a.params) assert.deepEqual(Array.from(b.params.get(n)!.dataSync()), Array.from(p.dataSync()), n);
  assert.throws(() => optB.importState({ step: 1, moments: saved.moments.slice(1) }), /no moments for parameter/);
  optA.dispose();
  optB.dispose();
  tf.dispose([...a.params.values(), ...b.params.values()]);
});

/** Moments survive a trip through plain arrays, as when written to disk. */
function opt_json_roundtrip(s: ReturnType<AdamW["exportState"]>) {
  const json = JSON.parse(JSON.stringify({ step: s.step, moments: s.moments.map((e) => ({ ...e, m: Array.from(e.m), v: Array.from(e.v) })) }));
  return { step: json.step, moments: json.moments.map((e: { name: string; shape: number[]; m: number[]; v: number[] }) => ({ ...e, m: Float32Array.from(e.m), v: Float32Array.from(e.v) })) };
}

test("no tensor leaks over many steps", () => {
  const { params, groups } = setup(4);
  const opt = new AdamW(params, groups, { lr: 0.01 });
  const grads = new Map([...params].map(([n, p]) => [n, tf.randomNormal(p.shape, 0, 1, "float32", 5)] as [string, tf.Tensor]));
  opt.step(grads, { lrFactor: 1 });
  const after1 = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) opt.step(grads, { lrFactor: 1, gradScale: 0.5 });
  assert.equal(tf.memory().numTensors, after1);
  const n = tf.memory().numTensors;
  opt.dispose();
  assert.equal(tf.memory().numTensors, n - 2 * params.size);
  tf.dispose([...params.values(), ...grads.values()]);
});

// The wasm kernel (model/kernels/adamw.ts) against the JS loop it replaced, byte for byte.

/** The former kernel body: float64 JS arithmetic over float32 arrays, each store rounding to float32. */
function jsUpdate(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, s: AdamWScalars): [Float32Array, Float32Array, Float32Array] {
  const [po, mo, vo] = [new Float32Array(p.length), new Float32Array(p.length), new Float32Array(p.length)];
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = m[i] * s.beta1 + gi * s.gScaleM;
    const vi = v[i] * s.beta2 + gi * gi * s.gScaleV;
    mo[i] = mi;
    vo[i] = vi;
    po[i] = (p[i] - (Math.fround(mi) / (Math.sqrt(Math.fround(vi)) + s.eps)) * s.stepSize) * s.keep;
  }
  return [po, mo, vo];
}
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Scalars as adamw.ts derives them, for step k with clipping coefficient c. */
function scalarsAt(k: number, c: number, lrT: number, wd: number): AdamWScalars {
  const [beta1, beta2] = [0.9, 0.999];
  return {
    beta1, beta2, eps: 1e-6,
    gScaleM: (1 - beta1) * c,
    gScaleV: (1 - beta2) * c * c,
    stepSize: lrT * (Math.sqrt(1 - Math.pow(beta2, k)) / (1 - Math.pow(beta1, k))),
    keep: wd > 0 ? 1 - lrT * wd : 1,
  };
}

/** Gradients of mixed magnitudes: zeros, ones whose g² is subnormal in float32, large ones. */
function gradients(r: Random, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 0 : r.normal() * [1, 1e-3, 1e-19, 30][i % 4]));
}

test("the wasm AdamW kernel writes the same bytes as the float64 JS formula (sizes 1 to 1031, 6 steps, unaligned buffers)", () => {
  const memory = newWasmMemory(64);
  const kernel = instantiateKernels([adamwFn()], memory).adamw as AdamWFn;
  const f = new Float32Array(memory.buffer);
  const r = new Random(11);
  const GUARD = 12345.5;
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 130, 1031]) {
    // Seven buffers at float offsets that are not all multiples of 4, with guard floats between.
    const at = Array.from({ length: 7 }, (_, j) => 8 + j * (n + 9) + (j % 3));
    const view = (j: number) => f.subarray(at[j], at[j] + n);
    let p = Float32Array.from({ length: n }, () => r.normal());
    let m = new Float32Array(n);
    let v = new Float32Array(n);
    for (let k = 1; k <= 6; k++) {
      const g = gradients(r, n);
      const s = scalarsAt(k, k === 3 ? 0.37 : 1, k === 1 ? 0 : 0.01 * k, k % 2 ? 0.01 : 0);
      // θ = 0 on even steps makes θ' the rounded quotient itself, so every rounding shows.
      if (k % 2 === 0) p = p.map((x, i) => (i % 5 === 0 || i === n - 1 ? 0 : x));
      f.fill(GUARD, 0, at[6] + n + 8);
      [p, m, v, g].forEach((a, j) => view(j).set(a));
      kernel(at[0] * 4, at[1] * 4, at[2] * 4, at[3] * 4, at[4] * 4, at[5] * 4, at[6] * 4, n, s.beta1, s.beta2, s.eps, s.gScaleM, s.gScaleV, s.stepSize, s.keep);
      const want = jsUpdate(p, m, v, g, s);
      ["θ", "m", "v"].forEach((name, j) => assert.deepEqual(bits(view(4 + j)), bits(want[j]), `${name} of size ${n} at step ${k}`));
      [p, m, v, g].forEach((a, j) => assert.deepEqual(bits(view(j)), bits(a), `input ${j} of size ${n} is unchanged`));
      for (let j = 4; j < 7; j++) assert.ok(f[at[j] - 1] === GUARD && f[at[j] + n] === GUARD, `size ${n}: output ${j} stays in bounds`);
      [p, m, v] = [view(4).slice(), view(5).slice(), view(6).slice()];
    }
    if (n >= 3) assert.ok(v.some((x) => x > 0 && x < 1.2e-38), "the test reaches subnormal second moments");
  }
});


test("AdamW on the wasm backend's fused kernel gives the bytes of the float64 JS formula; old buffers stay intact", async (t) => {
  try {
    if (!(await useWasm()) || !fusedKernels()) return t.skip("no fused wasm kernels in this process");
    const r = new Random(12);
    const shapes: [string, number[]][] = [["a.weight", [1]], ["b.bias", [3]], ["c.weight", [5]], ["d.weight", [130]], ["e.weight", [7, 3]]];
    const groups = [
      { name: "decay", params: ["a.weight", "c.weight", "d.weight", "e.weight"], lrScale: 1, weightDecay: 0.01 },
      { name: "no_decay", params: ["b.bias"], lrScale: 1, weightDecay: 0 },
    ];
    const ref = new Map(shapes.map(([name, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return [name, { p: Float32Array.from({ length: n }, () => r.normal()), m: new Float32Array(n), v: new Float32Array(n) }];
    }));
    const params = new Map(shapes.map(([name, shape]) => [name, tf.variable(tf.tensor(ref.get(name)!.p, shape))]));
    const opt = new AdamW(params, groups, { lr: 0.05 });
    for (let k = 1; k <= 5; k++) {
      const c = k === 2 ? 0.5 : 1;
      const g = new Map(shapes.map(([name]) => [name, gradients(r, ref.get(name)!.p.length)]));
      const grads = new Map(shapes.map(([name, shape]) => [name, tf.tensor(g.get(name)!, shape)]));
      const clone = tf.clone(params.get("d.weight")!); // shares the buffer (identity.ts)
      const before = Float32Array.from(clone.dataSync());
      opt.step(grads, { lrFactor: 0.8, gradScale: c });
      assert.deepEqual(Array.from(clone.dataSync()), Array.from(before), "a clone taken before the step keeps the old values");
      tf.dispose([clone, ...grads.values()]);
      const state = opt.exportState();
      for (const [name] of shapes) {
        const e = ref.get(name)!;
        const wd = name === "b.bias" ? 0 : 0.01;
        [e.p, e.m, e.v] = jsUpdate(e.p, e.m, e.v, g.get(name)!, scalarsAt(k, c, 0.05 * 0.8, wd));
        const got = state.moments.find((x) => x.name === name)!;
        assert.deepEqual(bits(params.get(name)!.dataSync() as Float32Array), bits(e.p), `θ of ${name} at step ${k}`);
        assert.deepEqual(bits(got.m), bits(e.m), `m of ${name} at step ${k}`);
        assert.deepEqual(bits(got.v), bits(e.v), `v of ${name} at step ${k}`);
      }
    }
    opt.dispose();
    tf.dispose([...params.values()]);
  } finally {
    await tf.setBackend("cpu");
  }
});
