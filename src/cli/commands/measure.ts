// `instability measure RUNS_DIR`: the seven instability measures of a directory of runs. Parses
// the flags and prints; the folder is opened and measured in analysis/runsFolderMeasures.ts.
import { CliError, parseCliArgs } from "../command";
import { terminalText } from "../../util/displayText";
import { RunFormatError } from "../../runs";
import { describeMetric, KappaChance, TASK_METRICS, TaskMetric } from "../../measures";
import { REPRESENTATION_MEASURES, RepresentationMeasure } from "../../measures/representation";
import type { MeasureSettings } from "../../measures/measureDefinition";
import { layerEntries, measureRunsFolder, openRunsFolder, undefinedPairsByLayer } from "../../analysis/runsFolderMeasures";
import { label } from "../../runs/names";
import { extraMeasuresUsage, measureOptionFlags, measureOptionsSynopsis, measureOptionsUsage, parseMeasureList, readMeasureSettings } from "../measureFlags";

function usage(): string {
  return `usage: instability measure RUNS_DIR [--metric accuracy|f1|mcc] [--layers 0,3,5]
                           [--chance textbook|uniform-over-items] [--measures svcca,op,cka]
                           ${measureOptionsSynopsis()}[--json]

Measures the instability of the runs in RUNS_DIR (one sub-folder per run holding logits.npy,
labels.npy and optionally hidden.npy [L, n, d]): SD of the task metric, pairwise disagreement
I_pwd, I_kappa = 1 − Fleiss' kappa, I_JSD, and per layer I_SVCCA, I_OP and I_CKA.

  --metric   task metric for SD (default accuracy; MRPC uses f1, CoLA mcc)
  --layers   comma-separated layer numbers: 1..L the blocks (1 = the lowest), 0 the embedding
             output when hidden.npy has it (default: every block). Whether hidden.npy starts
             with the embedding output (Hugging Face's L+1 layers) or not (L blocks) is read from
             hidden.json, else config.json's layer count, else detected: the embedding output's
             first-token state is the same vector for every input; the choice is printed
  --chance   chance term of Fleiss' kappa (default textbook; uniform-over-items matches the
             paper's reference numbers, where I_kappa = I_pwd·N/(N−1))
  --measures comma-separated representation measures (default ${REPRESENTATION_MEASURES.join(",")}, the paper's three);
${extraMeasuresUsage(13)}
${measureOptionsUsage().join("\n")}
  --json     print exactly one JSON object instead of a table ("layers": the block numbers measured)`;
}

function parseLayers(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const layers = parts.map((p) => Number(p));
  if (parts.some((p) => p === "") || layers.some((l) => !Number.isInteger(l) || l < 0)) {
    throw new CliError(`--layers '${text}': expected comma-separated layer numbers ≥ 0, e.g. --layers 1,3,5`);
  }
  return layers;
}

function fmt(v: number): string {
  return v.toFixed(4);
}

interface MeasureFlags {
  dir: string;
  metric: TaskMetric;
  chance: KappaChance;
  blocks?: number[];
  measures: RepresentationMeasure[];
  settings: MeasureSettings;
  json: boolean;
}

function parseFlags(values: Record<string, string | boolean | undefined>, positionals: string[]): MeasureFlags {
  if (positionals.length !== 1) {
    throw new CliError(`expected one RUNS_DIR argument, got ${positionals.length}; see instability measure --help`);
  }
  const metric = values.metric as TaskMetric;
  if (!TASK_METRICS.includes(metric)) throw new CliError(`--metric '${values.metric}': use accuracy, f1 or mcc`);
  const chance = values.chance as KappaChance;
  if (chance !== "textbook" && chance !== "uniform-over-items") {
    throw new CliError(`--chance '${values.chance}': use textbook or uniform-over-items`);
  }
  const blocks = values.layers !== undefined ? parseLayers(values.layers as string) : undefined;
  const measures = values.measures !== undefined ? parseMeasureList(values.measures as string) : [...REPRESENTATION_MEASURES];
  return { dir: positionals[0], metric, chance, blocks, measures, settings: readMeasureSettings(values, measures), json: Boolean(values.json) };
}

/** Measures the folder; notes for stderr come back to be written once the measures succeeded (an error stays one line). */
async function measureFolder(f: MeasureFlags) {
  try {
    const folder = openRunsFolder(f.dir);
    if (folder.skipped) process.stderr.write(`instability measure: ${terminalText(folder.skipped)}\n`);
    const { entries, indexing } = layerEntries(folder.set, f.blocks);
    const progress = !f.json && process.stderr.isTTY && folder.set.layers !== undefined;
    const details = await measureRunsFolder(folder.set, entries, {
      metric: f.metric,
      chance: f.chance,
      measures: f.measures,
      settings: f.settings,
      onLayer: progress ? (done, total) => process.stderr.write(`\rlayers ${done}/${total}`) : undefined,
    });
    if (progress) process.stderr.write("\n");
    return { details, indexingNote: indexing ? `instability measure: ${indexing}` : "" };
  } catch (err) {
    if (err instanceof RunFormatError || err instanceof RangeError) throw new CliError(err.message);
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs("measure", {
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: "string", default: "accuracy" },
      layers: { type: "string" },
      chance: { type: "string", default: "textbook" },
      measures: { type: "string" },
      ...measureOptionFlags(),
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  const f = parseFlags(values, positionals);
  const { details, indexingNote } = await measureFolder(f);
  const { report } = details;
  if (indexingNote) process.stderr.write(indexingNote.trimEnd().split("\n").map(terminalText).join("\n") + "\n");
  const R = report.runs.length;
  const undefinedPairs = undefinedPairsByLayer(details.pairs.representation?.degenerate ?? [], R);
  if (details.layers.includes(0) && undefinedPairs.some((u) => u.entry === 0 && u.runNames.length === R)) {
    throw new CliError(`every run's hidden states are constant across examples at hidden.npy entry 0, so the representation measures are undefined there. Layer 0 is the embedding output (Hugging Face indexing): its first-token state is the same for every input; leave it out of --layers`);
  }
  // Undefined pairs are data (measures/degenerate.ts): say which, keep the defined ones.
  for (const u of undefinedPairs) {
    process.stderr.write(`note: ${u.undefinedPairs} of ${u.pairs} pairs at hidden.npy entry ${u.entry} are undefined: ${u.runNames.map((name) => `run ${terminalText(name)}`).join(", ")} ${u.runNames.length === 1 ? "is" : "are"} constant across examples there; means use the defined pairs\n`);
  }
  if (f.json) {
    process.stdout.write(JSON.stringify(report) + "\n");
    return 0;
  }
  // Run and folder names are the user's: their control characters are shown, not obeyed.
  process.stdout.write(tableLines(f, details).map(terminalText).join("\n") + "\n");
  return 0;
}

function tableLines(f: MeasureFlags, details: Awaited<ReturnType<typeof measureRunsFolder>>): string[] {
  const { report } = details;
  const lines: string[] = [];
  lines.push(`runs: ${report.runs.length} in ${f.dir}`);
  const nameWidth = Math.max(4, ...report.runs.map((r) => r.length));
  lines.push(`  ${"run".padEnd(nameWidth)}  ${describeMetric(f.metric, details.numClasses)}`);
  report.runs.forEach((name, i) => lines.push(`  ${name.padEnd(nameWidth)}  ${fmt(report.scores[i])}`));
  lines.push("");
  lines.push("prediction-level instability");
  lines.push(`  SD (${describeMetric(f.metric, details.numClasses)})   ${fmt(report.prediction.sd)}`);
  lines.push(`  I_pwd           ${fmt(report.prediction.pwd)}`);
  lines.push(`  I_kappa         ${fmt(report.prediction.kappa)}   (${f.chance} chance)`);
  lines.push(`  I_JSD           ${fmt(report.prediction.jsd)}`);
  if (!report.representation) return [...lines, "", "no hidden.npy in the runs: representation measures skipped"];
  const rep = report.representation;
  lines.push("");
  lines.push(`representation-level instability (mean over run pairs; layer = block number, 0 = the embedding output)`);
  lines.push(`  ${"layer".padStart(5)}${f.measures.map((m) => `  ${label(m, "plain").padStart(8)}`).join("")}`);
  report.layers!.blocks.forEach((l, t) => {
    lines.push(`  ${String(l).padStart(5)}${f.measures.map((m) => `  ${fmt(rep[m]![t]).padStart(8)}`).join("")}`);
  });
  return lines;
}
