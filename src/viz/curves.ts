// Curves over one x axis, each with an optional flat baseline in its colour (dashed), and points
// against a reference line through 0: the two figure shapes notebook 02 needs. Plain data in.
import { BASE_CONFIG, baseLayout, checkLength, color, type FigureSpec, type Trace } from "./spec";

export interface CurvesOptions {
  x: number[];
  /** One line per curve; `baseline` draws a dashed flat line at that value in the same colour. */
  curves: { name: string; values: number[]; baseline?: { name: string; value: number } }[];
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  title?: string;
}

export function curvesWithBaselines(o: CurvesOptions): FigureSpec {
  if (o.x.length === 0) throw new Error("curvesWithBaselines: x is empty; pass the x value of each point");
  const ends = [Math.min(...o.x), Math.max(...o.x)];
  const data: Trace[] = [];
  o.curves.forEach((c, i) => {
    checkLength(`curvesWithBaselines (${c.name})`, "values", c.values.length, o.x.length);
    data.push({ type: "scatter", mode: "lines+markers", name: c.name, x: o.x, y: c.values, line: { color: color(i) } });
  });
  o.curves.forEach((c, i) => {
    if (c.baseline) data.push({ type: "scatter", mode: "lines", name: c.baseline.name, x: ends, y: [c.baseline.value, c.baseline.value], line: { color: color(i), dash: "dash" } });
  });
  const layout = baseLayout(o.title, {
    height: 450,
    xaxis: { ...(o.logX ? { type: "log" } : {}), title: { text: o.xTitle } },
    yaxis: { title: { text: o.yTitle } },
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}

export interface PointsAndLineOptions {
  /** Point sets; `text` is each point's hover text. */
  points: { name: string; x: number[]; y: number[]; text?: string[] }[];
  /** The line y = slope·x from 0 to a little past the largest x. */
  line: { name: string; slope: number };
  xTitle: string;
  yTitle: string;
  title?: string;
}

export function pointsAndLine(o: PointsAndLineOptions): FigureSpec {
  const xs = o.points.flatMap((p) => p.x);
  if (xs.length === 0) throw new Error("pointsAndLine: no points; pass at least one { name, x, y }");
  const xmax = Math.max(...xs) * 1.05;
  const data: Trace[] = o.points.map((p, i) => {
    checkLength(`pointsAndLine (${p.name})`, "y", p.y.length, p.x.length);
    return { type: "scatter", mode: "markers", name: p.name, x: p.x, y: p.y, ...(p.text ? { text: p.text } : {}), marker: { size: 9, color: color(i) } };
  });
  data.push({ type: "scatter", mode: "lines", name: o.line.name, x: [0, xmax], y: [0, xmax * o.line.slope], line: { dash: "dash", color: "#333" } });
  const layout = baseLayout(o.title, {
    height: 420,
    xaxis: { title: { text: o.xTitle }, rangemode: "tozero" },
    yaxis: { title: { text: o.yTitle }, rangemode: "tozero" },
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}
