import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { correlationHeatmap, plotlyBundlePath, plotlyScriptTag, renderReport, toCsv, writeCsvFiles, writeReport, type Report } from "../../src/viz";

const heat = correlationHeatmap({ matrix: [[1, 0.5], [0.5, 1]], names: ["sd", "pwd"] });

const report: Report = {
  title: "Report <test>",
  subtitle: "sub",
  sections: [
    {
      id: "bench",
      title: "Benchmark",
      paperFinding: "paper says <b>x</b>",
      ourFinding: "we see y",
      figures: [heat, { spec: heat, caption: "second" }],
      tables: [{ caption: "Table A", rows: [{ method: "llrd", sd: 0.0123456 }], csv: "table-a.csv" }],
    },
    { id: "layers", title: "Layers", text: "<p>plain text</p>", tables: [{ caption: "Ready", html: "<table><tr><td>1</td></tr></table>" }] },
  ],
  footer: "footer text",
};

test("renderReport: self-contained page with plotly inlined, contents, findings, figures and tables", () => {
  const html = renderReport(report);
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  // plotly.js is in the page itself, and nothing is loaded from elsewhere
  const bundle = fs.readFileSync(plotlyBundlePath(), "utf8");
  assert.ok(html.includes(bundle.slice(0, 2000)) && html.includes(bundle.slice(-2000)));
  assert.doesNotMatch(html, /<script[^>]+src=/i);
  assert.doesNotMatch(html, /<link[^>]+href=/i);
  assert.match(html, /<title>Report &lt;test&gt;<\/title>/);
  assert.match(html, /<li><a href="#bench">Benchmark<\/a><\/li>/);
  assert.match(html, /<li><a href="#layers">Layers<\/a><\/li>/);
  assert.match(html, /What the paper found<\/h3>paper says <b>x<\/b>/);
  assert.match(html, /What this run found<\/h3>we see y/);
  assert.match(html, /<div id="bench-fig-1"/);
  assert.match(html, /<div id="bench-fig-2"[^]*<figcaption>second<\/figcaption>/);
  assert.match(html, /<caption>Table A<\/caption>/);
  assert.match(html, /<td class="num">0\.0123<\/td>/);
  assert.match(html, /<a href="table-a.csv">/);
  assert.match(html, /<table><tr><td>1<\/td><\/tr><\/table>/);
  assert.match(html, /<footer>footer text<\/footer>/);
  // figures are drawn after plotly is defined
  assert.ok(html.indexOf("window.Plotly = Plotly") < html.indexOf("Plotly.newPlot(el"));
});

test("renderReport rejects bad or duplicate section ids and tables without content", () => {
  assert.throws(() => renderReport({ title: "t", sections: [{ id: "a b", title: "x" }] }), /section id "a b" is not a valid HTML id/);
  assert.throws(() => renderReport({ title: "t", sections: [{ id: "a", title: "x" }, { id: "a", title: "y" }] }), /two sections have the id "a"/);
  assert.throws(() => renderReport({ title: "t", sections: [{ id: "a", title: "x", tables: [{ caption: "c" }] }] }), /table "c" in section "a" has neither html nor rows/);
});

test("writeReport and writeCsvFiles write complete files and leave no temporary files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-write-"));
  try {
    const file = path.join(dir, "out", "report.html");
    const bytes = writeReport(file, report);
    assert.equal(fs.statSync(file).size, bytes);
    assert.equal(fs.readFileSync(file, "utf8"), renderReport(report));
    const rows = [{ a: 1, b: "x" }];
    const written = writeCsvFiles(path.join(dir, "out"), { "table-a": rows, "b.csv": { columns: ["c"], values: [[2]] } });
    assert.deepEqual(written.map((f) => path.basename(f)), ["table-a.csv", "b.csv"]);
    assert.equal(fs.readFileSync(written[0], "utf8"), toCsv(rows));
    assert.equal(fs.readFileSync(written[1], "utf8"), "c\n2\n");
    assert.deepEqual(fs.readdirSync(path.join(dir, "out")).sort(), ["b.csv", "report.html", "table-a.csv"]);
    assert.throws(() => writeCsvFiles(dir, { "../evil": rows }), /not a safe file name/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("plotlyScriptTag({ once: true }) guards the bundle so a page that has Plotly keeps it", () => {
  const tag = plotlyScriptTag({ once: true });
  assert.ok(tag.startsWith("<script>if(!window.Plotly){\n") && tag.endsWith("\n}</script>"));
  assert.equal(tag.length, plotlyScriptTag().length + "if(!window.Plotly){\n\n}".length);
  // the guarded bundle is still one valid script
  assert.doesNotThrow(() => new Function(tag.slice("<script>".length, -"</script>".length)));
});
