// `instability bench train`: time a full training step (forward, backward, clipping to norm 1.0, AdamW update) of a
// classification model of a given shape on the active tfjs backend.
import { CliError, parseCliArgs } from "../command";
import { applyThreadsFlag, THREADS_USAGE } from "../threadsFlag";

const USAGE = `usage: instability bench train --layers L --hidden H --heads A --ffn F --seq S --batch B
                             [--vocab V] [--steps N] [--warmup W] [--threads N] [--profile] [--json]

Times a full training step (forward, backward, clipping to norm 1.0, AdamW update) of a BERT classification model of
that shape with random weights and a random padded batch. Prints backend, ms per step and
tokens per second (--json: one JSON object). --profile adds tf.profile's kernel time breakdown.
INSTABILITY_BACKEND=node|wasm|cpu picks the backend.
${THREADS_USAGE}`;

function positiveInt(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new CliError(`--${name} is required (see \`instability bench train --help\`)`);
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(USAGE + "\n");
    return sub ? 0 : 2;
  }
  if (sub !== "train") throw new CliError(`unknown bench '${sub}'; the only one is 'train'`);
  const { values } = parseCliArgs("bench train", {
    args: rest,
    options: {
      layers: { type: "string" },
      hidden: { type: "string" },
      heads: { type: "string" },
      ffn: { type: "string" },
      seq: { type: "string" },
      batch: { type: "string" },
      vocab: { type: "string" },
      steps: { type: "string" },
      warmup: { type: "string" },
      threads: { type: "string" },
      profile: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  applyThreadsFlag(values.threads);
  const shape = {
    layers: positiveInt("layers", values.layers),
    hidden: positiveInt("hidden", values.hidden),
    heads: positiveInt("heads", values.heads),
    ffn: positiveInt("ffn", values.ffn),
    seq: positiveInt("seq", values.seq),
    batch: positiveInt("batch", values.batch),
    vocab: positiveInt("vocab", values.vocab, 8192),
  };
  if (shape.hidden % shape.heads !== 0) throw new CliError(`--hidden ${shape.hidden} must be a multiple of --heads ${shape.heads}`);
  const steps = positiveInt("steps", values.steps, 5);
  const warmup = values.warmup === "0" ? 0 : positiveInt("warmup", values.warmup, 2);
  const { benchTrainStep } = await import("../../train/benchStep");
  const r = await benchTrainStep(shape, { steps, warmup, profile: values.profile });
  if (values.json) {
    process.stdout.write(JSON.stringify(r) + "\n");
  } else {
    process.stdout.write(
      `backend ${r.backend}: ${r.ms_per_step.toFixed(1)} ms/step, ${r.tokens_per_s.toFixed(0)} tokens/s ` +
        `(L=${shape.layers} H=${shape.hidden} A=${shape.heads} F=${shape.ffn} S=${shape.seq} B=${shape.batch} V=${shape.vocab}, ${steps} steps)\n`,
    );
    if (r.profile) {
      const total = r.profile.reduce((a, k) => a + k.ms, 0);
      process.stdout.write(`kernel time of one step (tf.profile), total ${total.toFixed(1)} ms:\n`);
      for (const k of r.profile.slice(0, 15)) {
        process.stdout.write(`  ${k.kernel.padEnd(20)} ${k.ms.toFixed(1).padStart(8)} ms  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  ${k.calls} calls\n`);
      }
    }
  }
  return 0;
}
