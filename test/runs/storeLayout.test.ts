// The run-store layout (runs/storeLayout.ts): what the sweep writes, the analyses parse back.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  configurationDir, configurationFolder, formatLearningRate, parseConfigurationFolder, parseSeedFolder, seedFolder,
} from "../../src/runs/storeLayout";
import { expandGrid } from "../../src/train/sweep/grid";
import { findConfigurations } from "../../src/analysis/store";
import { writeRun } from "../../src/runs";

test("configuration folders round-trip: method and learning rate come back exactly", () => {
  for (const method of ["none", "wd_pre", "mixout", "a-b-lr"]) {
    for (const lr of [2e-5, 1.5e-5, 1e-3, 0.1, 3, 7.25e-7]) {
      const name = configurationFolder(method, lr);
      assert.deepEqual(parseConfigurationFolder(name), { method, learningRate: lr }, name);
    }
  }
  assert.equal(configurationFolder("none", 2e-5), "none-lr2e-5");
  assert.equal(configurationDir("bert", "rte", "none", 2e-5), path.join("bert", "rte", "none-lr2e-5"));
});

test("names that are not configuration folders parse to undefined", () => {
  for (const name of ["none", "none-lr", "none-lr0", "none-lr-1e-5", "-lr2e-5", "none-lrabc", "seed-00"]) {
    assert.equal(parseConfigurationFolder(name), undefined, name);
  }
  assert.throws(() => formatLearningRate(0), /learning rate must be a positive number, got 0/);
  assert.throws(() => formatLearningRate(Number.POSITIVE_INFINITY), /positive number/);
});

test("seed folders round-trip, sort by name in seed order below 100, and foreign names give their trailing number", () => {
  for (const seed of [0, 7, 10, 99, 123, 4294967295]) assert.equal(parseSeedFolder(seedFolder(seed)), seed);
  assert.equal(seedFolder(3), "seed-03");
  const names = Array.from({ length: 100 }, (_, s) => seedFolder(s));
  assert.deepEqual([...names].sort(), names);
  assert.equal(parseSeedFolder("run7"), 7);
  assert.equal(parseSeedFolder("final"), undefined);
  assert.throws(() => seedFolder(-1), /seed must be a non-negative integer, got -1/);
  assert.throws(() => seedFolder(1.5), /non-negative integer/);
});

test("the analyses find exactly the configurations and seeds a sweep grid lays out", (t) => {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), "store-layout-"));
  t.after(() => fs.rmSync(store, { recursive: true, force: true }));
  const runs = expandGrid({ model: "tiny", tasks: ["rte"], mitigations: ["none", "wd_pre"], learningRates: [2e-5, 1e-4], seeds: [0, 3, 12] });
  for (const r of runs) {
    writeRun(path.join(store, r.relativeDir), {
      logits: { data: new Float32Array([1, 0, 0, 1]), shape: [2, 2] },
      labels: { data: new Int32Array([0, 1]), shape: [2] },
    });
  }
  const found = findConfigurations(store);
  assert.deepEqual(found.map((c) => [c.model, c.task, c.method, c.learningRate, c.seeds]), [
    ["tiny", "rte", "standard", 2e-5, [0, 3, 12]],
    ["tiny", "rte", "standard", 1e-4, [0, 3, 12]],
    ["tiny", "rte", "wdpre", 2e-5, [0, 3, 12]],
    ["tiny", "rte", "wdpre", 1e-4, [0, 3, 12]],
  ]);
});
