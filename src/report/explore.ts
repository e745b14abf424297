// The exploring views' figures and files (per-example instability, seed planning, the run map):
// analysis results drawn with viz builders, for the CLI (a standalone HTML file) and the notebook.
import type { ExampleInstability } from "../analysis/explore/exampleInstability";
import { exampleTableRows } from "../analysis/explore/exampleInstability";
import type { SeedPlan } from "../analysis/explore/seedPlan";
import type { RunMap } from "../analysis/explore/runMap";
import { distanceHeatmap } from "../viz/distanceMatrix";
import type { SeedCurvePoint } from "../analysis/seedPlanning";
import { label } from "../runs/names";
import { escapeHtml } from "../util/escapeHtml";
import { writeFileAtomic } from "../viz/files";
import { figureHtml, plotlyScriptTag } from "../viz/html";
import { pointGroups } from "../viz/points";
import type { FigureSpec } from "../viz/spec";
import { toCsv } from "../viz/table";

/** Disagreement against the majority prediction's confidence, one point per example (correct / wrong majority). */
export function exampleFigure(e: ExampleInstability): FigureSpec {
  const hover = (i: number) => {
    const r = e.rows[i];
    const text = r.text === undefined ? "" : `<br>${escapeHtml(r.text.length > 90 ? `${r.text.slice(0, 87)}…` : r.text)}`;
    return `example ${r.example}, label ${r.label}, majority ${r.majority}${text}`;
  };
  const group = (name: string, keep: (i: number) => boolean, colorIndex: number) => {
    const idx = e.rows.map((_, i) => i).filter(keep);
    return { name, x: idx.map((i) => e.rows[i].confidence), y: idx.map((i) => e.rows[i].disagreement), text: idx.map(hover), colorIndex };
  };
  return pointGroups({
    groups: [
      group("majority prediction correct", (i) => e.rows[i].majority === e.rows[i].label, 0),
      group("majority prediction wrong", (i) => e.rows[i].majority !== e.rows[i].label, 1),
    ].filter((g) => g.x.length > 0),
    xTitle: "confidence of the majority prediction (mean softmax probability over runs)",
    yTitle: "disagreement (share of run pairs)",
    title: `Per-example instability of ${e.runs} runs (${e.rows.length} test examples)`,
  });
}

/** The per-example table as CSV (one "share k" column per class; text last when known). */
export function examplesCsv(e: ExampleInstability, rows = e.rows): string {
  return toCsv(exampleTableRows(rows));
}

/** A self-contained page with one figure (plotly inlined: opens offline). */
export function writeFigurePage(file: string, title: string, figures: FigureSpec[]): void {
  const body = figures.map((f, i) => figureHtml(f, `figure-${i}`)).join("\n");
  writeFileAtomic(file, `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>\n${plotlyScriptTag()}</head>\n<body>\n${body}\n</body></html>\n`);
}

/** CI half-width against seeds, one colour per quantity: resampled part solid, 1/√n part dashed. */
export function seedPlanFigure(plan: SeedPlan): FigureSpec {
  const groups = plan.quantities.flatMap((q, i) => {
    const part = (extrapolated: boolean) => q.curve.filter((p) => p.extrapolated === extrapolated || (extrapolated && p.seeds === plan.seeds));
    const name = label(q.name === "metric" ? "mean metric" : q.name, "html");
    const drawn = (pts: SeedCurvePoint[], extrapolated: boolean) => ({
      name: extrapolated ? `${name} (1/√n rule)` : name,
      x: pts.map((p) => p.seeds),
      y: pts.map((p) => p.halfWidth),
      mode: "lines",
      dash: extrapolated,
      colorIndex: i,
    });
    return [drawn(part(false), false), drawn(part(true), true)].filter((g) => g.x.length > 1 || !g.dash);
  });
  return pointGroups({
    groups,
    xTitle: "seeds",
    yTitle: "95% CI half-width (log scale)",
    logY: true,
    title: `CI half-width against seeds (${plan.seeds} measured${plan.block !== undefined ? `; representation measures at block ${plan.block}` : ""})`,
  });
}

/** The run map's two figures: the distance matrix as a heatmap and the 2-D MDS, failed runs marked. */
export function runMapFigures(map: RunMap): FigureSpec[] {
  const what = `${label(map.measure, "html")}${map.block !== undefined ? `, block ${map.block}` : ""}`;
  const heat = distanceHeatmap({ matrix: map.distances, names: map.runs, marked: map.failed, markLabel: "failed run", title: `Run × run distances (${what})`, valueName: label(map.measure, "html") });
  const idx = (keep: boolean) => map.runs.map((_, i) => i).filter((i) => map.failed[i] === keep);
  const group = (name: string, keep: boolean, symbol: string, colorIndex: number) => {
    const at = idx(keep);
    return { name, x: at.map((i) => map.x[i]), y: at.map((i) => map.y[i]), text: at.map((i) => map.runs[i]), symbol, colorIndex };
  };
  const mds = pointGroups({
    groups: [group("successful runs", false, "circle", 0), group("failed runs", true, "x", 1)].filter((g) => g.x.length > 0),
    xTitle: "MDS 1",
    yTitle: "MDS 2",
    equalAxes: true,
    title: `A map of the runs: classical MDS of ${what} (${(100 * map.explained).toFixed(0)}% of the variance)`,
  });
  return [heat, mds];
}
