import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GLUE_SPECS, GlueFormatError, parseGlueTsv, readGlueSplit, glueTaskName } from "../../src/data/glue";
import { glueDir, NO_GLUE } from "../helpers/glue";

const GLUE = glueDir();

// Counts from ../shared/data/README.md: [rows, rows with label 0]; for RTE label 0 = entailment.
const EXPECTED = {
  rte: { train: [2490, 1249], dev: [277, 146] },
  mrpc: { train: [3668, 1194], dev: [408, 129] },
  cola: { train: [8551, 2528], dev: [1043, 322] },
  sst2: { train: [67349, 29780], dev: [872, 428] },
} as const;

for (const task of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
  for (const split of ["train", "dev"] as const) {
    test(`${task} ${split}: row and label counts match the GLUE README`, { skip: !GLUE && NO_GLUE }, () => {
      const ex = readGlueSplit(GLUE!, task, split);
      const [rows, zeros] = EXPECTED[task][split];
      assert.equal(ex.length, rows);
      assert.equal(ex.filter((e) => e.label === 0).length, zeros);
      assert.equal(ex.filter((e) => e.label === 1).length, rows - zeros);
      for (const e of ex) assert.equal(e.textPair !== undefined, GLUE_SPECS[task].isPair);
    });
  }
}

test("first rows are read field by field (BOM stripped, CoLA headerless, quotes kept)", { skip: !GLUE && NO_GLUE }, () => {
  const mrpc = readGlueSplit(GLUE!, "mrpc", "dev")[0];
  assert.equal(mrpc.label, 1);
  assert.ok(mrpc.text.startsWith("He said the foodservice pie business"));
  assert.ok(mrpc.textPair!.startsWith('" The foodservice pie business'));
  const cola = readGlueSplit(GLUE!, "cola", "dev");
  assert.deepEqual(cola[0], { text: "The sailors rode the breeze clear of the rocks.", label: 1 });
  assert.ok(cola[cola.length - 1].text.endsWith("himself."), "last row without a final newline is kept whole");
  const sst = readGlueSplit(GLUE!, "sst2", "dev")[0];
  assert.deepEqual(sst, { text: "it 's a charming and often affecting journey . ", label: 1 });
});

function writeTemp(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glue-test-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function parseError(task: keyof typeof GLUE_SPECS, content: string): GlueFormatError {
  const file = writeTemp("dev.tsv", content);
  try {
    parseGlueTsv(GLUE_SPECS[task], fs.readFileSync(file, "utf8"), file);
  } catch (err) {
    assert.ok(err instanceof GlueFormatError, String(err));
    assert.equal(err.file, file);
    assert.ok(err.message.startsWith(`${file}:${err.line}: `));
    return err;
  }
  assert.fail("expected a GlueFormatError");
}

test("malformed rows are errors naming the file and line", () => {
  const rteHeader = "index\tsentence1\tsentence2\tlabel\n";
  let e = parseError("rte", rteHeader + "0\ta\tb\tentailment\n1\ta\tb\n");
  assert.equal(e.line, 3);
  assert.match(e.message, /3 tab-separated columns, expected 4/);
  e = parseError("rte", rteHeader + "0\ta\tb\tentailment\n1\ta\tb\tcontradiction\n");
  assert.equal(e.line, 3);
  assert.match(e.message, /label "contradiction"/);
  e = parseError("rte", "idx\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n");
  assert.equal(e.line, 1);
  assert.match(e.message, /header/);
  // A sentence containing a tab (or an unquoted field that quoting would have merged) shifts columns.
  e = parseError("sst2", "sentence\tlabel\ngood film \t1\n\"bad\tfilm\" \t0\n");
  assert.equal(e.line, 3);
  e = parseError("cola", "gj04\t1\t\tFine.\ngj04\t2\t*\tBad label.\n");
  assert.equal(e.line, 2);
  assert.match(e.message, /label "2"/);
  e = parseError("mrpc", "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n1\t1\t2\ta\tb\r\n");
  assert.match(e.message, /carriage return/);
  e = parseError("cola", "gj04\t1\t\tFine.\n\ngj04\t0\t*\tBad.\n");
  assert.equal(e.line, 2, "an empty line in the middle is a malformed row");
  e = parseError("sst2", "sentence\tlabel\n");
  assert.match(e.message, /no examples/);
});

test("well-formed small files parse, with and without final newline and BOM", () => {
  const rows = parseGlueTsv(GLUE_SPECS.mrpc, "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n0\t1\t2\t\"a\tb c\n1\t3\t4\td\te", "x");
  assert.deepEqual(rows, [
    { text: '"a', textPair: "b c", label: 0 },
    { text: "d", textPair: "e", label: 1 },
  ]);
});

test("missing file: error names the path and the fix", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glue-empty-"));
  assert.throws(() => readGlueSplit(dir, "rte", "train"), (err: Error) => err.message.includes(path.join(dir, "RTE", "train.tsv")) && err.message.includes("--glue-dir"));
});

test("task names are case-insensitive and accept sst-2", () => {
  assert.equal(glueTaskName("RTE"), "rte");
  assert.equal(glueTaskName("SST-2"), "sst2");
  assert.equal(glueTaskName("sst2"), "sst2");
  assert.equal(glueTaskName("CoLA"), "cola");
  assert.equal(glueTaskName("qnli"), null);
});
