// `instability compare DIR_A DIR_B`: is A more (or less) stable than B? The difference in mean task
// metric and in each prediction measure, with a multibootstrap 95% CI and p (seeds and examples
// resampled together; paired over examples when both share their test examples).
import { CliError, parseCliArgs } from "../command";
import { compareRunSets, type RunSetComparison } from "../../analysis/explore/compareRunSets";
import { TASK_METRICS, type TaskMetric } from "../../measures/taskMetrics";
import { loadRuns, RunFormatError } from "../../runs";
import { label } from "../../runs/names";

const USAGE = `usage: instability compare RUNS_DIR_A RUNS_DIR_B [--json] [--metric accuracy|f1|mcc]
                          [--resamples B] [--unpaired]

A − B for the mean task metric, SD, I_pwd, I_kappa and I_JSD, with a 95% CI and a two-sided p
from the multibootstrap (MultiBERTs): each resample draws the runs of each folder and the test
examples with replacement. When both folders hold the same test examples (same count and labels),
one draw of examples serves both (paired), so that an example's difficulty cancels.

  --metric     task metric (default: what metrics.json names, else accuracy)
  --resamples  multibootstrap resamples (default 1000)
  --unpaired   draw examples separately for A and B even when they are shared
  --json       one JSON object`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs("compare", {
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      metric: { type: "string" },
      resamples: { type: "string" },
      unpaired: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return process.stdout.write(USAGE + "\n"), 0;
  if (positionals.length !== 2) throw new CliError(`expected two runs folders (A and B), got ${positionals.length}; see instability compare --help`);
  const metric = values.metric as TaskMetric | undefined;
  if (metric !== undefined && !TASK_METRICS.includes(metric)) throw new CliError(`--metric '${values.metric}': use accuracy, f1 or mcc`);
  const resamples = values.resamples === undefined ? undefined : Number(values.resamples);
  if (resamples !== undefined && !(Number.isInteger(resamples) && resamples >= 100)) throw new CliError(`--resamples '${values.resamples}': use a whole number ≥ 100`);
  let result: RunSetComparison;
  try {
    result = compareRunSets(loadRuns(positionals[0], { hidden: false }), loadRuns(positionals[1], { hidden: false }), { metric, resamples, paired: values.unpaired ? false : undefined });
  } catch (err) {
    if (err instanceof RunFormatError || err instanceof RangeError) throw new CliError(err.message);
    throw err;
  }
  if (values.json) return process.stdout.write(JSON.stringify(result) + "\n"), 0;
  const lines = [
    `A: ${result.a.dir} (${result.a.runs} runs)   B: ${result.b.dir} (${result.b.runs} runs)`,
    `${result.resamples} multibootstrap resamples of runs and ${result.examples} test examples, ${result.paired ? "paired (shared test examples)" : "unpaired"}`,
    `  ${"quantity".padEnd(14)} ${"A".padStart(8)} ${"B".padStart(8)} ${"A − B".padStart(9)}  ${"95% CI".padEnd(21)} p`,
  ];
  for (const r of result.rows) {
    const name = r.quantity === "metric" ? `mean ${result.metric}` : label(r.quantity, "plain");
    lines.push(`  ${name.padEnd(14)} ${r.a.toFixed(4).padStart(8)} ${r.b.toFixed(4).padStart(8)} ${r.difference.toFixed(4).padStart(9)}  [${r.lower.toFixed(4)}, ${r.upper.toFixed(4)}]`.padEnd(60) + ` ${r.p < 0.001 ? "<0.001" : r.p.toFixed(3)}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}
