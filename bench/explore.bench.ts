// The exploring views on the main job's store: each view is given one configuration folder, and the
// main job's largest holds 10 runs of a 4-block, width-128 model (hidden.npy with the embedding
// output, 5 entries) on 400 test examples; written as synthetic runs folders (twice, for the
// comparison). Each view is timed from reading the folder to its result, as a notebook cell or CLI
// call runs it; the issue asks each to feel interactive: under 2 s. A second pass puts all 50 runs
// of the main job in one folder, a stress case beyond the target (pairs grow as runs²).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { computeExampleInstability } from "../src/analysis/explore/exampleInstability";
import { computeSeedPlan } from "../src/analysis/explore/seedPlan";
import { compareRunSets } from "../src/analysis/explore/compareRunSets";
import { computeRunMap } from "../src/analysis/explore/runMap";
import { measureRunsDetailed } from "../src/measures";
import { loadRuns, writeRun } from "../src/runs";
import { Random } from "../src/util/random";

const SIZES = [{ runs: 10, what: "one configuration of the main job's store (the target)" }, { runs: 50, what: "all 50 runs of the main job in one folder (a stress case)" }];
const N = 400;
const ENTRIES = 5;
const D = 128;
const LIMIT_S = 2;

function writeFolder(dir: string, runs: number, seed: number, accuracy: number): void {
  const base = new Random(seed);
  const labels = Int32Array.from({ length: N }, (_, i) => i % 2);
  const signal = Float32Array.from({ length: ENTRIES * N * D }, () => base.normal());
  for (let r = 0; r < runs; r++) {
    const rng = base.fork(`run-${r}`);
    const logits = new Float32Array(N * 2);
    for (let i = 0; i < N; i++) {
      const predicted = rng.next() < accuracy ? labels[i] : 1 - labels[i];
      logits[i * 2 + predicted] = 1 + rng.normal() * 0.5;
      logits[i * 2 + 1 - predicted] = rng.normal() * 0.5;
    }
    const failed = r >= 0.8 * runs;
    writeRun(path.join(dir, `seed-${String(r).padStart(2, "0")}`), {
      logits: { data: logits, shape: [N, 2] },
      labels: { data: labels, shape: [N] },
      hidden: { data: signal.map((v) => (failed ? rng.normal() : v + 0.6 * rng.normal())), shape: [ENTRIES, N, D] },
      metrics: { failed },
      config: { seed: r },
    });
  }
}

function time(name: string, f: () => unknown): number {
  const t0 = performance.now();
  f();
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(`  ${name.padEnd(52)} ${s.toFixed(2).padStart(6)} s  ${s < LIMIT_S ? "ok" : `OVER ${LIMIT_S} s`}\n`);
  return s;
}

function timeViews(a: string, b: string): number[] {
  return [
    time("examples (per-example instability)", () => computeExampleInstability(loadRuns(a, { hidden: false }), { texts: false })),
    time("seeds (svcca, op, cka at the top block; 200 resamples)", () => computeSeedPlan(loadRuns(a))),
    time("seeds --compare (both folders)", () => [computeSeedPlan(loadRuns(a)), computeSeedPlan(loadRuns(b))]),
    time("compare A B (1000 multibootstrap resamples)", () => compareRunSets(loadRuns(a, { hidden: false }), loadRuns(b, { hidden: false }))),
    time("run map (cka, top block; MDS)", () => computeRunMap(loadRuns(a), { measure: "cka" })),
    time("measure --measures mknn,cknna (4 blocks, k = 10)", () => measureRunsDetailed(loadRuns(a), { measures: ["mknn", "cknna"], knn: 10 })),
  ];
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-explore-"));
try {
  for (const { runs, what } of SIZES) {
    const [a, b] = [path.join(root, `a-${runs}`), path.join(root, `b-${runs}`)];
    writeFolder(a, runs, 1, 0.85);
    writeFolder(b, runs, 2, 0.8);
    process.stdout.write(`${what}: ${runs} runs × ${ENTRIES - 1} blocks × ${N} examples × width ${D} (synthetic), ${os.cpus().length} CPUs; each from reading the folder:\n`);
    const times = timeViews(a, b);
    const over = times.filter((s) => s >= LIMIT_S).length;
    process.stdout.write(over ? `  ${over} of ${times.length} views over ${LIMIT_S} s\n` : `  every view under ${LIMIT_S} s\n`);
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
