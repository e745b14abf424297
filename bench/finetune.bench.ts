// A whole fine-tuning run, evaluation included: `instability finetune --task spam
// --max-train-examples 500 --epochs 3 --lr 5e-4 --max-length 64` with the fused wasm kernels and
// with them off (INSTABILITY_FUSED=0), against the same run in PyTorch on one thread
// (bench/torch_finetune.py, same checkpoint, same token ids), one process at a time. Prints wall
// and CPU time, test accuracy, and the ratios of CPU time (each side runs on one thread).
// The fused and PyTorch runs alternate over rounds (rounds.ts) and the ratio is of their median
// CPU times: one run of each side flipped this ratio between 1.96× and 2.08× within ten minutes.
// BENCH_TORCH_LIBRARY_PATH: see torch-env.ts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { benchRounds, median, roundOrder } from "./rounds";
import { torchEnv } from "./torch-env";

const ROOT = path.join(__dirname, "..", "..");
const MODEL = path.join(ROOT, "models", "tiny-bert-en");
const [TASK, MAX_TRAIN, EPOCHS, LR, MAX_LENGTH, SEED] = ["spam", "500", "3", "5e-4", "64", process.env.BENCH_SEED ?? "0"];
const rounds = benchRounds(); // before the temp folder: a bad BENCH_ROUNDS leaves nothing behind
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "finetune-bench-"));

interface Timing {
  wall_s: number;
  cpu_s: number;
  test_accuracy: number;
}

function tfjsRun(fused: string): Timing | string {
  const out = path.join(tmp, `run-fused${fused}`);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ["--require", path.join(__dirname, "report-cpu.js"), path.join(ROOT, "dist", "src", "cli", "main.js"), "finetune",
      "--task", TASK, "--seed", SEED, "--out", out, "--max-train-examples", MAX_TRAIN, "--epochs", EPOCHS, "--lr", LR,
      "--max-length", MAX_LENGTH, "--overwrite", "--quiet"],
    { encoding: "utf8", env: { ...process.env, INSTABILITY_FUSED: fused } },
  );
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) return `failed (${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
  const cpu = JSON.parse(r.stderr.trim().split("\n").pop()!).cpu_s as number;
  const metrics = JSON.parse(fs.readFileSync(path.join(out, "metrics.json"), "utf8")) as { testMetric: number };
  return { wall_s: wall, cpu_s: cpu, test_accuracy: metrics.testMetric };
}

function torchRun(): Timing | string {
  if (spawnSync("/usr/bin/python3", ["-c", "import torch"]).status !== 0) return "skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)";
  const data = path.join(tmp, "data.json");
  const d = spawnSync(process.execPath, [path.join(__dirname, "finetune-data.js"), TASK, MODEL, MAX_TRAIN, MAX_LENGTH, data], { encoding: "utf8" });
  if (d.status !== 0) return `data export failed: ${d.stderr.trim().split("\n").pop()}`;
  const r = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench", "torch_finetune.py"), MODEL, data, EPOCHS, LR, SEED], { encoding: "utf8", env: torchEnv() });
  if (r.status !== 0) return `failed (${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Timing;
}

const fmt = (t: Timing | string) => (typeof t === "string" ? t : `wall ${t.wall_s.toFixed(1)} s, CPU ${t.cpu_s.toFixed(1)} s, test accuracy ${t.test_accuracy.toFixed(4)}`);
process.stdout.write(`\nfinetune --task ${TASK} --max-train-examples ${MAX_TRAIN} --epochs ${EPOCHS} --lr ${LR} --max-length ${MAX_LENGTH} --seed ${SEED}\n`);
const fusedRuns: Timing[] = [];
const torchRuns: Timing[] = [];
for (let round = 0; round < rounds; round++) {
  for (const side of roundOrder(round)) {
    const t = side === "tfjs" ? tfjsRun("1") : torchRun();
    process.stdout.write(`  round ${round + 1} ${side === "tfjs" ? "tfjs fused" : "pytorch   "} ${fmt(t)}\n`);
    if (typeof t !== "string") (side === "tfjs" ? fusedRuns : torchRuns).push(t);
  }
}
const composite = tfjsRun("0");
process.stdout.write(`  tfjs composite  ${fmt(composite)}\n`);
if (fusedRuns.length && torchRuns.length) {
  const [f, p] = [median(fusedRuns.map((t) => t.cpu_s)), median(torchRuns.map((t) => t.cpu_s))];
  const perRound = fusedRuns.map((t, i) => (torchRuns[i] ? (t.cpu_s / torchRuns[i].cpu_s).toFixed(2) : "")).filter(Boolean);
  process.stdout.write(`  median CPU: tfjs fused ${f.toFixed(1)} s, pytorch ${p.toFixed(1)} s (${fusedRuns.length} and ${torchRuns.length} runs)\n`);
  process.stdout.write(`  CPU time fused/pytorch (medians): ${(f / p).toFixed(2)}×  (target ≤ 2×; per round ${perRound.join(", ")})\n`);
  if (typeof composite !== "string") process.stdout.write(`  CPU time composite/pytorch: ${(composite.cpu_s / p).toFixed(2)}×\n`);
}
fs.rmSync(tmp, { recursive: true, force: true });
