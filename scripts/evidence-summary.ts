// The side-by-side summary of an evidence folder (scripts/export-evidence.ts) for its README:
// each finding's verdict beside the paper's claim, every configuration's metric against its
// baseline, the failed-run counts, the Standard runs' layer curves and the benchmark table beside
// the paper's numbers. It reads only what the pipeline wrote (findings.md's table, tables/*.csv)
// and the paper's numbers from analysis/findings/paperNumbers.ts, so the README copies no number
// by hand.
//   node dist/scripts/evidence-summary.js EVIDENCE_DIR
import * as fs from "node:fs";
import * as path from "node:path";
import { PAPER_CLAIMS } from "../src/analysis/findings/paperClaims";
import { PAPER_FAILED_COUNTS } from "../src/analysis/findings/paperNumbers";
import { parseCsv } from "../src/data/taskFile";

type Row = Record<string, string>;

/** Rows of a CSV file keyed by its header. */
function parseCsvRows(text: string): Row[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

const num = (v: string | undefined, digits = 3) => (v === undefined || v === "" || !Number.isFinite(Number(v)) ? "n/a" : Number(v).toFixed(digits));
const lr = (v: string | undefined) => (v === undefined || v === "" ? "" : Number(v).toExponential());
const table = (head: string[], rows: string[][]) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

function csv(dir: string, name: string): Row[] {
  const f = path.join(dir, "tables", `${name}.csv`);
  return fs.existsSync(f) ? parseCsvRows(fs.readFileSync(f, "utf8")) : [];
}

/** findings.md's verdict table: id → verdict. */
function verdicts(dir: string): { id: string; title: string; verdict: string }[] {
  const md = fs.readFileSync(path.join(dir, "findings.md"), "utf8");
  return [...md.matchAll(/^\| \[([^\]]+)\]\(#([a-z]+)\) \| [^|]+ \| \*\*([^*]+)\*\* \|$/gm)].map((m) => ({ title: m[1], id: m[2], verdict: m[3] }));
}

export function evidenceSummary(dir: string): string {
  const out: string[] = [];
  out.push("### Verdicts beside the paper", "", table(["finding", "these runs", "the paper"], verdicts(dir).map((v) => [v.title, `**${v.verdict}**`, (PAPER_CLAIMS as Record<string, string>)[v.id] ?? ""])));

  const learning = csv(dir, "learning");
  out.push("", "### Every configuration against its constant baseline", "", table(
    ["configuration", "runs", "mean metric [95% CI]", "range", "baseline", "learns"],
    learning.map((r) => [`${r.method} lr ${lr(r.learningRate)}${r.models === "final" ? " (final models)" : ""}`, r.runs, `${num(r.mean)} [${num(r.ciLower)}, ${num(r.ciUpper)}]`, `${num(r.min)}–${num(r.max)}`, num(r.baseline), r.learns]),
  ));

  const failed = csv(dir, "failed_counts");
  out.push("", "### Failed runs (final models at the failed-run learning rate)", "", table(
    ["", "learning rate", "failed / runs"],
    [...failed.map((r) => [`these runs (${r.task})`, lr(r.learningRate), `${r.failed} / ${r.total}`]), ...PAPER_FAILED_COUNTS.map((p) => [`paper ${p.model} ${p.task}`, p.model === "bert" ? "5e-5" : "3e-5", `${p.failed} / ${p.total}`])],
  ));

  const layers = csv(dir, "layers");
  const byLayer = new Map<string, Row[]>();
  for (const r of layers) byLayer.set(r.layer, [...(byLayer.get(r.layer) ?? []), r]);
  const value = (rows: Row[], m: string) => num(rows.find((r) => r.measure === m)?.value);
  out.push("", "### Standard runs' layer curves (mean over pairs)", "", table(["layer", "I_SVCCA", "I_OP", "I_CKA"], [...byLayer].map(([layer, rows]) => [layer, value(rows, "svcca"), value(rows, "op"), value(rows, "cka")])),
    "", "The paper (BERT-large, RTE, 24 layers): I_CKA and I_OP near 0 at layer 1, about 0.34 and 0.20 at layer 24; I_SVCCA 0.01–0.03 at almost every layer (method.md §6.2).");

  const bench = csv(dir, "benchmark");
  out.push("", "### Benchmark table (I_CKA and I_OP at the top layer)", "", table(
    ["method", "lr", "runs", "metric", "SD", "I_JSD", "I_κ", "I_pwd", "I_CKA", "I_OP"],
    bench.map((r) => [r.method, lr(r.learningRate), r.runs, num(r.mean), num(r.sd, 4), num(r.jsd, 4), num(r.kappa, 4), num(r.pwd, 4), num(r.cka, 2), num(r.op, 2)]),
  ), "", "The paper, SST-2 Standard (20 seeds; κ with the uniform-over-items chance term): BERT-large .926 .0084 .0228 .0449 .0448, RoBERTa-large .944 .0087 .0246 .0435 .0434 (metric, SD, I_JSD, I_κ, I_pwd; method.md §8 NB3).");
  return out.join("\n") + "\n";
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(path.join(dir, "findings.md"))) {
    process.stderr.write("usage: node dist/scripts/evidence-summary.js EVIDENCE_DIR   (a folder with findings.md and tables/)\n");
    process.exit(2);
  }
  process.stdout.write(evidenceSummary(dir));
}
