// Headless Chromium (Debian's, driven by playwright-core) for the tests that open HTML we wrote:
// pages load from disk with the network refused, and console/page errors are collected.
import * as fs from "node:fs";
import type { Browser, Page } from "playwright-core";

export const NO_CHROMIUM = "chromium not found (set CHROMIUM_PATH, or apt-get install chromium)";

/** A Chromium/Chrome executable, or null. */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return null;
}

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface OfflinePage {
  page: Page;
  /** Console errors and uncaught page errors, as they happen. */
  errors: string[];
  /** Every non-file request the page tried (all refused). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium and opens a new page that may load file: URLs only. `ignoreConsole` lets a
 * caller set aside console errors that are not its own (e.g. nbconvert's template assets).
 */
export async function openOffline(opts: { viewport?: { width: number; height: number }; ignoreConsole?: (text: string, url: string) => boolean } = {}): Promise<OfflinePage> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(NO_CHROMIUM);
  const { chromium } = await import("playwright-core");
  const browser: Browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const page = await browser.newPage(opts.viewport ? { viewport: opts.viewport } : {});
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const url = m.location().url ?? "";
    if (opts.ignoreConsole?.(m.text(), url)) return;
    errors.push(`console: ${m.text()} ${url}`.trim());
  });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  return { page, errors, requests, close: () => browser.close() };
}

/**
 * In-page code (a string: this project compiles without the DOM typings) listing the drawn plotly
 * figures whose x-axis tick labels overlap one another, as "figure id: 'a' overlaps 'b'". Labels
 * of one axis are compared; plotly rotates labels that would collide, so an overlap here is one
 * a reader sees.
 */
export const OVERLAPPING_TICK_LABELS = `(() => {
  const out = [];
  for (const fig of document.querySelectorAll(".js-plotly-plot")) {
    const id = (fig.closest("[id]") || fig).id || "figure";
    for (const axis of fig.querySelectorAll(".xaxislayer-above")) {
      const boxes = Array.from(axis.querySelectorAll(".xtick text")).map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() })).filter((b) => b.r.width > 0);
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap) out.push(id + ": '" + boxes[i].text + "' overlaps '" + boxes[j].text + "'");
      }
    }
  }
  return out;
})()`;

/** In-page code: elements that scroll sideways (wider content than their box), as "tag.class: content px > box px". */
export const SIDEWAYS_SCROLL = (selector: string) => `Array.from(document.querySelectorAll(${JSON.stringify(selector)}))
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => e.tagName.toLowerCase() + "." + e.className + ": " + e.scrollWidth + " px > " + e.clientWidth + " px")`;
