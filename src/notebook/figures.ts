// Figures that only the notebooks need (the paper's figures live in src/viz).
import type { RunSet } from "../runs";
import type { RunStore } from "../analysis/store";
import { label } from "../runs/names";
import { predictions } from "../measures";
import { BASE_CONFIG, baseLayout, layoutGrid, tableHtml, toCsv, type FigureSpec, type TableInput, type TableOptions as VizTableOptions, type Trace } from "../viz";
import { escapeHtml, publish } from "./display";

/**
 * Which examples each run gets right (blue) or wrong (orange): one row per run, one column per
 * example, one panel per run set. Two sets with the same accuracy can look very different here.
 */
export function correctnessMap(sets: { name: string; set: RunSet }[], opts: { title?: string } = {}): FigureSpec {
  if (sets.length === 0) throw new Error("correctnessMap: pass at least one { name, set }");
  const rowsPerPanel = Math.max(...sets.map((s) => s.set.runs.length));
  const layout = baseLayout(opts.title, { height: sets.length * (28 * rowsPerPanel + 70) + 80, showlegend: false });
  const grid = layoutGrid(layout, {
    rows: sets.length,
    cols: 1,
    count: sets.length,
    ygap: 0.5 / sets.length,
    titles: sets.map((s) => s.name),
    xaxis: (p) => ({ title: { text: p.row === sets.length - 1 ? "Test example" : "" }, showgrid: false, zeroline: false }),
    yaxis: () => ({ autorange: "reversed", showgrid: false, zeroline: false, automargin: true }),
  });
  const data: Trace[] = sets.map(({ set }, k) => {
    const z = set.runs.map((r) => {
      const pred = predictions(r.logits, r.n, r.numClasses);
      return Array.from(pred, (p, i) => (p === r.labels[i] ? 1 : 0));
    });
    return {
      type: "heatmap",
      z,
      y: set.runs.map((r) => r.name),
      colorscale: [[0, "#E69F00"], [1, "#56B4E9"]],
      zmin: 0,
      zmax: 1,
      showscale: false,
      xgap: 1,
      ygap: 2,
      hovertemplate: "%{y}, example %{x}: %{z}<extra>1 = right, 0 = wrong</extra>",
      xaxis: grid[k].xref,
      yaxis: grid[k].yref,
    };
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}

/**
 * correctnessMap of a run store's real runs: one panel per method of (model, task) at the
 * Standard learning rate (the benchmark's configurations); default the store's first model/task.
 */
export function storeCorrectnessMap(store: RunStore, o: { model?: string; task?: string; title?: string } = {}): FigureSpec {
  const pairs = store.modelTasks();
  const where = pairs.find((p) => (o.model === undefined || p.model === o.model) && (o.task === undefined || p.task === o.task));
  if (!where) {
    throw new Error(`storeCorrectnessMap: the store ${store.dir} has no runs of ${o.model ?? "any model"}/${o.task ?? "any task"}; it has ${pairs.map((p) => `${p.model}/${p.task}`).join(", ") || "no configurations"}`);
  }
  const configs = store.benchmark(where.model, where.task);
  if (configs.length === 0) throw new Error(`storeCorrectnessMap: ${where.model}/${where.task} has no Standard configuration with 2 or more runs; fine-tune more seeds first`);
  return correctnessMap(
    configs.map((c) => ({ name: label(c.method), set: store.runs(c) })),
    { title: o.title ?? `Right (blue) and wrong (orange) per run and test example: ${label(where.model)}/${label(where.task)}` },
  );
}

/**
 * A table with the paper's spelling of measures, methods, models and tasks in headers and cells
 * (viz.tableHtml), shown in the running cell. Use it for results; `showTable` for anything else.
 */
export function showPaperTable(input: TableInput, opts: VizTableOptions = {}): void {
  if (Array.isArray(input) && input.length === 0) {
    // an analysis that was skipped gives no rows; say so instead of failing on the column list
    const text = `${opts.caption ? `${opts.caption}: ` : ""}no rows`;
    publish({ "text/html": `<p><i>${escapeHtml(text)}</i></p>`, "text/plain": text });
    return;
  }
  publish({ "text/html": tableHtml(input, opts), "text/plain": toCsv(input, { columns: opts.columns }) });
}
