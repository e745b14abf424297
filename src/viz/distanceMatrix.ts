// A run × run distance matrix as a heatmap: 0 (identical runs) white, the largest distance dark.
// Rows and columns are the runs in the order given; marked runs (e.g. failed) get a "✗" by name.
import { BASE_CONFIG, baseLayout, checkLength, type FigureSpec } from "./spec";

export interface DistanceHeatmapOptions {
  /** Square, row-major rows; NaN (an undefined pair) is drawn blank. */
  matrix: number[][];
  names: string[];
  /** Runs to mark (same length as names). */
  marked?: boolean[];
  markLabel?: string;
  title?: string;
  valueName?: string;
}

const SEQUENTIAL = [
  [0, "#ffffff"],
  [0.5, "#6baed6"],
  [1, "#08306b"],
];

export function distanceHeatmap(o: DistanceHeatmapOptions): FigureSpec {
  checkLength("distanceHeatmap", "matrix rows", o.matrix.length, o.names.length);
  o.matrix.forEach((row, i) => checkLength("distanceHeatmap", `matrix row ${i}`, row.length, o.names.length));
  if (o.marked) checkLength("distanceHeatmap", "marked", o.marked.length, o.names.length);
  const names = o.names.map((n, i) => (o.marked?.[i] ? `${n} ✗` : n));
  const n = names.length;
  const layout = baseLayout(o.title, {
    // Vertical names: at -45° the names of neighbouring runs overlap once there are ten of them.
    xaxis: { showgrid: false, zeroline: false, tickangle: -90, automargin: true },
    yaxis: { showgrid: false, zeroline: false, autorange: "reversed", automargin: true, scaleanchor: "x", constrain: "domain" },
    height: Math.min(900, Math.max(360, 14 * n + 200)),
    ...(o.marked?.some(Boolean) ? { annotations: [{ text: `✗ = ${o.markLabel ?? "marked"}`, xref: "paper", yref: "paper", x: 1, y: -0.12, showarrow: false }] } : {}),
  });
  return {
    data: [{
      type: "heatmap",
      z: o.matrix.map((row) => row.map((v) => (Number.isFinite(v) ? v : null))),
      x: names,
      y: names,
      colorscale: SEQUENTIAL,
      zmin: 0,
      colorbar: { title: { text: o.valueName ?? "distance" }, thickness: 14 },
      hovertemplate: "%{y} ~ %{x}: %{z:.4f}<extra></extra>",
      xgap: 1,
      ygap: 1,
    }],
    layout,
    config: { ...BASE_CONFIG },
  };
}
