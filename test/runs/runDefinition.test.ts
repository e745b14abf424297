// One definition of a run folder, shared by measure, the analyses and sweep: stray folders are
// skipped and listed, symlinked runs are followed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findConfigurations } from "../../src/analysis/store";
import { listRunFolders, loadRuns, writeRun } from "../../src/runs";
import { isRunComplete } from "../../src/train/sweep/store";
import { mkdtemp } from "../helpers/tempDir";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

function run(seed: number) {
  const n = 6;
  return {
    logits: { data: Float32Array.from({ length: n * 2 }, (_, i) => Math.sin(i * (seed + 1))), shape: [n, 2] },
    labels: { data: Int32Array.from({ length: n }, (_, i) => i % 2), shape: [n] },
    metrics: { seed },
  };
}

/** A configuration folder: 2 real runs, 1 symlinked run, plots/ and __pycache__/, a note. */
function configuration(root: string): string {
  const conf = path.join(root, "store", "m", "t", "none-lr2e-5");
  writeRun(path.join(conf, "seed-00"), run(0));
  writeRun(path.join(conf, "seed-01"), run(1));
  writeRun(path.join(root, "elsewhere", "seed-02"), run(2));
  fs.symlinkSync(path.join(root, "elsewhere", "seed-02"), path.join(conf, "seed-02"));
  fs.mkdirSync(path.join(conf, "plots"));
  fs.writeFileSync(path.join(conf, "plots", "a.png"), "");
  fs.mkdirSync(path.join(conf, "__pycache__"));
  fs.writeFileSync(path.join(conf, "NOTES.txt"), "");
  return conf;
}

test("listRunFolders: runs (symlinks followed) and the skipped folders with their reason", () => {
  const conf = configuration(mkdtemp("rundef-"));
  assert.deepEqual(listRunFolders(conf), {
    runs: ["seed-00", "seed-01", "seed-02"],
    skipped: [
      { name: "__pycache__", reason: "no logits.npy or labels.npy" },
      { name: "plots", reason: "no logits.npy or labels.npy" },
    ],
  });
});

test("measure, the analyses and sweep agree: 3 runs, stray folders skipped and named", () => {
  const root = mkdtemp("rundef-all-");
  const conf = configuration(root);
  const set = loadRuns(conf);
  assert.deepEqual(set.runs.map((r) => r.name), ["seed-00", "seed-01", "seed-02"]);
  assert.deepEqual(set.skipped?.map((s) => s.name), ["__pycache__", "plots"]);

  const r = spawnSync(process.execPath, [CLI, "measure", conf], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^runs: 3 in /);
  assert.match(r.stderr, /skipped 2 folder\(s\) that are not runs: __pycache__ \(no logits\.npy or labels\.npy\), plots/);

  const [c] = findConfigurations(path.join(root, "store"));
  assert.deepEqual(c.seeds, [0, 1, 2]);
  const spec = (seed: number) => ({ model: "m", task: "t", mitigation: "none", learningRate: 2e-5, seed, relativeDir: path.join("m", "t", "none-lr2e-5", `seed-0${seed}`) });
  assert.deepEqual([0, 1, 2, 3].map((s) => isRunComplete(path.join(root, "store"), spec(s))), [true, true, true, false]);
});

test("a folder with no run at all names what it skipped", () => {
  const root = mkdtemp("rundef-none-");
  fs.mkdirSync(path.join(root, "plots"));
  assert.throws(() => loadRuns(root), /no run folders found.*skipped 1 folder\(s\) that are not runs: plots/);
});
