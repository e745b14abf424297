// Every notebook in notebooks/ runs top to bottom in the project's kernel (any cell error fails),
// exports to HTML, and that HTML, opened offline in headless Chromium, draws every figure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  joinSource, jupyterWithNbconvert, NO_JUPYTER, outputProblems, readNotebook, testKernel,
  type Notebook,
} from "../helpers/jupyter";
import { chromiumPath, NO_CHROMIUM, openOffline, OVERLAPPING_TICK_LABELS } from "../helpers/browser";
import { exportPrerequisites, exportTwoSeeds } from "../helpers/exportedRuns";

const root = path.resolve(__dirname, "..", "..", "..");
const notebookDir = path.join(root, "notebooks");
// INSTABILITY_NOTEBOOKS=REGEX executes only the matching notebooks (while working on one).
const only = process.env.INSTABILITY_NOTEBOOKS ? new RegExp(process.env.INSTABILITY_NOTEBOOKS) : null;
const notebooks = fs.existsSync(notebookDir)
  ? fs.readdirSync(notebookDir).filter((f) => f.endsWith(".ipynb") && (!only || only.test(f))).sort().map((f) => path.join(notebookDir, f))
  : [];

/** Per cell; the whole notebook gets NOTEBOOK_TIMEOUT_S (method: each runs within 10 min). */
// Without `instability reproduce` first, notebook 03 fine-tunes the quick preset inside a cell.
const CELL_TIMEOUT_S = 1800;
const NOTEBOOK_TIMEOUT_S = 2400;

const jupyter = jupyterWithNbconvert();
const chromium = chromiumPath();

/** Notebooks that read runs python/instability_export.py wrote (RUNS_DIR from INSTABILITY_EXPORTED_RUNS). */
const READS_EXPORTED_RUNS = /^07-/;
const exportReady = exportPrerequisites();

test("notebooks/ holds at least one notebook", () => {
  assert.ok(notebooks.length > 0, `no .ipynb in ${notebookDir}`);
});

for (const file of notebooks) {
  const rel = path.relative(root, file);

  test(`${rel} is committed without outputs and uses the project kernel`, () => {
    const nb = readNotebook(file);
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      assert.deepEqual(cell.outputs ?? [], [], `${rel}: cell ${i} has outputs; clear them before committing (Edit → Clear All Outputs)`);
      assert.equal(cell.execution_count ?? null, null, `${rel}: cell ${i} has an execution count; clear outputs before committing`);
    });
    assert.equal(nb.metadata.kernelspec?.name, "instability-lab", `${rel}: metadata.kernelspec.name must be "instability-lab"`);
  });

  const readsExported = READS_EXPORTED_RUNS.test(path.basename(file));
  test(`${rel} executes without errors and its HTML export draws every figure`,
    { skip: (!jupyter && NO_JUPYTER) || false, timeout: (NOTEBOOK_TIMEOUT_S + 180) * 1000 }, async (t) => {
      const kernel = testKernel();
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "instability-nb-"));
      // Two MiniLM seeds exported by python/instability_export.py, for the notebook's RUNS_DIR.
      const exported = readsExported ? fs.mkdtempSync(path.join(os.tmpdir(), "instability-nb-exported-")) : undefined;
      try {
        let runsDir: string | undefined;
        // Without the exporter's prerequisites notebook 07 runs as a newcomer meets it: on its demo folder.
        if (readsExported && "skip" in exportReady) t.diagnostic(`${rel}: no exported runs (${exportReady.skip}); it measures its demo folder`);
        if (exported && !("skip" in exportReady)) {
          const t0 = Date.now();
          runsDir = exportTwoSeeds(exportReady.python, exportReady.glue, exported);
          kernel.env = { ...kernel.env, INSTABILITY_EXPORTED_RUNS: runsDir };
          t.diagnostic(`${rel}: exported two MiniLM seeds in ${((Date.now() - t0) / 1000).toFixed(1)} s into ${runsDir}`);
        }
        const started = Date.now();
        const executed = nbconvert(jupyter!, kernel, file, out, [
          "--to", "notebook", "--execute",
          `--ExecutePreprocessor.kernel_name=${kernel.name}`,
          `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
          "--ExecutePreprocessor.startup_timeout=120",
        ], NOTEBOOK_TIMEOUT_S);
        t.diagnostic(`${rel}: executed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const nb = readNotebook(executed);
        nb.cells.forEach((cell, i) => {
          for (const o of cell.outputs ?? []) {
            assert.notEqual(o.output_type, "error", `${rel}: cell ${i} raised ${o.ename}: ${o.evalue}\n${joinSource(cell.source)}`);
          }
        });
        // What a reader meets: no object dumps, no log spam, no progress left at 0/0.
        assert.deepEqual(outputProblems(nb), [], `${rel}: outputs that read badly`);
        const text = nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => joinSource(o.text) + joinSource(o.data?.["text/plain"] as string | string[] | undefined))).join("\n");
        if (runsDir) assert.ok(text.includes(`2 runs in ${runsDir}`), `${rel}: the notebook did not read the exported runs in ${runsDir}`);
        else if (readsExported) assert.match(text, /^RUNS_DIR is not set: this notebook measures a demo folder\./m, `${rel}: without RUNS_DIR the first output says what it measures`);
        const figures = countFigures(nb);

        const html = nbconvert(jupyter!, kernel, executed, out, ["--to", "html"], 300);
        if (!chromium) return t.skip(NO_CHROMIUM);
        const drawn = await checkHtmlInBrowser(html, path.basename(file, ".ipynb"));
        assert.equal(drawn.figures, figures, `${rel}: the HTML export has ${drawn.figures} figure divs, the notebook ${figures} figure outputs`);
        assert.deepEqual(drawn.undrawn, [], `${rel}: figures without a drawn plot in the HTML export`);
        assert.deepEqual(drawn.overlapping, [], `${rel}: axis labels that overlap at notebook width`);
        assert.ok(drawn.screenshotBytes > 10_000, `${rel}: the first screen's screenshot is blank`);
        assert.deepEqual(drawn.errors, [], `${rel}: errors in the browser console of the HTML export`);
        if (drawn.ignored.length) t.diagnostic(`ignored (nbconvert template assets): ${drawn.ignored.join("; ")}`);
      } finally {
        kernel.dispose();
        keepOrRemove(out);
        if (exported) fs.rmSync(exported, { recursive: true, force: true });
      }
    });
}

/** INSTABILITY_NOTEBOOK_OUT=DIR keeps the executed notebooks and their HTML there (CI artifacts). */
function keepOrRemove(out: string): void {
  const keep = process.env.INSTABILITY_NOTEBOOK_OUT;
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    for (const f of fs.readdirSync(out)) fs.copyFileSync(path.join(out, f), path.join(keep, f));
  }
  fs.rmSync(out, { recursive: true, force: true });
}

test("the kernel imports instability-lab from a notebook outside the checkout",
  { skip: (!jupyter && NO_JUPYTER) || false, timeout: 300_000 }, () => {
    const kernel = testKernel();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "instability-elsewhere-"));
    try {
      const expected = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name;
      const file = path.join(dir, "elsewhere.ipynb");
      fs.writeFileSync(file, JSON.stringify(minimalNotebook([
        // Type-checked (the call must compile against the package's .d.ts) and run.
        `import { notebook } from "instability-lab";\nimport * as sub from "instability-lab/package.json";\n` +
        `console.log("kernel=" + notebook.KERNEL_NAME + " package=" + sub.name + " dir=" + process.cwd());`,
      ])));
      const executed = nbconvert(jupyterWithNbconvert()!, kernel, file, dir, [
        "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${kernel.name}`,
        "--ExecutePreprocessor.timeout=120", "--output", "executed.ipynb",
      ], 240);
      const outputs = readNotebook(executed).cells[0].outputs ?? [];
      const text = outputs.map((o) => joinSource(o.text)).join("");
      const errors = outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);
      assert.deepEqual(errors, []);
      assert.match(text, new RegExp(`kernel=instability-lab package=${expected} dir=${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    } finally {
      kernel.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

test("nbconvert: the executed notebook and its HTML export show execution counts and the error's name and message",
  { skip: (!jupyter && NO_JUPYTER) || false, timeout: 300_000 }, () => {
    const kernel = testKernel();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "instability-counts-"));
    try {
      const file = path.join(dir, "counts.ipynb");
      fs.writeFileSync(file, JSON.stringify(minimalNotebook([
        `const n: number = 6;\nconsole.log("n=" + n);`,
        `throw new RangeError("seed 7 is not in 1..3");`,
      ])));
      const executed = nbconvert(jupyter!, kernel, file, dir, [
        "--to", "notebook", "--execute", "--allow-errors", `--ExecutePreprocessor.kernel_name=${kernel.name}`,
        "--ExecutePreprocessor.timeout=120", "--output", "executed.ipynb",
      ], 240);
      const nb = readNotebook(executed);
      assert.deepEqual(nb.cells.map((c) => c.execution_count), [1, 2]);
      const error = (nb.cells[1].outputs ?? []).find((o) => o.output_type === "error");
      assert.equal(error?.ename, "RangeError");
      assert.equal(error?.evalue, "seed 7 is not in 1..3");
      const html = fs.readFileSync(nbconvert(jupyter!, kernel, executed, dir, ["--to", "html"], 120), "utf8");
      assert.deepEqual([...html.matchAll(/In(?:&nbsp;|\s)*\[(\d*)\]/g)].map((m) => m[1]), ["1", "2"]);
      assert.match(html, /RangeError<\/span>|RangeError: seed 7 is not in 1\.\.3/);
      assert.match(html, /seed 7 is not in 1\.\.3/);
    } finally {
      kernel.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

function minimalNotebook(sources: string[]): unknown {
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "instability-lab", display_name: "Instability Lab (TypeScript)", language: "typescript" } },
    cells: sources.map((source, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
}

/** Runs `jupyter nbconvert ARGS file --output-dir out`; returns the written file. */
function nbconvert(jupyter: string, kernel: { env: NodeJS.ProcessEnv }, file: string, out: string, args: string[], timeoutS: number): string {
  const r = spawnSync(jupyter, ["nbconvert", ...args, "--output-dir", out, file], {
    env: kernel.env, encoding: "utf8", timeout: timeoutS * 1000, killSignal: "SIGKILL", maxBuffer: 64 << 20,
  });
  const log = `${r.stdout}\n${r.stderr}`.trim().slice(-6000);
  if (r.error) throw new Error(`jupyter nbconvert ${args.join(" ")} ${file}: ${r.error.message} (limit ${timeoutS} s)\n${log}`);
  assert.equal(r.status, 0, `jupyter nbconvert ${args.join(" ")} ${file} failed:\n${log}`);
  const m = /Writing \d+ bytes to (.+)/.exec(r.stderr);
  assert.ok(m, `nbconvert did not say what it wrote:\n${log}`);
  return path.resolve(out, path.basename(m[1].trim()));
}

function countFigures(nb: Notebook): number {
  let n = 0;
  for (const cell of nb.cells) for (const o of cell.outputs ?? []) if (o.data && "application/vnd.plotly.v1+json" in o.data) n++;
  return n;
}

interface BrowserCheck {
  figures: number;
  undrawn: string[];
  /** Figures whose x-axis labels overlap (OVERLAPPING_TICK_LABELS). */
  overlapping: string[];
  errors: string[];
  ignored: string[];
  screenshotBytes: number;
}

/** A notebook's width in JupyterLab on a laptop screen, and one screen's height. */
const NOTEBOOK_VIEWPORT = { width: 1280, height: 800 };

/**
 * The first screen of a notebook's export, what a newcomer sees before running it: kept under
 * INSTABILITY_NOTEBOOK_OUT (CI artifacts), and with INSTABILITY_UPDATE_SCREENSHOT=1 written to
 * docs/img/notebook-NN.png, which the README links (tests rewrite committed files only when asked).
 */
function keepScreenshot(png: Buffer, name: string): void {
  const targets = [
    process.env.INSTABILITY_NOTEBOOK_OUT && path.join(process.env.INSTABILITY_NOTEBOOK_OUT, `${name}.png`),
    process.env.INSTABILITY_UPDATE_SCREENSHOT === "1" && path.join(root, "docs", "img", `notebook-${name.slice(0, 2)}.png`),
  ].filter((x): x is string => !!x);
  for (const f of targets) {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, png);
  }
}

/**
 * Opens the exported HTML from disk, network refused, and waits until every figure div holds
 * plotly's .main-svg. Failed loads of nbconvert's own template assets (require.js, MathJax
 * under /usr/share/javascript or a CDN, absent without their Debian packages or offline) are
 * not ours and are only reported; every other console error fails.
 */
async function checkHtmlInBrowser(htmlFile: string, name: string): Promise<BrowserCheck> {
  const ignored: string[] = [];
  const templateAsset = (text: string, url: string) => {
    const ours = !(/^https?:|\/usr\/share\/javascript\//.test(url) && /Failed to load resource/.test(text));
    if (!ours) ignored.push(`${text} ${url}`.trim());
    return !ours;
  };
  const { page, errors, close } = await openOffline({ viewport: NOTEBOOK_VIEWPORT, ignoreConsole: templateAsset });
  try {
    await page.goto(`file://${htmlFile}`, { waitUntil: "load", timeout: 120_000 });
    const figures = await page.locator(".instability-lab-figure").count();
    try {
      await page.waitForFunction(
        `Array.from(document.querySelectorAll(".instability-lab-figure")).every((d) => d.querySelector(".main-svg"))`,
        undefined, { timeout: 60_000 },
      );
    } catch {
      // Reported below, figure by figure.
    }
    // Strings, not functions: this project compiles without the DOM lib.
    const undrawn = (await page.evaluate(
      `Array.from(document.querySelectorAll(".instability-lab-figure")).filter((d) => !d.querySelector(".main-svg")).map((d) => d.id)`,
    )) as string[];
    const overlapping = (await page.evaluate(OVERLAPPING_TICK_LABELS)) as string[];
    await page.evaluate("window.scrollTo(0, 0)");
    const png = await page.screenshot({ type: "png" });
    keepScreenshot(png, name);
    return { figures, undrawn, overlapping, errors, ignored, screenshotBytes: png.length };
  } finally {
    await close();
  }
}
