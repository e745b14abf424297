// Opens a rendered report in a real browser (Debian's chromium, driven by playwright-core) and
// checks that it loads offline without errors and that every figure drew all of its traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeReport, type FigureSpec, type ReportFigure } from "../../src/viz";
import { syntheticReport } from "./synthetic-report";

const CHROMIUM = "/usr/bin/chromium";
const NO_CHROMIUM = `${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium) to run the browser test`;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

test("the report opens offline in Chromium, without errors, and every figure is drawn", { skip: !fs.existsSync(CHROMIUM) && NO_CHROMIUM, timeout: 300_000 }, async () => {
  const { chromium } = await import("playwright-core");
  const { report } = syntheticReport();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-report-"));
  const file = path.join(dir, "report.html");
  writeReport(file, report);
  const expected = new Map<string, number>();
  for (const s of report.sections) {
    (s.figures ?? []).forEach((f, i) => expected.set(`${s.id}-fig-${i + 1}`, ((f as ReportFigure).spec ?? (f as FigureSpec)).data.length));
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    // No network: the report must be self-contained.
    const requests: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      requests.push(url);
      return route.abort();
    });
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
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
