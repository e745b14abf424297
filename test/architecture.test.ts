// The layering of src/ (ARCHITECTURE.md) stays true: no import cycle between files, and no
// folder imports one it may not (analysis never viz or report, viz never analysis, notebook never
// cli, ...). Imports are read from the TypeScript sources with a regex: `import … from`,
// `export … from`, `import("…")` and `require("…")`, type-only imports included.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const src = path.join(root, "src");

/** What each top-level folder of src/ may import, besides itself. One table, mirrored in ARCHITECTURE.md. */
const MAY_IMPORT: Record<string, string[]> = {
  util: [],
  runs: ["util"],
  data: ["util"],
  model: ["util"],
  measures: ["runs", "util"],
  viz: ["runs", "util"],
  analysis: ["measures", "runs", "data", "util"],
  train: ["data", "measures", "model", "runs", "util"],
  report: ["analysis", "viz", "measures", "runs", "data", "util"],
  notebook: ["report", "analysis", "viz", "train", "measures", "model", "runs", "data", "util"],
  cli: ["report", "analysis", "train", "measures", "model", "runs", "data", "util"],
};

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gms;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** file → the src files it imports (relative specifiers only; packages are not layers). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const targets: string[] = [];
    for (const m of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = m.slice(1).find(Boolean)!;
      if (!spec.startsWith(".")) continue;
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
      assert.ok(target, `${path.relative(root, file)} imports "${spec}", which is no source file`);
      targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Top-level folder of a src file ("(root)" for src/index.ts). */
const folderOf = (file: string) => {
  const parts = path.relative(src, file).split(path.sep);
  return parts.length > 1 ? parts[0] : "(root)";
};

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next), low.set(v, next), next++;
    stack.push(v), onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) (visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!)));
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do (w = stack.pop()!, onStack.delete(w), component.push(w)); while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.map((f) => path.relative(root, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test("src/ has no import cycle", () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `only ${graph.size} source files found under ${src}`);
  assert.deepEqual(cycles(graph), []);
});

test("the cycle finder finds a cycle (so the test above can fail)", () => {
  const g = new Map([["/a", ["/b"]], ["/b", ["/c"]], ["/c", ["/a"]], ["/d", ["/a"]], ["/e", ["/e"]]]);
  assert.deepEqual(cycles(g).map((c) => c.length).sort(), [1, 3]);
});

test("no folder of src/ imports one above it (the MAY_IMPORT table)", () => {
  const graph = importGraph();
  const folders = new Set([...graph.keys()].map(folderOf));
  for (const f of folders) if (f !== "(root)") assert.ok(MAY_IMPORT[f], `src/${f}/ is a new folder: give it a row in MAY_IMPORT (and ARCHITECTURE.md)`);
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (from === "(root)") continue; // src/index.ts is the package's front door: it re-exports every layer
    for (const t of targets) {
      const to = folderOf(t);
      if (to !== from && !MAY_IMPORT[from].includes(to)) upward.push(`${path.relative(root, file)} → ${path.relative(root, t)}`);
    }
  }
  assert.deepEqual(upward, []);
});
