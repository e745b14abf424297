// SD vs agreement between measures (method.md §7.3): one point per (configuration, measure),
// the least-squares line through all of them, and r and p in the title.
import { label } from "./labels";
import { linearFit } from "../analysis/regression";
import { formatNumber } from "./table";
import { BASE_CONFIG, baseLayout, color, type FigureSpec, type Trace } from "./spec";

export interface ScatterPoint {
  x: number;
  y: number;
  /** Colour group, e.g. the measure whose mean correlation y is. */
  group?: string;
  /** Hover text, e.g. the configuration. */
  text?: string;
}

export interface RegressionScatterOptions {
  points: ScatterPoint[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

/** Scatter with its regression line; the title says r, p and n (computed here from the points). */
export function regressionScatter(o: RegressionScatterOptions): FigureSpec {
  const xs = o.points.map((p) => p.x);
  const ys = o.points.map((p) => p.y);
  const fit = linearFit(xs, ys);
  const groups: string[] = [];
  for (const p of o.points) if (!groups.includes(p.group ?? "")) groups.push(p.group ?? "");
  const data: Trace[] = groups.map((g, i) => {
    const pts = o.points.filter((p) => (p.group ?? "") === g);
    return {
      type: "scatter",
      mode: "markers",
      name: g ? label(g) : "points",
      x: pts.map((p) => p.x),
      y: pts.map((p) => p.y),
      text: pts.map((p) => p.text ?? ""),
      marker: { color: color(i), size: 8, opacity: 0.8, line: { width: 0.5, color: "white" } },
      hovertemplate: "%{text}<br>x = %{x:.4f}, y = %{y:.3f}<extra></extra>",
      showlegend: groups.length > 1,
    };
  });
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  data.push({
    type: "scatter",
    mode: "lines",
    name: "least squares",
    x: [x0, x1],
    y: [fit.intercept + fit.slope * x0, fit.intercept + fit.slope * x1],
    line: { color: "#333", width: 2, dash: "dash" },
    hoverinfo: "skip",
  });
  const stat = `r = ${fit.r.toFixed(3).replace(/^-/, "−")}, p = ${formatNumber(fit.p, { sig: 2 })}, n = ${fit.n}`;
  const title = o.title ? `${o.title}<br><span style="font-size:0.85em">${stat}</span>` : stat;
  const layout = baseLayout(title, {
    height: 450,
    margin: { l: 70, r: 30, t: 80, b: 60 },
    xaxis: { title: { text: o.xTitle ?? "SD" }, gridcolor: "#eee", zeroline: false },
    yaxis: { title: { text: o.yTitle ?? "Standardised mean correlation" }, gridcolor: "#eee" },
    legend: { orientation: "v" },
    hovermode: "closest",
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}
