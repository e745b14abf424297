// Figures as HTML fragments: a <div> and the <script> that draws into it. Used by the report and
// by notebooks (tslab displays HTML), with plotly.js already on the page.
import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "./labels";
import { visibleControls } from "../util/displayText";
import type { FigureSpec } from "./spec";

/**
 * JSON that is safe inside a <script> element: "</script>" and "<!--" cannot end or confuse it,
 * and U+2028/U+2029 are escaped for old parsers. Control characters and bidi overrides in a text
 * (a folder name in a legend) are shown as marks, so that none reverses or hides a label.
 */
export function scriptJson(value: unknown): string {
  const shown = (v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "string" ? visibleControls(v) : v);
  return JSON.stringify(value, (_k, v) => shown(v))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const ID_RE = /^[A-Za-z][\w-]*$/;

export interface FigureHtmlOptions {
  /** CSS height of the div; default the layout's height, else 450px. */
  height?: string;
  /** Caption under the figure, as HTML. */
  caption?: string;
}

/** `<figure><div id>` + `<script>` that draws `spec` into it; needs window.Plotly on the page. */
export function figureHtml(spec: FigureSpec, id: string, opts: FigureHtmlOptions = {}): string {
  if (!ID_RE.test(id)) throw new Error(`figureHtml: id "${id}" is not a valid HTML id; use letters, digits, "-" and "_", starting with a letter`);
  const h = opts.height ?? `${typeof spec.layout.height === "number" ? spec.layout.height : 450}px`;
  const caption = opts.caption ? `\n<figcaption>${opts.caption}</figcaption>` : "";
  // Errors go to the console and into the div, so a broken figure is visible, not blank.
  const script =
    `(function(){var el=document.getElementById(${JSON.stringify(id)});var s=${scriptJson(spec)};` +
    `if(!window.Plotly){el.textContent="plotly.js is not loaded on this page";console.error("plotly.js missing for figure ${id}");return;}` +
    `Plotly.newPlot(el,s.data,s.layout,s.config).catch(function(e){el.textContent="Figure failed: "+e;console.error(e);});})();`;
  // A figure with a fixed width (a square heatmap) is centred; the others fill the column.
  const w = typeof spec.layout.width === "number" ? `width:${spec.layout.width}px;max-width:100%;margin:0 auto` : "width:100%";
  return `<figure class="il-figure">\n<div id="${id}" class="il-plot" style="${w};height:${escapeHtml(h)}"></div>\n<script>${script}</script>${caption}\n</figure>`;
}

/**
 * Path of the plotly.js bundle: the minified build from `plotly.js-dist-min` (4.8 MB) when
 * installed, else `plotly.js-dist` (plotly.min.js if that version ships it, else plotly.js, 10 MB).
 * Both packages are the same plotly.js release; the minified one halves every report and notebook.
 */
export function plotlyBundlePath(): string {
  const candidates: string[] = [];
  for (const [pkg, files] of [["plotly.js-dist-min", ["plotly.min.js"]], ["plotly.js-dist", ["plotly.min.js", "plotly.js"]]] as const) {
    let dir: string;
    try {
      dir = path.dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    for (const f of files) candidates.push(path.join(dir, f));
  }
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error("plotly.js not found: neither plotly.js-dist-min nor plotly.js-dist is installed; run npm install");
  return found;
}

let cachedBundle: string | undefined;

/**
 * `<script>` with plotly.js inlined, so the page needs no network. With `once`, the bundle only
 * runs when the page has no Plotly yet: notebook cells can each carry it without redefining it.
 */
export function plotlyScriptTag(opts: { once?: boolean } = {}): string {
  cachedBundle ??= fs.readFileSync(plotlyBundlePath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return opts.once ? `<script>if(!window.Plotly){\n${cachedBundle}\n}</script>` : `<script>${cachedBundle}</script>`;
}
