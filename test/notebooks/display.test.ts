// The notebook display helpers outside a kernel: what they publish, and the HTML they build.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vm from "node:vm";
import {
  figureHtml, formatCell, jsonForScript, MimeBundle, progress, formatDuration, setDisplaySink, show, showTable,
  tableData, tableHtml, tableText, escapeHtml, plotlyLoaderHtml, publish,
} from "../../src/notebook";

function capture(fn: () => void): MimeBundle[] {
  const bundles: MimeBundle[] = [];
  const previous = setDisplaySink((b) => bundles.push(b));
  try {
    fn();
  } finally {
    setDisplaySink(previous);
  }
  return bundles;
}

/** Runs a figure's inline script against a fake window/document; returns newPlot's calls. */
function runFigureScript(html: string, withPlotly: boolean) {
  const script = /<script type="text\/javascript">\n([\s\S]*)<\/script>/.exec(html)![1];
  const id = /<div id="([^"]+)"/.exec(html)![1];
  const calls: unknown[][] = [];
  const el = { id };
  const window: Record<string, unknown> = {};
  if (withPlotly) window.Plotly = { newPlot: (...args: unknown[]) => { calls.push(args); return Promise.resolve(); } };
  const document = { getElementById: (x: string) => (x === id ? el : null) };
  vm.runInNewContext(script, { window, document, console, Promise });
  // Objects made inside the vm context have its prototypes; compare them as plain JSON.
  return { calls: calls.map((c) => c.map((v) => (v === el ? v : JSON.parse(JSON.stringify(v))))), el, window };
}

test("a figure's HTML draws its exact spec into its own div, now or once plotly.js arrives", () => {
  const fig = { data: [{ type: "bar", x: ["a</script><b>", "b"], y: [1, 2] }], layout: { title: { text: "t" }, height: 300 } };
  const html = figureHtml(fig, "fig-1");
  assert.match(html, /<div id="fig-1" class="instability-lab-figure" style="width:100%;height:300px"><\/div>/);
  assert.equal((html.match(/<\/script/g) ?? []).length, 1, "the label's </script> must not close the script early");

  const now = runFigureScript(html, true);
  assert.equal(now.calls.length, 1);
  const [el, data, layout, config] = now.calls[0] as [unknown, unknown, unknown, Record<string, unknown>];
  assert.equal(el, now.el);
  assert.deepEqual(data, fig.data);
  assert.deepEqual(layout, fig.layout);
  assert.equal(config.responsive, true);

  const later = runFigureScript(html, false);
  assert.equal(later.calls.length, 0);
  const queue = later.window.__instabilityLabPlotlyQueue as Array<() => void>;
  assert.equal(queue.length, 1, "a figure rendered before plotly.js queues its draw");
  const calls: unknown[][] = [];
  later.window.Plotly = { newPlot: (...a: unknown[]) => { calls.push(a); return Promise.resolve(); } };
  queue.shift()!();
  assert.deepEqual(JSON.parse(JSON.stringify(calls[0][1])), fig.data);
});

test("the loader defines window.Plotly from plotly.js-dist and drains queued figures", () => {
  const html = plotlyLoaderHtml();
  assert.ok(!/<script[^>]*src=/.test(html), "no external script (no CDN)");
  assert.ok(html.length > 1_000_000, "plotly.js is inlined");
  // Run the loader's drain step against a fake window that already has Plotly: queued draws run once.
  const script = /<script type="text\/javascript">\n([\s\S]*)<\/script>/.exec(html)![1];
  const drain = script.slice(script.lastIndexOf("(function () { var q"));
  let ran = 0;
  const window: Record<string, unknown> = { Plotly: {}, __instabilityLabPlotlyQueue: [() => ran++, () => ran++] };
  vm.runInNewContext(drain, { window, console });
  assert.equal(ran, 2);
  assert.equal((window.__instabilityLabPlotlyQueue as unknown[]).length, 0);
});

test("show() sends plotly.js once, then one bundle per figure with the spec as plotly JSON", () => {
  const fig = { data: [{ type: "scatter", y: [3, 1] }], layout: { title: "x" } };
  const bundles = capture(() => {
    show(fig);
    show(fig);
  });
  const loaders = bundles.filter((b) => String(b["text/html"]).includes("instability-lab-plotly-loader"));
  assert.equal(loaders.length, 1, "plotly.js is sent once per session, before the first figure");
  assert.ok(bundles.indexOf(loaders[0]) === 0);
  const figures = bundles.filter((b) => "application/vnd.plotly.v1+json" in b);
  assert.equal(figures.length, 2);
  assert.deepEqual(figures[0]["application/vnd.plotly.v1+json"], { data: fig.data, layout: fig.layout, config: {} });
  assert.equal(figures[0]["text/plain"], '<plotly figure: 1 trace (scatter) "x">');
  assert.notEqual(figures[0]["text/html"], figures[1]["text/html"], "each figure gets its own div id");
  assert.throws(() => show({} as never), /figure must be a plotly spec/);
});

test("jsonForScript round-trips values and never emits '<'", () => {
  const value = { s: "</script><!-- \u2028 \u2029 & ' \"", n: [1.5, -0, 1e-9] };
  const text = jsonForScript(value);
  assert.ok(!text.includes("<"));
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("tables from row objects: union of columns in order, numbers formatted, HTML escaped", () => {
  const rows = [{ model: "bert", sd: 0.0123456 }, { model: "<roberta>", sd: 2, note: "x" }];
  const d = tableData(rows);
  assert.deepEqual(d.columns, ["model", "sd", "note"]);
  assert.deepEqual(d.rows, [["bert", 0.0123456, undefined], ["<roberta>", 2, "x"]]);
  const html = tableHtml(rows);
  assert.match(html, /<th>model<\/th><th>sd<\/th><th>note<\/th>/);
  assert.match(html, /<td>&lt;roberta&gt;<\/td><td style="text-align:right">2\.000<\/td><td>x<\/td>/);
  // a column's precision comes from its largest number (2 with 4 significant digits: 3 decimals)
  assert.match(html, /0\.012</);
  assert.equal(tableText(rows), ["    model     sd  note", "     bert  0.012", "<roberta>  2.000     x"].join("\n"));
  assert.throws(() => tableData([1, 2]), /row 0 is 1/);
  assert.throws(() => tableData("x"), /expected a danfo DataFrame/);
});

test("formatCell: integers kept, others to significant digits, empty for missing", () => {
  assert.equal(formatCell(20), "20");
  assert.equal(formatCell(0.123456), "0.1235");
  assert.equal(formatCell(0.123456, 2), "0.12");
  assert.equal(formatCell(123456.789), "123500");
  assert.equal(formatCell(NaN), "NaN");
  assert.equal(formatCell(null), "");
  assert.equal(formatCell(undefined), "");
});

test("tables cut at maxRows say how many rows were left out", () => {
  const rows = Array.from({ length: 7 }, (_, i) => ({ i }));
  const html = tableHtml(rows, { maxRows: 5 });
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 5);
  assert.match(html, /… 2 more rows \(of 7\)/);
});

test("a danfo DataFrame shows as the same table as its rows", async () => {
  let dfd: typeof import("danfojs-node");
  try {
    dfd = await import("danfojs-node");
  } catch (e) {
    return void test.skip?.(`danfojs-node does not load here: ${(e as Error).message}`);
  }
  const rows = [{ method: "Standard", sd: 0.0177 }, { method: "LLRD", sd: 0.0282 }];
  const df = new dfd.DataFrame(rows);
  assert.equal(tableHtml(df), tableHtml(rows));
  const indexed = new dfd.DataFrame(rows, { index: ["a", "b"] });
  assert.match(tableHtml(indexed), /<tr><th>a<\/th><td>Standard<\/td>/);
  const bundles = capture(() => showTable(df, { caption: "SD" }));
  assert.equal(bundles.length, 1);
  assert.match(String(bundles[0]["text/html"]), /<caption style="text-align:left">SD<\/caption>/);
  assert.match(String(bundles[0]["text/plain"]), /LLRD  0\.0282/);
});

test("publish() outside a kernel explains where the helpers work", () => {
  assert.throws(() => publish({ "text/plain": "x" }), /no running tslab kernel/);
});

test("progress prints the first line, then at most one per interval, and always the last", () => {
  let t = 0;
  const lines: string[] = [];
  const p = progress({ label: "sweep", total: 4, unit: "runs", everyMs: 10_000, now: () => t, write: (l) => lines.push(l) });
  t = 5_000; p.update(1);
  t = 9_000; p.update(2); // within 10 s of the last line: silent
  t = 20_000; p.update(3, "seed 3");
  t = 21_000; p.update(4);
  p.finish(); // already printed the last step: nothing more
  assert.deepEqual(lines, [
    "sweep: 1/4 runs (25%), 0.20 runs/s, elapsed 00:05, ETA 00:15",
    "sweep: 3/4 runs (75%), 0.15 runs/s, elapsed 00:20, ETA 00:07 · seed 3",
    "sweep: 4/4 runs (100%), 0.19 runs/s, elapsed 00:21, ETA 00:00 · seed 3",
  ]);
  assert.throws(() => p.update(-1), /done must be a number ≥ 0/);
});

test("progress without a total counts up and closes with finish()", () => {
  let t = 0;
  const lines: string[] = [];
  const p = progress({ everyMs: 0, now: () => t, write: (l) => lines.push(l) });
  t = 61_000; p.update(2);
  t = 3_725_000; p.finish("done");
  assert.deepEqual(lines, ["2 steps, elapsed 01:01", "2 steps, elapsed 1:02:05 · done"]);
  assert.equal(formatDuration(59.4), "00:59");
});

test("in a cell, progress is one display updated in place: one id, made once, then only updates", () => {
  const sent: { bundle: MimeBundle; display?: { id: string; update: boolean } }[] = [];
  const previous = setDisplaySink((bundle, display) => sent.push({ bundle, display }));
  try {
    let t = 0;
    const p = progress({ label: "sweep", total: 3, unit: "runs", everyMs: 0, now: () => t });
    for (let k = 1; k <= 3; k++) { t += 1000; p.update(k, `seed ${k}`); }
    p.finish();
  } finally {
    setDisplaySink(previous);
  }
  assert.equal(sent.length, 3, "the last update already closes the display; finish() adds nothing");
  const ids = new Set(sent.map((s) => s.display?.id));
  assert.equal(ids.size, 1);
  assert.match([...ids][0]!, /^instability-lab-progress-[0-9a-f]{12}$/);
  assert.deepEqual(sent.map((s) => s.display?.update), [false, true, true]);
  assert.deepEqual(sent.map((s) => s.bundle["text/plain"]), [
    "sweep: 1/3 runs (33%), 1.00 runs/s, elapsed 00:01, ETA 00:02 · seed 1",
    "sweep: 2/3 runs (66%), 1.00 runs/s, elapsed 00:02, ETA 00:01 · seed 2",
    "sweep: 3/3 runs (100%), 1.00 runs/s, elapsed 00:03, ETA 00:00 · seed 3",
  ]);
  assert.match(String(sent[2].bundle["text/html"]), /<progress value="3" max="3"[^>]*><\/progress> <span>sweep: 3\/3 runs/);
});
