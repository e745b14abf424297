// Correlation / Kendall τ matrices between measures (method.md §6.1, §7.1, §7.2): a lower
// triangle, because the matrix is symmetric and the upper half would only repeat it.
import { label } from "./labels";
import { layoutGrid } from "./grid";
import { BASE_CONFIG, baseLayout, checkLength, type FigureSpec, type Trace } from "./spec";

/**
 * Blue for negative, white at 0, red for positive; fixed to [−1, 1] so panels compare. The ends
 * are mid-strength so that the dark cell labels stay readable on every cell.
 */
export const DIVERGING = [
  [0, "#4393c3"],
  [0.25, "#a6cde3"],
  [0.5, "#f7f7f7"],
  [0.75, "#f6b297"],
  [1, "#e0604d"],
];

export interface HeatmapOptions {
  /** Square matrix, row-major, names[i] labels row and column i. */
  matrix: (number | null)[][];
  /** Measure (or any) names; shown with the paper's spelling. */
  names: string[];
  title?: string;
  /** Colour bar title, e.g. "τ" or "r". */
  valueName?: string;
  /** Keep only cells at or below the diagonal (default true). */
  lowerTriangle?: boolean;
  /** Show the diagonal (default true; it is 1 for correlations). */
  diagonal?: boolean;
  /** Decimals of the cell annotations (default 2). */
  decimals?: number;
}

function checkSquare(builder: string, matrix: (number | null)[][], names: string[]): void {
  checkLength(builder, "matrix rows", matrix.length, names.length);
  matrix.forEach((row, i) => checkLength(builder, `matrix row ${i}`, row.length, names.length));
}

/** Masks cells above the diagonal (and the diagonal itself unless `diagonal`) with null. */
export function lowerTriangle(matrix: (number | null)[][], diagonal = true): (number | null)[][] {
  return matrix.map((row, i) => row.map((v, j) => (j < i || (diagonal && j === i) ? v : null)));
}

function heatmapTrace(o: HeatmapOptions): Trace {
  const names = o.names.map((n) => label(n));
  const z = o.lowerTriangle === false ? o.matrix.map((r) => [...r]) : lowerTriangle(o.matrix, o.diagonal ?? true);
  const d = o.decimals ?? 2;
  // Explicit text (not texttemplate) so masked and NaN cells stay blank rather than "null".
  const text = z.map((row) => row.map((v) => (v === null || !Number.isFinite(v) ? "" : v.toFixed(d).replace(/^-/, "−"))));
  return {
    type: "heatmap",
    z: z.map((row) => row.map((v) => (v === null || !Number.isFinite(v) ? null : v))),
    x: names,
    y: names,
    text,
    texttemplate: "%{text}",
    hovertemplate: `%{y} ~ %{x}: %{z:.3f}<extra></extra>`,
    coloraxis: "coloraxis",
    textfont: { color: "#1d2330", size: 12 },
    xgap: 2,
    ygap: 2,
  };
}

function colorAxis(valueName: string | undefined): Record<string, unknown> {
  return {
    colorscale: DIVERGING,
    cmin: -1,
    cmax: 1,
    cmid: 0,
    colorbar: { title: { text: valueName ?? "" }, thickness: 14, len: 0.8 },
  };
}

const squareAxes = { showgrid: false, zeroline: false, ticks: "", automargin: true };

/** One annotated 6×6 (or n×n) heatmap, first measure at the top left. */
export function correlationHeatmap(o: HeatmapOptions): FigureSpec {
  checkSquare("correlationHeatmap", o.matrix, o.names);
  const n = o.names.length;
  const layout = baseLayout(o.title, {
    coloraxis: colorAxis(o.valueName),
    xaxis: { ...squareAxes, constrain: "domain" },
    yaxis: { ...squareAxes, autorange: "reversed", scaleanchor: "x", constrain: "domain" },
    height: Math.max(320, 60 * n + 140),
  });
  // A fixed width keeps the colour bar next to the square instead of at the far edge of the page.
  layout.width = (layout.height as number) + 90;
  return { data: [heatmapTrace(o)], layout, config: { ...BASE_CONFIG, responsive: false } };
}

export interface HeatmapGridOptions {
  /** One panel per matrix, e.g. per model × task. */
  panels: { title: string; matrix: (number | null)[][] }[];
  names: string[];
  cols?: number;
  title?: string;
  valueName?: string;
  lowerTriangle?: boolean;
  diagonal?: boolean;
  decimals?: number;
}

/** Several heatmaps as subplots sharing one colour bar fixed to [−1, 1]. */
export function heatmapGrid(o: HeatmapGridOptions): FigureSpec {
  if (o.panels.length === 0) throw new Error("heatmapGrid: panels is empty; pass at least one { title, matrix }");
  o.panels.forEach((p) => checkSquare(`heatmapGrid (panel "${p.title}")`, p.matrix, o.names));
  const cols = Math.min(o.cols ?? 3, o.panels.length);
  const rows = Math.ceil(o.panels.length / cols);
  const n = o.names.length;
  const layout = baseLayout(o.title, { coloraxis: colorAxis(o.valueName), height: rows * (45 * n + 110) + 60 });
  const panels = layoutGrid(layout, {
    rows,
    cols,
    count: o.panels.length,
    xgap: 0.08,
    ygap: 0.16 / rows + 0.04,
    titles: o.panels.map((p) => p.title),
    xaxis: () => ({ ...squareAxes, tickangle: -45 }),
    yaxis: (p) => ({ ...squareAxes, autorange: "reversed", showticklabels: p.col === 0 }),
  });
  const data = o.panels.map((p, i) => ({
    ...heatmapTrace({ ...o, matrix: p.matrix, names: o.names }),
    name: p.title,
    xaxis: panels[i].xref,
    yaxis: panels[i].yref,
  }));
  return { data, layout, config: { ...BASE_CONFIG } };
}
