// SD vs agreement between measures (method.md §7.3): one point per (configuration, measure) and
// a line given by the caller (the analysis fits it; viz draws what it is given and fits nothing).
import { label } from "./labels";
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
  /** The fitted line to draw over the points' x range. */
  line: { slope: number; intercept: number };
  /** Under the title, e.g. "r = 0.41 [−0.2, 0.8], 30 points from 5 configurations (not independent)". */
  caption?: string;
  title?: string;
  xTitle?: string;
  yTitle?: string;
}

/** Scatter with the given line; the caller's caption goes under the title. */
export function regressionScatter(o: RegressionScatterOptions): FigureSpec {
  const xs = o.points.map((p) => p.x);
  const fit = o.line;
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
  const title = o.caption ? `${o.title ?? ""}<br><span style="font-size:0.85em">${o.caption}</span>` : o.title;
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
