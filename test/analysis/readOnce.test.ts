// Runs are read once: `instability reproduce --no-sweep` (the real command, with an optional
// measure so the convergent section measures the Standard runs again) opens each file of each run
// once, counted at the file system (fs.openSync and fs.readFileSync, whoever calls them); and the
// store keeps hidden states within its budget, reading them again past it.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "../../src/cli/commands/reproduce";
import { LoadedRuns, RunStore } from "../../src/analysis/store";
import { fiveMethods, writeSyntheticStore } from "./synthetic";
import { mkdtemp } from "../helpers/tempDir";

// The module object itself: assigning to it is seen by every `import * as fs` (live bindings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require("node:fs") as typeof fs;

/** Runs `fn` counting the reads of every file under `root` (path → count). */
async function countReads(root: string, fn: () => Promise<unknown> | unknown): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const note = (file: unknown) => {
    if (typeof file !== "string") return;
    const abs = path.resolve(file);
    if (abs.startsWith(root + path.sep)) counts.set(abs, (counts.get(abs) ?? 0) + 1);
  };
  const { openSync, readFileSync } = nodeFs;
  nodeFs.openSync = ((file: fs.PathLike, ...rest: unknown[]) => (note(file), (openSync as (...a: unknown[]) => number)(file, ...rest))) as typeof fs.openSync;
  nodeFs.readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => (note(file), (readFileSync as (...a: unknown[]) => unknown)(file, ...rest))) as typeof fs.readFileSync;
  try {
    await fn();
  } finally {
    nodeFs.openSync = openSync;
    nodeFs.readFileSync = readFileSync;
  }
  return counts;
}

/** Every file inside a run folder (seed-NN/ and its final/), representation caches excluded. */
function runFiles(store: string): string[] {
  return (fs.readdirSync(store, { recursive: true }) as string[])
    .map((f) => path.join(store, f))
    .filter((f) => fs.statSync(f).isFile() && /[/\\]seed-\d+[/\\]/.test(f));
}

function syntheticOut(): { out: string; store: string } {
  const out = mkdtemp("read-once-");
  const store = path.join(out, "runs");
  const seeds = [0, 1, 2, 3, 4, 5];
  writeSyntheticStore(store, { configs: [...fiveMethods(seeds), { method: "none", lr: 1e-4, seeds, scale: 2, failedSeeds: [1, 3, 5] }], n: 40, blocks: 3 });
  return { out, store };
}

const quiet = async (fn: () => Promise<number>): Promise<number> => {
  const write = process.stderr.write;
  const writeOut = process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stderr.write = write;
    process.stdout.write = writeOut;
  }
};

test("one `reproduce --no-sweep` reads each run file exactly once; a second one reads no hidden states", async () => {
  const { out, store } = syntheticOut();
  const files = runFiles(store);
  assert.ok(files.some((f) => f.endsWith(`final${path.sep}hidden.npy`)) && files.some((f) => f.endsWith("metrics.json")), "the store has final models and metrics");
  const args = ["--no-sweep", "--out", out, "--measures", "rsa", "--chance", "uniform-over-items"];
  let code = -1;
  const first = await countReads(path.resolve(store), async () => (code = await quiet(() => run(args))));
  assert.equal(code, 0, "every section computed");
  const expected = files.map((f) => path.resolve(f)).sort();
  assert.deepEqual([...first.keys()].filter((f) => /[/\\]seed-\d+[/\\]/.test(f)).sort(), expected, "every run file is read");
  const twice = [...first].filter(([f, n]) => n > 1 && /[/\\]seed-\d+[/\\]/.test(f));
  assert.deepEqual(twice, [], "no run file is read twice");

  // The representation caches are written now: the second report needs no hidden states at all.
  const second = await countReads(path.resolve(store), async () => (code = await quiet(() => run(args))));
  assert.equal(code, 0);
  const runReads = [...second].filter(([f]) => /[/\\]seed-\d+[/\\]/.test(f));
  assert.deepEqual(runReads.filter(([f]) => f.endsWith("hidden.npy")), [], "no hidden.npy read with the caches in place");
  assert.deepEqual(runReads.filter(([, n]) => n > 1), [], "still no file read twice");
  assert.ok(runReads.some(([f]) => f.endsWith("logits.npy")), "the logits are read (the counter sees the reads)");
});

test("the store keeps hidden states within its budget: past it they are read again, never wrong", async () => {
  const { store } = syntheticOut();
  const s = new RunStore(store);
  const std = s.standard("tiny", "toy")!;
  const hiddenOf = (dir: string) => path.join(path.resolve(dir), "hidden.npy");
  // Default budget: the Standard runs' hidden states are kept after the first read.
  const kept = await countReads(path.resolve(store), () => {
    const a = s.runs(std, "best", { hidden: true });
    const b = s.runs(std, "best", { hidden: true });
    assert.equal(a, b, "the same loaded set");
  });
  assert.equal(kept.get(hiddenOf(std.runDirs[0])), 1);
  // A budget smaller than one configuration's hidden states keeps none of them: each ask reads them.
  const small = new LoadedRuns(() => true, 1024);
  const reread = await countReads(path.resolve(store), () => {
    const a = small.runs(std, "best", { hidden: true });
    const b = small.runs(std, "best", { hidden: true });
    assert.deepEqual(a.runs[0].hidden!.data, b.runs[0].hidden!.data, "read again, the same values");
    assert.equal(small.runs(std, "best", { hidden: false }).runs[0].hidden, undefined, "the plain set has no hidden states");
  });
  assert.equal(reread.get(hiddenOf(std.runDirs[0])), 2);
  assert.equal(reread.get(path.join(path.resolve(std.runDirs[0]), "logits.npy")), 1, "the small files are still read once");
});
