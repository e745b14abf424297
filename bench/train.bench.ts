// Training-step speed: the tfjs step (`instability bench train`, fused wasm kernels) against the
// same step with the fused kernels off (INSTABILITY_FUSED=0), the same architecture in PyTorch
// on one thread (Debian python3-torch) and, for the small shape with BENCH_NAIVE=1, a naive tfjs
// port (~80 s a step), measured in
// the same run, one process at a time. Ratios are of CPU time per step (each side runs on one
// thread, so on a busy machine CPU time is what one core costs; wall time is printed too).
// The fused and PyTorch sides run in alternating rounds (rounds.ts: the same L1-resident product
// measured 22–37 GFLOP/s within one minute on a shared VM) and the ratio is of the MEDIAN step of
// each side over all rounds, with the per-round ratios printed beside it so the spread is visible.
// PyTorch's speed depends on the BLAS that libblas.so.3 points to (the reference BLAS is ~10×
// slower than OpenBLAS): the line names the library it loaded; see torch-env.ts for
// BENCH_TORCH_LIBRARY_PATH.
// Threads: each round also runs the fused step on BENCH_THREADS kernel threads (default every
// core) and prints its speed-up over one thread, as the ratio of median WALL steps (CPU time adds
// up over threads). The PyTorch ratio stays one thread against one thread, in CPU time.
import { spawnSync } from "node:child_process";
import { cores, parseThreads } from "../src/model/threads";
import * as path from "node:path";
import { benchRounds, median, roundOrder } from "./rounds";
import { torchEnv } from "./torch-env";

interface Result {
  backend: string;
  ms_per_step: number;
  tokens_per_s: number;
  cpu_ms_per_step?: number;
  cpu_tokens_per_s?: number;
  cpu_ms_steps?: number[];
  wall_ms_steps?: number[];
  threads?: number;
}

const ROOT = path.join(__dirname, "..", "..");
const SHAPES = [
  { name: "embedded model (tiny-bert-en)", layers: 4, hidden: 128, heads: 4, ffn: 512, seq: 128, batch: 16, vocab: 8192, naive: true },
  { name: "MiniLM-L6 shape", layers: 6, hidden: 384, heads: 12, ffn: 1536, seq: 128, batch: 16, vocab: 8192, naive: false },
];

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Result | string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, env });
  if (r.status !== 0) return `failed (${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}`;
  const last = r.stdout.trim().split("\n").pop()!;
  return JSON.parse(last) as Result;
}

function torchAvailable(): boolean {
  return spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
}

const fmt = (r: Result | string) =>
  typeof r === "string"
    ? r
    : `${(r.cpu_ms_per_step ?? r.ms_per_step).toFixed(0)} ms CPU/step = ${(r.cpu_tokens_per_s ?? r.tokens_per_s).toFixed(0)} tokens/s ` +
      `(wall ${r.ms_per_step.toFixed(0)} ms)  [${r.backend}]`;
const cpuTps = (r: Result) => r.cpu_tokens_per_s ?? r.tokens_per_s;
const stepsOf = (r: Result) => r.cpu_ms_steps ?? [r.cpu_ms_per_step ?? r.ms_per_step];
const wallStepsOf = (r: Result) => r.wall_ms_steps ?? [r.ms_per_step];
const THREADS = process.env.BENCH_THREADS ? parseThreads(process.env.BENCH_THREADS, "BENCH_THREADS") : cores();
/** The fused sides of a round: one thread, then THREADS threads (the other way round in odd rounds). */
const fusedSides = (round: number): string[] => (THREADS === 1 ? ["1"] : round % 2 === 0 ? ["1", String(THREADS)] : [String(THREADS), "1"]);

const steps = process.env.BENCH_STEPS ?? "4";
const rounds = benchRounds();
for (const s of SHAPES) {
  const dims = [s.layers, s.hidden, s.heads, s.ffn, s.seq, s.batch, s.vocab].map(String);
  const big = s.hidden > 256;
  const [n, warm] = big ? ["2", "1"] : [steps, "2"];
  const tokens = s.batch * s.seq;
  process.stdout.write(`\n${s.name}: L=${s.layers} H=${s.hidden} A=${s.heads} F=${s.ffn} S=${s.seq} B=${s.batch} V=${s.vocab}\n`);
  const cli = (fused: string, threads = "1") =>
    runJson(process.execPath, [
      path.join(ROOT, "dist", "src", "cli", "main.js"), "bench", "train",
      "--layers", dims[0], "--hidden", dims[1], "--heads", dims[2], "--ffn", dims[3], "--seq", dims[4], "--batch", dims[5], "--vocab", dims[6],
      "--steps", n, "--warmup", warm, "--threads", threads, "--json",
    ], { ...process.env, INSTABILITY_FUSED: fused });
  const hasTorch = torchAvailable();
  const torchRun = () => runJson("/usr/bin/python3", [path.join(ROOT, "bench", "torch_train.py"), ...dims, n, warm], torchEnv());
  const fusedRuns: Result[] = [];
  const threadedRuns: Result[] = [];
  const torchRuns: Result[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const side of roundOrder(round)) {
      if (side === "pytorch") {
        if (!hasTorch) continue;
        const r = torchRun();
        process.stdout.write(`  round ${round + 1} pytorch    ${fmt(r)}\n`);
        if (typeof r !== "string") torchRuns.push(r);
        continue;
      }
      for (const threads of fusedSides(round)) {
        const r = cli("1", threads);
        process.stdout.write(`  round ${round + 1} tfjs fused ${threads === "1" ? "" : `(${threads} threads) `}${fmt(r)}\n`);
        if (typeof r !== "string") (threads === "1" ? fusedRuns : threadedRuns).push(r);
      }
    }
  }
  if (!hasTorch) process.stdout.write("  pytorch         skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)\n");
  const composite = cli("0", "1");
  process.stdout.write(`  tfjs composite  ${fmt(composite)}\n`);
  const naive = s.naive && process.env.BENCH_NAIVE === "1" ? runJson(process.execPath, [path.join(__dirname, "naive-step.js"), ...dims, "2", "1"]) : null;
  if (naive) process.stdout.write(`  tfjs naive      ${fmt(naive)}\n`);
  const [fusedSteps, torchSteps] = [fusedRuns.flatMap(stepsOf), torchRuns.flatMap(stepsOf)];
  const fusedMedian = fusedRuns.length ? median(fusedSteps) : NaN;
  if (fusedRuns.length) process.stdout.write(`  tfjs fused median step ${fusedMedian.toFixed(0)} ms CPU = ${((tokens * 1000) / fusedMedian).toFixed(0)} tokens/s (${fusedSteps.length} steps)\n`);
  if (fusedRuns.length && torchRuns.length) {
    const torchMedian = median(torchSteps);
    process.stdout.write(`  pytorch median step    ${torchMedian.toFixed(0)} ms CPU = ${((tokens * 1000) / torchMedian).toFixed(0)} tokens/s (${torchSteps.length} steps)\n`);
    const perRound = fusedRuns.map((f, i) => (torchRuns[i] ? median(stepsOf(torchRuns[i])) / median(stepsOf(f)) : NaN)).filter((x) => !Number.isNaN(x));
    process.stdout.write(
      `  ratio fused/pytorch tokens/s (median CPU step): ${(torchMedian / fusedMedian).toFixed(3)}×  (target ≥ 0.5×; per round ${perRound.map((x) => x.toFixed(3)).join(", ")})\n`,
    );
    if (typeof composite !== "string") process.stdout.write(`  ratio composite/pytorch tokens/s (CPU time): ${(cpuTps(composite) / ((tokens * 1000) / torchMedian)).toFixed(3)}×\n`);
  }
  if (fusedRuns.length && threadedRuns.length) {
    const [one, many] = [median(fusedRuns.flatMap(wallStepsOf)), median(threadedRuns.flatMap(wallStepsOf))];
    const perRound = threadedRuns.map((r, i) => (fusedRuns[i] ? median(wallStepsOf(fusedRuns[i])) / median(wallStepsOf(r)) : NaN)).filter((x) => !Number.isNaN(x));
    process.stdout.write(`  tfjs fused median wall step: 1 thread ${one.toFixed(0)} ms, ${THREADS} threads ${many.toFixed(0)} ms = ${((tokens * 1000) / many).toFixed(0)} tokens/s\n`);
    process.stdout.write(`  speed-up ${THREADS} threads / 1 thread (median wall step): ${(one / many).toFixed(2)}×  (target ≥ 1.6× at 2 threads; per round ${perRound.map((x) => x.toFixed(2)).join(", ")})\n`);
  }
  if (fusedRuns.length && typeof composite !== "string") {
    process.stdout.write(`  speed-up fused/composite: ${(median(stepsOf(composite)) / fusedMedian).toFixed(2)}×\n`);
  }
}
