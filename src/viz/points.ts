// Named groups of points (or lines) on two axes, with hover text: the shape of the exploring
// figures (disagreement against confidence per example, a 2-D map of runs, CI half-width against
// seeds). Plain data in; nothing is fitted here.
import { BASE_CONFIG, baseLayout, checkLength, color, type FigureSpec, type Trace } from "./spec";

export interface PointGroup {
  name: string;
  x: number[];
  y: number[];
  /** Hover text per point. */
  text?: string[];
  /** "markers" (default), "lines" or "lines+markers". */
  mode?: string;
  /** Dashed line (e.g. an extrapolated part). */
  dash?: boolean;
  /** Marker symbol, e.g. "x" for failed runs. */
  symbol?: string;
  /** Colour index into the palette (default: the group's position). */
  colorIndex?: number;
}

export interface PointGroupsOptions {
  groups: PointGroup[];
  xTitle: string;
  yTitle: string;
  title?: string;
  /** Same scale on both axes (a map). */
  equalAxes?: boolean;
  logY?: boolean;
  height?: number;
}

export function pointGroups(o: PointGroupsOptions): FigureSpec {
  if (o.groups.length === 0) throw new Error("pointGroups: groups is empty; pass at least one { name, x, y }");
  const data: Trace[] = o.groups.map((g, i) => {
    checkLength(`pointGroups (${g.name})`, "y", g.y.length, g.x.length);
    if (g.text) checkLength(`pointGroups (${g.name})`, "text", g.text.length, g.x.length);
    const c = color(g.colorIndex ?? i);
    return {
      type: "scatter",
      mode: g.mode ?? "markers",
      name: g.name,
      x: g.x,
      y: g.y.map((v) => (Number.isFinite(v) ? v : null)),
      ...(g.text ? { text: g.text, hovertemplate: "%{text}<br>x = %{x:.4g}, y = %{y:.4g}<extra></extra>" } : {}),
      marker: { color: c, size: 8, opacity: 0.8, symbol: g.symbol ?? "circle", line: { width: 0.5, color: "white" } },
      line: { color: c, ...(g.dash ? { dash: "dash" } : {}) },
    };
  });
  const layout = baseLayout(o.title, {
    height: o.height ?? 450,
    xaxis: { title: { text: o.xTitle }, gridcolor: "#eee", zeroline: false },
    yaxis: { title: { text: o.yTitle }, gridcolor: "#eee", zeroline: false, ...(o.logY ? { type: "log" } : {}), ...(o.equalAxes ? { scaleanchor: "x", scaleratio: 1 } : {}) },
    hovermode: "closest",
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}
