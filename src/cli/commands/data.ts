// `instability data info` and `instability data glue`: what tasks exist (sizes and label balance
// of every split, the task cards) and fetching GLUE on a machine with internet.
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, parseCliArgs } from "../command";
import { GLUE_TASK_NAMES, loadTask, resolveGlueDir } from "../../data/loadTask";
import { EMBEDDED_TASK_NAMES } from "../../data/embeddedTasks";
import { downloadGlue, GlueDownloadError } from "../../data/glueDownload";
import { pretrainingCorpusStats } from "../../data/pretrainingCorpus";
import type { TaskData } from "../../data/types";
import { majorityClassAccuracy } from "../../measures/taskMetrics";
import { packageRoot } from "../../util/packageRoot";

const USAGE = `usage:
  instability data info [--glue-dir DIR] [--json] [--corpus]
      sizes and label balance of every split of every task: the embedded tasks always, the GLUE
      tasks (RTE, MRPC, CoLA, SST-2; dev split into validation/test halves as in the paper) when
      --glue-dir or GLUE_DIR gives a directory in the GLUE layout. Prints the embedded task cards.
      --corpus adds the size of the pre-training corpus.
  instability data glue --out DIR
      download RTE, MRPC, CoLA and SST-2 into DIR (GLUE layout), verifying sha256 checksums;
      needs internet, writes nothing unless every file verifies.`;

const CARDS_DIR = path.join(packageRoot(), "docs", "tasks");

interface SplitInfo {
  n: number;
  labels: number[];
}

interface TaskInfo {
  name: string;
  source: string;
  metric: string;
  isPair: boolean;
  labelNames: string[];
  splits: Record<"train" | "validation" | "test", SplitInfo>;
  majorityTestAccuracy: number;
  loadMs: number;
  card: string | null;
}

function taskInfo(task: TaskData, loadMs: number): TaskInfo {
  const split = (examples: TaskData["train"]): SplitInfo => {
    const labels = new Array<number>(task.numLabels).fill(0);
    for (const e of examples) labels[e.label]++;
    return { n: examples.length, labels };
  };
  const splits = { train: split(task.train), validation: split(task.validation), test: split(task.test) };
  const cardFile = path.join(CARDS_DIR, `${task.name}.md`);
  return {
    name: task.name,
    source: task.source,
    metric: task.metric,
    isPair: task.isPair,
    labelNames: task.labelNames,
    splits,
    majorityTestAccuracy: majorityClassAccuracy(task.test.map((e) => e.label)),
    loadMs,
    card: fs.existsSync(cardFile) ? fs.readFileSync(cardFile, "utf8") : null,
  };
}

function timedLoad(name: string, glueDir?: string): TaskInfo {
  const started = process.hrtime.bigint();
  const task = loadTask(name, { glueDir });
  return taskInfo(task, Number(process.hrtime.bigint() - started) / 1e6);
}

function formatTable(infos: TaskInfo[]): string {
  const lines = [`${"task".padEnd(11)}${"metric".padEnd(9)}${"pair".padEnd(5)}${"split".padEnd(11)}${"n".padStart(6)}  label balance`];
  for (const t of infos) {
    for (const [s, info] of Object.entries(t.splits)) {
      const balance = info.labels.map((c, i) => `${t.labelNames[i]} ${c} (${((100 * c) / info.n).toFixed(1)}%)`).join(", ");
      lines.push(`${t.name.padEnd(11)}${t.metric.padEnd(9)}${(t.isPair ? "yes" : "no").padEnd(5)}${s.padEnd(11)}${String(info.n).padStart(6)}  ${balance}`);
    }
  }
  return lines.join("\n");
}

async function info(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("data info", {
    args: argv,
    options: { "glue-dir": { type: "string" }, json: { type: "boolean" }, corpus: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const glueDir = resolveGlueDir(values["glue-dir"]);
  if (glueDir && !fs.existsSync(glueDir)) throw new CliError(`--glue-dir ${glueDir} does not exist: give a directory in the GLUE layout (RTE/train.tsv, …) or leave it out`);
  const infos: TaskInfo[] = [];
  if (glueDir) {
    for (const name of GLUE_TASK_NAMES) {
      try {
        infos.push(timedLoad(name, glueDir));
      } catch (err) {
        throw new CliError(`${(err as Error).message}`);
      }
    }
  }
  for (const name of EMBEDDED_TASK_NAMES) infos.push(timedLoad(name));
  const corpus = values.corpus ? pretrainingCorpusStats() : undefined;
  if (values.json) {
    process.stdout.write(JSON.stringify({ glueDir, tasks: infos, pretrainingCorpus: corpus }, null, 2) + "\n");
    return 0;
  }
  const out: string[] = [];
  out.push(glueDir ? `GLUE tasks from ${glueDir} (dev split into validation/test halves, docs/tasks/glue.md)` : "GLUE tasks: not shown (pass --glue-dir DIR or set GLUE_DIR)");
  out.push("", formatTable(infos), "");
  out.push("load time (ms): " + infos.map((t) => `${t.name} ${t.loadMs.toFixed(0)}`).join(", "));
  if (corpus) {
    out.push(`pre-training corpus: ${corpus.documents} documents, ${corpus.characters} characters, ~${corpus.words} words (` + Object.entries(corpus.bySource).map(([s, v]) => `${s} ${v.documents}`).join(", ") + ")");
  }
  for (const t of infos) {
    if (t.source === "embedded") out.push("", "-".repeat(72), t.card ? t.card.trimEnd() : `(no card found for ${t.name} at ${path.join(CARDS_DIR, t.name + ".md")})`);
  }
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}

async function glue(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("data glue", { args: argv, options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (!values.out) throw new CliError("data glue needs --out DIR: the directory to write RTE/, MRPC/, CoLA/, SST-2/ into");
  try {
    const result = await downloadGlue({ out: path.resolve(values.out), log: (l) => process.stderr.write(l + "\n") });
    process.stdout.write(`GLUE written to ${path.resolve(values.out)}: ${result.files.length} files, all sha256-verified\n`);
    return 0;
  } catch (err) {
    if (err instanceof GlueDownloadError) throw new CliError(err.message);
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === "info") return await info(rest);
    if (sub === "glue") return await glue(rest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) throw new CliError(`${(err as Error).message} (see \`instability data --help\`)`);
    throw err;
  }
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    process.stdout.write(USAGE + "\n");
    return sub === undefined ? 2 : 0;
  }
  throw new CliError(`unknown data sub-command '${sub}': use 'info' or 'glue' (see \`instability data --help\`)`);
}
