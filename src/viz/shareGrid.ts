// A methods × measures grid of shares in [0, 1], e.g. how often each method is the most stable
// by each measure over resamples of the seeds. Cells show their value as text.
import { label } from "./labels";
import { BASE_CONFIG, baseLayout, checkLength, type FigureSpec } from "./spec";

export interface ShareGridOptions {
  rows: string[];
  columns: string[];
  /** values[row][column] in [0, 1]. */
  values: number[][];
  title?: string;
  valueName?: string;
}

export function shareGrid(o: ShareGridOptions): FigureSpec {
  checkLength("shareGrid", "values", o.values.length, o.rows.length);
  o.values.forEach((r, i) => checkLength("shareGrid", `values row ${i}`, r.length, o.columns.length));
  const x = o.columns.map((c) => label(c));
  const y = o.rows.map((r) => label(r));
  return {
    data: [{
      type: "heatmap",
      x,
      y,
      z: o.values,
      zmin: 0,
      zmax: 1,
      colorscale: [[0, "#ffffff"], [1, "#0072B2"]],
      text: o.values.map((r) => r.map((v) => `${Math.round(100 * v)}%`)),
      texttemplate: "%{text}",
      hovertemplate: `%{y}, %{x}: %{z:.2f}<extra>${o.valueName ?? "share"}</extra>`,
      colorbar: { title: { text: o.valueName ?? "share" } },
    }],
    layout: baseLayout(o.title, { height: 120 + 40 * o.rows.length, xaxis: { type: "category", side: "top" }, yaxis: { type: "category", autorange: "reversed" } }),
    config: { ...BASE_CONFIG },
  };
}
