// End to end: the report that `instability reproduce` writes opens offline in headless Chromium
// without errors, and every figure has drawn its traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";
import { chromiumPath, NO_CHROMIUM, openOffline, OVERLAPPING_TICK_LABELS, SIDEWAYS_SCROLL } from "../helpers/browser";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

test("reproduce's report opens in Chromium without errors and draws every figure", { skip: !chromiumPath() && NO_CHROMIUM, timeout: 400_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "reproduce-browser-"));
  const runs = path.join(out, "runs");
  writeSyntheticStore(runs, { configs: [...fiveMethods([0, 1, 2, 3]), { method: "none", lr: 5e-5, seeds: [0, 1, 2, 3, 4, 5], scale: 2, failedSeeds: [1, 4, 5] }] });
  writeSyntheticStore(runs, { task: "other", seed: 5, configs: fiveMethods([0, 1, 2, 3]) });
  const r = spawnSync(process.execPath, [CLI, "reproduce", "--no-sweep", "--out", out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const file = path.join(out, "report.html");

  const { page, errors, requests, close } = await openOffline({ viewport: { width: 1200, height: 900 } });
  try {
    await page.goto("file://" + file, { waitUntil: "load", timeout: 150_000 });
    const plots = (await page.evaluate(`document.querySelectorAll(".il-plot").length`)) as number;
    assert.ok(plots >= 10, `${plots} figures`);
    await page.waitForFunction(`Array.from(document.querySelectorAll(".il-plot")).every((el) => el.querySelector(".main-svg"))`, undefined, { timeout: 150_000 });
    const drawn = (await page.evaluate(`Array.from(document.querySelectorAll(".il-plot")).map((el) => ({
      id: el.id,
      given: el.data ? el.data.length : -1,
      drawn: el.querySelectorAll("g.trace").length + el.querySelectorAll(".hm").length,
      failed: /Figure failed|not loaded/.test(el.textContent || ""),
    }))`)) as { id: string; given: number; drawn: number; failed: boolean }[];
    assert.deepEqual(errors, [], "no console or page errors");
    assert.deepEqual(requests, [], "no network requests");
    for (const d of drawn) {
      assert.ok(!d.failed, `${d.id} failed to draw`);
      assert.ok(d.given > 0, `${d.id} has no traces`);
      assert.equal(d.drawn, d.given, `${d.id}: traces drawn`);
    }
    // Read at a laptop's width: no figure's axis labels overlap, and the per-configuration table
    // (the first a reader meets) fits the page instead of scrolling sideways.
    assert.deepEqual(await page.evaluate(OVERLAPPING_TICK_LABELS), [], "overlapping axis labels at 1200 px");
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForTimeout(500);
    assert.deepEqual(await page.evaluate(SIDEWAYS_SCROLL("#learning .table-wrap")), [], "the per-configuration table scrolls sideways at 1400 px");
    assert.deepEqual(await page.evaluate(OVERLAPPING_TICK_LABELS), [], "overlapping axis labels at 1400 px");
    const sections = (await page.evaluate(`Array.from(document.querySelectorAll("section")).map((s) => s.id)`)) as string[];
    // README image, only when asked for: REPRODUCE_SCREENSHOT=docs/img/reproduce-report.png
    if (process.env.REPRODUCE_SCREENSHOT) await page.screenshot({ path: process.env.REPRODUCE_SCREENSHOT, type: "png" });
    assert.deepEqual(sections, ["learning", "benchmark", "layers", "convergent", "failed", "kendall", "bootstrap", "agreement", "subsampling"]);
  } finally {
    await close();
    fs.rmSync(out, { recursive: true, force: true });
  }
});
