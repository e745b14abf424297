// danfo DataFrames for analysis results. danfojs-node takes seconds to load (it brings a tfjs
// build with it), so it is required on first use only: importing the library stays fast, and the
// report, which needs plain rows, never pays for it.
import type { Row } from "../util/row";

// The part of danfo's DataFrame that callers here rely on; the real object has much more.
export interface DataFrame {
  columns: string[];
  values: unknown[][];
  shape: number[];
  [key: string]: unknown;
}

let danfo: { DataFrame: new (data: unknown, opts?: unknown) => DataFrame } | undefined;

function load(): NonNullable<typeof danfo> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfo ??= require("danfojs-node");
  return danfo!;
}

/**
 * A DataFrame from row objects, with `columns` in this order (default: every key, first seen
 * first). An empty table keeps its columns, which danfo cannot infer from zero rows.
 */
export function toFrame(rows: Row[], columns?: string[]): DataFrame {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const dfd = load();
  const values = rows.map((r) => cols.map((c) => (r[c] === undefined ? null : r[c])));
  if (rows.length === 0) return new dfd.DataFrame([], { columns: cols });
  return new dfd.DataFrame(values, { columns: cols });
}
