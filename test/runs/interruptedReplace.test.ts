// A replacement (--overwrite) killed between its two renames (issue 31, item 14): the old run sat in
// `.<run>.old-*` forever and the complete new one was deleted as an abandoned temporary, so the run
// was trained again. The next start now finishes the replacement, or puts the old run back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeRun } from "../../src/runs";
import { checkOutput } from "../../src/train/finetune";
import { HOST } from "../../src/util/tempNames";

const DEAD = spawnSync(process.execPath, ["-e", ""]).pid!; // a process that has exited

function run(dir: string, testMetric: number): void {
  writeRun(dir, { logits: { data: Float32Array.from([1, 0, 0, 1]), shape: [2, 2] }, labels: { data: Int32Array.from([0, 1]), shape: [2] }, metrics: { testMetric } });
}

/** The state a kill between the renames leaves: no `name`, the old run aside, the new one (if `withNew`) complete. */
function killedMidReplace(parent: string, name: string, withNew: boolean): void {
  const old = path.join(parent, `.${name}.old-${DEAD}-${HOST}-AbC123`);
  fs.mkdirSync(old);
  run(path.join(old, name), 0.5);
  if (withNew) run(path.join(parent, `.tmp-${name}-${DEAD}-${HOST}-beef`), 0.9);
}

const metric = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "metrics.json"), "utf8")).testMetric;

test("the next finetune start finishes a replacement killed between its renames, or restores the old run", () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "replace-"));
  try {
    killedMidReplace(parent, "seed-00", true);
    assert.equal(checkOutput(path.join(parent, "seed-00"), false), "finished", "the complete new run is in place, not retrained");
    assert.equal(metric(path.join(parent, "seed-00")), 0.9);
    killedMidReplace(parent, "seed-01", false);
    assert.equal(checkOutput(path.join(parent, "seed-01"), false), "finished");
    assert.equal(metric(path.join(parent, "seed-01")), 0.5, "without a new run the old one is back");
    assert.deepEqual(fs.readdirSync(parent).sort(), ["seed-00", "seed-01"], "nothing left hidden");
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

test("writeRun repairs it too, and leaves a live writer's folders alone", () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "replace-"));
  try {
    killedMidReplace(parent, "r", false);
    assert.throws(() => run(path.join(parent, "r"), 0.7), /already exists; pass \{ overwrite: true \}/, "the restored run is not silently replaced");
    assert.equal(metric(path.join(parent, "r")), 0.5);
    const live = path.join(parent, `.q.old-${process.pid}-${HOST}-XyZ789`);
    fs.mkdirSync(live);
    run(path.join(live, "q"), 0.1);
    run(path.join(parent, "q"), 0.2);
    assert.ok(fs.existsSync(live), "a live writer's folder is not touched");
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
