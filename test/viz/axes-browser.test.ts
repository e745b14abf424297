// What a reader sees on the axes, drawn by plotly in Chromium: a tick label for every layer, and
// small instabilities written as decimals, not with SI suffixes ("800μ") or exponents.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { figureHtml, layerLines, layerLinesGrid, plotlyScriptTag } from "../../src/viz";
import { chromiumPath, NO_CHROMIUM, openOffline } from "../helpers/browser";

test("layer plots label every layer and write small values as plain decimals", { skip: !chromiumPath() && NO_CHROMIUM, timeout: 180_000 }, async () => {
  const layers = Array.from({ length: 24 }, (_, i) => i + 1);
  const small = layers.map((l) => 0.00004 + 0.000005 * l); // 0.000045 … 0.00016: plotly's default writes "50μ", "100μ"
  const single = layerLines({ series: [{ name: "cka", values: small }], layers, title: "one" });
  const grid = layerLinesGrid({ panels: [{ title: "a", series: [{ name: "cka", values: small }] }, { title: "b", series: [{ name: "op", values: small }] }], layers, cols: 2 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-axes-"));
  const file = path.join(dir, "axes.html");
  fs.writeFileSync(file, `<!doctype html><html><body>${plotlyScriptTag()}${figureHtml(single, "single")}${figureHtml(grid, "grid")}</body></html>`);
  const { page, errors, close } = await openOffline({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto("file://" + file, { waitUntil: "load", timeout: 120_000 });
    await page.waitForFunction(`document.querySelectorAll(".main-svg").length >= 2`, undefined, { timeout: 60_000 });
    const ticks = (await page.evaluate(`["single", "grid"].map((id) => {
      const el = document.getElementById(id);
      const text = (sel) => Array.from(el.querySelectorAll(sel)).map((t) => t.textContent);
      return { x: text(".xtick text"), x2: text(".x2tick text"), y: text(".ytick text"), y2: text(".y2tick text") };
    })`)) as { x: string[]; x2: string[]; y: string[]; y2: string[] }[];
    const labels = layers.map(String);
    assert.deepEqual(ticks[0].x, labels, "one tick per layer");
    assert.deepEqual(ticks[1].x, labels);
    assert.deepEqual(ticks[1].x2, labels);
    for (const y of [ticks[0].y, ticks[1].y]) {
      assert.ok(y.length >= 3, `y ticks: ${y.join(" ")}`);
      for (const t of y) assert.match(t, /^(0|0\.\d+)$/, `y tick "${t}" is a plain decimal (${y.join(" ")})`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
