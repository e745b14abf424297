// Where a training step's time goes: forward (with tape), backward, gradient norm, AdamW, each
// timed on its own (process CPU time, robust on a busy machine; wall time when the kernels run on
// more than one thread, as CPU time then adds the threads up) over a few steps, then each kernel's
// wall time a step and what ran outside kernels (the engine's and the model's own JS).
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
  // The kernels of a few more training steps, timed by wall clock around each engine.runKernel
  // (outermost calls only). tf.profile's own timings mislead with threads: between its kernels it
  // reads every output, so the workers fall asleep and each dispatch waits for them to wake.
  const byName = new Map<string, { ms: number; calls: number }>();
  const engine = tf.engine() as unknown as { runKernel: (...args: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let depth = 0;
  engine.runKernel = function (this: unknown, ...args: unknown[]) {
    const outermost = depth++ === 0;
    const t0 = performance.now();
    try {
      return runKernel.apply(this, args);
    } finally {
      depth--;
      if (outermost) {
        const e = byName.get(String(args[0])) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        byName.set(String(args[0]), e);
      }
    }
  };
  const kernelSteps = Math.max(1, steps);
  const w0 = performance.now();
  for (let i = 0; i < kernelSteps; i++) {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(batch, { training: true, seed: 99 + i }).logits, labels), vars);
    const named = new Map(Object.entries(grads).map(([k, g]) => [model.hfName(k)!, g]));
    optimizer.step(named, { lrFactor: 1, gradScale: clipCoefficient(globalGradNorm(named)) });
    vars[0].dataSync();
    tf.dispose([value, ...named.values()]);
  }
  const wall = (performance.now() - w0) / kernelSteps;
  engine.runKernel = runKernel;
  const inKernels = [...byName.values()].reduce((a, e) => a + e.ms, 0) / kernelSteps;
  const per = (x: number) => (x / kernelSteps).toFixed(1).padStart(7);
  process.stdout.write(`  kernels (wall ms a step, timers, ${kernelSteps} steps): step ${wall.toFixed(1)} = in kernels ${inKernels.toFixed(1)} + outside ${(wall - inKernels).toFixed(1)}\n`);
  for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
    process.stdout.write(`    ${name.padEnd(34)} ${per(e.ms)} ms ${String(e.calls / kernelSteps).padStart(5)} calls\n`);
  }
  optimizer.dispose();
  model.dispose();
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 1;
});
