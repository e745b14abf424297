// The report: one self-contained HTML file (plotly.js inlined, no network needed) with a table
// of contents and, per section, what the paper found, what this run found, figures and tables.
import { escapeHtml } from "./labels";
import { figureHtml, plotlyScriptTag } from "./html";
import { writeFileAtomic } from "./files";
import { tableHtml, type TableInput, type TableOptions } from "./table";
import type { FigureSpec } from "./spec";

export interface ReportFigure {
  spec: FigureSpec;
  /** Caption as HTML. */
  caption?: string;
}

export interface ReportTable {
  caption: string;
  /** Ready HTML (e.g. from tableHtml), or rows / a DataFrame to render here. */
  html?: string;
  rows?: TableInput;
  options?: TableOptions;
  /** File name of the same table as CSV beside the report, linked under the table. */
  csv?: string;
}

export interface ReportSection {
  /** HTML id (letters, digits, "-", "_"). */
  id: string;
  title: string;
  /** The following three are HTML. */
  paperFinding?: string;
  ourFinding?: string;
  text?: string;
  figures?: (FigureSpec | ReportFigure)[];
  tables?: ReportTable[];
}

export interface Report {
  title: string;
  subtitle?: string;
  sections: ReportSection[];
  /** HTML, e.g. the command line, versions and timings of the run. */
  footer?: string;
}

const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e6ec;--accent:#0072B2;--paper:#fff7e6;--ours:#e8f4fb}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fafbfc}
main{max-width:1100px;margin:0 auto;padding:2rem 1.5rem 4rem;background:#fff;overflow-wrap:anywhere}
header h1{font-size:2rem;margin:0 0 .25rem}
header p.subtitle{color:var(--muted);margin:0 0 1.5rem}
nav.toc{border:1px solid var(--line);border-radius:8px;padding:.75rem 1.25rem;margin-bottom:2rem;background:#fcfcfd}
nav.toc h2{font-size:1rem;margin:.25rem 0;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
nav.toc ol{margin:.25rem 0;padding-left:1.5rem}
nav.toc a{color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
section{border-top:1px solid var(--line);padding-top:1.25rem;margin-top:2rem}
section h2{font-size:1.45rem;margin:0 0 .75rem}
.findings{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:0 0 1rem}
@media (max-width:800px){.findings{grid-template-columns:1fr}}
.finding{border-radius:8px;padding:.75rem 1rem;font-size:.95rem}
.finding h3{margin:0 0 .3rem;font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.finding.paper{background:var(--paper);border-left:4px solid #E69F00}
.finding.ours{background:var(--ours);border-left:4px solid var(--accent)}
figure.il-figure{margin:1rem 0 1.5rem}
figcaption{color:var(--muted);font-size:.9rem;margin-top:.25rem}
.table-wrap{overflow-x:auto;margin:1rem 0 1.5rem}
table.il-table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
table.il-table caption{caption-side:top;text-align:left;font-weight:600;padding:.25rem 0 .5rem}
table.il-table th,table.il-table td{padding:.3rem .55rem;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
table.il-table thead th{border-bottom:2px solid #aab;background:#f5f6f8}
table.il-table .num{text-align:right}
table.il-table tbody tr:hover{background:#f7f9fc}
.csv-link{font-size:.85rem}
footer{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
`;

const ID_RE = /^[A-Za-z][\w-]*$/;

function isReportFigure(f: FigureSpec | ReportFigure): f is ReportFigure {
  return (f as ReportFigure).spec !== undefined;
}

function sectionHtml(s: ReportSection, index: number): string {
  const parts: string[] = [`<section id="${s.id}">`, `<h2>${index + 1}. ${escapeHtml(s.title)}</h2>`];
  if (s.paperFinding || s.ourFinding) {
    parts.push('<div class="findings">');
    if (s.paperFinding) parts.push(`<div class="finding paper"><h3>What the paper found</h3>${s.paperFinding}</div>`);
    if (s.ourFinding) parts.push(`<div class="finding ours"><h3>What this run found</h3>${s.ourFinding}</div>`);
    parts.push("</div>");
  }
  if (s.text) parts.push(`<div class="text">${s.text}</div>`);
  (s.figures ?? []).forEach((f, i) => {
    const { spec, caption } = isReportFigure(f) ? f : { spec: f, caption: undefined };
    parts.push(figureHtml(spec, `${s.id}-fig-${i + 1}`, { caption }));
  });
  for (const t of s.tables ?? []) {
    let html = t.html;
    if (html === undefined) {
      if (t.rows === undefined) throw new Error(`renderReport: table "${t.caption}" in section "${s.id}" has neither html nor rows`);
      html = tableHtml(t.rows, { ...t.options, caption: escapeHtml(t.caption) });
    } else {
      html = `<div class="table-caption"><b>${escapeHtml(t.caption)}</b></div>${html}`;
    }
    const csv = t.csv ? `<div class="csv-link"><a href="${encodeURI(t.csv)}">${escapeHtml(t.csv)}</a> (CSV)</div>` : "";
    parts.push(`<div class="table-wrap">${html}${csv}</div>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The whole report as one HTML string (about 10 MB of it is plotly.js). */
export function renderReport(r: Report): string {
  const ids = new Set<string>();
  for (const s of r.sections) {
    if (!ID_RE.test(s.id)) throw new Error(`renderReport: section id "${s.id}" is not a valid HTML id; use letters, digits, "-" and "_", starting with a letter`);
    if (ids.has(s.id)) throw new Error(`renderReport: two sections have the id "${s.id}"; ids must be unique`);
    ids.add(s.id);
  }
  const toc = r.sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join("\n");
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(r.title)}</title>`,
    `<style>${CSS}</style>`,
    // plotly first, in <head>, so every figure's script below can draw as soon as it is parsed
    plotlyScriptTag(),
    "</head><body><main>",
    `<header><h1>${escapeHtml(r.title)}</h1>${r.subtitle ? `<p class="subtitle">${r.subtitle}</p>` : ""}</header>`,
    r.sections.length > 1 ? `<nav class="toc"><h2>Contents</h2><ol>\n${toc}\n</ol></nav>` : "",
    ...r.sections.map(sectionHtml),
    r.footer ? `<footer>${r.footer}</footer>` : "",
    "</main></body></html>",
  ].join("\n");
}

/** Renders and writes the report atomically; returns the HTML's size in bytes. */
export function writeReport(file: string, report: Report): number {
  const html = renderReport(report);
  writeFileAtomic(file, html);
  return Buffer.byteLength(html);
}
