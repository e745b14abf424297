// `instability sweep` driving the real `instability finetune`: the store fills with run folders
// that the measures can read, and a rerun finds everything done.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadRuns } from "../../src/runs";
import { tinyCheckpoint, tmpDir } from "./finetuneFixture";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

test("a sweep of real fine-tuning runs fills the store, and a rerun does nothing", async () => {
  const root = tmpDir("finetune-sweep-");
  try {
    const checkpoint = await tinyCheckpoint(root);
    const store = path.join(root, "store");
    const args = [CLI, "sweep", "--store", store, "--tasks", "sotu-party", "--seeds", "0-1", "--workers", "2", "--model", checkpoint,
      "--model-name", "tiny", "--epochs", "1", "--max-train-examples", "16", "--max-length", "64", "--save-final"];
    const first = spawnSync(process.execPath, args, { encoding: "utf8" });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /2\/2 runs complete .* \(0 were already there\)/);
    const configDir = path.join(store, "tiny", "sotu-party", "none-lr2e-5");
    const set = loadRuns(configDir);
    assert.deepEqual(set.runs.map((r) => r.name), ["seed-00", "seed-01"]);
    assert.equal(set.n, 400);
    assert.equal(set.layers, 4);
    assert.equal(set.runs[1].config!.seed, 1);
    assert.equal(loadRuns(configDir, { checkpoint: "final" }).runs.length, 2);
    // The worker's progress went to the run's log as plain lines.
    const logs = fs.readdirSync(path.join(store, ".logs"));
    assert.equal(logs.length, 2);
    const log = fs.readFileSync(path.join(store, ".logs", logs[0]), "utf8");
    assert.match(log, /1\/1 steps .*ETA/);
    assert.doesNotMatch(log, /\r/);

    const second = spawnSync(process.execPath, args, { encoding: "utf8" });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /2\/2 runs complete .* \(2 were already there\)/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
