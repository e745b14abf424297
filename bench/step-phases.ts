// Where a training step's time goes: forward (with tape), backward, gradient norm, AdamW, each
// timed on its own (process CPU time, robust on a busy machine; wall time when the kernels run on
// more than one thread, as CPU time then adds the threads up) over a few steps, plus the kernels
// one step dispatches and their tf.profile times (wall clock).
// Usage: [INSTABILITY_THREADS=N] node dist/bench/step-phases.js LAYERS HIDDEN HEADS FFN SEQ BATCH [STEPS]
import * as tf from "@tensorflow/tfjs";
import { crossEntropy, initBackend } from "../src/model";
import { fusedKernels } from "../src/model/kernels/runtime";
import { AdamW } from "../src/train/adamw";
import { benchModel, randomBatch } from "../src/train/benchStep";
import { clipCoefficient, globalGradNorm } from "../src/train/clipGradients";

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let now = cpuNow;

async function main(): Promise<void> {
  const [L, H, A, F, S, B, steps = 4] = process.argv.slice(2).map(Number);
  const backend = await initBackend();
  const threads = fusedKernels()?.threads() ?? 1;
  if (threads > 1) now = () => performance.now();
  const shape = { layers: L, hidden: H, heads: A, ffn: F, seq: S, batch: B, vocab: 8192 };
  const model = await benchModel(shape);
  const optimizer = new AdamW(model.params, undefined, { lr: 1e-4 });
  const { batch, labels } = randomBatch(shape, 1);
  const vars = [...model.trainableVariables().values()];
  const t = { forward: 0, backward: 0, norm: 0, adamw: 0, evalForward: 0 };
  const kernels = { step: 0 };
  const run = (i: number, timed: boolean) => {
    const t0 = now();
    // Forward alone (no tape): what evaluation pays.
    tf.tidy(() => model.forward(batch, { training: false }).logits.dataSync());
    const t1 = now();
    const k0 = tf.memory().numTensors;
    let fwdEnd = 0;
    const { value, grads } = tf.variableGrads(() => {
      const loss = crossEntropy(model.forward(batch, { training: true, seed: i }).logits, labels);
      loss.dataSync();
      fwdEnd = now();
      return loss;
    }, vars);
    for (const g of Object.values(grads)) g.dataSync();
    const t2 = now();
    value.dispose();
    const named = new Map(Object.entries(grads).map(([k, g]) => [model.hfName(k)!, g]));
    const norm = globalGradNorm(named);
    const t3 = now();
    optimizer.step(named, { lrFactor: 1, gradScale: clipCoefficient(norm) });
    vars[0].dataSync();
    const t4 = now();
    tf.dispose([...named.values()]);
    if (timed) {
      t.evalForward += t1 - t0;
      t.forward += fwdEnd - t1;
      t.backward += t2 - fwdEnd;
      t.norm += t3 - t2;
      t.adamw += t4 - t3;
    }
    void k0;
  };
  run(0, false);
  run(1, false);
  for (let i = 0; i < steps; i++) run(2 + i, true);
  const total = t.forward + t.backward + t.norm + t.adamw;
  const ms = (x: number) => (x / steps).toFixed(1).padStart(7);
  const clock = threads > 1 ? `wall time, ${threads} threads` : "CPU time, 1 thread";
  process.stdout.write(`${backend} L=${L} H=${H} A=${A} F=${F} S=${S} B=${B}: train step ${ms(total)} ms = ${(B * S * 1000 / (total / steps)).toFixed(0)} tokens/s (${clock})\n`);
  for (const [k, v] of Object.entries(t)) process.stdout.write(`  ${k.padEnd(12)} ${ms(v)} ms\n`);
  // Kernel dispatches of one training step (tf.profile counts every kernel, nested ones too).
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(batch, { training: true, seed: 99 }).logits, labels), vars);
    const named = new Map(Object.entries(grads).map(([k, g]) => [model.hfName(k)!, g]));
    optimizer.step(named, { lrFactor: 1, gradScale: clipCoefficient(globalGradNorm(named)) });
    tf.dispose([value, ...named.values()]);
  });
  kernels.step = info.kernels.length;
  process.stdout.write(`  kernels per step (tf.profile, nested included): ${kernels.step}\n`);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    e.calls++;
    byName.set(k.name, e);
  }
  for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18)) {
    process.stdout.write(`    ${name.padEnd(24)} ${e.ms.toFixed(1).padStart(7)} ms ${String(e.calls).padStart(5)} calls\n`);
  }
  optimizer.dispose();
  model.dispose();
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 1;
});
