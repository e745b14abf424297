// The audit's smaller defects: a full disk names the run, a store's root given to measure names
// its configurations, and finetune cleans up its own dead temporaries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeRun } from "../../src/runs";
import { checkOutput } from "../../src/train/finetune/output";
import { HOST } from "../../src/util/tempNames";
import { mkdtemp } from "../helpers/tempDir";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const run = (v: number) => ({
  logits: { data: Float32Array.from([v, 0, 0, v, 1, 2, 2, 1]), shape: [4, 2] },
  labels: { data: Int32Array.from([0, 1, 0, 1]), shape: [4] },
});

test("a full disk while writing a run names the run folder, and leaves nothing behind", (t) => {
  const root = mkdtemp("enospc-");
  const dir = path.join(root, "seed-00");
  // The module itself (the `import * as` namespace only has getters onto it).
  const nodeFs = require("node:fs") as typeof fs;
  t.mock.method(nodeFs, "writeFileSync", () => {
    const e = new Error("ENOSPC: no space left on device, write") as NodeJS.ErrnoException;
    e.code = "ENOSPC";
    throw e;
  });
  assert.throws(() => writeRun(dir, run(1)), /^RunFormatError: writeRun .*seed-00: the run could not be written \(ENOSPC: no space left on device, write\); nothing was kept, free some space or write elsewhere$/);
  t.mock.restoreAll();
  assert.deepEqual(fs.readdirSync(root), []);
});

test("measure given a store's root names its configuration folders", () => {
  const store = path.join(mkdtemp("measure-store-"), "store");
  for (const s of [0, 1]) writeRun(path.join(store, "m", "spam", "none-lr2e-5", `seed-0${s}`), run(s));
  writeRun(path.join(store, "m", "spam", "mixout-lr2e-5", "seed-00"), run(3));
  const r = spawnSync(process.execPath, [CLI, "measure", store], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /store is a run store, not a runs folder: measure one of its 2 configuration folder\(s\), e\.g\. .*store[/\\]m[/\\]spam[/\\]mixout-lr2e-5; they are m[/\\]spam[/\\]mixout-lr2e-5 \(1 runs\), m[/\\]spam[/\\]none-lr2e-5 \(2 runs\)\n$/);
});

test("finetune removes the temporaries of its own run folder left by a killed finetune, not live ones", () => {
  const root = mkdtemp("finetune-tmp-");
  const out = path.join(root, "seed-00");
  const dead = path.join(root, `.tmp-seed-00-${2 ** 31 - 2}-${HOST}-1`);
  const live = path.join(root, `.tmp-seed-00-${process.pid}-${HOST}-2`);
  const other = path.join(root, `.tmp-seed-01x-${2 ** 31 - 2}-${HOST}-3`);
  for (const d of [dead, live, other]) fs.mkdirSync(d);
  assert.equal(checkOutput(out, false), "free");
  assert.ok(!fs.existsSync(dead), "the dead writer's temporary is gone");
  assert.ok(fs.existsSync(live) && fs.existsSync(other));
});
