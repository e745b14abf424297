// A synthetic run store in the sweep's layout (STORE/<model>/<task>/<method>-lr<lr>/seed-NN), so
// the analysis notebooks run end to end before any model is fine-tuned. The numbers it gives are
// about this generator, not about fine-tuning; every run's config.json says `synthetic: true`.
//
// What is built in, so that each analysis has something to find:
//   - each method has its own instability scale (prediction noise and hidden-state noise),
//     and its own depth profile: LLRD hardly moves the bottom layers (their learning rate is
//     tiny), Re-init is calmer at the top (the re-initialised layers start from one state);
//   - hidden-state noise grows with depth, as fine-tuning moves upper layers more;
//   - a larger learning rate (the failed-run sweep) makes about half of the final models fail:
//     they predict the majority class everywhere and their hidden states collapse.
import * as fs from "node:fs";
import * as path from "node:path";
import { writeRun } from "../runs";
import { configurationDir, seedFolder } from "../runs/storeLayout";
import { Random } from "../util/random";

export interface SyntheticStoreOptions {
  /** Model folder name (default "synthetic"). */
  model?: string;
  tasks?: string[];
  /** Store folder names of the methods (default: none, mixout, llrd, reinit, wd_pre). */
  methods?: string[];
  seeds?: number[];
  /** Also write the failed-run configuration (Standard at `failedLearningRate`, with final/ models). */
  failedRuns?: boolean;
  learningRate?: number;
  failedLearningRate?: number;
  /** Test examples per task (default 150) and width (default 160; kept ≥ n). */
  n?: number;
  width?: number;
  /** Transformer blocks (default 6); hidden.npy has blocks + 1 entries, index 0 = embeddings. */
  blocks?: number;
  seed?: number;
}

/** Instability scale and depth profile (layer l of L → factor) of each method. */
const METHODS: Record<string, { scale: number; profile: (l: number, L: number) => number }> = {
  none: { scale: 1.0, profile: (l, L) => l / L },
  mixout: { scale: 0.9, profile: (l, L) => Math.min(1, 1.4 * (l / L)) * 0.85 },
  llrd: { scale: 0.75, profile: (l, L) => (l / L) ** 2.5 },
  reinit: { scale: 0.7, profile: (l, L) => (l >= L - 1 ? 0.45 : l / L) },
  wd_pre: { scale: 1.1, profile: (l, L) => 0.9 * (l / L) },
};

export interface SyntheticStoreResult {
  dir: string;
  written: number;
  existing: number;
}

/** Writes the runs that are missing (existing ones are kept: re-running is cheap and idempotent). */
export function writeSyntheticStore(dir: string, o: SyntheticStoreOptions = {}): SyntheticStoreResult {
  const model = o.model ?? "synthetic";
  const tasks = o.tasks ?? ["task-a", "task-b"];
  const methods = o.methods ?? Object.keys(METHODS);
  const seeds = o.seeds ?? Array.from({ length: 10 }, (_, i) => i);
  const lr = o.learningRate ?? 2e-5;
  const failedLr = o.failedLearningRate ?? 5e-5;
  const n = o.n ?? 150;
  const shape = { n, d: Math.max(o.width ?? 160, n), L: o.blocks ?? 6 };
  let written = 0;
  let existing = 0;
  tasks.forEach((task, t) => {
    const world = new SyntheticTask(model, task, (o.seed ?? 0) * 1000 + t + 1, shape);
    const configs = methods.map((method) => ({ method, lr, failed: false }));
    if (o.failedRuns) configs.push({ method: "none", lr: failedLr, failed: true });
    for (const c of configs) {
      const confDir = path.join(dir, configurationDir(model, task, c.method, c.lr));
      for (const seed of seeds) {
        const runDir = path.join(confDir, seedFolder(seed));
        const done = fs.existsSync(path.join(runDir, "metrics.json")) && (!c.failed || fs.existsSync(path.join(runDir, "final", "metrics.json")));
        if (done) {
          existing++;
          continue;
        }
        const rng = new Random(seed + 1).fork(`${model}/${task}/${c.method}/${c.lr}`);
        const config = { mitigation: c.method, learningRate: c.lr, seed };
        if (!c.failed) {
          world.save(runDir, world.outputs(rng, c.method, 1), { seed }, config);
        } else {
          // seeds alternate between failing and not, so both groups are there with any seed list
          const fails = (seed + t) % 2 === 0;
          world.save(runDir, world.outputs(rng, c.method, 1.3), { seed, failed: fails }, config);
          world.save(path.join(runDir, "final"), fails ? world.collapsed(rng) : world.outputs(rng, c.method, 1.3), { seed, failed: fails }, { ...config, final: true });
        }
        written++;
      }
    }
  });
  return { dir, written, existing };
}

interface RunOutputs {
  logits: Float32Array;
  hidden: Float32Array;
}

/**
 * One task of the store: its labels, each example's evidence for class 1 and the base hidden
 * states of every layer, all drawn from the task's seed; a run adds its own noise to them.
 */
class SyntheticTask {
  readonly labels: Int32Array;
  private readonly evidence: Float64Array;
  private readonly base: Float64Array[];

  constructor(
    readonly model: string,
    readonly task: string,
    seed: number,
    /** n examples, width d, L blocks. */
    readonly shape: { n: number; d: number; L: number },
  ) {
    const { n, d, L } = shape;
    const root = new Random(seed);
    // 58% class 0, the majority class a failed run predicts everywhere
    this.labels = Int32Array.from({ length: n }, () => (root.next() < 0.58 ? 0 : 1));
    this.evidence = Float64Array.from(this.labels, (y) => (2 * y - 1) * 1.1 + root.normal());
    this.base = [Float64Array.from({ length: n * d }, () => root.normal())];
    for (let l = 1; l <= L; l++) this.base.push(Float64Array.from(this.base[l - 1], (v) => 0.8 * v + 0.6 * root.normal()));
  }

  /** A run of `method` whose instability is scaled by `strength`. */
  outputs(rng: Random, method: string, strength: number): RunOutputs {
    const { n, d, L } = this.shape;
    const { scale, profile } = METHODS[method] ?? METHODS.none;
    const k = scale * strength;
    const logits = new Float32Array(n * 2);
    const shift = 0.3 * k * rng.normal(); // a run-wide bias toward one class moves the score
    for (let i = 0; i < n; i++) {
      const s = this.evidence[i] + shift + 0.9 * k * rng.normal();
      logits[i * 2] = -s / 2;
      logits[i * 2 + 1] = s / 2;
    }
    const hidden = new Float32Array((L + 1) * n * d);
    for (let l = 0; l <= L; l++) {
      const noise = 0.05 + 0.55 * k * profile(l, L);
      for (let j = 0; j < n * d; j++) hidden[l * n * d + j] = this.base[l][j] + noise * rng.normal();
    }
    return { logits, hidden };
  }

  /** A failed run: the majority class everywhere, hidden states collapsing toward one point per layer. */
  collapsed(rng: Random): RunOutputs {
    const { n, d, L } = this.shape;
    const logits = new Float32Array(n * 2);
    const hidden = new Float32Array((L + 1) * n * d);
    for (let i = 0; i < n; i++) {
      logits[i * 2] = 1 + 0.05 * rng.normal();
      logits[i * 2 + 1] = -1 + 0.05 * rng.normal();
    }
    for (let l = 0; l <= L; l++) {
      // collapse deepens with depth: the top layers keep little of the example's own state
      const keep = l === 0 ? 1 : Math.max(0.02, 1 - l / (0.6 * L));
      const centre = Float64Array.from({ length: d }, () => rng.normal());
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
        hidden[(l * n + i) * d + j] = keep * this.base[l][i * d + j] + (1 - keep) * centre[j] + 0.05 * rng.normal();
      }
    }
    return { logits, hidden };
  }

  save(runDir: string, out: RunOutputs, metrics: Record<string, unknown>, config: Record<string, unknown>): void {
    const { n, d, L } = this.shape;
    // overwrite: a run folder without its final/ model (an interrupted write) is redone whole
    writeRun(runDir, {
      logits: { data: out.logits, shape: [n, 2] },
      labels: { data: this.labels, shape: [n] },
      hidden: { data: out.hidden, shape: [L + 1, n, d] },
      metrics: { metric: "accuracy", accuracy: accuracyOf(out.logits, this.labels), ...metrics },
      config: { synthetic: true, model: this.model, task: this.task, ...config },
    }, { overwrite: true });
  }
}

function accuracyOf(logits: Float32Array, labels: Int32Array): number {
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if ((logits[i * 2 + 1] > logits[i * 2] ? 1 : 0) === labels[i]) hit++;
  return hit / labels.length;
}
