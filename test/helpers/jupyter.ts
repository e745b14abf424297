// Finding Jupyter (with nbconvert) for the notebook tests, and a kernelspec of
// this checkout that lives only as long as the test (so the tests never depend on, or touch,
// what `npm run kernel:install` registered for the user).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kernelSpec, writeKernelSpec } from "../../src/notebook/kernelspec";

export const NO_JUPYTER =
  "jupyter nbconvert not found (set INSTABILITY_JUPYTER, or apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)";

let jupyterCache: string | null | undefined;

/** A `jupyter` command whose nbconvert runs, or null. */
export function jupyterWithNbconvert(): string | null {
  if (jupyterCache !== undefined) return jupyterCache;
  const candidates = [process.env.INSTABILITY_JUPYTER, "jupyter", "/usr/bin/jupyter"].filter((c): c is string => !!c);
  jupyterCache = null;
  for (const c of candidates) {
    const r = spawnSync(c, ["nbconvert", "--version"], { encoding: "utf8", timeout: 60_000 });
    if (!r.error && r.status === 0) {
      jupyterCache = c;
      break;
    }
  }
  return jupyterCache;
}

export interface TestKernel {
  name: string;
  /** Put this in the environment of `jupyter` so it finds the kernel. */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** Registers this checkout's kernel under a unique name in a temporary JUPYTER_PATH. */
export function testKernel(): TestKernel {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "instability-jupyter-"));
  const name = `instability-lab-test-${process.pid}`;
  writeKernelSpec(path.join(dir, "kernels", name), kernelSpec({ displayName: "Instability Lab (TypeScript, test)" }));
  const env = { ...process.env, JUPYTER_PATH: [dir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) };
  return { name, env, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface NbOutput {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
export interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
  execution_count?: number | null;
}
export interface Notebook {
  cells: NbCell[];
  metadata: { kernelspec?: { name?: string } };
}

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

export function joinSource(s: string | string[] | undefined): string {
  return Array.isArray(s) ? s.join("") : (s ?? "");
}

export interface SavedOutputs {
  /** Outputs carrying plotly's MIME bundle. */
  figures: number;
  /** HTML outputs holding a <table>. */
  tables: number;
  /** Our progress displays: the cell and the text they were left showing. */
  progress: { cell: number; text: string }[];
  /** "cell N: ename: evalue" of every error output. */
  errors: string[];
  /** Execution counts of the code cells, in order. */
  counts: (number | null)[];
}

/** What a saved notebook holds: figures, tables, progress displays, errors, execution counts. */
export function savedOutputs(nb: Notebook): SavedOutputs {
  const r: SavedOutputs = { figures: 0, tables: 0, progress: [], errors: [], counts: [] };
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    r.counts.push(cell.execution_count ?? null);
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") r.errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      const html = joinSource(o.data?.["text/html"] as string | string[] | undefined);
      if (o.data && "application/vnd.plotly.v1+json" in o.data) r.figures++;
      if (/<table[\s>]/.test(html)) r.tables++;
      if (html.includes("instability-lab-progress")) r.progress.push({ cell: i, text: joinSource(o.data?.["text/plain"] as string | string[]) });
    }
  });
  return r;
}

/** Most lines of text (stdout, stderr, an echoed value) one code cell may print. */
export const MAX_TEXT_LINES = 10;

/**
 * A line as Node's util.inspect starts an object, array, class instance or Map it prints: what
 * tslab shows when a cell's last expression is a value (it console.logs it).
 */
const INSPECTED = /^(?:[A-Z][\w$]*(?:\(\d+\))? )?[{[](?: |$)|^\[Function\b|^Promise \{/;

/**
 * What a reader should not meet in an executed notebook: a code cell printing more than
 * MAX_TEXT_LINES lines of text, a value echoed as text (an inspected object, or any
 * execute_result), and a progress display left at 0/0.
 */
export function outputProblems(nb: Notebook): string[] {
  const problems: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    let text = "";
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "stream") text += joinSource(o.text);
      if (o.output_type === "execute_result") problems.push(`cell ${i} echoes its value: ${joinSource(o.data?.["text/plain"] as string | string[]).split("\n")[0].slice(0, 80)}`);
      const html = joinSource(o.data?.["text/html"] as string | string[] | undefined);
      const plain = joinSource(o.data?.["text/plain"] as string | string[] | undefined);
      if (html.includes("instability-lab-progress") && /(^|\D)0\/0(\D|$)/.test(plain)) problems.push(`cell ${i} leaves a progress display at 0/0: "${plain}"`);
    }
    const lines = text.split("\n").filter((l) => l.trim());
    if (lines.length > MAX_TEXT_LINES) problems.push(`cell ${i} prints ${lines.length} lines of text (at most ${MAX_TEXT_LINES}), from: ${lines[0].slice(0, 80)}`);
    const echoed = lines.find((l) => INSPECTED.test(l));
    if (echoed) problems.push(`cell ${i} prints an object as text: ${echoed.slice(0, 80)}`);
  });
  return problems;
}
