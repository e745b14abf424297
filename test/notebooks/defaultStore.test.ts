// One default store for the CLI and the notebooks, wherever they start: out/reproduce in the
// package's folder, or $INSTABILITY_OUT (absolute) for both.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "../../src/cli/commands/reproduce";
import { demoRuns } from "../../src/notebook/demoRuns";
import { defaultReproduceOut, defaultRunStore, OUT_ENV } from "../../src/train/sweep/defaultStore";
import { packageRoot } from "../../src/util/packageRoot";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";
import { mkdtemp } from "../helpers/tempDir";

/** Runs `fn` in `dir` with INSTABILITY_OUT set to `out` (undefined: unset), restoring both after. */
async function startingIn<T>(dir: string, out: string | undefined, fn: () => T | Promise<T>): Promise<T> {
  const cwd = process.cwd();
  const before = process.env[OUT_ENV];
  process.chdir(dir);
  if (out === undefined) delete process.env[OUT_ENV];
  else process.env[OUT_ENV] = out;
  try {
    return await fn();
  } finally {
    process.chdir(cwd);
    if (before === undefined) delete process.env[OUT_ENV];
    else process.env[OUT_ENV] = before;
  }
}

test("without INSTABILITY_OUT the default is out/reproduce in the package's folder, from any folder", async () => {
  const here = await startingIn(mkdtemp("default-store-a-"), undefined, () => defaultReproduceOut());
  const there = await startingIn(path.join(packageRoot(), "notebooks"), undefined, () => defaultReproduceOut());
  assert.equal(here, path.join(packageRoot(), "out", "reproduce"));
  assert.equal(there, here);
  assert.equal(defaultRunStore({}), path.join(here, "runs"));
});

test("an installed copy (inside node_modules) keeps its runs in the installing project, not in the package a reinstall replaces", () => {
  assert.equal(defaultReproduceOut({}, "/home/u/proj/node_modules/instability-lab"), path.join("/home/u/proj", "out", "reproduce"));
  assert.equal(defaultReproduceOut({}, "/home/u/proj/node_modules/@scope/x/node_modules/instability-lab"), path.join("/home/u/proj/node_modules/@scope/x", "out", "reproduce"));
  assert.equal(defaultReproduceOut({}, "/work/instability-lab"), path.join("/work/instability-lab", "out", "reproduce"));
  assert.equal(defaultReproduceOut({ [OUT_ENV]: "/data/runs-here" }, "/home/u/proj/node_modules/instability-lab"), "/data/runs-here");
});

test("INSTABILITY_OUT moves the store of the CLI and the notebooks alike; a relative one is an error naming it", async () => {
  const out = mkdtemp("default-store-out-");
  writeSyntheticStore(path.join(out, "runs"), { configs: fiveMethods([0, 1, 2, 3]), n: 30, blocks: 2 });
  const elsewhere = mkdtemp("default-store-cwd-");
  const write = process.stdout.write;
  const errWrite = process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  let code: number;
  try {
    code = await startingIn(elsewhere, out, () => run(["--no-sweep"]));
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  assert.ok(code === 0 || code === 1, `reproduce ran (exit ${code})`);
  assert.ok(fs.existsSync(path.join(out, "findings.md")), "the CLI wrote its report into $INSTABILITY_OUT");
  assert.deepEqual(fs.readdirSync(elsewhere), [], "nothing in the folder it started in");
  const demo = await startingIn(path.join(packageRoot(), "notebooks"), out, () => demoRuns({ show: false }));
  assert.equal(demo.source, "main job");
  assert.ok(demo.dir.startsWith(path.join(out, "runs") + path.sep), `the notebooks read the same store: ${demo.dir}`);

  await startingIn(elsewhere, "relative/out", async () => {
    await assert.rejects(run(["--no-sweep"]), /INSTABILITY_OUT='relative\/out' must be an absolute folder/);
    assert.throws(() => demoRuns({ show: false }), /INSTABILITY_OUT='relative\/out' must be an absolute folder/);
  });
});
