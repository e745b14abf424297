// Readers for the four GLUE tasks of the paper (RTE, MRPC, CoLA, SST-2) from a directory in the
// layout of the official GLUE download script (`<DIR>/<TASK>/train.tsv`, `dev.tsv`).
// Files are tab-separated with quoting off (sentences may begin with `"`), so a row is split on
// tabs only. Every row is checked: a wrong column count or an unknown label is an error that
// names the file and line, because a silently dropped or shifted row would change every measure.
import * as path from "node:path";
import { readRegularText } from "../util/readRegularFile";
import type { Example, TaskMetricName } from "./types";

export type GlueTaskName = "rte" | "mrpc" | "cola" | "sst2";
export const GLUE_TASKS: readonly GlueTaskName[] = ["rte", "mrpc", "cola", "sst2"];

export interface GlueTaskSpec {
  name: GlueTaskName;
  dir: string; // directory name inside the GLUE root
  metric: TaskMetricName;
  labelNames: string[];
  isPair: boolean;
  header: string[] | null; // null: the file has no header row (CoLA)
  columns: number;
  parse(fields: string[]): { text: string; textPair?: string; labelField: string };
  labels: Record<string, number>; // label field value → class index
}

export const GLUE_SPECS: Record<GlueTaskName, GlueTaskSpec> = {
  rte: {
    name: "rte",
    dir: "RTE",
    metric: "accuracy",
    // GLUE/HF order: 0 = entailment, 1 = not_entailment.
    labelNames: ["entailment", "not_entailment"],
    isPair: true,
    header: ["index", "sentence1", "sentence2", "label"],
    columns: 4,
    parse: (f) => ({ text: f[1], textPair: f[2], labelField: f[3] }),
    labels: { entailment: 0, not_entailment: 1 },
  },
  mrpc: {
    name: "mrpc",
    dir: "MRPC",
    metric: "f1",
    labelNames: ["not_equivalent", "equivalent"],
    isPair: true,
    header: ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"],
    columns: 5,
    parse: (f) => ({ text: f[3], textPair: f[4], labelField: f[0] }),
    labels: { "0": 0, "1": 1 },
  },
  cola: {
    name: "cola",
    dir: "CoLA",
    metric: "mcc",
    labelNames: ["unacceptable", "acceptable"],
    isPair: false,
    header: null,
    columns: 4,
    parse: (f) => ({ text: f[3], labelField: f[1] }),
    labels: { "0": 0, "1": 1 },
  },
  sst2: {
    name: "sst2",
    dir: "SST-2",
    metric: "accuracy",
    labelNames: ["negative", "positive"],
    isPair: false,
    header: ["sentence", "label"],
    columns: 2,
    parse: (f) => ({ text: f[0], labelField: f[1] }),
    labels: { "0": 0, "1": 1 },
  },
};

export class GlueFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = "GlueFormatError";
  }
}

/** Parses one GLUE TSV file's text. `file` is used only in error messages. */
export function parseGlueTsv(spec: GlueTaskSpec, content: string, file: string): Example[] {
  // MRPC files start with a UTF-8 byte-order mark, copied by the official script from the source.
  let body = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  if (body.includes("\r")) {
    const line = body.slice(0, body.indexOf("\r")).split("\n").length;
    throw new GlueFormatError(file, line, "carriage return found: GLUE files use \\n line endings (convert with `tr -d '\\r'`)");
  }
  // CoLA's dev.tsv has no newline after its last row: a missing final newline is not an error.
  if (body.endsWith("\n")) body = body.slice(0, -1);
  const lines = body.length === 0 ? [] : body.split("\n");
  let first = 0;
  if (spec.header) {
    const got = lines[0] ?? "";
    if (got !== spec.header.join("\t")) {
      throw new GlueFormatError(file, 1, `header is ${JSON.stringify(got)}, expected ${JSON.stringify(spec.header.join("\t"))} (is this the ${spec.dir} file?)`);
    }
    first = 1;
  }
  const examples: Example[] = [];
  for (let i = first; i < lines.length; i++) {
    const lineNo = i + 1;
    const fields = lines[i].split("\t");
    if (fields.length !== spec.columns) {
      throw new GlueFormatError(file, lineNo, `${fields.length} tab-separated columns, expected ${spec.columns}`);
    }
    const { text, textPair, labelField } = spec.parse(fields);
    const label = spec.labels[labelField];
    if (label === undefined) {
      const valid = Object.keys(spec.labels).map((l) => JSON.stringify(l)).join(", ");
      throw new GlueFormatError(file, lineNo, `label ${JSON.stringify(labelField)} is not one of ${valid}`);
    }
    if (text.trim() === "" || (spec.isPair && (textPair ?? "").trim() === "")) {
      throw new GlueFormatError(file, lineNo, "empty sentence");
    }
    examples.push(spec.isPair ? { text, textPair, label } : { text, label });
  }
  if (examples.length === 0) throw new GlueFormatError(file, 1, "no examples in file");
  return examples;
}

/** Reads `<glueDir>/<TASK>/<split>.tsv` (split: "train" or "dev"). */
export function readGlueSplit(glueDir: string, task: GlueTaskName, split: "train" | "dev"): Example[] {
  const spec = GLUE_SPECS[task];
  const file = path.join(glueDir, spec.dir, `${split}.tsv`);
  let content: string;
  try {
    content = readRegularText(file); // a named pipe is an error, not a hang
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`GLUE file not found: ${file} (give a directory in the GLUE layout with --glue-dir or GLUE_DIR, or fetch it with \`instability data glue --out DIR\`)`);
    }
    throw err;
  }
  return parseGlueTsv(spec, content, file);
}

/** Resolves a user-facing GLUE task name: case-insensitive, "sst-2" accepted for "sst2". */
export function glueTaskName(name: string): GlueTaskName | null {
  const key = name.toLowerCase().replace(/-/g, "");
  return (GLUE_TASKS as readonly string[]).includes(key) ? (key as GlueTaskName) : null;
}
