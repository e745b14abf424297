// Rooms stay readable (ARCHITECTURE.md, house rules): no source file in src/ over 400 lines, and no
// function over 80 lines outside the numeric kernels. Functions are measured with the TypeScript
// compiler's parser, from the first line of the declaration to its closing brace; a function's
// length includes the functions nested in it, and every function-like node counts (declarations,
// methods, constructors, accessors, arrow functions and function expressions).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const root = path.resolve(__dirname, "..", "..");
const src = path.join(root, "src");

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

/**
 * Numeric kernels, exempt from the function limit (not from the file limit): their loop nests are
 * unrolled by hand or share working arrays across the steps of one algorithm, and cutting them
 * into functions would cost either speed (calls in the inner loops) or clarity (a dozen arrays
 * passed between the pieces). Each is checked against an independent implementation instead.
 */
const NUMERIC_KERNELS: { path: string; why: string }[] = [
  { path: "src/model/kernels/", why: "the wasm SIMD kernels (gemm, attention, softmax, …): hand-unrolled loop nests" },
  { path: "src/measures/tridiagonalize.ts", why: "Householder tridiagonalisation: one O(n³) loop nest over shared working arrays" },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join("/");

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

interface FunctionLength {
  /** file:name, with Class.method for methods and "(anonymous)" for unnamed functions. */
  id: string;
  line: number;
  lines: number;
}

/** Every function-like node of a source text with its length in lines. */
function functionLengths(file: string, text: string): FunctionLength[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: FunctionLength[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node, owner: string) => {
    let inner = owner;
    if (ts.isClassLike(node) && node.name) inner = node.name.text;
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const name = node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name)) ? node.name.text : ts.isConstructorDeclaration(node) ? "constructor" : nameOfHolder(node);
      const first = lineOf(node.getStart(sf));
      out.push({ id: `${file}:${owner ? `${owner}.` : ""}${name}`, line: first, lines: lineOf(node.end) - first + 1 });
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, "");
  return out;
}

/** `const f = () => …` and `{ f: function () … }` take the name they are given. */
function nameOfHolder(node: ts.Node): string {
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && ts.isIdentifier(p.name)) return p.name.text;
  return "(anonymous)";
}

const isKernel = (file: string) => NUMERIC_KERNELS.some((k) => (k.path.endsWith("/") ? file.startsWith(k.path) : file === k.path));

test(`no source file in src/ is longer than ${MAX_FILE_LINES} lines`, () => {
  const long = sourceFiles(src)
    .map((f) => ({ file: relative(f), lines: lineCount(fs.readFileSync(f, "utf8")) }))
    .filter((f) => f.lines > MAX_FILE_LINES)
    .map((f) => `${f.file}: ${f.lines} lines`);
  assert.deepEqual(long, [], `split these files (one concept per file):\n${long.join("\n")}`);
});

test(`no function in src/ is longer than ${MAX_FUNCTION_LINES} lines outside the numeric kernels`, () => {
  const all = sourceFiles(src).flatMap((f) => functionLengths(relative(f), fs.readFileSync(f, "utf8")));
  const long = all.filter((f) => f.lines > MAX_FUNCTION_LINES && !isKernel(f.id.split(":")[0]));
  const offenders = long.map((f) => `${f.id} (line ${f.line}): ${f.lines} lines`);
  assert.deepEqual(offenders, [], `split these functions into named steps:\n${offenders.join("\n")}`);
});

test("the measure finds a long function, names methods and arrow functions, and skips short ones", () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join("\n");
  const text = [
    `export function long(): number {\n  let x = 0;\n${body(90)}\n  return x;\n}`,
    `class Box {\n  method(): void {\n${body(3)}\n  }\n}`,
    `const arrow = () => {\n  let x = 0;\n${body(2)}\n};`,
  ].join("\n");
  const found = new Map(functionLengths("t.ts", text).map((f) => [f.id, f.lines]));
  assert.equal(found.get("t.ts:long"), 94);
  assert.equal(found.get("t.ts:Box.method"), 5);
  assert.equal(found.get("t.ts:arrow"), 5);
  assert.equal(found.size, 3);
});
