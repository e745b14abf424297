// Successful vs failed runs (method.md §6.2): per-layer curves of two (or more) groups of runs,
// one panel per representation measure. Group names come from the caller's data, never assumed:
// the direction of the difference is what the analysis is about.
import { label } from "./labels";
import { layerTicks } from "./axes";
import { layoutGrid } from "./grid";
import { seriesTraces, type Band } from "./layers";
import { BASE_CONFIG, baseLayout, color, legendBelow, type FigureSpec } from "./spec";

export interface GroupCurve {
  /** e.g. "successful", "failed". */
  name: string;
  /** Group size shown in the legend (runs; pairs are n(n−1)/2). */
  n: number;
  values: number[];
  band?: Band;
}

export interface GroupComparisonOptions {
  /** One panel per measure, e.g. I_SVCCA, I_OP, I_CKA. */
  measures: { measure: string; groups: GroupCurve[] }[];
  layers?: number[];
  title?: string;
  /** What n counts, for the legend (default "runs"). */
  unit?: string;
}

export function groupComparison(o: GroupComparisonOptions): FigureSpec {
  if (o.measures.length === 0) throw new Error("groupComparison: measures is empty; pass e.g. [{ measure: 'cka', groups: [...] }]");
  const unit = o.unit ?? "runs";
  const groupNames: string[] = [];
  for (const m of o.measures) for (const g of m.groups) if (!groupNames.includes(g.name)) groupNames.push(g.name);
  // A group's size must be the same in every panel, or the legend would lie.
  const sizes = new Map<string, number>();
  for (const m of o.measures) {
    for (const g of m.groups) {
      const prev = sizes.get(g.name);
      if (prev !== undefined && prev !== g.n) throw new Error(`groupComparison: group "${g.name}" has n = ${prev} in one panel and n = ${g.n} in "${m.measure}"`);
      sizes.set(g.name, g.n);
    }
  }
  const layout = legendBelow(baseLayout(o.title, { height: 420, hovermode: "closest" }));
  const grid = layoutGrid(layout, {
    rows: 1,
    cols: o.measures.length,
    count: o.measures.length,
    xgap: 0.08,
    titles: o.measures.map((m) => label(m.measure)),
    xaxis: (p) => {
      const n = o.layers?.length ?? o.measures[p.col].groups[0]?.values.length ?? 0;
      const first = o.layers?.[0] ?? 1;
      const last = o.layers?.[n - 1] ?? n;
      const layers = o.layers ?? Array.from({ length: n }, (_, i) => first + i);
      return { title: { text: "Layer" }, gridcolor: "#eee", ...layerTicks(layers.length ? layers : [first, last]) };
    },
    yaxis: (p) => ({ title: { text: label(o.measures[p.col].measure) }, rangemode: "tozero", gridcolor: "#eee" }),
  });
  const shown = new Set<string>();
  const data = o.measures.flatMap((m, i) =>
    m.groups.flatMap((g) => {
      const showlegend = !shown.has(g.name);
      shown.add(g.name);
      const layers = o.layers ?? g.values.map((_, l) => l + 1);
      const traces = seriesTraces(
        { name: `${g.name} (n = ${g.n} ${unit})`, values: g.values, band: g.band, dash: groupNames.indexOf(g.name) === 0 ? "solid" : "dash" },
        layers,
        color(groupNames.indexOf(g.name)),
        { xaxis: grid[i].xref, yaxis: grid[i].yref, showlegend },
      );
      return traces.map((t) => ({ ...t, legendgroup: g.name }));
    }),
  );
  return { data, layout, config: { ...BASE_CONFIG } };
}
