// The texts of a task file that python/instability_export.py exported with --task-file: a .csv
// (header row, RFC 4180 quoting), .tsv (header row, no quoting, as the exporter reads it) or .jsonl
// (one object per line). Only what per-example views need: the text (and pair) of each row, in order.
import * as fs from "node:fs";
import * as path from "node:path";

export interface TaskFileColumns {
  text: string;
  textPair?: string;
}

/** One row per example, fields by column name; line numbers for error messages. */
function readRows(file: string): { line: number; row: Record<string, unknown> }[] {
  const ext = path.extname(file).toLowerCase();
  const content = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  if (ext === ".jsonl") {
    return content.split(/\r?\n/).flatMap((text, i) => (text.trim() ? [{ line: i + 1, row: parseJsonLine(file, text, i + 1) }] : []));
  }
  if (ext !== ".csv" && ext !== ".tsv") throw new Error(`task file ${file}: use a .csv, .tsv or .jsonl file`);
  const records = ext === ".tsv" ? content.split(/\r?\n/).filter((l) => l !== "").map((l) => l.split("\t")) : parseCsv(content);
  const [header, ...body] = records;
  if (!header) throw new Error(`task file ${file}: empty; it needs a header row`);
  return body.map((fields, i) => ({ line: i + 2, row: Object.fromEntries(header.map((h, c) => [h, fields[c]])) }));
}

function parseJsonLine(file: string, text: string, line: number): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`task file ${file}:${line}: not JSON; JSONL needs one object per line`);
  }
}

/** RFC 4180 CSV: fields in double quotes may hold commas, newlines and doubled quotes. */
export function parseCsv(content: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (quoted) {
      if (ch === '"' && content[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") record.push(field), (field = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && content[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || record.length) record.push(field), records.push(record);
  return records.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** The text of every row ("text [SEP] pair" for pair tasks), in the file's order. */
export function readTaskFileTexts(file: string, columns: TaskFileColumns): string[] {
  if (!fs.existsSync(file)) throw new Error(`task file ${file} does not exist (moved since the export?)`);
  return readRows(file).map(({ line, row }) => {
    const text = row[columns.text];
    if (text === undefined || text === null) throw new Error(`task file ${file}:${line}: no '${columns.text}' field`);
    const pair = columns.textPair !== undefined ? row[columns.textPair] : undefined;
    return pair === undefined || pair === null ? String(text) : `${String(text)} [SEP] ${String(pair)}`;
  });
}
