// Driving a notebook in JupyterLab 4 or Notebook 7 (same widgets, same menus) the way a user
// does: open it, check the kernel, Run → Run All Cells, wait, save with Ctrl+S. And reading back
// what the page shows: prompts, figures (plotly's SVG), tables, progress displays, errors.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath, NO_CHROMIUM } from "./browser";
import type { JupyterServer } from "./jupyterServer";

export const KERNEL_DISPLAY_NAME = "Instability Lab (TypeScript)";
/** The notebook on show: JupyterLab keeps other tabs of the workspace in the page, hidden. */
export const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(NO_CHROMIUM);
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface UiPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught page errors and console errors, as they happen. */
  errors: string[];
  /** Requests to anywhere but the Jupyter server (all refused: figures must draw offline). */
  external: string[];
}

/** A fresh browser context (no storage shared with earlier ones), network limited to `server`. */
export async function newUiPage(browser: Browser, server: JupyterServer): Promise<UiPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const external: string[] = [];
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.base) || url.startsWith("ws://127.0.0.1") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    external.push(url);
    return route.abort();
  });
  return { page, context, errors, external };
}

/** The notebook's URL in this server's front end. */
export function notebookUrl(server: JupyterServer, name: string): string {
  // ?reset: a fresh workspace, not the tabs an earlier page left open.
  return server.url(server.app === "lab" ? `/lab/tree/${encodeURIComponent(name)}?reset` : `/notebooks/${encodeURIComponent(name)}`);
}

/**
 * Opens a notebook; picks our kernel if Jupyter asks; resolves once that kernel is idle (or,
 * with waitForKernel false, once the cells are there). Returns the kernel's name as shown.
 */
export async function openNotebook(ui: UiPage, server: JupyterServer, name: string, opts: { timeoutMs?: number; waitForKernel?: boolean } = {}): Promise<string> {
  const { page } = ui;
  const timeoutMs = opts.timeoutMs ?? 180_000;
  await page.goto(notebookUrl(server, name), { timeout: timeoutMs });
  await page.locator(`${PANEL} .jp-Cell`).first().waitFor({ timeout: timeoutMs });
  if (opts.waitForKernel === false) return "";
  const deadline = Date.now() + timeoutMs;
  let kernel = "";
  for (;;) {
    // A "Select Kernel" dialog appears only when the notebook's kernelspec is unknown.
    const dialog = page.locator(".jp-Dialog");
    if (await dialog.count()) {
      const select = dialog.locator("select");
      if (await select.count()) await select.selectOption({ label: KERNEL_DISPLAY_NAME });
      await dialog.locator("button.jp-mod-accept").click();
    }
    const status = await page.locator(`${PANEL} .jp-Notebook-ExecutionIndicator`).first().getAttribute("data-status").catch(() => null);
    // The toolbar says "No Kernel" (and the indicator idle) until the session has its kernel.
    kernel = (await page.locator(`${PANEL} .jp-KernelName`).first().textContent().catch(() => ""))?.trim() ?? "";
    if (status === "idle" && kernel && kernel !== "No Kernel") break;
    if (Date.now() > deadline) throw new Error(`${name}: no idle kernel within ${timeoutMs / 1000} s (kernel "${kernel}", status ${status})`);
    await page.waitForTimeout(500);
  }
  return kernel;
}

/** Run → Run All Cells from the menu bar, then waits until no cell is queued or running. */
export async function runAllCells(ui: UiPage, codeCells: number, timeoutMs: number): Promise<void> {
  const { page } = ui;
  // A click can land while the UI is still settling (seen once in Notebook 7: the menu closed and
  // no cell was queued), so Run All is chosen again if no cell has started 30 s later.
  for (let attempt = 1; ; attempt++) {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    if (await cellsStarted(page, 30_000)) break;
    if (attempt === 2) throw new Error("Run → Run All Cells was chosen twice and no cell started");
  }
  await waitForCells(page, codeCells, timeoutMs);
}

/** Whether some code cell shows a count or "*" within `timeoutMs`. */
async function cellsStarted(page: Page, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await cellPrompts(page)).some((p) => /\[(\d+|\*)\]/.test(p))) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

/** Until every code cell shows a count (or none is queued/running and the kernel is idle). */
export async function waitForCells(page: Page, codeCells: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const prompts = await cellPrompts(page);
    const status = await page.locator(`${PANEL} .jp-Notebook-ExecutionIndicator`).first().getAttribute("data-status").catch(() => null);
    const running = prompts.some((p) => p.includes("*"));
    const counted = prompts.filter((p) => /\[\d+\]/.test(p)).length;
    quiet = !running && status === "idle" ? quiet + 1 : 0;
    if ((counted >= codeCells && !running) || quiet >= 6) return;
    if (Date.now() > deadline) throw new Error(`cells still running after ${timeoutMs / 1000} s: prompts ${JSON.stringify(prompts)}`);
    await page.waitForTimeout(500);
  }
}

/** The input prompts of the code cells as shown ("[3]:", "[*]:", "[ ]:"). */
export function cellPrompts(page: Page): Promise<string[]> {
  return page.evaluate(`Array.from(document.querySelectorAll("${PANEL} .jp-CodeCell .jp-InputPrompt")).map((e) => e.textContent.trim())`) as Promise<string[]>;
}

/** Ctrl+S in the notebook (command mode), then waits until the file on disk satisfies `saved`. */
export async function saveNotebook(ui: UiPage, saved: () => boolean, timeoutMs = 60_000): Promise<void> {
  const { page } = ui;
  // Ctrl+S is bound on the whole page (docmanager:save); focus the notebook, not an editor.
  await page.evaluate(`document.querySelector("${PANEL} .jp-Notebook").focus()`);
  await page.keyboard.press("Control+s");
  const deadline = Date.now() + timeoutMs;
  while (!saved()) {
    if (Date.now() > deadline) throw new Error(`the notebook was not saved within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}

export interface PageOutputs {
  /** Plotly outputs (rendered by the plotly mime renderer) and how many of them hold plotly's SVG. */
  figures: number;
  drawn: number;
  /** Plotly outputs showing the PNG stored in the notebook (what a reopened notebook shows first). */
  images: number;
  /** <table>s in outputs, and how many have at least one body row. */
  tables: number;
  filledTables: number;
  /** Texts of our progress displays. */
  progress: string[];
  /** Outputs rendered as trusted (scripts allowed). */
  trusted: number;
  /** Texts of stderr and error outputs (JupyterLab renders both as application/vnd.jupyter.stderr). */
  stderr: string[];
}

/**
 * Scrolls through every cell (JupyterLab renders cells lazily), then reads what the page shows
 * until `settled` accepts it (outputs still rendering, or re-rendered, for a moment) or
 * `waitMs` has passed; returns the last reading.
 *
 * A reopened notebook's plotly outputs first show the PNG that plotly's renderer stored in the
 * output when it drew it; the renderer draws the live figure when the pointer enters the image.
 * `wake` sends that mouseenter to every plotly output still without an SVG.
 */
export async function pageOutputs(page: Page, settled: (o: PageOutputs) => boolean = () => true, opts: { waitMs?: number; wake?: boolean } = {}): Promise<PageOutputs> {
  const waitMs = opts.waitMs ?? 60_000;
  const cells = await page.locator(`${PANEL} .jp-Cell`).count();
  for (let i = 0; i < cells; i++) {
    await page.evaluate(`document.querySelectorAll("${PANEL} .jp-Cell")[${i}]?.scrollIntoView()`);
    await page.waitForTimeout(100);
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (opts.wake) {
      await page.evaluate(`Array.from(document.querySelectorAll("${PANEL} .jp-RenderedPlotly")).filter((e) => !e.querySelector(".main-svg"))
        .forEach((e) => e.querySelector(".plot-img")?.dispatchEvent(new MouseEvent("mouseenter")))`);
    }
    const o = await readOutputs(page);
    if (settled(o) || Date.now() > deadline) return o;
    await page.waitForTimeout(1000);
  }
}

async function readOutputs(page: Page): Promise<PageOutputs> {
  return (await page.evaluate(`(() => {
    const outs = Array.from(document.querySelectorAll("${PANEL} .jp-OutputArea-output"));
    const plots = outs.filter((e) => e.classList.contains("jp-RenderedPlotly"));
    const tables = outs.flatMap((e) => Array.from(e.querySelectorAll("table")));
    return {
      figures: plots.length,
      drawn: plots.filter((e) => e.querySelector(".main-svg")).length,
      images: plots.filter((e) => { const src = e.querySelector(".plot-img")?.getAttribute("src") || ""; return src.startsWith("data:image/png;base64,") && src.length > 200; }).length,
      tables: tables.length,
      filledTables: tables.filter((t) => t.querySelector("tbody tr td, tbody tr th")).length,
      progress: Array.from(document.querySelectorAll("${PANEL} .instability-lab-progress")).map((e) => e.textContent.trim()),
      trusted: outs.filter((e) => e.classList.contains("jp-mod-trusted")).length,
      stderr: outs.filter((e) => e.getAttribute("data-mime-type") === "application/vnd.jupyter.stderr").map((e) => e.textContent.slice(0, 500)),
    };
  })()`)) as PageOutputs;
}
