// Bootstrap distributions (method.md §7.2): the spread of a statistic over B resamples, per
// measure or per pair of measures, as violins on one axis or as a grid of histograms.
import { label } from "./labels";
import { layoutGrid } from "./grid";
import { BASE_CONFIG, baseLayout, color, withAlpha, type FigureSpec, type Trace } from "./spec";

/** "sd~pwd" → "SD ~ I<sub>pwd</sub>"; a single name → its paper label. */
export function pairLabel(name: string): string {
  const parts = name.split(/\s*(?:~|\|)\s*/);
  return parts.map((p) => label(p)).join(" ~ ");
}

export interface BootstrapOptions {
  /** One distribution per group: a measure ("cka") or a measure pair ("sd~pwd"). */
  groups: { name: string; values: number[] }[];
  /** "violin" (default): all groups on one axis; "histogram": one panel per group. */
  kind?: "violin" | "histogram";
  /** Name of the statistic, e.g. "Pearson r" (axis title). */
  valueName?: string;
  title?: string;
  /** Fixed value range, e.g. [−1, 1] for correlations. */
  range?: [number, number];
  cols?: number;
}

export function bootstrapDistributions(o: BootstrapOptions): FigureSpec {
  if (o.groups.length === 0) throw new Error("bootstrapDistributions: groups is empty; pass [{ name, values }]");
  for (const g of o.groups) if (g.values.length === 0) throw new Error(`bootstrapDistributions: group "${g.name}" has no values`);
  const valueName = o.valueName ?? "Value";
  if ((o.kind ?? "violin") === "violin") {
    const data: Trace[] = o.groups.map((g, i) => ({
      type: "violin",
      name: pairLabel(g.name),
      x: g.values.map(() => pairLabel(g.name)),
      y: g.values,
      box: { visible: true },
      meanline: { visible: true },
      points: false,
      line: { color: color(i) },
      fillcolor: withAlpha(color(i), 0.35),
      showlegend: false,
      spanmode: "hard",
    }));
    const layout = baseLayout(o.title, {
      height: 420,
      xaxis: { tickangle: o.groups.length > 6 ? -40 : 0, automargin: true },
      yaxis: { title: { text: valueName }, gridcolor: "#eee", zeroline: true, ...(o.range ? { range: o.range } : {}) },
      violinmode: "group",
    });
    return { data, layout, config: { ...BASE_CONFIG } };
  }
  const cols = Math.min(o.cols ?? 5, o.groups.length);
  const rows = Math.ceil(o.groups.length / cols);
  const layout = baseLayout(o.title, { height: rows * 220 + 100, showlegend: false, bargap: 0.05 });
  const grid = layoutGrid(layout, {
    rows,
    cols,
    count: o.groups.length,
    xgap: 0.04,
    ygap: 0.35 / rows,
    titles: o.groups.map((g) => pairLabel(g.name)),
    xaxis: (p) => ({ title: { text: p.row === rows - 1 ? valueName : "" }, ...(o.range ? { range: o.range } : {}) }),
    yaxis: (p) => ({ title: { text: p.col === 0 ? "Resamples" : "" }, gridcolor: "#eee" }),
  });
  const data: Trace[] = o.groups.map((g, i) => ({
    type: "histogram",
    name: pairLabel(g.name),
    x: g.values,
    nbinsx: 30,
    marker: { color: withAlpha(color(i % 8), 0.75) },
    xaxis: grid[i].xref,
    yaxis: grid[i].yref,
  }));
  return { data, layout, config: { ...BASE_CONFIG } };
}
