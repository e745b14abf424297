// Tables as HTML (report, notebooks) and CSV (files beside the report). Takes row objects or
// anything shaped like a danfo DataFrame ({columns, values}), so viz never loads danfo itself.
import { escapeHtml, label } from "./labels";

import type { Cell, Row } from "../util/row";
export type { Cell, Row };

/** The part of a danfo DataFrame that tables need (duck-typed: danfo is slow to load). */
export interface FrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
  /** Row labels (danfo's index); shown only when asked for with `indexColumn`. */
  index?: unknown[];
}

export type TableInput = Row[] | FrameLike;

/** How a numeric column is written: fixed decimals, significant digits, or your own function. */
export type NumberFormat = { decimals: number } | { sig: number } | ((v: number) => string);

export interface TableOptions {
  /** Columns to show, in this order (default: all, in input order). */
  columns?: string[];
  /** Per-column number format; columns not named use `defaultFormat`. */
  formats?: Record<string, NumberFormat>;
  /**
   * Default: per column, the fixed number of decimals (at most 6) that gives its smallest value 3
   * significant digits (so a column lines up), integers as they are; values below a thousandth of
   * the column's largest print as 0 at that precision; columns reaching 1e6 get 3 significant digits.
   */
  defaultFormat?: NumberFormat;
  /** Write known names in text cells (methods, models, tasks, measures) as the paper does; default true. */
  labelCells?: boolean;
  /** Header text per column, as HTML. Default: the paper's name for measures/methods/models/tasks. */
  headers?: Record<string, string>;
  caption?: string;
  /** For a DataFrame: show its index (row labels) as a first column with this header. */
  indexColumn?: string;
  /** Extra class on the <table>. */
  className?: string;
  /** This column's cells are row headers (<th>) without a column header (a DataFrame's index). */
  rowHeader?: string;
  /** Right-align numbers with a style attribute rather than class="num", for HTML shown without the report's stylesheet (notebook cells). */
  inlineAlign?: boolean;
}

function isFrameLike(x: unknown): x is FrameLike {
  return !!x && !Array.isArray(x) && Array.isArray((x as FrameLike).columns) && Array.isArray((x as FrameLike).values);
}

/**
 * Rows from either input form. A danfo DataFrame's values are row-major arrays (a Series gives a
 * flat array). `indexColumn` names a first column holding the frame's index (its row labels).
 */
export function toRows(input: TableInput, indexColumn?: string): { columns: string[]; rows: Row[] } {
  if (isFrameLike(input)) {
    const cols = input.columns.map(String);
    const vals = input.values as unknown[];
    // a one-column frame may give a flat array
    const rows = vals.map((v, i) => {
      const arr = Array.isArray(v) ? v : [v];
      if (arr.length !== cols.length) throw new Error(`toRows: row ${i} of the DataFrame has ${arr.length} values for ${cols.length} columns`);
      const r: Row = {};
      if (indexColumn !== undefined) r[indexColumn] = (input.index?.[i] ?? i) as Cell;
      cols.forEach((c, j) => (r[c] = arr[j] as Cell));
      return r;
    });
    return { columns: indexColumn !== undefined ? [indexColumn, ...cols] : cols, rows };
  }
  if (!Array.isArray(input)) throw new Error("toRows: expected an array of row objects or a DataFrame ({columns, values})");
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of input) {
    for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  }
  return { columns, rows: input };
}

export function formatNumber(v: number, fmt: NumberFormat = { sig: 3 }): string {
  if (Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (typeof fmt === "function") return fmt(v);
  if ("decimals" in fmt) return minus(v.toFixed(fmt.decimals).replace(/^-(?=0(\.0*)?$)/, ""));
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return minus(String(v));
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return minus(v.toExponential(Math.max(0, fmt.sig - 1)));
  // toPrecision gives "0.0177" for sig 3, and never switches to exponents in this range
  return minus(String(Number(v.toPrecision(fmt.sig))));
}

// A typographic minus lines up with digits; a hyphen does not.
function minus(s: string): string {
  return s.startsWith("-") ? "−" + s.slice(1) : s;
}

function cellHtml(v: Cell, fmt: NumberFormat, labelCells: boolean): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return formatNumber(v, fmt);
  return labelCells && typeof v === "string" ? label(v) : escapeHtml(String(v));
}

/** The column's format when none is given: fixed decimals chosen from its smallest value. */
export function columnFormat(values: number[], sig = 3): NumberFormat {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.every((v) => Number.isInteger(v))) return { sig };
  const large = Math.max(...finite.map(Math.abs));
  if (large >= 1e6) return { sig };
  // Values below a thousandth of the column's largest (rounding noise such as 2.55e-16 beside
  // 0.41) do not set the precision: they print as 0 at it.
  const small = Math.min(...finite.map(Math.abs).filter((a) => a !== 0 && a >= large * 1e-3));
  return { decimals: Math.max(0, Math.min(6, sig - 1 - Math.floor(Math.log10(small)))) };
}

/** A clean HTML table: numbers right-aligned and formatted per column, paper names in headers. */
export function tableHtml(input: TableInput, opts: TableOptions = {}): string {
  const { columns: all, rows } = toRows(input, opts.indexColumn);
  const columns = opts.columns ?? all;
  for (const c of columns) {
    if (!all.includes(c)) throw new Error(`tableHtml: column "${c}" is not in the table (columns: ${all.join(", ")})`);
  }
  const numeric = new Set(columns.filter((c) => rows.some((r) => typeof r[c] === "number") && rows.every((r) => r[c] == null || typeof r[c] === "number")));
  const numClass = (c: string) => (!numeric.has(c) ? "" : opts.inlineAlign ? ' style="text-align:right"' : ' class="num"');
  const head = columns
    .map((c) => (c === opts.rowHeader ? "<th></th>" : `<th${opts.inlineAlign ? "" : numClass(c)}>${opts.headers?.[c] ?? label(c)}</th>`))
    .join("");
  const formats = new Map<string, NumberFormat>();
  for (const c of columns) {
    const nums = rows.map((r) => r[c]).filter((v): v is number => typeof v === "number");
    formats.set(c, opts.formats?.[c] ?? opts.defaultFormat ?? columnFormat(nums));
  }
  const labelCells = opts.labelCells ?? true;
  const body = rows
    .map((r) => {
      const tds = columns.map((c) => {
        const cell = cellHtml(r[c], formats.get(c)!, labelCells);
        return c === opts.rowHeader ? `<th>${cell}</th>` : `<td${numClass(c)}>${cell}</td>`;
      });
      return `<tr>${tds.join("")}</tr>`;
    })
    .join("\n");
  const cls = ["il-table", opts.className].filter(Boolean).join(" ");
  // Without the report's stylesheet (a notebook cell): the caption at the left where a reader
  // starts, not centred over a wide table, and no cell wrapping "task-a" over two lines.
  const inline = opts.inlineAlign ? { table: ' style="white-space:nowrap"', caption: ' style="text-align:left"' } : { table: "", caption: "" };
  const caption = opts.caption ? `<caption${inline.caption}>${opts.caption}</caption>` : "";
  return `<table class="${cls}"${inline.table}>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

function csvField(v: Cell): string {
  if (v === null || v === undefined) return "";
  // full precision: CSVs are for re-analysis, not for reading
  let s = typeof v === "number" ? (Number.isNaN(v) ? "NaN" : String(v)) : String(v);
  // A text cell starting with = + - @ (or a tab / CR) is a formula to a spreadsheet: a run or task
  // name must not execute when the CSV is opened, so such text is prefixed with ' (numbers are not).
  if (typeof v !== "number" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header row; numbers at full precision. */
export function toCsv(input: TableInput, opts: { columns?: string[]; indexColumn?: string } = {}): string {
  const { columns: all, rows } = toRows(input, opts.indexColumn);
  const columns = opts.columns ?? all;
  const lines = [columns.map(csvField).join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(","));
  return lines.join("\n") + "\n";
}
