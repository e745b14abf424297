// `instability examples RUNS_DIR`: one row per test example — its label, the share of runs
// predicting each class, the majority prediction and its confidence, the share of run pairs that
// disagree on it (their mean over examples is I_pwd) and its mean JSD over pairs, and its text
// when the task is known.
import { CliError, parseCliArgs } from "../command";
import { computeExampleInstability, EXAMPLE_SORT_KEYS, sortExamples, type ExampleInstability, type ExampleSortKey } from "../../analysis/explore/exampleInstability";
import { loadRuns, RunFormatError } from "../../runs";
import { exampleFigure, examplesCsv, writeFigurePage } from "../../report/explore";

const USAGE = `usage: instability examples RUNS_DIR [--json | --csv] [--sort KEY] [--ascending] [--top N]
                           [--glue-dir DIR] [--figure FILE.html]

One row per test example of the runs in RUNS_DIR: label, share of runs predicting each class,
the majority prediction and its confidence (mean softmax probability over runs), disagreement
(the share of run pairs that predict differently; its mean over examples is I_pwd), and the mean
Jensen–Shannon divergence over run pairs (its mean is I_JSD). The text of each example is shown
when config.json names the task: embedded tasks, GLUE tasks (--glue-dir or GLUE_DIR), and runs
exported with python/instability_export.py --task-file.

  --sort       ${EXAMPLE_SORT_KEYS.join(", ")} (default disagreement, largest first)
  --ascending  smallest first
  --top N      only the first N rows (default 20 in the table, all with --json / --csv)
  --json       one JSON object: summary and every row
  --csv        the rows as CSV (RFC 4180)
  --figure F   also write disagreement against confidence as a standalone HTML page`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs("examples", {
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      csv: { type: "boolean", default: false },
      sort: { type: "string", default: "disagreement" },
      ascending: { type: "boolean" },
      top: { type: "string" },
      "glue-dir": { type: "string" },
      figure: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return process.stdout.write(USAGE + "\n"), 0;
  if (positionals.length !== 1) throw new CliError(`expected one RUNS_DIR argument, got ${positionals.length}; see instability examples --help`);
  if (values.json && values.csv) throw new CliError("--json and --csv: choose one");
  if (!(EXAMPLE_SORT_KEYS as readonly string[]).includes(values.sort!)) throw new CliError(`--sort '${values.sort}': use ${EXAMPLE_SORT_KEYS.join(", ")}`);
  const top = values.top === undefined ? undefined : Number(values.top);
  if (top !== undefined && !(Number.isInteger(top) && top > 0)) throw new CliError(`--top '${values.top}': use a positive whole number`);
  let result: ExampleInstability;
  try {
    result = computeExampleInstability(loadRuns(positionals[0], { hidden: false }), { glueDir: values["glue-dir"] });
  } catch (err) {
    if (err instanceof RunFormatError || err instanceof RangeError) throw new CliError(err.message);
    throw err;
  }
  const sorted = sortExamples(result.rows, values.sort as ExampleSortKey, values.ascending);
  const shown = sorted.slice(0, top ?? (values.json || values.csv ? sorted.length : 20));
  if (values.figure) writeFigurePage(values.figure, `Per-example instability: ${positionals[0]}`, [exampleFigure(result)]);
  const mean = (f: (r: (typeof sorted)[number]) => number) => result.rows.reduce((s, r) => s + f(r), 0) / result.rows.length;
  const summary = { runs: result.runs, examples: result.rows.length, meanDisagreement: mean((r) => r.disagreement), meanJsd: mean((r) => r.jsd) };
  const texts: Record<string, string> = result.texts.texts ? { textsFrom: result.texts.source } : { noTexts: result.texts.reason };
  if (values.json) return process.stdout.write(JSON.stringify({ dir: result.dir, ...summary, ...texts, rows: shown }) + "\n"), 0;
  if (values.csv) return process.stdout.write(examplesCsv(result, shown)), 0;
  process.stdout.write(table(result.numClasses, shown, summary, texts) + "\n");
  return 0;
}

function table(numClasses: number, rows: ReturnType<typeof sortExamples>, summary: { runs: number; examples: number; meanDisagreement: number; meanJsd: number }, texts: Record<string, string>): string {
  const lines = [
    `${summary.examples} test examples, ${summary.runs} runs; mean disagreement ${summary.meanDisagreement.toFixed(4)} (= I_pwd), mean JSD ${summary.meanJsd.toFixed(4)} (= I_JSD)`,
    texts.textsFrom ? `texts: ${texts.textsFrom}` : `no texts: ${texts.noTexts}`,
    "",
    ["example", "label", ...Array.from({ length: numClasses }, (_, k) => `share ${k}`), "majority", "confid.", "disagr.", "   JSD", "text"].join("  "),
  ];
  for (const r of rows) {
    const cells = [String(r.example).padStart(7), String(r.label).padStart(5), ...r.shares.map((s) => s.toFixed(3).padStart(7)), String(r.majority).padStart(8), r.confidence.toFixed(3).padStart(7), r.disagreement.toFixed(3).padStart(7), r.jsd.toFixed(4).padStart(6)];
    const text = r.text === undefined ? "" : r.text.replace(/\s+/g, " ");
    lines.push(`${cells.join("  ")}  ${text.length > 70 ? `${text.slice(0, 67)}…` : text}`);
  }
  return lines.join("\n");
}
