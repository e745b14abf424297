// Store folder names are untrusted text (issue 31, items 7–9): in findings.md no name becomes an
// HTML tag, entity or link; in report.html a right-to-left override cannot reverse the rest of a
// sentence and a 160-character name wraps; in the terminal an escape sequence is shown, not obeyed.
// Plain names come back unchanged, so the default outputs do not move.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeAnalysisReport } from "../../src/report";
import { escapeHtml } from "../../src/util/escapeHtml";
import { markdownCode, markdownText, terminalText } from "../../src/util/displayText";
import { writeSyntheticStore, fiveMethods } from "../analysis/synthetic";
import { mkdtemp } from "../helpers/tempDir";
import { REPO_ROOT } from "../helpers/glue";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const IMG = "<img src=x onerror=alert(1)>";
const RLO = "\u202e";
const LONG = "t".repeat(160);

test("every text line of the committed findings.md (made from plain names) is unchanged by the escapers", () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, "docs", "findings.md"), "utf8");
  const lines = text.slice(text.indexOf("| finding |")).split("\n"); // the generated part, after the header
  for (const line of lines) {
    if (line.startsWith("<a id=") || line.startsWith("|")) continue; // our own anchors and table links (their titles are the "## " lines)
    assert.equal(markdownText(line), line);
    assert.equal(terminalText(line), line);
  }
  assert.equal(markdownCode("instability reproduce --preset quick"), "`instability reproduce --preset quick`");
  assert.equal(escapeHtml("tiny-bert-en/spam WD_pre: 0.758 [0.1, 0.3]"), "tiny-bert-en/spam WD_pre: 0.758 [0.1, 0.3]");
});

test("the escapers: tags, entities, links, code spans, control characters and bidi overrides", () => {
  assert.equal(markdownText(`a ${IMG} &amp; [x](javascript:y) \`c\``), "a &lt;img src=x onerror=alert(1)> &amp;amp; [x]\\(javascript:y) \\`c\\`");
  assert.equal(markdownText("two\nlines"), "two\\u000Alines");
  assert.equal(markdownCode("a `b` c"), "``a `b` c``");
  assert.equal(terminalText("run\u001b]0;owned\u0007\u001b[2J"), "run\\u001B]0;owned\\u0007\\u001B[2J");
  assert.equal(escapeHtml(`spam${RLO} rises by 0.758`), "spam\\u202E rises by 0.758");
});

test("a store whose folder names hold HTML, a right-to-left override and 160 characters: findings.md and report.html stay inert", () => {
  const dir = mkdtemp("hostile-store-");
  const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
  writeSyntheticStore(dir, { model: IMG, task: `spam${RLO}`, configs: fiveMethods(seeds) });
  writeSyntheticStore(dir, { model: "tiny", task: LONG, seed: 11, configs: fiveMethods(seeds) });
  const out = mkdtemp("hostile-report-");
  const written = writeAnalysisReport(dir, out, { bootstrap: { resamples: 20 }, failure: { permutations: 10 }, subsampling: { repetitions: 1 } });
  const md = fs.readFileSync(written.findings, "utf8");
  assert.ok(md.includes("&lt;img src=x onerror=alert(1)>"), "the name is still there, as text");
  assert.doesNotMatch(md, /<img/);
  assert.ok(!md.includes(RLO));
  const html = fs.readFileSync(written.report, "utf8");
  assert.ok(!html.includes(RLO), "no live right-to-left override in report.html");
  assert.ok(html.includes("spam\\u202E"));
  assert.doesNotMatch(html.replace(/<script[\s\S]*?<\/script>/g, ""), /<img src=x/);
  assert.match(html, /main\{[^}]*overflow-wrap:anywhere/, "long names wrap instead of overflowing the page");
});

test("measure prints a folder name's escape sequences as visible marks, never raw", () => {
  const dir = mkdtemp("hostile-measure-");
  const nasty = "toy\u001b]0;owned\u0007\u001b[2J";
  writeSyntheticStore(dir, { model: "tiny", task: nasty, configs: [{ method: "none", lr: 2e-5, seeds: [0, 1, 2], scale: 1 }] });
  const configuration = path.join(dir, "tiny", nasty, fs.readdirSync(path.join(dir, "tiny", nasty))[0]);
  const r = spawnSync(process.execPath, [CLI, "measure", configuration], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!(r.stdout + r.stderr).includes("\u001b"), "no raw escape character reaches the terminal");
  assert.match(r.stdout, /toy\\u001B\]0;owned\\u0007\\u001B\[2J/);
  // and an error naming such a folder is one visible line too
  const e = spawnSync(process.execPath, [CLI, "measure", path.join(dir, "missing\u001b[2J")], { encoding: "utf8" });
  assert.notEqual(e.status, 0);
  assert.ok(!e.stderr.includes("\u001b"), e.stderr);
  assert.match(e.stderr, /missing\\u001B\[2J/);
});
