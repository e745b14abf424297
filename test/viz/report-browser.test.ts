// Opens a rendered report in a real browser (Debian's chromium, driven by playwright-core) and
// checks that it loads offline without errors and that every figure drew all of its traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeReport, type FigureSpec, type ReportFigure } from "../../src/viz";
import { syntheticReport } from "./synthetic-report";
import { chromiumPath, NO_CHROMIUM, openOffline } from "../helpers/browser";


test("the report opens offline in Chromium, without errors, and every figure is drawn", { skip: !chromiumPath() && NO_CHROMIUM, timeout: 300_000 }, async () => {
  const { report } = syntheticReport();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-report-"));
  const file = path.join(dir, "report.html");
  writeReport(file, report);
  const expected = new Map<string, number>();
  for (const s of report.sections) {
    (s.figures ?? []).forEach((f, i) => expected.set(`${s.id}-fig-${i + 1}`, ((f as ReportFigure).spec ?? (f as FigureSpec)).data.length));
  }
  // No network: the report must be self-contained.
  const { page, errors, requests, close } = await openOffline({ viewport: { width: 1200, height: 900 } });
  try {
    // generous: on a busy 2-core machine parsing 10 MB of plotly and drawing every figure is slow
    await page.goto("file://" + file, { waitUntil: "load", timeout: 150_000 });
    // In-page code is passed as text: this project compiles without the DOM typings.
    await page.waitForFunction(`document.querySelectorAll(".il-plot .main-svg").length >= ${expected.size}`, undefined, { timeout: 120_000 });
    const drawn = (await page.evaluate(`Array.from(document.querySelectorAll(".il-plot")).map((el) => {
      const svg = el.querySelector(".main-svg");
      return {
        id: el.id,
        hasSvg: !!svg,
        data: el.data ? el.data.length : -1,
        fullData: el._fullData ? el._fullData.length : -1,
        // drawn traces: scatter/bar/violin/histogram are <g class="trace">, heatmaps <image class="hm">
        domTraces: el.querySelectorAll("g.trace").length + el.querySelectorAll(".hm").length,
        width: svg ? svg.getBoundingClientRect().width : 0,
      };
    })`)) as { id: string; hasSvg: boolean; data: number; fullData: number; domTraces: number; width: number }[];
    if (process.env.VIZ_DEBUG) console.log(drawn);
    assert.deepEqual(errors, [], "no console or page errors");
    assert.deepEqual(requests, [], "no network requests");
    assert.equal(drawn.length, expected.size);
    for (const d of drawn) {
      const want = expected.get(d.id);
      assert.ok(want !== undefined, `unexpected figure ${d.id}`);
      assert.ok(d.hasSvg, `${d.id} has no .main-svg`);
      assert.ok(d.width > 300, `${d.id} is ${d.width}px wide`);
      assert.equal(d.data, want, `${d.id}: traces given to plotly`);
      assert.equal(d.fullData, want, `${d.id}: traces plotly accepted`);
      assert.equal(d.domTraces, want, `${d.id}: traces drawn`);
    }
    const shot = path.join(dir, "report.png");
    await page.screenshot({ path: shot, fullPage: false });
    assert.ok(fs.statSync(shot).size > 10_000, "screenshot is not blank");
    // README image, only when asked for: VIZ_SCREENSHOT=docs/img/report.png
    if (process.env.VIZ_SCREENSHOT) {
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: process.env.VIZ_SCREENSHOT, type: "png" });
    }
  } finally {
    await close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
