// Plotly figures inline in a notebook, offline.
//
// How each front end treats a figure output decides the design:
// - nbconvert's HTML export copies a text/html output verbatim into the page; its scripts run
//   when the page is opened. It ignores MIME types it does not know (the plotly one).
// - Classic Notebook runs <script>s of text/html outputs when the notebook is trusted (outputs
//   made in this session are). It also has require.js; plotly.js 4 does not call define(), and
//   the loader hides `module`/`exports` anyway so the bundle always lands on window.Plotly.
// - JupyterLab runs <script>s of text/html outputs only when trusted (again, outputs made in
//   this session). Where the plotly renderer is installed (the `plotly` conda/pip package ships
//   it) JupyterLab prefers application/vnd.plotly.v1+json, which draws even when untrusted.
// So a figure is one bundle: text/html (a div plus a script calling Plotly.newPlot),
// application/vnd.plotly.v1+json (the spec), text/plain (a one-line summary).
//
// plotly.js (from the installed package, see viz plotlyBundlePath: ~4.8 MB minified, no CDN ever) is sent once per kernel
// session in its own text/html output, by setup() (call it in a notebook's first cell, so the
// library stays in that cell's outputs when later cells are re-run) or by the first show().
// Figures that render before the library (JupyterLab renders off-screen cells lazily) queue
// their draw on window.__instabilityLabPlotlyQueue, which the loader drains.
// Tradeoff: the saved notebook and its HTML export carry plotly.js once (~10 MB); in exchange
// they draw offline forever, with no network and no Jupyter extension.
import * as fs from "node:fs";
import * as path from "node:path";
import { plotlyBundlePath } from "../viz/html";
import { randomBytes } from "node:crypto";
import { escapeHtml, jsonForScript, MimeBundle, publish } from "./display";

/**
 * A plotly figure as plain JSON: what src/viz builds and plotly.js draws. Typed loosely
 * (`object`) on purpose, so any figure type with named fields (interfaces have no index
 * signature) can be passed as it is.
 */
export interface PlotlyFigure {
  data: readonly object[];
  layout?: object;
  config?: object;
}

type Json = Record<string, unknown>;

const QUEUE = "__instabilityLabPlotlyQueue";
const DEFAULT_HEIGHT = 450;

let loaderSent = false;
let plotlySource: string | null = null;

function readPlotly(): string {
  if (plotlySource == null) {
    const file = plotlyBundlePath();
    plotlySource = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

/** The version of the bundled plotly.js, e.g. "4.1.1". */
export function plotlyVersion(): string {
  const pkg = path.join(path.dirname(plotlyBundlePath()), "package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** The text/html that defines window.Plotly offline and draws any figures waiting for it. */
export function plotlyLoaderHtml(): string {
  return [
    `<div class="instability-lab-plotly-loader" style="display:none">plotly.js ${escapeHtml(plotlyVersion())}</div>`,
    `<script type="text/javascript">`,
    `if (!window.Plotly) { (function (module, exports, define) {`,
    readPlotly(),
    `}).call(window); }`,
    `(function () { var q = window.${QUEUE} || []; window.${QUEUE} = q;`,
    `  while (q.length) { try { q.shift()(); } catch (e) { console.error(e); } } })();`,
    `</script>`,
  ].join("\n");
}

/** The text/html of one figure: a div and the script that draws into it once Plotly is there. */
export function figureHtml(figure: PlotlyFigure, id = `instability-lab-fig-${randomBytes(6).toString("hex")}`): string {
  checkFigure(figure);
  const layout = (figure.layout ?? {}) as Json;
  const height = typeof layout.height === "number" ? layout.height : DEFAULT_HEIGHT;
  const config = { responsive: true, displaylogo: false, ...(figure.config ?? {}) };
  const spec = { data: figure.data, layout, config };
  return [
    `<div id="${id}" class="instability-lab-figure" style="width:100%;height:${height}px"></div>`,
    `<script type="text/javascript">`,
    `(function () {`,
    `  var fig = ${jsonForScript(spec)};`,
    `  function draw() {`,
    `    var el = document.getElementById(${JSON.stringify(id)});`,
    `    if (!el) return;`,
    `    Promise.resolve(window.Plotly.newPlot(el, fig.data, fig.layout, fig.config))`,
    `      .catch(function (e) { console.error("instability-lab figure ${id}:", e); });`,
    `  }`,
    `  if (window.Plotly && window.Plotly.newPlot) draw();`,
    `  else (window.${QUEUE} = window.${QUEUE} || []).push(draw);`,
    `})();`,
    `</script>`,
  ].join("\n");
}

/** A one-line text/plain stand-in: trace types and the title. */
export function figureSummary(figure: PlotlyFigure): string {
  const types = figure.data.map((t) => String((t as Json).type ?? "scatter"));
  const title = (figure.layout as Json | undefined)?.title;
  const text = typeof title === "string" ? title : (title as { text?: unknown } | undefined)?.text;
  return `<plotly figure: ${types.length} trace${types.length === 1 ? "" : "s"} (${[...new Set(types)].join(", ")})` +
    `${typeof text === "string" ? ` "${text}"` : ""}>`;
}

/**
 * Sends plotly.js to the notebook page (again, if called again: re-running the first cell
 * re-sends it). Call once in a notebook's first cell.
 */
export function setup(): void {
  publish({
    "text/html": plotlyLoaderHtml(),
    "text/plain": `plotly.js ${plotlyVersion()} loaded (offline) for the figures of this notebook`,
  });
  loaderSent = true;
}

/** Draws a plotly figure spec ({data, layout, config}) as the output of the running cell. */
export function show(figure: PlotlyFigure): void {
  checkFigure(figure);
  if (!loaderSent) setup();
  const bundle: MimeBundle = {
    "text/html": figureHtml(figure),
    "application/vnd.plotly.v1+json": { data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} },
    "text/plain": figureSummary(figure),
  };
  publish(bundle);
}

function checkFigure(figure: PlotlyFigure): void {
  if (figure == null || typeof figure !== "object" || !Array.isArray(figure.data)) {
    throw new TypeError("show(figure): figure must be a plotly spec {data: [...traces], layout?, config?} (got " +
      `${figure === null ? "null" : typeof figure}${figure && typeof figure === "object" ? " without a data array" : ""})`);
  }
}
