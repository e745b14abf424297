// Instability per layer (method.md §6.2, §8 NB4/NB9): one line per series over layers 1..L,
// with an optional band (mean ± SD, or min–max over runs/pairs/repetitions).
import { label } from "./labels";
import { layerTicks } from "./axes";
import { layoutGrid } from "./grid";
import { BASE_CONFIG, baseLayout, checkLength, color, legendBelow, withAlpha, type FigureSpec, type Trace } from "./spec";

export interface Band {
  lower: number[];
  upper: number[];
}

export interface LayerSeries {
  /** Measure or method name (shown with the paper's spelling). */
  name: string;
  values: number[];
  band?: Band;
  color?: string;
  dash?: "solid" | "dash" | "dot" | "dashdot";
}

/** Mean per layer of several curves (runs × layers), with a ±SD or min–max band. */
export function summariseCurves(curves: number[][], band: "sd" | "minmax" = "sd"): { values: number[]; band: Band } {
  if (curves.length === 0) throw new Error("summariseCurves: no curves; pass at least one array of per-layer values");
  const L = curves[0].length;
  curves.forEach((c, i) => checkLength("summariseCurves", `curve ${i}`, c.length, L));
  const values: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let l = 0; l < L; l++) {
    const col = curves.map((c) => c[l]);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    values.push(mean);
    if (band === "minmax") {
      lower.push(Math.min(...col));
      upper.push(Math.max(...col));
    } else {
      // population SD, as the paper's SD (method.md §5.1)
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      lower.push(mean - sd);
      upper.push(mean + sd);
    }
  }
  return { values, band: { lower, upper } };
}

function defaultLayers(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** The traces of one series: its band (a closed polygon) first, so the line is drawn on top. */
export function seriesTraces(s: LayerSeries, layers: number[], c: string, axes: { xaxis?: string; yaxis?: string; showlegend?: boolean } = {}): Trace[] {
  checkLength(`layer series "${s.name}"`, "values", s.values.length, layers.length);
  const name = label(s.name);
  const out: Trace[] = [];
  if (s.band) {
    checkLength(`layer series "${s.name}"`, "band.lower", s.band.lower.length, layers.length);
    checkLength(`layer series "${s.name}"`, "band.upper", s.band.upper.length, layers.length);
    out.push({
      type: "scatter",
      mode: "lines",
      name: `${name} band`,
      x: [...layers, ...[...layers].reverse()],
      y: [...s.band.upper, ...[...s.band.lower].reverse()],
      fill: "toself",
      fillcolor: withAlpha(c, 0.18),
      line: { width: 0, color: c },
      hoverinfo: "skip",
      showlegend: false,
      legendgroup: s.name,
      ...strip(axes, "showlegend"),
    });
  }
  out.push({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: layers,
    y: s.values,
    line: { color: c, width: 2, dash: s.dash ?? "solid" },
    marker: { size: 4, color: c },
    legendgroup: s.name,
    hovertemplate: `${name}, layer %{x}: %{y:.4f}<extra></extra>`,
    ...axes,
  });
  return out;
}

function strip<T extends object>(o: T, k: keyof T): Partial<T> {
  const r = { ...o };
  delete r[k];
  return r;
}

export interface LayerLinesOptions {
  series: LayerSeries[];
  /** x values; default 1..L (the paper's layers 1–24). */
  layers?: number[];
  title?: string;
  yTitle?: string;
  xTitle?: string;
}

const layerAxis = (title: string | undefined, layers?: number[]) => ({
  title: { text: title ?? "Layer" },
  zeroline: false,
  showgrid: true,
  gridcolor: "#eee",
  ...layerTicks(layers ?? []),
});
const valueAxis = (title: string | undefined) => ({ title: { text: title ?? "Instability" }, zeroline: true, zerolinecolor: "#ccc", gridcolor: "#eee", rangemode: "tozero" });

/** Several series on one plot, e.g. I_SVCCA, I_OP, I_CKA of the Standard runs, or one measure per method. */
export function layerLines(o: LayerLinesOptions): FigureSpec {
  if (o.series.length === 0) throw new Error("layerLines: series is empty; pass at least one { name, values }");
  const layers = o.layers ?? defaultLayers(o.series[0].values.length);
  const colors = seriesColors(o.series);
  const data = o.series.flatMap((s) => seriesTraces(s, layers, colors.get(s.name)!));
  const layout = legendBelow(baseLayout(o.title, { height: 450, xaxis: layerAxis(o.xTitle, layers), yaxis: valueAxis(o.yTitle), hovermode: "closest" }));
  return { data, layout, config: { ...BASE_CONFIG } };
}

function seriesColors(series: { name: string; color?: string }[], into = new Map<string, string>()): Map<string, string> {
  for (const s of series) if (!into.has(s.name)) into.set(s.name, s.color ?? color(into.size));
  return into;
}

export interface LayerLinesGridOptions {
  panels: { title: string; series: LayerSeries[] }[];
  layers?: number[];
  cols?: number;
  title?: string;
  yTitle?: string;
  xTitle?: string;
  /** One y range for all panels (default true), so heights compare across panels. */
  sharedY?: boolean;
}

/** A facet grid of layerLines plots (e.g. model × task); one colour and legend entry per series name. */
export function layerLinesGrid(o: LayerLinesGridOptions): FigureSpec {
  if (o.panels.length === 0) throw new Error("layerLinesGrid: panels is empty");
  const cols = Math.min(o.cols ?? 3, o.panels.length);
  const rows = Math.ceil(o.panels.length / cols);
  const colors = new Map<string, string>();
  o.panels.forEach((p) => seriesColors(p.series, colors));
  let yMax = 0;
  for (const p of o.panels) for (const s of p.series) for (const v of [...s.values, ...(s.band?.upper ?? [])]) if (Number.isFinite(v)) yMax = Math.max(yMax, v);
  const sharedY = o.sharedY ?? true;
  const layout = baseLayout(o.title, { height: rows * 300 + 150, hovermode: "closest" });
  legendBelow(layout);
  const firstLayers = o.layers ?? defaultLayers(o.panels[0].series[0]?.values.length ?? 0);
  const grid = layoutGrid(layout, {
    rows,
    cols,
    count: o.panels.length,
    xgap: 0.07,
    ygap: 0.3 / rows,
    titles: o.panels.map((p) => p.title),
    xaxis: (p) => ({ ...layerAxis(o.xTitle, firstLayers), title: { text: p.row === rows - 1 || p.row * cols + p.col + cols >= o.panels.length ? o.xTitle ?? "Layer" : "" } }),
    yaxis: (p) => ({ ...valueAxis(o.yTitle), title: { text: p.col === 0 ? o.yTitle ?? "Instability" : "" }, ...(sharedY ? { range: [0, yMax * 1.05 || 1] } : {}) }),
  });
  const shown = new Set<string>();
  const data = o.panels.flatMap((p, i) => {
    const layers = o.layers ?? defaultLayers(p.series[0]?.values.length ?? 0);
    return p.series.flatMap((s) => {
      const showlegend = !shown.has(s.name);
      shown.add(s.name);
      return seriesTraces(s, layers, colors.get(s.name)!, { xaxis: grid[i].xref, yaxis: grid[i].yref, showlegend });
    });
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}
