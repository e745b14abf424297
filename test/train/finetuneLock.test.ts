// Two fine-tuning runs into one --out (issue 31, item 3): the second is refused up front with one
// line naming the folder and the writer, instead of silently replacing the first's finished run or
// failing at the end with the library's "pass { overwrite: true }".
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run } from "../../src/cli/commands/finetune";
import { fineTune } from "../../src/train/finetune";
import { claimRun, lockPath } from "../../src/train/sweep/runLock";
import { PARENT_ENV } from "../../src/train/sweep/parentWatch";
import { tinyCheckpoint, tinyTask, tmpDir } from "./finetuneFixture";

const root = tmpDir("finetune-lock-");
const checkpoint = tinyCheckpoint(root);
const task = tinyTask();

test("two fine-tuning runs into one folder at once: one finishes, the other is refused and replaces nothing", async () => {
  const out = path.join(root, "same");
  const runWith = async (lr: number) => fineTune({ task, seed: 0, out, modelDir: await checkpoint, epochs: 2, lr, progress: false });
  const [a, b] = await Promise.allSettled([runWith(1e-3), runWith(5e-4)]);
  assert.equal(a.status, "fulfilled", a.status === "rejected" ? String(a.reason) : "");
  assert.equal(b.status, "rejected");
  assert.match((b as PromiseRejectedResult).reason.message, new RegExp(`--out .*same is being written by process ${process.pid} right now; wait for it to finish, or choose another --out`));
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8")).lr, 1e-3, "the finished run is the first one's");
  assert.ok(!fs.existsSync(lockPath(out)), "the lock is released when the run ends");
});

test("finetune into a folder another process is writing is one line from the CLI, before any training", async () => {
  const out = path.join(root, "held");
  const claim = claimRun(out);
  assert.ok("lock" in claim);
  try {
    await assert.rejects(run(["--task", "sotu-party", "--seed", "0", "--out", out, "--model", await checkpoint, "--quiet"]), (err: Error) => {
      assert.ok(err instanceof CliError, `${err.name}: ${err.message}`);
      assert.match(err.message, /held is being written by process \d+ right now; wait for it to finish, or choose another --out/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
    assert.ok(!fs.existsSync(out), "nothing was written");
  } finally {
    claim.lock.release();
  }
});

test("a run started by a sweep uses the lock its sweep took for it, and leaves it to the sweep", async () => {
  const out = path.join(root, "swept");
  const claim = claimRun(out);
  assert.ok("lock" in claim);
  const saved = process.env[PARENT_ENV];
  process.env[PARENT_ENV] = String(process.pid); // as if this process were the worker's sweep
  try {
    const r = await fineTune({ task, seed: 0, out, modelDir: await checkpoint, epochs: 1, lr: 1e-3, progress: false });
    assert.equal(r.status, "finished");
    assert.ok(fs.existsSync(lockPath(out)), "the sweep's lock stays until the sweep releases it");
  } finally {
    if (saved === undefined) delete process.env[PARENT_ENV];
    else process.env[PARENT_ENV] = saved;
    claim.lock.release();
  }
});
