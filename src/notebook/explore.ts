// Exploring a folder of runs in a cell: which examples the runs disagree on (more cells join
// this file's siblings: seed planning, comparing run sets, the run map). Each takes a runs folder
// or a run set already loaded, shows a table and a figure, and returns the numbers.
import { computeExampleInstability, exampleTableRows, sortExamples, type ExampleInstability, type ExampleSortKey } from "../analysis/explore/exampleInstability";
import { compareRunSets, type CompareOptions, type RunSetComparison } from "../analysis/explore/compareRunSets";
import { compareSeedPlans, computeSeedPlan, type SeedComparison, type SeedPlan } from "../analysis/explore/seedPlan";
import type { RepresentationMeasure } from "../measures/representationMeasures";
import { computeRunMap, type RunMap, type RunMapOptions } from "../analysis/explore/runMap";
import { exampleFigure, runMapFigures, seedPlanFigure } from "../report/explore";
import { label } from "../runs/names";
import { loadRuns, type RunSet } from "../runs/runFolder";
import { show } from "./plotly";
import { showTable } from "./table";

export interface ShowExamplesOptions {
  /** Sort key (default "disagreement", largest first). */
  sort?: ExampleSortKey;
  ascending?: boolean;
  /** Rows shown (default 15); the returned object has every row. */
  top?: number;
  /** GLUE folder for the texts of GLUE runs (default GLUE_DIR). */
  glueDir?: string;
}

/** A runs folder (loaded without hidden states, which these views do not need) or a loaded set. */
export function runSetOf(runs: string | RunSet, what: string, hidden = false): RunSet {
  if (typeof runs === "string") return loadRuns(runs, { hidden });
  if (!runs || !Array.isArray((runs as RunSet).runs)) throw new Error(`${what}: pass a runs folder (a path) or the run set notebook.checkRuns returned`);
  return runs;
}

/** Shows the most unstable test examples and disagreement against confidence; returns every row. */
export function showExamples(runs: string | RunSet, o: ShowExamplesOptions = {}): ExampleInstability {
  const result = computeExampleInstability(runSetOf(runs, "showExamples"), { glueDir: o.glueDir });
  const sorted = sortExamples(result.rows, o.sort ?? "disagreement", o.ascending);
  const mean = (f: (r: (typeof sorted)[number]) => number) => result.rows.reduce((s, r) => s + f(r), 0) / result.rows.length;
  console.log(
    `${result.rows.length} test examples, ${result.runs} runs: mean disagreement ${mean((r) => r.disagreement).toFixed(4)} (= I_pwd), ` +
      `mean JSD ${mean((r) => r.jsd).toFixed(4)} (= I_JSD); ${result.rows.filter((r) => r.disagreement > 0).length} examples with any disagreement. ` +
      (result.texts.texts ? `Texts from ${result.texts.source}.` : `No texts: ${result.texts.reason}.`),
  );
  showTable(exampleTableRows(sorted.slice(0, o.top ?? 15)), { caption: `Test examples by ${o.sort ?? "disagreement"} (${o.ascending ? "smallest" : "largest"} first)` });
  show(exampleFigure(result));
  return result;
}

export interface ShowSeedsOptions {
  /** A CI half-width to reach: the seeds each quantity needs. */
  target?: number;
  /** A second runs folder (or set): the seeds per configuration that tell the two apart at 80% power. */
  compare?: string | RunSet;
  /** Representation measures at the top block (default the paper's three; [] for none). */
  measures?: RepresentationMeasure[];
  resamples?: number;
}

/** CI half-width against seeds (table and figure); with `compare`, the seeds to tell two run sets apart. */
export function showSeeds(runs: string | RunSet, o: ShowSeedsOptions = {}): { plan: SeedPlan; compare?: SeedPlan; comparison?: SeedComparison[] } {
  const opts = { target: o.target, measures: o.measures, resamples: o.resamples };
  const plan = computeSeedPlan(runSetOf(runs, "showSeeds", true), opts);
  console.log(`${plan.seeds} seeds in ${plan.dir}. ${plan.note}.`);
  const shown = [...new Set([2, 3, 5, 10, 20, 50, plan.seeds, 2 * plan.seeds])].filter((m) => m - 2 < plan.quantities[0].curve.length).sort((a, b) => a - b);
  const name = (q: string) => (q === "metric" ? `mean ${plan.metric}` : label(q, "plain"));
  showTable(plan.quantities.map((q) => ({
    quantity: name(q.name),
    value: q.value,
    ...Object.fromEntries(shown.map((m) => [`±${m} seeds${q.curve[m - 2].extrapolated ? " *" : ""}`, q.curve[m - 2].halfWidth])),
    ...(q.forTarget ? { [`seeds for ±${o.target}`]: `${q.forTarget.seeds}${q.forTarget.extrapolated ? " (1/√n rule)" : ""}` } : {}),
  })), { caption: "95% CI half-width by number of seeds (* = extrapolated by the 1/√n rule)" });
  show(seedPlanFigure(plan));
  if (o.compare === undefined) return { plan };
  const other = computeSeedPlan(runSetOf(o.compare, "showSeeds compare", true), opts);
  const comparison = compareSeedPlans(plan, other);
  showTable(comparison.map((c) => ({ quantity: name(c.name), A: c.a, B: c.b, "A − B": c.difference, "seeds per configuration": Number.isFinite(c.seeds) ? `${c.seeds}${c.extrapolated ? " (1/√n rule)" : ""}` : "never (no difference)" })), {
    caption: `Seeds per configuration to tell ${plan.dir} (A) from ${other.dir} (B) apart with 80% power (two-sided α = 0.05)`,
  });
  return { plan, compare: other, comparison };
}

/** A − B for the mean task metric and each prediction measure, with multibootstrap CIs and p; a table. */
export function showComparison(a: string | RunSet, b: string | RunSet, o: CompareOptions = {}): RunSetComparison {
  const r = compareRunSets(runSetOf(a, "showComparison (A)"), runSetOf(b, "showComparison (B)"), o);
  showTable(r.rows.map((row) => ({
    quantity: row.quantity === "metric" ? `mean ${r.metric}` : label(row.quantity, "plain"),
    A: row.a,
    B: row.b,
    "A − B": row.difference,
    "95% CI": `[${row.lower.toFixed(4)}, ${row.upper.toFixed(4)}]`,
    p: row.p,
  })), {
    caption: `A = ${r.a.dir} (${r.a.runs} runs), B = ${r.b.dir} (${r.b.runs} runs): ${r.resamples} multibootstrap resamples of runs and test examples, ${r.paired ? "paired over the shared test examples" : "unpaired"}`,
  });
  return r;
}

/** The run × run distances of one measure (and layer) as a heatmap and a 2-D MDS map, failed runs marked. */
export function showRunMap(runs: string | RunSet, o: RunMapOptions = {}): RunMap {
  const needsHidden = o.measure !== "pwd" && o.measure !== "jsd";
  const set = runSetOf(runs, "showRunMap", needsHidden);
  const map = computeRunMap(set, o);
  const failed = map.failed.filter(Boolean).length;
  console.log(`${map.runs.length} runs (${failed} failed, by ${map.failedFrom}); ${map.notes.join("; ") || "every pair defined"}.`);
  for (const f of runMapFigures(map)) show(f);
  return map;
}
