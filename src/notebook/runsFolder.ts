// A folder of runs in a notebook, wherever they came from (python/instability_export.py, this
// project's finetune, any tool writing the run format): check it and show what it holds, then
// measure it with any representation measures. The checks are loadRuns' own (runs/runFolder.ts);
// these cells add the fix for a folder that is not there and show the measures as tables and a figure.
import * as fs from "node:fs";
import * as path from "node:path";
import { describeDegenerate } from "../measures/degenerate";
import { KappaChance } from "../measures/fleissKappa";
import { measureRunsDetailed, type InstabilityReport } from "../measures/runMeasures";
import { allRepresentationMeasures, measureNamesProblem, REPRESENTATION_MEASURES, type RepresentationMeasure } from "../measures/representationMeasures";
import { describeMetric, TASK_METRICS, type TaskMetric } from "../measures/taskMetrics";
import type { MeasureSettings } from "../measures/measureDefinition";
import { describeIndexing, entriesOfBlocks } from "../runs/layerIndexing";
import { describeSkipped, findRunsDirectories, listRunFolders } from "../runs/runDefinition";
import { loadRuns, type RunSet } from "../runs/runFolder";
import { label } from "../runs/names";
import { layerLines } from "../viz/layers";
import { show } from "./plotly";
import { showTable } from "./table";

const EXPORT_HINT = "export checkpoints with `python python/instability_export.py --model CKPT_1 CKPT_2 … --task TASK --glue-dir GLUE_DIR --out DIR` (README: Bring your own runs)";

/**
 * Reads the runs in `dir` (one sub-folder per run) with every check of the run format, shows one
 * row per run (examples, classes, hidden layers, the metric its metrics.json reports) and how
 * hidden.npy's layers are read, and returns the run set for showMeasures.
 */
export function checkRuns(dir: string | undefined): RunSet {
  if (!dir) throw new Error(`checkRuns: no runs folder given; set RUNS_DIR to a folder of runs, or ${EXPORT_HINT}`);
  if (!fs.existsSync(dir)) throw new Error(`checkRuns: RUNS_DIR '${dir}' does not exist; ${EXPORT_HINT}, or point RUNS_DIR at such a folder`);
  storeRootHint(dir);
  const set = loadRuns(dir);
  showTable(
    set.runs.map((r) => ({
      run: r.name,
      examples: r.n,
      classes: r.numClasses,
      "hidden layers": r.hidden ? r.hidden.layers : "none",
      width: r.hidden ? r.hidden.width : "",
      "metrics.json": typeof r.metrics?.testMetric === "number" ? `${r.metrics.metric ?? "metric"} ${(r.metrics.testMetric as number).toFixed(4)}` : "",
      source: typeof r.config?.source === "string" ? r.config.source : "",
    })),
    { caption: `${set.runs.length} runs in ${dir}` },
  );
  const notes = [
    set.skipped?.length ? describeSkipped(set.skipped) : "",
    set.layers !== undefined ? describeIndexing(set.layerIndexing!, set.layers) : "no hidden.npy: only the prediction-level measures can be computed",
  ].filter(Boolean);
  console.log(notes.join("\n"));
  return set;
}

/** A store's root (or a model/task folder) holds no runs itself: name the runs folders inside, as measure does. */
function storeRootHint(dir: string): void {
  if (!fs.statSync(dir).isDirectory() || listRunFolders(dir).runs.length > 0) return;
  const inside = findRunsDirectories(dir).filter((r) => r.dir !== dir);
  if (inside.length === 0) return;
  const shown = inside.slice(0, 4).map((r) => `${path.relative(dir, r.dir)} (${r.runs} runs)`).join(", ");
  throw new Error(
    `checkRuns: ${dir} is a run store, not a runs folder: set RUNS_DIR to one of its ${inside.length} configuration folder(s), e.g. ${inside[0].dir}; they are ${shown}${inside.length > 4 ? ", …" : ""}`,
  );
}

export interface ShowMeasuresOptions {
  /** Representation measures (default the paper's svcca, op, cka); any of allRepresentationMeasures(), registered ones included. */
  measures?: readonly string[];
  /** Task metric of SD (default metrics.json's "metric" when every run has the same one, else accuracy). */
  metric?: TaskMetric;
  /** Chance term of Fleiss' κ (default textbook). */
  chance?: KappaChance;
  /** Block numbers (1 = the lowest block, 0 = the embedding output); default every block. */
  layers?: number[];
  /** Neighbours k of mknn and cknna (default 10). */
  knn?: number;
  /** Settings of other measures by their option's name, e.g. a registered measure's (measures/registry.ts). */
  settings?: MeasureSettings;
  /** Show the prediction-level table (default true; false when a cell before has shown it). */
  predictions?: boolean;
}

/**
 * Measures a run set and shows the prediction-level measures, the representation measures per
 * layer (mean over pairs of runs; NaN where every pair is undefined, with a note saying why) and
 * their layer curves; returns the report (as `instability measure --json` prints it).
 */
export function showMeasures(set: RunSet, o: ShowMeasuresOptions = {}): InstabilityReport {
  const measures = checkedMeasures(o.measures);
  const metric = o.metric ?? recordedMetric(set);
  if (!TASK_METRICS.includes(metric)) throw new Error(`showMeasures: metric '${metric}': use ${TASK_METRICS.map((m) => `"${m}"`).join(", ")}`);
  if (o.layers && set.layers === undefined) throw new Error(`showMeasures: layers given but the runs in ${set.dir} have no hidden.npy; leave layers out`);
  const entries = o.layers && set.layers !== undefined ? entriesOfBlocks(set.layerIndexing!.indexing, set.layers, o.layers) : undefined;
  const { report, pairs } = measureRunsDetailed(set, { metric, chance: o.chance, measures, layers: entries, knn: o.knn, settings: o.settings });
  const p = report.prediction;
  if (o.predictions ?? true) showTable([{ [`SD (${describeMetric(metric, set.numClasses)})`]: p.sd, I_pwd: p.pwd, I_κ: p.kappa, I_JSD: p.jsd }], {
    caption: `Prediction-level instability of ${report.runs.length} runs (${o.chance ?? "textbook"} chance term for I_κ)`,
  });
  if (!report.representation || !report.layers) return report;
  const rep = report.representation;
  const { blocks, entries: measured } = report.layers;
  showTable(blocks.map((layer, t) => ({ layer, ...Object.fromEntries(measures.map((m) => [label(m, "plain"), rep[m]![t]])) })), {
    caption: "Representation-level instability per layer: mean over pairs of runs (layer = block number, 0 = the embedding output; θ_OP in radians)",
  });
  // Undefined pairs (measures/degenerate.ts) are NaN in the table: say where and why.
  const blockOf = (entry: number) => `block ${blocks[measured.indexOf(entry)]}`;
  for (const line of describeDegenerate(pairs.representation?.degenerate ?? [], report.runs.length, blockOf)) console.log(`note: ${line}`);
  show(layerLines({
    series: measures.map((m) => ({ name: m, values: rep[m]! })),
    layers: blocks,
    title: "Representation instability per layer (mean over pairs of runs)",
  }));
  return report;
}

function checkedMeasures(names: readonly string[] | undefined): RepresentationMeasure[] {
  if (names === undefined) return [...REPRESENTATION_MEASURES];
  if (!Array.isArray(names)) throw new Error(`showMeasures: measures must be an array of names, e.g. ["cka", "pwcca"]; use ${allRepresentationMeasures().join(", ")}`);
  const problem = measureNamesProblem(names);
  if (problem) throw new Error(`showMeasures: measures ${JSON.stringify(names)}: ${problem}; use ${allRepresentationMeasures().join(", ")}`);
  return [...names];
}

/** The metric every run's metrics.json names (the exporter writes it), else accuracy. */
function recordedMetric(set: RunSet): TaskMetric {
  const named = new Set(set.runs.map((r) => r.metrics?.metric));
  const only = named.size === 1 ? [...named][0] : undefined;
  return typeof only === "string" && (TASK_METRICS as readonly string[]).includes(only) ? (only as TaskMetric) : "accuracy";
}
