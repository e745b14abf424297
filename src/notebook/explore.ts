// Exploring a folder of runs in a cell: which examples the runs disagree on (more cells join
// this file's siblings: seed planning, comparing run sets, the run map). Each takes a runs folder
// or a run set already loaded, shows a table and a figure, and returns the numbers.
import { computeExampleInstability, exampleTableRows, sortExamples, type ExampleInstability, type ExampleSortKey } from "../analysis/explore/exampleInstability";
import { exampleFigure } from "../report/explore";
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
