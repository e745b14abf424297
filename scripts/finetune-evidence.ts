// Evidence for the model card of the embedded model: test-half scores of fine-tuning the
// pre-trained checkpoint vs. the same architecture randomly initialised, per task, mean ± SD over
// seeds, with Welch's t test of the difference, from a run store written by `instability sweep`
// (STORE/<model>/<task>/<method>-lr<lr>/seed-NN).
//   node dist/scripts/finetune-evidence.js STORE --pretrained NAME --random NAME [--json]
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { welchTTest } from "../src/analysis/stats";

interface Score {
  seed: number;
  metric: string;
  testMetric: number;
  testAccuracy: number;
  failed: boolean;
}

/** Every finished run of one model in the store, grouped by task. */
function scoresOf(store: string, model: string): Map<string, Score[]> {
  const byTask = new Map<string, Score[]>();
  const root = path.join(store, model);
  if (!fs.existsSync(root)) throw new Error(`${root}: no runs of model '${model}' in the store`);
  for (const task of fs.readdirSync(root).sort()) {
    for (const config of fs.readdirSync(path.join(root, task))) {
      for (const seedDir of fs.readdirSync(path.join(root, task, config))) {
        const file = path.join(root, task, config, seedDir, "metrics.json");
        if (!/^seed-\d+$/.test(seedDir) || !fs.existsSync(file)) continue;
        const m = JSON.parse(fs.readFileSync(file, "utf8"));
        const list = byTask.get(task) ?? [];
        list.push({ seed: m.seed, metric: m.metric, testMetric: m.testMetric, testAccuracy: m.testAccuracy, failed: m.failed });
        byTask.set(task, list);
      }
    }
  }
  return byTask;
}

function meanSd(xs: number[]): { mean: number; sd: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  // Sample SD (n − 1), as papers report across seeds.
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}

const fmt = (s: { mean: number; sd: number; n: number }) =>
  s.n === 0 ? "— (n=0)" : s.n === 1 ? `${s.mean.toFixed(3)} (n=1)` : `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)} (n=${s.n})`;

/** Two-sided p to 3 decimals ("< 0.001" below that); "—" when undefined (no spread in either model). */
function formatP(p: number): string {
  if (!Number.isFinite(p)) return "—";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { pretrained: { type: "string" }, random: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const store = positionals[0];
  if (!store || !values.pretrained || !values.random) throw new Error("usage: finetune-evidence STORE --pretrained NAME --random NAME [--json]");
  const pre = scoresOf(store, values.pretrained);
  const rnd = scoresOf(store, values.random);
  const tasks = [...new Set([...pre.keys(), ...rnd.keys()])];
  const rows = tasks.map((task) => {
    const p = pre.get(task) ?? [];
    const r = rnd.get(task) ?? [];
    // A task folder may exist before any of its runs has finished.
    const metric = (p[0] ?? r[0])?.metric ?? "?";
    return {
      task,
      metric,
      welch: welchTTest(p.map((s) => s.testMetric), r.map((s) => s.testMetric)),
      pretrained: { metric: meanSd(p.map((s) => s.testMetric)), accuracy: meanSd(p.map((s) => s.testAccuracy)), failed: p.filter((s) => s.failed).length },
      random: { metric: meanSd(r.map((s) => s.testMetric)), accuracy: meanSd(r.map((s) => s.testAccuracy)), failed: r.filter((s) => s.failed).length },
    };
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  const lines = [
    "| task | metric | pre-trained | random init | difference | p (Welch) | accuracy: pre-trained | accuracy: random init | failed runs (pre / random) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const diff = r.pretrained.metric.mean - r.random.metric.mean;
    const diffText = Number.isFinite(diff) ? `${diff >= 0 ? "+" : ""}${diff.toFixed(3)}` : "—";
    lines.push(
      `| ${r.task} | ${r.metric} | ${fmt(r.pretrained.metric)} | ${fmt(r.random.metric)} | ${diffText} | ${formatP(r.welch.p)} | ` +
        `${fmt(r.pretrained.accuracy)} | ${fmt(r.random.accuracy)} | ${r.pretrained.failed} / ${r.random.failed} |`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n");
}

try {
  main();
} catch (err) {
  process.stderr.write(`finetune-evidence: ${(err as Error).message}\n`);
  process.exit(1);
}
