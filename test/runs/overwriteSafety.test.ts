// --overwrite replaces a run, never anything else: a store, a folder of notes, the current
// folder. Each refusal is a one-line error and leaves every file in place.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run as finetune } from "../../src/cli/commands/finetune";
import { fineTune } from "../../src/train/finetune/fineTune";
import { notReplaceableReason, writeRun } from "../../src/runs";
import { mkdtemp } from "../helpers/tempDir";
import { tinyTask } from "../train/finetuneFixture";

const contents = (v: number) => ({
  logits: { data: new Float32Array([v, 0, 0, v]), shape: [2, 2] },
  labels: { data: new Int32Array([0, 1]), shape: [2] },
  metrics: { seed: v },
});

function treeOf(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

/** A copied store with the user's notes beside it: the first case of the audit. */
function storeWithNotes(root: string): string {
  const store = path.join(root, "store-copy");
  writeRun(path.join(store, "m", "t", "none-lr2e-5", "seed-00"), contents(1));
  fs.writeFileSync(path.join(store, "NOTES.txt"), "precious");
  return store;
}

test("finetune --overwrite refuses a folder that is not a run, before loading anything, and removes nothing", async () => {
  const root = mkdtemp("overwrite-");
  const store = storeWithNotes(root);
  const runWithNotes = path.join(root, "run-with-notes");
  writeRun(runWithNotes, contents(2));
  fs.writeFileSync(path.join(runWithNotes, "NOTES.txt"), "mine");
  for (const target of [store, runWithNotes, root]) {
    const before = treeOf(target);
    await assert.rejects(
      finetune(["--task", "spam", "--seed", "0", "--out", target, "--overwrite", "--quiet"]),
      (err: Error) => {
        assert.ok(err instanceof CliError, `${err.name}: ${err.message}`);
        assert.match(err.message, /--overwrite replaces only a run folder.*nothing was removed/);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
    assert.deepEqual(treeOf(target), before, `${target} must be left as it was`);
  }
  assert.equal(fs.readFileSync(path.join(store, "NOTES.txt"), "utf8"), "precious");
});

test("the library refuses too: fineTune and writeRun with overwrite leave a non-run folder alone", async () => {
  const root = mkdtemp("overwrite-lib-");
  const store = storeWithNotes(root);
  const before = treeOf(store);
  await assert.rejects(
    fineTune({ task: tinyTask(), seed: 0, out: store, modelDir: path.join(root, "unused"), overwrite: true, progress: false }),
    /--overwrite replaces only a run folder, and it is not a run folder \(no logits\.npy or labels\.npy\)/,
  );
  assert.throws(() => writeRun(store, contents(3), { overwrite: true }), /refusing to replace it: it is not a run folder/);
  assert.deepEqual(treeOf(store), before);
  assert.equal(fs.readdirSync(root).filter((n) => n.startsWith(".")).length, 0, "no temporary left behind");
});

test("a run folder, or an empty one, is replaced", () => {
  const root = mkdtemp("overwrite-ok-");
  const dir = path.join(root, "run");
  writeRun(dir, contents(1));
  writeRun(path.join(dir, "final"), contents(1), { overwrite: false });
  assert.equal(notReplaceableReason(dir), undefined);
  writeRun(dir, contents(5), { overwrite: true });
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "metrics.json"), "utf8")), { seed: 5 });
  assert.ok(!fs.existsSync(path.join(dir, "final")), "the old run was replaced as a whole");
  const empty = path.join(root, "empty");
  fs.mkdirSync(empty);
  writeRun(empty, contents(6), { overwrite: true });
  assert.deepEqual(treeOf(empty), ["labels.npy", "logits.npy", "metrics.json"]);
});
