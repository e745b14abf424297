// The notebooks reuse `instability reproduce`'s runs: the same store, the same model folder name,
// the same grid. After reproduce's sweep (here with a stand-in for `instability finetune`), the
// notebooks' fine-tuned path finds every run it needs and creates no run folder.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fineTune } from "../../src/notebook/fineTuneCell";
import { notebookRuns } from "../../src/notebook/notebookRuns";
import { setDisplaySink } from "../../src/notebook/display";
import { QUICK_PRESET } from "../../src/train/sweep/presets";
import { presetFinetuneArgs, sweepPreset } from "../../src/train/sweep/presetSweep";
import { mkdtemp } from "../helpers/tempDir";

// Writes a run folder whose config.json is what \`instability finetune\` would record for these
// settings (the sweep reuses a run only when it matches), with tiny stand-in outputs.
const src = (...p: string[]) => JSON.stringify(path.resolve(__dirname, "..", "..", "src", ...p));
const FAKE = `
const path = require("path");
const { writeRun } = require(${src("runs", "runFolder.js")});
const { plannedSettings } = require(${src("train", "sweep", "identityCheck.js")});
const { runSpecFor } = require(${src("train", "sweep", "finetuneCommand.js")});
const { defaultModelDir } = require(${src("model", "defaultModel.js")});
const [dir, grid, args, saveFinal] = process.argv.slice(2);
const spec = runSpecFor(JSON.parse(grid), { ...JSON.parse(args), saveFinal: saveFinal === "1" }, defaultModelDir());
const config = plannedSettings(spec, new Map());
const n = 8;
const run = { logits: { data: new Float32Array(2 * n), shape: [n, 2] }, labels: { data: new Int32Array(n), shape: [n] }, metrics: { finalSaved: saveFinal === "1" }, config };
writeRun(dir, run);
if (saveFinal === "1") writeRun(path.join(dir, "final"), run);
`;

function runFolders(store: string): string[] {
  return (fs.readdirSync(store, { recursive: true }) as string[]).filter((f) => /seed-\d+$/.test(f)).sort();
}

test("after reproduce's sweep, the notebooks' runs (03–06 and notebook.fineTune) are all found; no new run folder", async () => {
  const root = mkdtemp("shared-store-");
  const store = path.join(root, "runs");
  const script = path.join(root, "fake.js");
  fs.writeFileSync(script, FAKE);
  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  const args = JSON.stringify(presetFinetuneArgs(QUICK_PRESET, undefined, undefined));
  const first = await sweepPreset({ preset: QUICK_PRESET, store, workers: 2, stream: sink, commandFor: (r, runDir, saveFinal) => ({ command: process.execPath, args: [script, runDir, JSON.stringify(r), args, saveFinal ? "1" : "0"] }) });
  assert.equal(first.sweep.completed.length, 50);
  const before = runFolders(store);
  assert.ok(before.every((f) => f.startsWith(`tiny-bert-en${path.sep}spam${path.sep}`)), before[0]);
  const lines: string[] = [];
  for (const o of [{ methods: "all" as const }, { methods: "standard" as const, failedRuns: true }, { methods: "standard" as const }]) {
    const r = await notebookRuns({ ...o, store, fineTune: true, workers: 2, log: (l) => lines.push(l) });
    assert.equal(r.source, "fine-tuned");
  }
  assert.deepEqual(runFolders(store), before);
  assert.ok(!lines.some((l) => /failed:/.test(l)), lines.join("\n"));
  // In a cell, finding every run says so in one line, not as a progress bar left at 0/0.
  const shown: string[] = [];
  const previous = setDisplaySink((b) => void shown.push(String(b["text/plain"])));
  try {
    await notebookRuns({ methods: "all", store, fineTune: true, workers: 2 });
  } finally {
    setDisplaySink(previous);
  }
  assert.deepEqual(shown, [`all 40 runs found in ${store}, nothing to fine-tune`]);
  // notebook.fineTune with the main job's defaults finds the same runs and returns them as a RunSet
  const set = await fineTune({ task: "spam", seeds: [0, 1, 2], store, workers: 2 });
  assert.equal(set.runs.length, 8);
  assert.deepEqual(runFolders(store), before);
  await assert.rejects(fineTune({ task: "spam", seeds: [] }), /fineTune: seeds must be a non-empty list of integers in 0\.\.4294967295, got \[\]/);
  await assert.rejects(fineTune({ task: "spam", seeds: [0], learningRate: -1 }), /fineTune: learningRate must be a positive number, got -1/);
});
