// Insensitivity to sub-sampling (method.md §7.4): the repeated per-layer curves of each
// representation measure, and beside them a "pred" column with one point per repetition for
// each prediction measure. Overlapping repetitions mean the measure does not depend on the sample.
import { label } from "./labels";
import { layerTicks } from "./axes";
import { gridPanels } from "./grid";
import { BASE_CONFIG, baseLayout, checkLength, color, legendBelow, type FigureSpec, type Layout, type Trace } from "./spec";

export interface SubsamplingPanel {
  /** Per representation measure: repetitions × layers. */
  curves: { measure: string; repetitions: number[][] }[];
  /** Per prediction measure: one value per repetition. */
  pred: { measure: string; repetitions: number[] }[];
}

export interface SubsamplingOptions extends SubsamplingPanel {
  layers?: number[];
  title?: string;
  yTitle?: string;
}

/** Share of a panel's width given to the layer curves; the rest holds the "pred" column. */
const CURVES_SHARE = 0.76;

interface PanelAxes {
  curves: { x: string; y: string };
  pred: { x: string; y: string };
}

function panelTraces(p: SubsamplingPanel, layers: number[], axes: PanelAxes, showlegend: boolean): Trace[] {
  const data: Trace[] = [];
  const on = (a: { x: string; y: string }) => (a.x === "x" ? {} : { xaxis: a.x, yaxis: a.y });
  p.curves.forEach((m, i) => {
    const name = label(m.measure);
    m.repetitions.forEach((rep, r) => {
      checkLength(`subsamplingFigure (${m.measure})`, `repetition ${r}`, rep.length, layers.length);
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        x: layers,
        y: rep,
        line: { color: color(i), width: 1.5 },
        opacity: 0.75,
        legendgroup: m.measure,
        showlegend: showlegend && r === 0,
        hovertemplate: `${name}, repetition ${r + 1}, layer %{x}: %{y:.4f}<extra></extra>`,
        ...on(axes.curves),
      });
    });
  });
  p.pred.forEach((m, i) => {
    const name = label(m.measure);
    data.push({
      type: "scatter",
      mode: "markers",
      name,
      x: m.repetitions.map(() => name),
      y: m.repetitions,
      marker: { color: color(p.curves.length + i), size: 9, symbol: "circle-open", line: { width: 2 } },
      legendgroup: m.measure,
      showlegend,
      hovertemplate: `${name}: %{y:.4f}<extra></extra>`,
      ...on(axes.pred),
    });
  });
  return data;
}

function axisName(k: number): { ref: string; key: string } {
  return k === 1 ? { ref: "", key: "" } : { ref: String(k), key: String(k) };
}

/** Adds the two axis pairs of one panel inside the domain [x0, x1] × [y0, y1]; returns their refs. */
function panelAxes(layout: Layout, k: number, dom: { x: [number, number]; y: [number, number] }, layers: number[], titles: { x: boolean; y: string }): PanelAxes {
  const a = axisName(2 * k - 1);
  const b = axisName(2 * k);
  const split = dom.x[0] + CURVES_SHARE * (dom.x[1] - dom.x[0]);
  const gap = 0.04 * (dom.x[1] - dom.x[0]);
  layout[`xaxis${a.key}`] = { domain: [dom.x[0], split], anchor: `y${a.ref}`, title: { text: titles.x ? "Layer" : "" }, gridcolor: "#eee", ...layerTicks(layers) };
  layout[`yaxis${a.key}`] = { domain: dom.y, anchor: `x${a.ref}`, title: { text: titles.y }, gridcolor: "#eee", rangemode: "tozero" };
  layout[`xaxis${b.key}`] = { domain: [split + gap, dom.x[1]], anchor: `y${b.ref}`, type: "category", tickangle: 0, tickfont: { size: 10 }, title: { text: titles.x ? "pred" : "" } };
  // same scale as the curves, so a point and a curve at one height mean the same instability
  layout[`yaxis${b.key}`] = { domain: dom.y, anchor: `x${b.ref}`, matches: `y${a.ref}`, showticklabels: false, gridcolor: "#eee" };
  return { curves: { x: `x${a.ref}`, y: `y${a.ref}` }, pred: { x: `x${b.ref}`, y: `y${b.ref}` } };
}

function layersOf(p: SubsamplingPanel, given?: number[]): number[] {
  const L = given?.length ?? p.curves[0]?.repetitions[0]?.length ?? 0;
  return given ?? Array.from({ length: L }, (_, i) => i + 1);
}

/** One model × task × rate: curves on the left, the "pred" column on the right. */
export function subsamplingFigure(o: SubsamplingOptions): FigureSpec {
  if (o.curves.length === 0 && o.pred.length === 0) throw new Error("subsamplingFigure: no curves and no pred values; pass at least one");
  const layers = layersOf(o, o.layers);
  const layout = baseLayout(o.title, { height: 450, hovermode: "closest" });
  const axes = panelAxes(layout, 1, { x: [0, 1], y: [0, 1] }, layers, { x: true, y: o.yTitle ?? "Instability" });
  legendBelow(layout);
  return { data: panelTraces(o, layers, axes, true), layout, config: { ...BASE_CONFIG } };
}

export interface SubsamplingGridOptions {
  /** e.g. one panel per model × task × rate (method.md §8 NB11: 12 panels). */
  panels: (SubsamplingPanel & { title: string })[];
  layers?: number[];
  cols?: number;
  title?: string;
  yTitle?: string;
}

/** A grid of sub-sampling panels, each with its own "pred" column; one legend for all. */
export function subsamplingGrid(o: SubsamplingGridOptions): FigureSpec {
  if (o.panels.length === 0) throw new Error("subsamplingGrid: panels is empty");
  const cols = Math.min(o.cols ?? 2, o.panels.length);
  const rows = Math.ceil(o.panels.length / cols);
  const layout = baseLayout(o.title, { height: rows * 300 + 150, hovermode: "closest" });
  const { domains } = gridPanels({ rows, cols, xgap: 0.08, ygap: 0.3 / rows });
  const annotations: Record<string, unknown>[] = [];
  const data = o.panels.flatMap((p, i) => {
    const layers = layersOf(p, o.layers);
    const lastRow = i + cols >= o.panels.length;
    const axes = panelAxes(layout, i + 1, domains[i], layers, { x: lastRow, y: i % cols === 0 ? o.yTitle ?? "Instability" : "" });
    annotations.push({ text: `<b>${p.title}</b>`, showarrow: false, xref: "paper", yref: "paper", x: (domains[i].x[0] + domains[i].x[1]) / 2, y: domains[i].y[1], xanchor: "center", yanchor: "bottom" });
    return panelTraces(p, layers, axes, i === 0);
  });
  layout.annotations = annotations;
  legendBelow(layout);
  return { data, layout, config: { ...BASE_CONFIG } };
}
