// How much fine-tuning of one model varies across seeds, per task: the prediction-level measures
// and the top block's representation measures of method.md §5 over the runs of each task in a
// run store, beside the paper's BERT-large Standard numbers where the task is one of the paper's.
// Evidence for the embedded tasks' card (are they hard enough to be unstable?).
//   node dist/scripts/seed-variation.js STORE MODEL [--json]
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadRuns } from "../src/runs";
import { measureRuns, type TaskMetric } from "../src/measures";
import { paperBenchmark } from "../src/analysis/findings/paperNumbers";

interface Row {
  task: string;
  config: string;
  metric: TaskMetric;
  runs: number;
  failed: number;
  mean: number;
  sd: number;
  pwd: number;
  kappa: number;
  jsd: number;
  topLayer: number;
  cka: number;
  op: number;
}

function rowsOf(store: string, model: string): Row[] {
  const root = path.join(store, model);
  if (!fs.existsSync(root)) throw new Error(`${root}: no runs of model '${model}' in the store`);
  const rows: Row[] = [];
  for (const task of fs.readdirSync(root).sort()) {
    for (const config of fs.readdirSync(path.join(root, task)).sort()) {
      const dir = path.join(root, task, config);
      const seeds = fs.readdirSync(dir).filter((s) => fs.existsSync(path.join(dir, s, "metrics.json")));
      if (seeds.length < 2) continue;
      const metrics = seeds.map((s) => JSON.parse(fs.readFileSync(path.join(dir, s, "metrics.json"), "utf8")));
      const metric = (metrics[0].metric ?? "accuracy") as TaskMetric;
      const set = loadRuns(dir);
      // hidden.npy holds L+1 layers (0 = embeddings); the top block is the last.
      const top = (set.layers ?? 1) - 1;
      const report = measureRuns(set, { metric, chance: "uniform-over-items", layers: set.layers ? [top] : undefined, measures: ["cka", "op"] });
      const mean = report.scores.reduce((a, b) => a + b, 0) / report.scores.length;
      rows.push({
        task, config, metric, runs: report.runs.length, failed: metrics.filter((m) => m.failed).length,
        mean, sd: report.prediction.sd, pwd: report.prediction.pwd, kappa: report.prediction.kappa, jsd: report.prediction.jsd,
        topLayer: top, cka: report.representation?.cka?.[0] ?? NaN, op: report.representation?.op?.[0] ?? NaN,
      });
    }
  }
  return rows;
}

const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "—");

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  const [store, model] = positionals;
  if (!store || !model) throw new Error("usage: seed-variation STORE MODEL [--json]");
  const rows = rowsOf(store, model);
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  const paper = new Map(paperBenchmark().filter((r) => r.model === "bert" && r.method === "standard").map((r) => [r.task, r]));
  const lines = [
    "| task | runs (failed) | metric | mean | SD | I_pwd | I_κ | I_JSD | I_CKA (top) | I_OP (top) |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(`| ${r.task} | ${r.runs} (${r.failed}) | ${r.metric} | ${f(r.mean)} | ${f(r.sd, 4)} | ${f(r.pwd, 4)} | ${f(r.kappa, 4)} | ${f(r.jsd, 4)} | ${f(r.cka, 2)} | ${f(r.op, 2)} |`);
    const p = paper.get(r.task);
    if (p) lines.push(`| ↳ paper, BERT-large Standard | 20 | ${r.metric} | ${f(p.mean)} | ${f(p.sd, 4)} | ${f(p.pwd, 4)} | ${f(p.kappa, 4)} | ${f(p.jsd, 4)} | ${f(p.cka, 2)} | ${f(p.op, 2)} |`);
  }
  process.stdout.write(lines.join("\n") + "\n");
}

try {
  main();
} catch (err) {
  process.stderr.write(`seed-variation: ${(err as Error).message}\n`);
  process.exit(1);
}
