// The embedded tasks' disk cache: a cached task is the built one, byte for byte after JSON; a
// second process-start reads it instead of building; a damaged file is built again and replaced;
// a folder that cannot be written still gives the task; an installed copy caches in its project.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildEmbeddedTask } from "../../src/data/embeddedTasks";
import { cachedTaskBuild, taskCacheDir } from "../../src/data/taskCache";
import type { TaskData } from "../../src/data/types";
import { mkdtemp } from "../helpers/tempDir";

const cacheFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".json"));

test("the spam task is built once, then read from its cache file with the same splits", () => {
  const dir = mkdtemp("task-cache-");
  let builds = 0;
  const build = (): TaskData => (builds++, buildEmbeddedTask("spam"));
  const first = cachedTaskBuild("spam", build, dir);
  assert.equal(builds, 1);
  assert.equal(cacheFiles(dir).length, 1);
  assert.match(cacheFiles(dir)[0], /^spam-[0-9a-f]{16}\.json$/);
  const second = cachedTaskBuild("spam", () => assert.fail("built again although cached"), dir);
  assert.deepEqual(second, JSON.parse(JSON.stringify(first)));
  assert.deepEqual(second.train.slice(0, 3), buildEmbeddedTask("spam").train.slice(0, 3));
  assert.equal(second.train.length, 1200);
  assert.deepEqual(fs.readdirSync(dir), cacheFiles(dir), "no temporary file left");
});

test("a damaged cache file is built again and replaced", () => {
  const dir = mkdtemp("task-cache-");
  const task = { name: "t", train: [{ text: "a", label: 0 }], validation: [], test: [] } as unknown as TaskData;
  cachedTaskBuild("t", () => task, dir);
  const file = path.join(dir, cacheFiles(dir)[0]);
  fs.writeFileSync(file, '{"train": [1, 2'); // cut short
  let builds = 0;
  assert.deepEqual(cachedTaskBuild("t", () => (builds++, task), dir), task);
  assert.equal(builds, 1);
  assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), task);
});

test("a cache folder that cannot be made still gives the built task", () => {
  const blocker = path.join(mkdtemp("task-cache-"), "a-file");
  fs.writeFileSync(blocker, "not a folder");
  const task = { name: "t", train: [], validation: [], test: [] } as unknown as TaskData;
  assert.deepEqual(cachedTaskBuild("t", () => task, path.join(blocker, "tasks")), task);
});

test("the cache lives in out/cache/tasks of the package, or of the project that installed it", () => {
  assert.equal(taskCacheDir("/home/u/instability-lab"), path.join("/home/u/instability-lab", "out", "cache", "tasks"));
  assert.equal(taskCacheDir("/home/u/proj/node_modules/instability-lab"), path.join("/home/u/proj", "out", "cache", "tasks"));
});
