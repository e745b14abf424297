// `instability measure RUNS_DIR`: the seven instability measures of a directory of runs.
import { CliError, parseCliArgs } from "../command";
import * as fs from "node:fs";
import * as path from "node:path";
import { terminalText } from "../../util/displayText";
import { describeIndexing, describeSkipped, entriesOfBlocks, findRunsDirectories, listRunFolders, loadRuns, RunFormatError } from "../../runs";
import { describeMetric, KappaChance, measureRunsDetailedParallel, TASK_METRICS, TaskMetric } from "../../measures";
import { ALL_REPRESENTATION_MEASURES, measureNamesProblem, REPRESENTATION_MEASURES, RepresentationMeasure } from "../../measures/representation";
import { label } from "../../runs/names";

const USAGE = `usage: instability measure RUNS_DIR [--metric accuracy|f1|mcc] [--layers 0,3,5]
                           [--chance textbook|uniform-over-items] [--measures svcca,op,cka]
                           [--knn K] [--json]

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
  --measures comma-separated representation measures (default svcca,op,cka, the paper's three);
             also pwcca (projection-weighted CCA), cka-rbf (RBF-kernel CKA, bandwidth 0.5 of the
             median distance), cka-biased (linear CKA, biased HSIC), op-angular (the angular
             Procrustes metric, radians), rsa (1 − Spearman of correlation-distance RDMs),
             mknn and cknna (1 − mutual k-NN alignment and 1 − CKNNA, Huh et al. 2024)
  --knn      neighbours k of mknn and cknna (default 10)
  --json     print exactly one JSON object instead of a table ("layers": the block numbers measured)`;

function parseMeasures(text: string): RepresentationMeasure[] {
  const names = text.split(",").map((s) => s.trim());
  const problem = measureNamesProblem(names);
  if (problem) throw new CliError(`--measures '${text}': ${problem}; use a comma-separated list of ${ALL_REPRESENTATION_MEASURES.join(", ")}`);
  return names as RepresentationMeasure[];
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

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs("measure", {
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: "string", default: "accuracy" },
      layers: { type: "string" },
      chance: { type: "string", default: "textbook" },
      measures: { type: "string" },
      knn: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CliError(`expected one RUNS_DIR argument, got ${positionals.length}; see instability measure --help`);
  }
  const metric = values.metric as TaskMetric;
  if (!TASK_METRICS.includes(metric)) throw new CliError(`--metric '${values.metric}': use accuracy, f1 or mcc`);
  const chance = values.chance as KappaChance;
  if (chance !== "textbook" && chance !== "uniform-over-items") {
    throw new CliError(`--chance '${values.chance}': use textbook or uniform-over-items`);
  }
  const layers = values.layers !== undefined ? parseLayers(values.layers) : undefined;
  const measures = values.measures !== undefined ? parseMeasures(values.measures) : [...REPRESENTATION_MEASURES];
  const knn = values.knn === undefined ? undefined : Number(values.knn);
  if (knn !== undefined && !(Number.isInteger(knn) && knn >= 2)) throw new CliError(`--knn '${values.knn}': use a whole number ≥ 2 (the neighbours of mknn and cknna)`);
  if (knn !== undefined && !measures.some((m) => m === "mknn" || m === "cknna")) throw new CliError(`--knn given but --measures has neither mknn nor cknna; add them, e.g. --measures cka,mknn,cknna`);

  let details;
  let indexingNote = ""; // said once the measures succeeded, so that an error stays one line
  try {
    const listing = fs.existsSync(positionals[0]) && fs.statSync(positionals[0]).isDirectory() ? listRunFolders(positionals[0]) : undefined;
    if (listing && listing.runs.length === 0) {
      // A store's root (or a model/task folder): name the runs folders inside instead of failing on it.
      const inside = findRunsDirectories(positionals[0]).filter((r) => r.dir !== positionals[0]);
      if (inside.length) {
        const shown = inside.slice(0, 4).map((r) => `${path.relative(positionals[0], r.dir)} (${r.runs} runs)`).join(", ");
        throw new CliError(
          `${positionals[0]} is a run store, not a runs folder: measure one of its ${inside.length} configuration folder(s), e.g. ${path.join(positionals[0], path.relative(positionals[0], inside[0].dir))}; they are ${shown}${inside.length > 4 ? ", …" : ""}`,
        );
      }
    }
    const set = loadRuns(positionals[0]);
    if (set.skipped?.length) process.stderr.write(`instability measure: ${terminalText(describeSkipped(set.skipped))}\n`);
    if (layers && set.layers === undefined) {
      throw new CliError(`--layers given but the runs in ${positionals[0]} have no hidden.npy`);
    }
    const progress = !values.json && process.stderr.isTTY;
    let entries: number[] | undefined;
    if (set.layers !== undefined) {
      if (layers) entries = entriesOfBlocks(set.layerIndexing!.indexing, set.layers, layers);
      else indexingNote = `instability measure: ${describeIndexing(set.layerIndexing!, set.layers)}\n`;
    }
    details = { numClasses: set.numClasses, ...(await measureRunsDetailedParallel(set, {
      metric,
      layers: entries,
      chance,
      measures,
      knn,
      onLayer: progress ? (done, total) => process.stderr.write(`\rlayers ${done}/${total}`) : undefined,
    })) };
    if (progress && set.layers !== undefined) process.stderr.write("\n");
  } catch (err) {
    if (err instanceof RunFormatError || err instanceof RangeError) throw new CliError(err.message);
    throw err;
  }
  const { report } = details;
  if (indexingNote) process.stderr.write(indexingNote.trimEnd().split("\n").map(terminalText).join("\n") + "\n");
  const degenerate = details.pairs.representation?.degenerate ?? [];
  const R = report.runs.length;
  if (details.layers.includes(0) && degenerate.filter((g) => g.layer === 0).length === R) {
    throw new CliError(`every run's hidden states are constant across examples at hidden.npy entry 0, so the representation measures are undefined there. Layer 0 is the embedding output (Hugging Face indexing): its first-token state is the same for every input; leave it out of --layers`);
  }
  // Undefined pairs are data (measures/degenerate.ts): say which, keep the defined ones.
  for (const entry of [...new Set(degenerate.map((g) => g.layer))]) {
    const at = degenerate.filter((g) => g.layer === entry);
    const bad = R - at.length;
    const undefinedPairs = (R * (R - 1)) / 2 - (bad * (bad - 1)) / 2;
    process.stderr.write(`note: ${undefinedPairs} of ${(R * (R - 1)) / 2} pairs at hidden.npy entry ${entry} are undefined: ${at.map((g) => `run ${terminalText(g.runName)}`).join(", ")} ${at.length === 1 ? "is" : "are"} constant across examples there; means use the defined pairs\n`);
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(report) + "\n");
    return 0;
  }
  const lines: string[] = [];
  lines.push(`runs: ${report.runs.length} in ${positionals[0]}`);
  const nameWidth = Math.max(4, ...report.runs.map((r) => r.length));
  lines.push(`  ${"run".padEnd(nameWidth)}  ${describeMetric(metric, details.numClasses)}`);
  report.runs.forEach((name, i) => lines.push(`  ${name.padEnd(nameWidth)}  ${fmt(report.scores[i])}`));
  lines.push("");
  lines.push("prediction-level instability");
  lines.push(`  SD (${describeMetric(metric, details.numClasses)})   ${fmt(report.prediction.sd)}`);
  lines.push(`  I_pwd           ${fmt(report.prediction.pwd)}`);
  lines.push(`  I_kappa         ${fmt(report.prediction.kappa)}   (${chance} chance)`);
  lines.push(`  I_JSD           ${fmt(report.prediction.jsd)}`);
  if (report.representation) {
    const rep = report.representation;
    lines.push("");
    lines.push(`representation-level instability (mean over run pairs; layer = block number, 0 = the embedding output)`);
    lines.push(`  ${"layer".padStart(5)}${measures.map((m) => `  ${label(m, "plain").padStart(8)}`).join("")}`);
    report.layers!.blocks.forEach((l, t) => {
      lines.push(`  ${String(l).padStart(5)}${measures.map((m) => `  ${fmt(rep[m]![t]).padStart(8)}`).join("")}`);
    });
  } else {
    lines.push("", "no hidden.npy in the runs: representation measures skipped");
  }
  // Run and folder names are the user's: their control characters are shown, not obeyed.
  process.stdout.write(lines.map(terminalText).join("\n") + "\n");
  return 0;
}
