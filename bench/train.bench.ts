// Training-step speed: the fast tfjs step (`instability bench train`) against the same
// architecture in PyTorch on one thread (Debian python3-torch) and a naive tfjs port, measured
// in the same run, one process at a time. Prints tokens/s and the ratios.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

interface Result {
  backend: string;
  ms_per_step: number;
  tokens_per_s: number;
}

const ROOT = path.join(__dirname, "..", "..");
const SHAPES = [
  { name: "tiny (embedded-model size)", layers: 4, hidden: 128, heads: 4, ffn: 512, seq: 128, batch: 16, vocab: 8192 },
  { name: "BERT-base width", layers: 2, hidden: 768, heads: 12, ffn: 3072, seq: 128, batch: 8, vocab: 8192 },
];

function runJson(cmd: string, args: string[]): Result | string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) return `failed (${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}`;
  const last = r.stdout.trim().split("\n").pop()!;
  return JSON.parse(last) as Result;
}

function torchAvailable(): boolean {
  return spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
}

const fmt = (r: Result | string) => (typeof r === "string" ? r : `${r.ms_per_step.toFixed(0)} ms/step, ${r.tokens_per_s.toFixed(0)} tokens/s  [${r.backend}]`);

const steps = process.env.BENCH_STEPS ?? "5";
for (const s of SHAPES) {
  const dims = [s.layers, s.hidden, s.heads, s.ffn, s.seq, s.batch, s.vocab].map(String);
  process.stdout.write(`\n${s.name}: L=${s.layers} H=${s.hidden} A=${s.heads} F=${s.ffn} S=${s.seq} B=${s.batch} V=${s.vocab}\n`);
  const fast = runJson(process.execPath, [
    path.join(ROOT, "dist", "src", "cli", "main.js"), "bench", "train",
    "--layers", dims[0], "--hidden", dims[1], "--heads", dims[2], "--ffn", dims[3], "--seq", dims[4], "--batch", dims[5], "--vocab", dims[6],
    "--steps", steps, "--json",
  ]);
  process.stdout.write(`  tfjs fast    ${fmt(fast)}\n`);
  const torch = torchAvailable()
    ? runJson("/usr/bin/python3", [path.join(ROOT, "bench", "torch_train.py"), ...dims, steps, "2"])
    : "skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)";
  process.stdout.write(`  pytorch      ${fmt(torch)}\n`);
  const naive = runJson(process.execPath, [path.join(__dirname, "naive-step.js"), ...dims, "2", "1"]);
  process.stdout.write(`  tfjs naive   ${fmt(naive)}\n`);
  if (typeof fast !== "string" && typeof torch !== "string") {
    process.stdout.write(`  ratio fast/pytorch tokens/s: ${(fast.tokens_per_s / torch.tokens_per_s).toFixed(3)}×  (target ≥ 0.5×)\n`);
  }
  if (typeof naive !== "string" && typeof torch !== "string") {
    process.stdout.write(`  ratio naive/pytorch tokens/s: ${(naive.tokens_per_s / torch.tokens_per_s).toFixed(3)}×\n`);
  }
  if (typeof fast !== "string" && typeof naive !== "string") {
    process.stdout.write(`  speed-up fast/naive: ${(fast.tokens_per_s / naive.tokens_per_s).toFixed(1)}×\n`);
  }
}
