// The kernel as JupyterLab 4 shows it: execution counts and errors by name and message (in the
// page and in the HTML export of the saved notebook), and a cell that fine-tunes: its progress
// shows live, and the stop button (interrupt) ends the sweep cleanly, with every run folder in
// the store complete and no fine-tuning process left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadRun } from "../../src/runs/runFolder";
import { fineTuningAvailable } from "../../src/notebook/notebookRuns";
import { isAbandonedTemporary, TEMP_PREFIX } from "../../src/util/tempNames";
import { chromiumPath, NO_CHROMIUM } from "../helpers/browser";
import { readNotebook, savedOutputs } from "../helpers/jupyter";
import { kernelProblem, NO_VENV_JUPYTER, startJupyter, venvJupyter } from "../helpers/jupyterServer";
import { cellPrompts, launchChromium, newUiPage, openNotebook, PANEL, runAllCells, saveNotebook, waitForCells } from "../helpers/notebookUi";

const jupyter = venvJupyter();
const skip = (!jupyter && NO_VENV_JUPYTER) || (!chromiumPath() && NO_CHROMIUM) || (jupyter && kernelProblem(jupyter)) || false;

function writeNotebook(file: string, sources: string[]): void {
  fs.writeFileSync(file, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "instability-lab", display_name: "Instability Lab (TypeScript)", language: "typescript" } },
    cells: sources.map((source, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  }, null, 1));
}

test("JupyterLab shows execution counts and errors by name and message, and so does the HTML export",
  { skip, timeout: 600_000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "instability-lab-errors-"));
    const file = path.join(root, "errors.ipynb");
    writeNotebook(file, [
      `const seeds = [1, 2, 3];\nconsole.log("sum " + seeds.reduce((a, b) => a + b, 0));`,
      `function pick(seed: number): number {\n  if (seed > 3) throw new RangeError(\`seed \${seed} is not in 1..3\`);\n  return seed;\n}\npick(7);`,
    ]);
    const original = fs.readFileSync(file, "utf8");
    const server = await startJupyter(jupyter!, "lab", root);
    const browser = await launchChromium();
    try {
      const ui = await newUiPage(browser, server);
      await openNotebook(ui, server, "errors.ipynb");
      await runAllCells(ui, 2, 300_000);
      assert.deepEqual(await cellPrompts(ui.page), ["[1]:", "[2]:"]);
      const outputs = (await ui.page.evaluate(`Array.from(document.querySelectorAll("${PANEL} .jp-OutputArea-output")).map((e) => e.textContent)`)) as string[];
      assert.match(outputs[0], /sum 6/);
      assert.match(outputs[1], /RangeError: seed 7 is not in 1\.\.3/);
      assert.match(outputs[1], /at pick \(/, "the traceback names the cell's function");
      assert.doesNotMatch(outputs[1], /tslab|node:vm/, "the traceback stops at the cell's code");

      await saveNotebook(ui, () => fs.readFileSync(file, "utf8") !== original);
      const nb = readNotebook(file);
      assert.deepEqual(savedOutputs(nb).counts, [1, 2]);
      assert.deepEqual(savedOutputs(nb).errors, ["cell 1: RangeError: seed 7 is not in 1..3"]);

      const html = spawnSync(jupyter!, ["nbconvert", "--to", "html", "--stdout", file], { encoding: "utf8", maxBuffer: 64 << 20 });
      assert.equal(html.status, 0, html.stderr);
      const prompts = [...html.stdout.matchAll(/In(?:&nbsp;|\s)*\[(\d*)\]/g)].map((m) => m[1]);
      assert.deepEqual(prompts, ["1", "2"], "the export's prompts");
      assert.match(html.stdout, /RangeError/);
      assert.match(html.stdout, /seed 7 is not in 1\.\.3/);
    } finally {
      await browser.close();
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

const canFineTune = fineTuningAvailable();

test("a fine-tuning cell shows its progress live in JupyterLab, and the stop button ends it cleanly",
  { skip: skip || (!canFineTune.ok && `cannot fine-tune here: ${canFineTune.reason}`) || false, timeout: 900_000 }, async (t) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "instability-lab-finetune-"));
    const store = path.join(root, "store");
    writeNotebook(path.join(root, "finetune.ipynb"), [
      `import { notebook } from "instability-lab";`,
      // The quick preset's Standard runs (8 seeds, 15–60 s each here), one worker.
      `const runs = await notebook.notebookRuns({ fineTune: true, preset: "quick", methods: "standard", workers: 1, store: ${JSON.stringify(store)} });`,
    ]);
    const server = await startJupyter(jupyter!, "lab", root);
    const browser = await launchChromium();
    try {
      const ui = await newUiPage(browser, server);
      await openNotebook(ui, server, "finetune.ipynb");
      await ui.page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
      await ui.page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();

      // Live: while the cell runs, its display changes, and reaches one finished run.
      const progressText = () => ui.page.evaluate(`document.querySelector("${PANEL} .instability-lab-progress")?.textContent ?? ""`) as Promise<string>;
      const seen = new Set<string>();
      let total = 0;
      const deadline = Date.now() + 600_000;
      for (;;) {
        const text = await progressText();
        const prompts = await cellPrompts(ui.page);
        if (text) {
          assert.equal(prompts[1], "[*]:", `the sweep cell stopped before a run finished: ${text}`);
          seen.add(text);
        }
        const count = /fine-tuning: (\d+)\/(\d+) runs/.exec(text);
        // interrupt once a run has finished and others have not
        if (count && Number(count[1]) >= 1 && Number(count[1]) < Number(count[2])) {
          total = Number(count[2]);
          break;
        }
        assert.ok(Date.now() < deadline, `no run finished within 600 s; the display shows "${text}"`);
        await ui.page.waitForTimeout(1000);
      }
      t.diagnostic(`progress states seen while running: ${[...seen].slice(0, 6).join(" | ")}`);
      assert.ok(seen.size >= 3, "the progress display did not update while the cell ran");
      const displays = await ui.page.locator(`${PANEL} .instability-lab-progress`).count();
      assert.equal(displays, 1, "the progress is one display updated in place");

      // The stop button: Jupyter sends SIGINT to the kernel's process group.
      await ui.page.locator(`${PANEL} [data-jp-item-name="interrupt"]`).locator("button, jp-button").first().click();
      await waitForCells(ui.page, 2, 120_000);
      const errorText = (await ui.page.evaluate(`Array.from(document.querySelectorAll("${PANEL} .jp-OutputArea-output")).map((e) => e.textContent).join("\\n")`)) as string;
      assert.match(errorText, /KernelInterrupted: the cell was stopped/);

      // Cleanly: no worker left, and every run folder complete (written whole or not at all).
      const until = Date.now() + 60_000;
      let workers: string[] = [];
      do {
        await new Promise((r) => setTimeout(r, 1000));
        workers = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n").filter((l) => l.includes(store) && l.includes(" finetune "));
      } while (workers.length && Date.now() < until);
      assert.deepEqual(workers, [], "fine-tuning processes still running after the interrupt");
      await ui.page.waitForFunction(`/interrupted/.test(document.querySelector("${PANEL} .instability-lab-progress")?.textContent ?? "")`, undefined, { timeout: 30_000 });

      const runDirs = findRunDirs(store);
      const finished = runDirs.filter((d) => fs.existsSync(path.join(d, "metrics.json")));
      t.diagnostic(`store after the interrupt: ${finished.length} finished runs, ${runDirs.length - finished.length} other run folders`);
      assert.ok(finished.length >= 1 && finished.length < total, `finished runs: ${finished.length} of ${total}`);
      assert.deepEqual(runDirs.filter((d) => !finished.includes(d)), [], "run folders without metrics.json (half-written)");
      for (const d of finished) {
        const run = loadRun(d);
        assert.ok(run.n > 0 && run.logits.length === run.n * run.numClasses, `${d}: logits do not match its labels`);
      }
      const leftovers = findTemporaries(store);
      assert.deepEqual(leftovers.filter((n) => !isAbandonedTemporary(path.basename(n))), [], "temporary folders of live writers");

      // The kernel is still usable.
      await ui.page.locator(`${PANEL} .jp-Cell`).first().click();
      await ui.page.keyboard.press("Control+Enter");
      await waitForCells(ui.page, 2, 60_000);
      assert.equal((await cellPrompts(ui.page))[0], "[3]:");
    } finally {
      await browser.close();
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

/** Folders named seed-N under the store (each is one run), skipping logs and temporaries. */
function findRunDirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (/^seed-\d+$/.test(e.name)) out.push(p);
    else out.push(...findRunDirs(p));
  }
  return out;
}

function findTemporaries(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === ".logs") continue;
    const p = path.join(dir, e.name);
    if (e.name.startsWith(TEMP_PREFIX)) out.push(p);
    else out.push(...findTemporaries(p));
  }
  return out;
}
