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
