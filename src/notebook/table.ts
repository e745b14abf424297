// Tables in a notebook: a danfo DataFrame (what the analysis layer returns) or an array of row
// objects, as an HTML table (with a plain-text twin for consoles and text exports).
// danfo is recognised by shape, not imported: importing danfojs-node would load tfjs.
import { escapeHtml, publish } from "./display";
import { tableHtml as vizTableHtml } from "../viz/table";
import type { Cell, Row } from "../util/row";

export interface TableOptions {
  /** Rows shown before "… N more rows" (default 50). */
  maxRows?: number;
  /**
   * Significant digits (default 4) of each column's largest number: a column's numbers all get the
   * decimals that gives (at most 6), so a value below that precision prints as 0 (2.55e-16 next
   * to 0.41 with digits 3: 0.000). Columns of integers only stay as they are.
   */
  digits?: number;
  /** Fixed decimals for every non-integer number instead (say so in the caption). */
  decimals?: number;
  /** A caption above the table. */
  caption?: string;
  /** Show the DataFrame index as the first column (default: only when it is not 0..n-1). */
  index?: boolean;
}

/** Columns and rows, cells still raw values. */
export interface TableData {
  columns: string[];
  rows: unknown[][];
  index: Array<string | number> | null;
}

interface DataFrameLike {
  columns: string[];
  values: unknown[];
  index?: Array<string | number>;
}

function isDataFrameLike(x: unknown): x is DataFrameLike {
  const d = x as DataFrameLike;
  return d != null && typeof d === "object" && !Array.isArray(d) && Array.isArray(d.columns) && Array.isArray(d.values);
}

/** Normalises a DataFrame (or Series) or an array of row objects to columns and rows. */
export function tableData(input: unknown, opts: { index?: boolean } = {}): TableData {
  if (Array.isArray(input)) {
    const columns: string[] = [];
    const seen = new Set<string>();
    input.forEach((row, i) => {
      if (row == null || typeof row !== "object" || Array.isArray(row)) {
        throw new TypeError(`showTable(rows): row ${i} is ${Array.isArray(row) ? "an array" : String(row)}; pass objects like {model: "bert", sd: 0.01}`);
      }
      for (const k of Object.keys(row)) if (!seen.has(k)) { seen.add(k); columns.push(k); }
    });
    const rows = input.map((row) => columns.map((c) => (row as Record<string, unknown>)[c]));
    return { columns, rows, index: opts.index ? input.map((_, i) => i) : null };
  }
  if (isDataFrameLike(input)) {
    const values = input.values;
    // A danfo Series has 1-D values and one column name.
    const rows = values.map((v) => (Array.isArray(v) ? v : [v]));
    const index = input.index ?? values.map((_, i) => i);
    const defaultIndex = index.every((v, i) => v === i);
    return { columns: input.columns.map(String), rows, index: (opts.index ?? !defaultIndex) ? index : null };
  }
  throw new TypeError("showTable(table): expected a danfo DataFrame/Series or an array of row objects " +
    `(got ${input === null ? "null" : typeof input})`);
}

/** A cell value as text: numbers to `digits` significant digits, null/undefined as empty. */
export function formatCell(v: unknown, digits = 4): string {
  if (v == null) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    return String(Number(v.toPrecision(digits)));
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Most decimals a column gets from `digits`: below 1e-6 a table reads 0. */
const MAX_DECIMALS = 6;

/**
 * How the numbers of one column are written: fixed decimals (opts.decimals, or those that give
 * the column's largest number `digits` significant digits), integers too (a column of
 * integers only, such as run counts, as they are); a value
 * that rounds to zero prints as 0 at that precision, never as "-0.000" or 2.55e-16.
 */
export function columnFormatter(values: unknown[], opts: { digits?: number; decimals?: number } = {}): (v: number) => string {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (finite.every((v) => Number.isInteger(v))) return (v) => String(v);
  const largest = Math.max(...finite.map(Math.abs));
  const digits = opts.digits ?? 4;
  const decimals = opts.decimals ?? (largest === 0 ? digits - 1 : Math.min(MAX_DECIMALS, Math.max(0, digits - 1 - Math.floor(Math.log10(largest)))));
  return (v) => {
    if (!Number.isFinite(v)) return String(v);
    const s = v.toFixed(decimals);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  };
}

// The index column's key in the rows handed to viz.tableHtml: no DataFrame column is called this.
const INDEX = "\u0000index";

/**
 * The HTML table (and a "… N more rows" note when cut), drawn by viz.tableHtml, the one HTML
 * table renderer: here with the column names as given and numbers to `digits` significant digits.
 */
export function tableHtml(input: unknown, opts: TableOptions = {}): string {
  const { columns, rows, index } = tableData(input, opts);
  const maxRows = opts.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  // numbers stay numbers (aligned and formatted by viz); anything else becomes its text here
  const cell = (v: unknown): Cell => (typeof v === "number" ? v : v == null ? null : formatCell(v, opts.digits));
  const formatters = columns.map((_, j) => columnFormatter(shown.map((row) => row[j]), opts));
  const rowObjects: Row[] = shown.map((row, r) => ({
    ...(index ? { [INDEX]: String(index[r]) } : {}),
    ...Object.fromEntries(columns.map((c, j) => [c, cell(row[j])])),
  }));
  const more = rows.length > shown.length ? `<p>… ${rows.length - shown.length} more rows (of ${rows.length})</p>` : "";
  return vizTableHtml(rowObjects, {
    columns: index ? [INDEX, ...columns] : columns,
    headers: Object.fromEntries(columns.map((c) => [c, escapeHtml(c)])),
    labelCells: false,
    formats: Object.fromEntries(columns.map((c, j) => [c, formatters[j]])),
    caption: opts.caption ? escapeHtml(opts.caption) : undefined,
    className: "instability-lab-table",
    rowHeader: index ? INDEX : undefined,
    inlineAlign: true,
  }) + more;
}

/** The same table as aligned plain text. */
export function tableText(input: unknown, opts: TableOptions = {}): string {
  const { columns, rows, index } = tableData(input, opts);
  const maxRows = opts.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  const formatters = columns.map((_, j) => columnFormatter(shown.map((row) => row[j]), opts));
  const text = (v: unknown, j: number) => (typeof v === "number" ? formatters[j](v) : formatCell(v, opts.digits));
  const grid = [(index ? [""] : []).concat(columns)].concat(
    shown.map((row, r) => (index ? [String(index[r])] : []).concat(row.map(text))),
  );
  const widths = grid[0].map((_, c) => Math.max(...grid.map((line) => line[c].length)));
  const lines = grid.map((line) => line.map((s, c) => s.padStart(widths[c])).join("  ").trimEnd());
  if (opts.caption) lines.unshift(opts.caption);
  if (rows.length > maxRows) lines.push(`… ${rows.length - maxRows} more rows (of ${rows.length})`);
  return lines.join("\n");
}

/** Shows a danfo DataFrame or an array of row objects as a table in the running cell. */
export function showTable(input: unknown, opts: TableOptions = {}): void {
  publish({ "text/html": tableHtml(input, opts), "text/plain": tableText(input, opts) });
}
