// AdamW step cost on the wasm backend, against tfjs's own Adam (tf.train.adam, the same moment
// arithmetic without decay or clipping) measured in the same run, for the parameter sets of the
// two `bench train` shapes of issue 4 (BERT vocabulary, L=4/H=128 and L=2/H=768). Also times
// the global gradient norm, which the training loop computes before every step.
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { AdamW } from "../src/train/adamw";
import { clipCoefficient, globalGradNorm } from "../src/train/clipGradients";

function bertShapes(L: number, H: number, F: number): [string, number[]][] {
  const s: [string, number[]][] = [
    ["bert.embeddings.word_embeddings.weight", [30522, H]],
    ["bert.embeddings.position_embeddings.weight", [512, H]],
    ["bert.embeddings.LayerNorm.weight", [H]],
  ];
  for (let i = 0; i < L; i++) {
    const b = `bert.encoder.layer.${i}`;
    for (const q of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) {
      s.push([`${b}.${q}.weight`, [H, H]], [`${b}.${q}.bias`, [H]]);
    }
    s.push([`${b}.intermediate.dense.weight`, [H, F]], [`${b}.intermediate.dense.bias`, [F]]);
    s.push([`${b}.output.dense.weight`, [F, H]], [`${b}.output.dense.bias`, [H]]);
    s.push([`${b}.attention.output.LayerNorm.weight`, [H]], [`${b}.output.LayerNorm.weight`, [H]]);
  }
  s.push(["bert.pooler.dense.weight", [H, H]], ["classifier.weight", [H, 2]]);
  return s;
}

/** Mean ms per call of each function, calls interleaved so that load changes hit all alike. */
function timeMs(steps: number, fs: (() => void)[]): number[] {
  for (const f of fs) f(); // warm-up
  const total = fs.map(() => 0);
  // Rotate the order every round: whichever runs first in a round was measured to pay extra.
  for (let i = 0; i < steps * fs.length; i++) {
    for (let r = 0; r < fs.length; r++) {
      const j = (i + r) % fs.length;
      const t0 = process.hrtime.bigint();
      fs[j]();
      total[j] += Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  return total.map((t) => t / (steps * fs.length));
}

async function main(): Promise<void> {
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
  if (!(await tf.setBackend("wasm"))) tf.setBackend("cpu");
  console.log(`backend: ${tf.getBackend()}`);
  for (const [label, L, H, F, steps] of [["L=4 H=128", 4, 128, 512, 3], ["L=2 H=768", 2, 768, 3072, 1]] as const) {
    const shapes = bertShapes(L, H, F);
    const params = new Map(shapes.map(([n, s]) => [n, tf.variable(tf.randomNormal(s, 0, 0.02, "float32", 1))]));
    const grads = new Map(shapes.map(([n, s]) => [n, tf.randomNormal(s, 0, 1, "float32", 2)] as [string, tf.Tensor]));
    const count = shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
    const ours = new AdamW(params, undefined, { lr: 2e-5 });
    const baseline = tf.train.adam(2e-5, 0.9, 0.999, 1e-6);
    const named = shapes.map(([n]) => ({ name: params.get(n)!.name, tensor: grads.get(n)! }));
    const [msOurs, msNorm, msBase] = timeMs(steps, [
      () => ours.step(grads, { lrFactor: 1, gradScale: clipCoefficient(globalGradNorm(grads)) }),
      () => globalGradNorm(grads),
      () => baseline.applyGradients(named),
    ]);
    console.log(
      `${label}: ${(count / 1e6).toFixed(1)}M params, ${shapes.length} tensors | AdamW+clip ${msOurs.toFixed(0)} ms/step ` +
        `(of which grad norm ${msNorm.toFixed(0)} ms) | tf.train.adam ${msBase.toFixed(0)} ms/step | ratio ours/tfjs ${(msOurs / msBase).toFixed(2)}`,
    );
    ours.dispose();
    baseline.dispose();
    tf.dispose([...params.values(), ...grads.values()]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
