// A figure is plain JSON that Plotly.newPlot takes as is: it can be written to disk, sent to a
// notebook, or embedded in the report without this library at the other end.

import { READABLE_NUMBERS } from "./axes";

export type Datum = number | string | null;

/** One plotly trace. Only the fields the builders here rely on are named; plotly takes many more. */
export interface Trace {
  type: "scatter" | "heatmap" | "bar" | "histogram" | "violin" | "box";
  name?: string;
  x?: Datum[];
  y?: Datum[];
  z?: (number | null)[][];
  text?: string[] | string[][];
  mode?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
  [key: string]: unknown;
}

export interface Axis {
  title?: { text: string; standoff?: number };
  domain?: [number, number];
  anchor?: string;
  [key: string]: unknown;
}

export interface Layout {
  title?: { text: string; x?: number; xanchor?: string };
  annotations?: Record<string, unknown>[];
  shapes?: Record<string, unknown>[];
  height?: number;
  width?: number;
  [key: string]: unknown;
}

export interface Config {
  responsive?: boolean;
  displaylogo?: boolean;
  [key: string]: unknown;
}

export interface FigureSpec {
  data: Trace[];
  layout: Layout;
  config: Config;
}

/** The paper's palette is not known; these are distinguishable for colour-blind readers (Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

export function color(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** rgba() of a #rrggbb colour, for translucent bands. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

export const BASE_CONFIG: Config = { responsive: true, displaylogo: false };

export function baseLayout(title: string | undefined, extra: Layout = {}): Layout {
  return {
    ...(title ? { title: { text: title, x: 0.5, xanchor: "center" } } : {}),
    font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 13 },
    paper_bgcolor: "white",
    plot_bgcolor: "white",
    margin: { l: 70, r: 30, t: title ? 60 : 30, b: 60 },
    // plotly applies a template's xaxis/yaxis to every x/y axis (xaxis2, yaxis3, … too)
    template: { layout: { xaxis: READABLE_NUMBERS, yaxis: READABLE_NUMBERS } },
    ...extra,
  };
}

export function axisTitle(text: string): { text: string } {
  return { text };
}

/** Throws a clear error naming the builder and the input when a length does not match. */
export function checkLength(builder: string, what: string, got: number, want: number): void {
  if (got !== want) {
    throw new Error(`${builder}: ${what} has ${got} values but ${want} were expected; pass arrays of equal length`);
  }
}

/**
 * A horizontal legend under the x-axis titles. Plotly places legends in fractions of the plot
 * area, so a fixed gap in pixels has to be converted with the figure's height and margins.
 */
export function legendBelow(layout: Layout, gapPx = 70): Layout {
  const height = typeof layout.height === "number" ? layout.height : 450;
  const margin = { l: 70, r: 30, t: 60, b: 60, ...((layout.margin as Record<string, number>) ?? {}) };
  margin.b = Math.max(margin.b, gapPx + 50);
  const area = Math.max(100, height - margin.t - margin.b);
  layout.margin = margin;
  layout.legend = { orientation: "h", x: 0, xanchor: "left", y: -gapPx / area, yanchor: "top" };
  return layout;
}
