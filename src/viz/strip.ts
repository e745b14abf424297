// Per-run task metrics as a strip plot: one column of points per configuration, its mean with the
// 95% CI as an error bar, and the constant-prediction baseline as a dashed line, so a reader sees
// at once whether runs learn and how far apart seeds land.
import { label } from "./labels";
import { BASE_CONFIG, baseLayout, color, legendBelow, type FigureSpec, type Trace } from "./spec";

export interface StripGroup {
  name: string;
  /** One value per run. */
  values: number[];
  /** Hover text per run, e.g. "seed 3". */
  text?: string[];
  mean?: { value: number; lower: number; upper: number };
  /** The constant-prediction baseline of this group's task. */
  baseline?: number;
}

export interface StripOptions {
  groups: StripGroup[];
  title?: string;
  yTitle?: string;
}

export function runMetricStrip(o: StripOptions): FigureSpec {
  if (o.groups.length === 0) throw new Error("runMetricStrip: groups is empty");
  const names = o.groups.map((g) => g.name);
  const data: Trace[] = o.groups.map((g, i) => ({
    type: "box",
    name: g.name,
    y: g.values,
    text: g.text,
    boxpoints: "all",
    jitter: 0.4,
    pointpos: 0,
    fillcolor: "rgba(0,0,0,0)",
    line: { color: "rgba(0,0,0,0)" },
    marker: { color: color(i), size: 8, opacity: 0.8 },
    hovertemplate: `%{text}: %{y:.4f}<extra>${g.name}</extra>`,
    showlegend: false,
  }));
  const withMean = o.groups.filter((g) => g.mean);
  if (withMean.length) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: "mean, 95% CI over seeds",
      x: withMean.map((g) => g.name),
      y: withMean.map((g) => g.mean!.value),
      marker: { symbol: "line-ew-open", size: 28, color: "#222", line: { width: 2 } },
      error_y: { type: "data", symmetric: false, array: withMean.map((g) => g.mean!.upper - g.mean!.value), arrayminus: withMean.map((g) => g.mean!.value - g.mean!.lower), color: "#222", thickness: 1.5 },
      hovertemplate: "mean %{y:.4f}<extra></extra>",
    });
  }
  const withBaseline = o.groups.filter((g) => g.baseline !== undefined);
  if (withBaseline.length) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "constant-prediction baseline",
      x: withBaseline.map((g) => g.name),
      y: withBaseline.map((g) => g.baseline!),
      line: { dash: "dash", color: "#b00", width: 2, shape: "hvh" },
      hovertemplate: "baseline %{y:.4f}<extra></extra>",
    });
  }
  // Group names may hold <br>: up to three lines of tick labels, then the legend below them.
  const lines = Math.max(1, ...names.map((n) => n.split("<br>").length));
  const layout = legendBelow(baseLayout(o.title, { height: 400 + 18 * lines, xaxis: { type: "category", categoryarray: names, automargin: true }, yaxis: { title: { text: label(o.yTitle ?? "metric") }, gridcolor: "#eee" } }), 30 + 18 * lines);
  return { data, layout, config: { ...BASE_CONFIG } };
}
