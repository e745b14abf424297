// What a reader meets in a cell (issue 33): display helpers return nothing for tslab to echo,
// work shows one status display (or nothing when quick), table numbers are rounded as the caption
// says, notebook 07 has runs to measure without RUNS_DIR, and the check that executed notebooks
// pass (outputProblems) catches the dumps, floods and 0/0 displays it is meant to.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import { RunStore } from "../../src/analysis/store";
import { learningFinding } from "../../src/analysis/findings";
import { setDisplaySink, type MimeBundle } from "../../src/notebook/display";
import { cellStatus } from "../../src/notebook/progress";
import { showSection } from "../../src/notebook/section";
import { columnFormatter, tableText } from "../../src/notebook/table";
import { demoRuns } from "../../src/notebook/demoRuns";
import { writeSyntheticStore } from "../../src/notebook/syntheticStore";
import { loadRuns } from "../../src/runs";
import { outputProblems, type Notebook } from "../helpers/jupyter";
import { mkdtemp } from "../helpers/tempDir";

type Sent = { bundle: MimeBundle; display?: { id: string; update: boolean } };
function capture<T>(fn: () => T): { value: T; sent: Sent[] } {
  const sent: Sent[] = [];
  const previous = setDisplaySink((bundle, display) => sent.push({ bundle, display }));
  try {
    return { value: fn(), sent };
  } finally {
    setDisplaySink(previous);
  }
}

test("showSection shows the section and returns nothing; the finding is the analysis layer's", () => {
  const dir = mkdtemp("reader-section-");
  writeSyntheticStore(dir, { tasks: ["t"], methods: ["none"], seeds: [0, 1, 2, 3], n: 30, width: 32, blocks: 2 });
  const store = new RunStore(dir);
  const { value, sent } = capture(() => showSection(store, "learning"));
  assert.equal(value, undefined, "tslab echoes any value a cell's last expression returns");
  const plain = sent.map((s) => String(s.bundle["text/plain"]));
  const finding = learningFinding(store);
  assert.ok(plain.some((t) => t.startsWith(`${finding.title}: ${finding.verdict}.`)), plain.join("\n"));
  assert.equal(sent.filter((s) => "application/vnd.plotly.v1+json" in s.bundle).length, 1);
  // the report's own table: its headers and formats, not the notebook's
  assert.ok(sent.some((s) => /learning<br>rate/.test(String(s.bundle["text/html"]))));
});

test("cellStatus: nothing for work under a second; otherwise one display updated in place, closed with the count", () => {
  let t = 0;
  const quick = capture(() => {
    const s = cellStatus({ verb: "measuring", doneVerb: "measured", unit: "configurations", now: () => t });
    t = 300; s.step("a");
    t = 900; s.finish();
  });
  assert.deepEqual(quick.sent, []);
  t = 0;
  const nothing = capture(() => {
    const s = cellStatus({ verb: "measuring", doneVerb: "measured", unit: "configurations", now: () => t });
    t = 5000; s.finish();  // a slow analysis that measured nothing new: no "measured 0 configurations"
  });
  assert.deepEqual(nothing.sent, []);
  t = 0;
  const slow = capture(() => {
    const s = cellStatus({ verb: "measuring", doneVerb: "measured", unit: "configurations", now: () => t });
    t = 500; s.step("a");   // before 1 s: not shown
    t = 1500; s.step("b");  // shown
    t = 1700; s.step("c");  // within 500 ms of the last drawing: not redrawn
    t = 3250; s.finish();
  });
  assert.deepEqual(slow.sent.map((s) => s.bundle["text/plain"]), [
    "measuring: 2 configurations, elapsed 00:02 · b",
    "measured 3 configurations in 3.3 s",
  ]);
  assert.equal(new Set(slow.sent.map((s) => s.display!.id)).size, 1);
  assert.deepEqual(slow.sent.map((s) => s.display!.update), [false, true]);
  assert.match(String(slow.sent[1].bundle["text/html"]), /<progress value="3" max="3"/);
});

test("table numbers: a column's precision comes from its largest number, and noise below it prints as 0", () => {
  const seven = columnFormatter([2.55e-16, 0.4123, 0], { digits: 3 });
  assert.deepEqual([2.55e-16, 0.4123, 0, -1e-17].map(seven), ["0.000", "0.412", "0.000", "0.000"]);
  const fixed = columnFormatter([0.8, 0.123456], { decimals: 2 });
  assert.deepEqual([0.8, 0.123456, 1].map(fixed), ["0.80", "0.12", "1.00"]);
  assert.deepEqual([3, 10].map(columnFormatter([3, 10], { decimals: 2 })), ["3", "10"], "a column of integers (run counts) stays as it is");
  assert.equal(columnFormatter([1e-9, 2e-9])(1e-9), "0.000000", "at most 6 decimals");
  assert.equal(tableText([{ set: "identical", svcca: 2.55e-16 }, { set: "different", svcca: 0.0361 }], { digits: 3 }),
    ["      set   svcca", "identical  0.0000", "different  0.0361"].join("\n"));
});

test("demoRuns: the main job's Standard runs when there are some, else synthetic runs written once", () => {
  const root = mkdtemp("reader-demo-");
  const empty = path.join(root, "no-store");
  const synthetic = path.join(root, "demo");
  const first = capture(() => demoRuns({ store: empty, syntheticDir: synthetic }));
  assert.equal(first.value.source, "synthetic");
  assert.equal(loadRuns(first.value.dir).runs.length, 5);
  const note = String(first.sent[0].bundle["text/plain"]);
  assert.match(note, /^RUNS_DIR is not set: this notebook measures a demo folder\./);
  assert.match(note, /set RUNS_DIR in the first code cell/);
  const again = demoRuns({ store: empty, syntheticDir: synthetic, show: false });
  assert.equal(again.dir, first.value.dir);
  assert.doesNotMatch(again.description, /just now/, "the second call reuses the runs");

  const store = path.join(root, "store");
  writeSyntheticStore(store, { model: "m", tasks: ["t"], methods: ["none", "llrd"], seeds: [0, 1, 2], failedRuns: true, n: 20, width: 24, blocks: 2 });
  const main = demoRuns({ store, syntheticDir: synthetic, show: false });
  assert.equal(main.source, "main job");
  assert.equal(main.dir, path.join(store, "m", "t", fs.readdirSync(path.join(store, "m", "t")).filter((d) => d.startsWith("none-")).sort()[0]));
  assert.equal(loadRuns(main.dir).runs.length, 3);
});

function notebookWith(...outputs: object[][]): Notebook {
  return { metadata: {}, cells: outputs.map((o) => ({ cell_type: "code", source: "x", outputs: o as never })) };
}
const stream = (text: string) => ({ output_type: "stream", name: "stdout", text });

test("outputProblems catches an echoed finding, a flood of log lines and a progress display at 0/0", () => {
  // tslab prints a cell's last value with console.log, i.e. util.inspect: the same text as here
  const finding = { id: "learning", title: "Do the runs learn?", observed: [{ model: "tiny-bert-en", ciLower: 0.7821874999999999 }] };
  const echoed = outputProblems(notebookWith([stream(inspect(finding) + "\n")]));
  assert.equal(echoed.length, 1);
  assert.match(echoed[0], /cell 0 prints an object as text: \{/);
  assert.match(outputProblems(notebookWith([stream(inspect(new Map([["a", 1]])) + "\n")]))[0], /Map\(1\) \{/);
  const log = Array.from({ length: 7 }, (_, i) => `measuring tiny-bert-en/spam/standard-lr${i}: 8 runs, 4 layers\n  done in 2.1 s\n`).join("");
  assert.match(outputProblems(notebookWith([stream(log)]))[0], /cell 0 prints 14 lines of text/);
  const zero = { output_type: "display_data", data: { "text/html": '<div class="instability-lab-progress">…</div>', "text/plain": "fine-tuning: 0/0 runs (100%), 0.00 runs/s" } };
  assert.match(outputProblems(notebookWith([zero]))[0], /leaves a progress display at 0\/0/);
  assert.match(outputProblems(notebookWith([{ output_type: "execute_result", data: { "text/plain": "42" } }]))[0], /echoes its value: 42/);
  // what the notebooks do print passes
  assert.deepEqual(outputProblems(notebookWith(
    [stream("SD is 0.000 for the identical runs and 0.000 for the different runs.\n")],
    [{ output_type: "display_data", data: { "text/html": '<div class="instability-lab-progress"></div>', "text/plain": "demo sweep: 5/5 runs (100%)" } }],
    [stream("[note] block 4: 2 pairs undefined\n")],
  )), []);
});
