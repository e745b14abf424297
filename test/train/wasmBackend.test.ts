// The project trains on the wasm backend; the exactness tests run on cpu. This checks that the
// optimizer, clipping and Mixout (forward and gradient) give the same numbers on wasm.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { AdamW } from "../../src/train/adamw";
import { Mixout } from "../../src/train/mitigation/mixout";
import { applyUpdate } from "../../src/train/update";
import { LinearWarmupSchedule } from "../../src/train/schedule";
import { Random } from "../../src/util/random";
import { useWasm } from "../helpers/useWasm";


/** A few updates of a tiny linear classifier with Mixout; returns the final parameters. */
function run(): Float32Array[] {
  const r = new Random(5);
  const vals = (n: number, s: number) => Float32Array.from({ length: n }, () => r.normal() * s);
  const params = new Map<string, tf.Variable>([
    ["classifier.weight", tf.variable(tf.tensor2d(vals(2 * 6, 0.5), [2, 6]))], // [out, in]
    ["classifier.bias", tf.variable(tf.tensor1d(vals(2, 0.5)))],
  ]);
  const mixout = new Mixout(params, { p: 0.3, rng: new Random(1), inputAxis: 1 });
  const opt = new AdamW(params, undefined, { lr: 0.05 });
  const schedule = new LinearWarmupSchedule({ trainExamples: 80, epochs: 1 });
  for (let k = 1; k <= 5; k++) {
    const x = tf.tensor2d(vals(16 * 6, 3), [16, 6]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, () => r.int(2)), "int32"), 2);
    const { value, grads } = tf.variableGrads(() => {
      const w = mixout.weightTransform("classifier.weight", params.get("classifier.weight")! as tf.Tensor2D);
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w, false, true), params.get("classifier.bias")!)) as tf.Scalar;
    }, [...params.values()]);
    const byName = new Map([...params].map(([n, v]) => [n, grads[v.name]] as [string, tf.Tensor]));
    assert.ok(!applyUpdate(opt, schedule, byName, { maxGradNorm: 1 }).diverged);
    tf.dispose([value, x, y]);
  }
  const out = [...params.values()].map((v) => Float32Array.from(v.dataSync()));
  opt.dispose();
  mixout.dispose();
  tf.dispose([...params.values()]);
  return out;
}

test("AdamW + clipping + Mixout give the same parameters on wasm as on cpu", async (t) => {
  await tf.setBackend("cpu");
  const cpu = run();
  if (!(await useWasm())) return t.skip("the wasm backend could not be initialised");
  const wasm = run();
  cpu.forEach((a, i) => a.forEach((x, j) => assert.ok(Math.abs(x - wasm[i][j]) < 1e-5, `param ${i}[${j}]: cpu ${x}, wasm ${wasm[i][j]}`)));
  assert.deepEqual(run().map((a) => Array.from(a)), wasm.map((a) => Array.from(a)), "wasm runs are deterministic");
});
