// Run folders of random but controlled runs for the exploring views' tests: every run sees the
// same examples and labels; `accuracy` sets how often a run's prediction is the label (so two
// run sets can differ by a known amount), `spread` how much runs differ from a shared signal.
import * as path from "node:path";
import { writeRun } from "../../src/runs";
import { Random } from "../../src/util/random";

export interface RandomRunsOptions {
  runs: number;
  n: number;
  classes?: number;
  /** Probability that a run predicts the true label on an example (default 0.8). */
  accuracy?: number;
  /** Per example, the probability a run predicts its label (instead of `accuracy`): example difficulty. */
  exampleAccuracy?: ArrayLike<number>;
  /** Hidden states [layers, n, width] when given. */
  hidden?: { layers: number; width: number };
  seed?: number;
  /** Labels (default i mod classes). */
  labels?: Int32Array;
  /** config.json of every run. */
  config?: Record<string, unknown>;
  /** Names of runs whose metrics.json says failed. */
  failed?: number[];
}

export function writeRandomRuns(dir: string, o: RandomRunsOptions): void {
  const C = o.classes ?? 2;
  const labels = o.labels ?? Int32Array.from({ length: o.n }, (_, i) => i % C);
  const base = new Random(o.seed ?? 1);
  const signal = o.hidden ? Float64Array.from({ length: o.hidden.layers * o.n * o.hidden.width }, () => base.normal()) : undefined;
  for (let r = 0; r < o.runs; r++) {
    const rng = base.fork(`run-${r}`);
    const logits = new Float64Array(o.n * C);
    for (let i = 0; i < o.n; i++) {
      const right = rng.next() < (o.exampleAccuracy ? o.exampleAccuracy[i] : o.accuracy ?? 0.8);
      const predicted = right ? labels[i] : (labels[i] + 1 + rng.int(C - 1)) % C;
      for (let k = 0; k < C; k++) logits[i * C + k] = rng.normal() * 0.3 + (k === predicted ? 2 : 0);
    }
    const hidden = signal ? { data: signal.map((v) => v + 0.5 * rng.normal()), shape: [o.hidden!.layers, o.n, o.hidden!.width] } : undefined;
    const failed = o.failed?.includes(r) ?? false;
    writeRun(path.join(dir, `seed-${String(r).padStart(2, "0")}`), {
      logits: { data: logits, shape: [o.n, C] },
      labels: { data: labels, shape: [o.n] },
      ...(hidden ? { hidden } : {}),
      metrics: { failed, failedLabel: failed ? "failed" : "successful" },
      config: { seed: r, ...(o.config ?? {}) },
    });
  }
}
