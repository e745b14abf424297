// A full training step of a classification model (in src/train because it uses the optimizer) of a given shape (forward, backward,
// gradient clipping, AdamW update), timed: what `instability bench train` reports and bench/train.bench.ts compares with
// PyTorch. Also useful to size a pre-training run before starting it.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../util/random";
import { createRandomModel, crossEntropy, initBackend, lossAndGrads, makeConfig, type Batch, type EncoderModel } from "../model";
import { fusedKernels } from "../model/kernels/runtime";
import { AdamW } from "./adamw";
import { clipCoefficient, globalGradNorm } from "./clipGradients";

export interface BenchShape {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  seq: number;
  batch: number;
  vocab: number;
}

export interface BenchResult {
  backend: string;
  ms_per_step: number;
  tokens_per_s: number;
  /** Process CPU time per step: on a busy machine this, not wall time, is what one core costs. */
  cpu_ms_per_step: number;
  cpu_tokens_per_s: number;
  /** Each timed step's process CPU time (ms): a noisy machine only ever slows steps down, so
   * bench/train.bench.ts compares medians of these across alternating rounds. */
  cpu_ms_steps: number[];
  /** Each timed step's wall time (ms): with several kernel threads, wall time is the speed. */
  wall_ms_steps: number[];
  /** The fused kernels' threads the step ran on (1 off the fused path). */
  threads: number;
  steps: number;
  shape: BenchShape;
}

/** A random batch with some padding (each row 75–100% full). */
export function randomBatch(shape: BenchShape, seed: number): { batch: Batch; labels: Int32Array } {
  const r = new Random(seed);
  const { batch: B, seq: S } = shape;
  const inputIds = new Int32Array(B * S);
  const attentionMask = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    const len = S - r.int(Math.max(1, Math.floor(S / 4)));
    for (let s = 0; s < len; s++) {
      inputIds[b * S + s] = 1 + r.int(shape.vocab - 1);
      attentionMask[b * S + s] = 1;
    }
  }
  const labels = Int32Array.from({ length: B }, () => r.int(2));
  return { batch: { inputIds, attentionMask, batchSize: B, seqLength: S }, labels };
}

export async function benchModel(shape: BenchShape): Promise<EncoderModel> {
  const config = makeConfig({
    model_type: "bert",
    vocab_size: shape.vocab,
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.ffn,
    max_position_embeddings: Math.max(512, shape.seq),
  });
  return createRandomModel(config, 0);
}

/** Times `steps` training steps after `warmup` untimed ones; optionally profiles one step. */
export async function benchTrainStep(
  shape: BenchShape,
  opts: { steps?: number; warmup?: number; profile?: boolean } = {},
): Promise<BenchResult & { profile?: Array<{ kernel: string; ms: number; calls: number }> }> {
  const backend = await initBackend();
  const steps = opts.steps ?? 5;
  const warmup = opts.warmup ?? 2;
  const model = await benchModel(shape);
  // The fine-tuning engine's own AdamW (bias correction, decoupled decay on the standard groups).
  const optimizer = new AdamW(model.params, undefined, { lr: 1e-4 });
  const { batch, labels } = randomBatch(shape, 1);
  const step = (i: number) => {
    const { grads } = lossAndGrads(model, () =>
      crossEntropy(model.forward(batch, { training: true, seed: i }).logits, labels),
    );
    // Clipped to norm 1.0 as fine-tuning does (update.ts): the norm is one more pass over the gradients.
    optimizer.step(grads, { lrFactor: 1, gradScale: clipCoefficient(globalGradNorm(grads)) });
    tf.dispose([...grads.values()]);
  };
  for (let i = 0; i < warmup; i++) step(i);
  const t0 = performance.now();
  const cpuMsSteps: number[] = [];
  const wallMsSteps: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [c0, w0] = [process.cpuUsage(), performance.now()];
    step(warmup + i);
    const cpu = process.cpuUsage(c0);
    wallMsSteps.push(performance.now() - w0);
    cpuMsSteps.push((cpu.user + cpu.system) / 1000);
  }
  const ms = (performance.now() - t0) / steps;
  const cpuMs = cpuMsSteps.reduce((a, b) => a + b, 0) / steps;
  let profile: Array<{ kernel: string; ms: number; calls: number }> | undefined;
  if (opts.profile) profile = await profileStep(() => step(warmup + steps));
  optimizer.dispose();
  model.dispose();
  const blas = fusedKernels()?.blas;
  return {
    backend: blas ? `${backend}, ${blas.description}` : backend,
    ms_per_step: ms,
    tokens_per_s: (shape.batch * shape.seq * 1000) / ms,
    cpu_ms_per_step: cpuMs,
    cpu_tokens_per_s: (shape.batch * shape.seq * 1000) / cpuMs,
    cpu_ms_steps: cpuMsSteps,
    wall_ms_steps: wallMsSteps,
    threads: fusedKernels()?.threads() ?? 1, // the composite ops and other backends run no kernel threads of ours
    steps,
    shape,
    ...(profile ? { profile } : {}),
  };
}

/** Kernel time per kernel name over one call of f (tf.profile), largest first. */
export async function profileStep(f: () => void): Promise<Array<{ kernel: string; ms: number; calls: number }>> {
  const info = await tf.profile(f);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    e.calls++;
    byName.set(k.name, e);
  }
  return [...byName].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
}
