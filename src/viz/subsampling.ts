// Insensitivity to sub-sampling (method.md §7.4): the repeated per-layer curves of each
// representation measure, and beside them a "pred" column with one point per repetition for
// each prediction measure. Overlapping repetitions mean the measure does not depend on the sample.
import { label } from "./labels";
import { BASE_CONFIG, baseLayout, checkLength, color, legendBelow, type FigureSpec, type Trace } from "./spec";

export interface SubsamplingOptions {
  /** Per representation measure: repetitions × layers. */
  curves: { measure: string; repetitions: number[][] }[];
  /** Per prediction measure: one value per repetition. */
  pred: { measure: string; repetitions: number[] }[];
  layers?: number[];
  title?: string;
  yTitle?: string;
}

export function subsamplingFigure(o: SubsamplingOptions): FigureSpec {
  if (o.curves.length === 0 && o.pred.length === 0) throw new Error("subsamplingFigure: no curves and no pred values; pass at least one");
  const L = o.layers?.length ?? o.curves[0]?.repetitions[0]?.length ?? 0;
  const layers = o.layers ?? Array.from({ length: L }, (_, i) => i + 1);
  const data: Trace[] = [];
  o.curves.forEach((m, i) => {
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
        showlegend: r === 0,
        hovertemplate: `${name}, repetition ${r + 1}, layer %{x}: %{y:.4f}<extra></extra>`,
      });
    });
  });
  o.pred.forEach((m, i) => {
    const name = label(m.measure);
    data.push({
      type: "scatter",
      mode: "markers",
      name,
      x: m.repetitions.map(() => name),
      y: m.repetitions,
      marker: { color: color(o.curves.length + i), size: 9, symbol: "circle-open", line: { width: 2 } },
      xaxis: "x2",
      yaxis: "y2",
      legendgroup: m.measure,
      hovertemplate: `${name}: %{y:.4f}<extra></extra>`,
    });
  });
  const layout = baseLayout(o.title, {
    height: 450,
    xaxis: { domain: [0, 0.74], title: { text: "Layer" }, dtick: 2, gridcolor: "#eee", range: [layers[0] - 0.5, layers[layers.length - 1] + 0.5] },
    yaxis: { title: { text: o.yTitle ?? "Instability" }, gridcolor: "#eee", rangemode: "tozero" },
    xaxis2: { domain: [0.8, 1], anchor: "y2", type: "category", title: { text: "pred" } },
    // same scale as the curves, so a point and a curve at one height mean the same instability
    yaxis2: { anchor: "x2", matches: "y", showticklabels: false, gridcolor: "#eee" },
    hovermode: "closest",
  });
  legendBelow(layout);
  return { data, layout, config: { ...BASE_CONFIG } };
}
