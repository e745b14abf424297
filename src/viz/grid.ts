// Facets as plotly subplots: one (xaxis, yaxis) pair per panel, laid out on a rows × cols grid,
// with the panel's title as an annotation above it (plotly has no per-subplot title).
import type { Axis, Layout } from "./spec";

export interface Panel {
  /** "x", "x2", … as traces name them. */
  xref: string;
  yref: string;
  /** "xaxis", "xaxis2", … as the layout names them. */
  xaxisKey: string;
  yaxisKey: string;
  row: number;
  col: number;
}

export interface GridOptions {
  rows: number;
  cols: number;
  /** Fraction of the width/height left between panels. */
  xgap?: number;
  ygap?: number;
}

export function gridPanels({ rows, cols, xgap = 0.06, ygap = 0.12 }: GridOptions): { panels: Panel[]; domains: { x: [number, number]; y: [number, number] }[] } {
  if (!(rows >= 1 && cols >= 1)) throw new Error(`gridPanels: rows and cols must be ≥ 1, got ${rows}×${cols}`);
  const w = (1 - xgap * (cols - 1)) / cols;
  const h = (1 - ygap * (rows - 1)) / rows;
  const panels: Panel[] = [];
  const domains: { x: [number, number]; y: [number, number] }[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c + 1;
      const suffix = i === 1 ? "" : String(i);
      panels.push({ xref: `x${suffix}`, yref: `y${suffix}`, xaxisKey: `xaxis${suffix}`, yaxisKey: `yaxis${suffix}`, row: r, col: c });
      const x0 = c * (w + xgap);
      const y1 = 1 - r * (h + ygap);
      domains.push({ x: [round(x0), round(x0 + w)], y: [round(y1 - h), round(y1)] });
    }
  }
  return { panels, domains };
}

function round(v: number): number {
  return Math.max(0, Math.min(1, Math.round(v * 1e6) / 1e6));
}

/**
 * Puts the axes of every panel into the layout, and the panel titles as annotations.
 * `xaxis`/`yaxis` are merged into every panel's axes (titles, ranges, tick settings).
 */
export function layoutGrid(
  layout: Layout,
  opts: GridOptions & { titles?: string[]; count: number; xaxis?: (p: Panel) => Axis; yaxis?: (p: Panel) => Axis },
): Panel[] {
  const { panels, domains } = gridPanels(opts);
  const used = panels.slice(0, opts.count);
  const annotations = [...(layout.annotations ?? [])];
  used.forEach((p, i) => {
    layout[p.xaxisKey] = { domain: domains[i].x, anchor: p.yref, ...(opts.xaxis?.(p) ?? {}) };
    layout[p.yaxisKey] = { domain: domains[i].y, anchor: p.xref, ...(opts.yaxis?.(p) ?? {}) };
    const t = opts.titles?.[i];
    if (t) {
      annotations.push({
        text: `<b>${t}</b>`,
        showarrow: false,
        xref: "paper",
        yref: "paper",
        x: (domains[i].x[0] + domains[i].x[1]) / 2,
        y: domains[i].y[1],
        xanchor: "center",
        yanchor: "bottom",
        font: { size: 13 },
      });
    }
  });
  layout.annotations = annotations;
  return used;
}
