// Names from the command line become folders of the store: they must stay one safe path segment,
// so that nothing is written (or cleaned) outside the store, and a grid trains each run once.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run as sweep } from "../../src/cli/commands/sweep";
import { expandGrid } from "../../src/train/sweep/grid";
import { checkStoreName } from "../../src/runs/storeLayout";
import { runSweep } from "../../src/train/sweep/pool";
import { removeStaleTemporaries } from "../../src/train/sweep/store";
import { mkdtemp } from "../helpers/tempDir";

async function expectCliError(args: string[], re: RegExp): Promise<void> {
  await assert.rejects(sweep(args), (err: Error) => {
    assert.ok(err instanceof CliError, `a CliError, got ${err.name}: ${err.message}`);
    assert.match(err.message, re);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

test("--model-name, --tasks and --mitigations that are not one safe path segment are refused before anything is created", async () => {
  const root = mkdtemp("sweep-names-");
  const store = path.join(root, "deep", "er", "store");
  const cases: [string[], RegExp][] = [
    [["--model-name", "../../../../x"], /--model-name: '\.\.\/\.\.\/\.\.\/\.\.\/x' cannot be a folder name in the store/],
    [["--model-name", "."], /--model-name: '\.' cannot be a folder name/],
    [["--model-name", ".hidden"], /--model-name: '\.hidden' cannot be a folder name/],
    [["--tasks", "../../escaped"], /--tasks: unknown task '\.\.\/\.\.\/escaped'/],
    [["--mitigations", "../none"], /--mitigations: unknown method '\.\.\/none'/],
  ];
  for (const [args, re] of cases) await expectCliError(["--store", store, "--seeds", "0", "--print-commands", ...args], re);
  assert.deepEqual(fs.readdirSync(root), [], "nothing was created");
  // The grid itself refuses them too (the library path, used by reproduce and notebooks).
  const grid = { model: "m", tasks: ["spam"], mitigations: ["none"], learningRates: [2e-5], seeds: [0] };
  assert.throws(() => expandGrid({ ...grid, tasks: ["../../escaped"] }), /--tasks: '\.\.\/\.\.\/escaped' cannot be a folder name/);
  assert.throws(() => expandGrid({ ...grid, mitigations: ["a/b"] }), /--mitigations: 'a\/b'/);
  assert.throws(() => expandGrid({ ...grid, model: "/abs" }), /--model-name: '\/abs'/);
  assert.equal(checkStoreName("--tasks", "sst2"), "sst2");
});

test("a run spec that points outside the store is refused by the pool and by the temporary cleanup", async () => {
  const root = mkdtemp("sweep-escape-");
  const store = path.join(root, "store");
  const outside = path.join(root, "escaped");
  fs.mkdirSync(outside);
  // An abandoned-looking temporary outside the store must survive (pid 1 is alive, so use a dead-pid name).
  const victim = path.join(outside, ".tmp-seed-00-999999999-0-1");
  fs.mkdirSync(victim);
  const spec = { model: "m", task: "t", mitigation: "none", learningRate: 2e-5, seed: 0, relativeDir: path.join("..", "escaped", "seed-00") };
  assert.throws(() => removeStaleTemporaries(store, [spec]), /lies outside the store/);
  await assert.rejects(
    runSweep({ store, runs: [spec], workers: 1, commandFor: () => ({ command: process.execPath, args: ["-e", ""] }) }),
    /run folder '\.\.\/escaped\/seed-00' lies outside the store/,
  );
  assert.ok(fs.existsSync(victim));
  assert.ok(!fs.existsSync(store), "the store was not even created");
});

test("a grid with repeated names trains each run once; unknown options are one-line errors", async () => {
  const runs = expandGrid({ model: "m", tasks: ["spam", "spam"], mitigations: ["none", "none"], learningRates: [2e-5, 0.00002], seeds: [0, 1] });
  assert.deepEqual(runs.map((r) => r.relativeDir), [path.join("m", "spam", "none-lr2e-5", "seed-00"), path.join("m", "spam", "none-lr2e-5", "seed-01")]);
  await expectCliError(["--store", "x", "--bogus"], /Unknown option '--bogus'.*see `instability sweep --help`/);
  const { run: reproduce } = await import("../../src/cli/commands/reproduce");
  await assert.rejects(reproduce(["--bogus"]), (err: Error) => err instanceof CliError && /Unknown option '--bogus'.*instability reproduce --help/.test(err.message));
});

test("seeds are 32-bit: 2^32 is refused everywhere instead of silently repeating seed 0; huge seed lists are refused", async () => {
  const { parseSeeds } = await import("../../src/train/sweep/grid");
  const { resolveConfig } = await import("../../src/train/finetune/config");
  const { tinyTask } = await import("./finetuneFixture");
  assert.deepEqual(parseSeeds("4294967295"), [4294967295]);
  assert.throws(() => parseSeeds("4294967296"), /seeds are 32-bit, at most 4294967295/);
  assert.throws(() => parseSeeds("0-99999999"), /more than 100000 seeds/);
  assert.throws(() => resolveConfig({ task: tinyTask(), seed: 2 ** 32, out: "x", modelDir: "m" }, tinyTask()), /seed must be an integer in 0\.\.4294967295/);
  const { run: finetune } = await import("../../src/cli/commands/finetune");
  await assert.rejects(finetune(["--task", "spam", "--seed", "4294967296", "--out", "x"]), /--seed: seed must be an integer in 0\.\.4294967295 \(the random streams are 32-bit\), got 4294967296/);
  await assert.rejects(finetune(["--task", "spam", "--seed", "0", "--lr", "0", "--out", "x"]), /--lr: '0' is not a positive number/);
});
