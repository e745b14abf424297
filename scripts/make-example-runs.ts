// `npm run example`: writes a small synthetic run store to runs/example so that
// `instability measure runs/example` has something realistic to measure before fine-tuning exists.
// 10 "seeds" of a binary task with 139 test examples (the size of RTE's test half) and hidden
// states of 5 layers × 64 width. All runs share a layer-wise signal; each run adds its own
// perturbation, growing with depth, so representation instability rises from bottom to top, as
// it does after real fine-tuning. Deterministic from --seed (default 0).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeRun } from "../src/runs";
import { accuracy, predictions } from "../src/measures";
import { Random } from "../src/util/random";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: path.join("runs", "example") },
    seed: { type: "string", default: "0" },
    runs: { type: "string", default: "10" },
  },
});
const out = values.out!;
const seed = Number(values.seed);
const R = Number(values.runs);
const n = 139;
const C = 2;
const L = 5;
const d = 64;
const rank = 8;

const base = new Random(seed);
const labels = Int32Array.from({ length: n }, () => (base.next() < 0.52 ? 1 : 0));
// Shared example features: a low-rank signal that carries the label, seen by every run.
const z = Float64Array.from({ length: n * rank }, (_, i) => base.normal() + (i % rank === 0 ? 2 * (labels[Math.floor(i / rank)] - 0.5) : 0));
const layerMaps = Array.from({ length: L }, () => Float64Array.from({ length: rank * d }, () => base.normal() / Math.sqrt(rank)));

fs.mkdirSync(out, { recursive: true });
for (let r = 0; r < R; r++) {
  const rng = new Random(seed).fork(`run-${r}`);
  const hidden = new Float32Array(L * n * d);
  for (let l = 0; l < L; l++) {
    // Each run's own rotation-free perturbation of the map, and example-level noise, grow with depth.
    const drift = 0.1 + 0.35 * l;
    const map = layerMaps[l].map((v) => v + drift * rng.normal() / Math.sqrt(rank));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let t = 0; t < rank; t++) s += z[i * rank + t] * map[t * d + j];
        hidden[(l * n + i) * d + j] = s + 0.2 * (1 + l) * rng.normal();
      }
    }
  }
  // Logits read the top layer through a run-specific head: runs agree on most examples only.
  const top = hidden.subarray((L - 1) * n * d, L * n * d);
  const head = Float64Array.from({ length: d }, () => rng.normal() * 0.05);
  const logits = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    let s = 1.5 * (z[i * rank] + 0.6 * rng.normal());
    for (let j = 0; j < d; j++) s += head[j] * top[i * d + j];
    logits[i * C] = -s / 2;
    logits[i * C + 1] = s / 2;
  }
  const pred = predictions(Float64Array.from(logits), n, C);
  const name = `seed-${String(r).padStart(2, "0")}`;
  writeRun(
    path.join(out, name),
    {
      logits: { data: logits, shape: [n, C] },
      labels: { data: labels, shape: [n] },
      hidden: { data: hidden, shape: [L, n, d] },
      metrics: { accuracy: accuracy(pred, labels) },
      config: { synthetic: true, seed: r, baseSeed: seed, examples: n, layers: L, width: d },
    },
    { overwrite: true },
  );
}
process.stdout.write(`wrote ${R} synthetic runs (${n} examples, ${L} layers × ${d} width) to ${out}\n`);
