// Synthetic run stores with known structure, written with writeRun in the layout sweeps produce:
//   - run r (r-th seed) of a configuration with scale k flips the first round(k·r) test examples,
//     so SD, I_pwd, I_κ and I_JSD all grow with k (nested flip sets);
//   - hidden states are a shared base per layer plus run noise that grows with depth and with k,
//     so representation instability rises from layer 1 to L and grows with k;
//   - "failed" runs (final models of a failure configuration) predict the majority class
//     everywhere and have collapsed (nearly constant) hidden states.
import * as path from "node:path";
import { writeRun } from "../../src/runs/runFolder";
import { configurationDir, seedFolder } from "../../src/runs/storeLayout";
import { Random } from "../../src/util/random";

export interface SynthConfig {
  method: string; // store folder name: none, mixout, llrd, reinit, wd_pre
  lr: number;
  seeds: number[];
  scale: number;
  /** Every run identical (scale is ignored). */
  identical?: boolean;
  /** Seeds whose final model failed; implies final/ folders for every run. */
  failedSeeds?: number[];
  /** Write metrics.json's "failed" label (default true when failedSeeds is given). */
  failedLabel?: boolean;
  /** How run noise in the hidden states depends on depth (default rising: 0 at the embeddings, most at the top). */
  depthProfile?: "rising" | "falling";
  /** Failed final models: collapsed to one point per layer (default), or frozen at the shared base (they did not move). */
  failedStyle?: "collapsed" | "frozen" | "constant";
}

export interface SynthStore {
  model?: string;
  task?: string;
  n?: number;
  width?: number;
  blocks?: number;
  seed?: number;
  configs: SynthConfig[];
}

export function labelsFor(n: number): Int32Array {
  // 60% class 0: the majority class a failed run predicts everywhere
  return Int32Array.from({ length: n }, (_, i) => (i % 5 < 3 ? 0 : 1));
}

export function writeSyntheticStore(store: string, spec: SynthStore): void {
  const model = spec.model ?? "tiny";
  const task = spec.task ?? "toy";
  const n = spec.n ?? 80;
  const d = spec.width ?? 12;
  const L = spec.blocks ?? 4;
  const root = new Random(spec.seed ?? 7);
  const labels = labelsFor(n);
  const margins = Array.from({ length: n }, () => 1 + 2 * root.next());
  const base = Array.from({ length: L + 1 }, () => Float64Array.from({ length: n * d }, () => root.normal()));

  const outputs = (rng: Random, flips: number, scale: number, identical: boolean, profile: SynthConfig["depthProfile"] = "rising") => {
    const logits = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const y = i < flips ? 1 - labels[i] : labels[i];
      const m = margins[i] + (identical ? 0 : 0.05 * scale * rng.normal());
      logits[i * 2 + y] = m / 2;
      logits[i * 2 + (1 - y)] = -m / 2;
    }
    const hidden = new Float32Array((L + 1) * n * d);
    for (let l = 0; l <= L; l++) {
      const depth = profile === "falling" ? (l === 0 ? 0 : (L - l + 1) / L) : l / L;
      const noise = identical ? 0 : 0.35 * scale * depth;
      for (let t = 0; t < n * d; t++) hidden[l * n * d + t] = base[l][t] + noise * rng.normal();
    }
    return { logits, hidden };
  };
  const collapsed = (rng: Random) => {
    const logits = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      logits[i * 2] = 1 + 0.01 * rng.normal();
      logits[i * 2 + 1] = -1;
    }
    const hidden = new Float32Array((L + 1) * n * d);
    for (let l = 0; l <= L; l++) {
      const centre = Array.from({ length: d }, () => rng.normal());
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
        const t = (l * n + i) * d + j;
        hidden[t] = l === 0 ? base[0][i * d + j] : centre[j] + 0.02 * rng.normal();
      }
    }
    return { logits, hidden };
  };

  const frozen = (rng: Random) => {
    const logits = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) (logits[i * 2] = 1), (logits[i * 2 + 1] = -1);
    const hidden = new Float32Array((L + 1) * n * d);
    for (let l = 0; l <= L; l++) for (let t = 0; t < n * d; t++) hidden[l * n * d + t] = base[l][t] + 0.001 * rng.normal();
    return { logits, hidden };
  };

  for (const c of spec.configs) {
    const dir = path.join(store, configurationDir(model, task, c.method, c.lr));
    c.seeds.forEach((seed, r) => {
      const rng = root.fork(`${c.method}:${c.lr}:${seed}`);
      const flips = c.identical ? 0 : Math.min(Math.floor(n / 2), Math.round(c.scale * r));
      const best = outputs(rng, flips, c.scale, !!c.identical, c.depthProfile);
      const failed = c.failedSeeds?.includes(seed) ?? false;
      const metrics: Record<string, unknown> = { seed };
      if (c.failedSeeds && (c.failedLabel ?? true)) metrics.failed = failed;
      const runDir = path.join(dir, seedFolder(seed));
      const contents = (o: { logits: Float32Array; hidden: Float32Array }, m: Record<string, unknown>) => ({
        logits: { data: o.logits, shape: [n, 2] },
        labels: { data: labels, shape: [n] },
        hidden: { data: o.hidden, shape: [L + 1, n, d] },
        metrics: m,
        config: { seed, mitigation: c.method, lr: c.lr, task },
      });
      writeRun(runDir, contents(best, metrics));
      const failedOutputs = () => {
    if (c.failedStyle === "frozen") return frozen(rng);
    const o = collapsed(rng);
    // "constant": the top block is exactly one vector for every example (a fully collapsed run)
    if (c.failedStyle === "constant") for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) o.hidden[(L * n + i) * d + j] = 0.5 + j;
    return o;
  };
      if (c.failedSeeds) writeRun(path.join(runDir, "final"), contents(failed ? failedOutputs() : outputs(rng, flips, c.scale, false, c.depthProfile), { seed }));
    });
  }
}

/** Five methods with well separated scales (Standard least stable … Re-init most stable). */
export function fiveMethods(seeds: number[]): SynthConfig[] {
  return [
    { method: "none", lr: 2e-5, seeds, scale: 5 },
    { method: "mixout", lr: 2e-5, seeds, scale: 4 },
    { method: "llrd", lr: 2e-5, seeds, scale: 2 },
    { method: "reinit", lr: 2e-5, seeds, scale: 1 },
    { method: "wd_pre", lr: 2e-5, seeds, scale: 3 },
  ];
}
