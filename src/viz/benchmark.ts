// The benchmark table as a figure (method.md §7.1, §8 NB3): each measure's value per mitigation
// method. One panel per measure, because their scales differ by orders of magnitude.
import { label } from "./labels";
import { layoutGrid } from "./grid";
import { BASE_CONFIG, baseLayout, checkLength, color, type FigureSpec, type Trace } from "./spec";

export interface MethodValuesOptions {
  methods: string[];
  /** Per measure: one value per method (same order), optional ± error (e.g. a bootstrap SD). */
  measures: { measure: string; values: number[]; errors?: number[]; ci?: { lower: number[]; upper: number[] } }[];
  kind?: "bar" | "point";
  cols?: number;
  title?: string;
}

export function methodValues(o: MethodValuesOptions): FigureSpec {
  if (o.measures.length === 0) throw new Error("methodValues: measures is empty");
  const cols = Math.min(o.cols ?? 3, o.measures.length);
  const rows = Math.ceil(o.measures.length / cols);
  const layout = baseLayout(o.title, { height: rows * 260 + 100, showlegend: false, bargap: 0.3 });
  const grid = layoutGrid(layout, {
    rows,
    cols,
    count: o.measures.length,
    xgap: 0.07,
    ygap: 0.4 / rows,
    titles: o.measures.map((m) => label(m.measure)),
    xaxis: () => ({ type: "category", tickangle: 0, automargin: true }),
    yaxis: () => ({ gridcolor: "#eee", rangemode: "tozero" }),
  });
  const names = o.methods.map((m) => label(m));
  const colors = o.methods.map((_, i) => color(i));
  const data: Trace[] = o.measures.map((m, i) => {
    checkLength(`methodValues (${m.measure})`, "values", m.values.length, o.methods.length);
    if (m.errors) checkLength(`methodValues (${m.measure})`, "errors", m.errors.length, o.methods.length);
    const common = {
      name: label(m.measure),
      x: names,
      y: m.values,
      xaxis: grid[i].xref,
      yaxis: grid[i].yref,
      hovertemplate: `%{x}: %{y:.4f}<extra>${label(m.measure)}</extra>`,
      ...(m.errors ? { error_y: { type: "data", array: m.errors, visible: true, color: "#555" } } : {}),
      // an interval (e.g. a 95% CI) need not be symmetric about the value
      ...(m.ci ? { error_y: { type: "data", symmetric: false, array: m.values.map((v, j) => m.ci!.upper[j] - v), arrayminus: m.values.map((v, j) => v - m.ci!.lower[j]), visible: true, color: "#555" } } : {}),
    };
    return o.kind === "point"
      ? { type: "scatter", mode: "markers", marker: { color: colors, size: 10 }, ...common }
      : { type: "bar", marker: { color: colors }, ...common };
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}
