import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { applyDevSplit, devSplitIndices } from "../../src/data/devSplit";
import { clearTaskCache, loadTask } from "../../src/data/loadTask";
import { readGlueSplit } from "../../src/data/glue";
import { glueDir, NO_GLUE, REPO_ROOT } from "../helpers/glue";

const GLUE = glueDir();

test("split halves partition 0..n-1, test gets ceil(n/2), both ascending", () => {
  for (const n of [2, 3, 277, 408, 1043, 872]) {
    const s = devSplitIndices("rte", n);
    assert.equal(s.test.length, Math.ceil(n / 2));
    assert.equal(s.validation.length, Math.floor(n / 2));
    const all = [...s.test, ...s.validation].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
    for (const half of [s.test, s.validation]) for (let i = 1; i < half.length; i++) assert.ok(half[i - 1] < half[i]);
  }
});

test("split is deterministic, depends on task and seed", () => {
  assert.deepEqual(devSplitIndices("cola", 1043), devSplitIndices("cola", 1043));
  assert.notDeepEqual(devSplitIndices("cola", 1043).test, devSplitIndices("sst2", 1043).test);
  assert.notDeepEqual(devSplitIndices("cola", 1043).test, devSplitIndices("cola", 1043, 7).test);
});

test("split reproduces the committed indices in docs/tasks/glue-dev-split.json", () => {
  const saved = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "docs", "tasks", "glue-dev-split.json"), "utf8"));
  for (const [task, s] of Object.entries(saved.tasks) as [string, { devRows: number; validation: number[]; test: number[] }][]) {
    const now = devSplitIndices(task, s.devRows, saved.seed);
    assert.deepEqual(now.validation, s.validation, task);
    assert.deepEqual(now.test, s.test, task);
  }
});

test("applyDevSplit rejects a split of the wrong size", () => {
  assert.throws(() => applyDevSplit([1, 2, 3], devSplitIndices("rte", 4)), /covers 4 rows but the dev set has 3/);
});

test("GLUE tasks: paper sizes and dev rows land in the right halves", { skip: !GLUE && NO_GLUE }, () => {
  const sizes: Record<string, [number, number]> = { rte: [138, 139], mrpc: [204, 204], cola: [521, 522], sst2: [436, 436] };
  for (const [name, [nVal, nTest]] of Object.entries(sizes)) {
    const t = loadTask(name, { glueDir: GLUE! });
    assert.equal(t.validation.length, nVal, name);
    assert.equal(t.test.length, nTest, name);
    const dev = readGlueSplit(GLUE!, t.name as "rte", "dev");
    const s = devSplitIndices(t.name, dev.length);
    assert.deepEqual(t.test[0], dev[s.test[0]]);
    assert.deepEqual(t.validation.at(-1), dev[s.validation.at(-1)!]);
    assert.equal(t.train.length, readGlueSplit(GLUE!, t.name as "rte", "train").length);
  }
  clearTaskCache();
});
