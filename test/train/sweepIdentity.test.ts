// A sweep counts a finished run as done only when it is the run the sweep asks for; one made with
// other settings is an error (or, with --overwrite, re-run), and no configuration folder ends up
// holding runs of two configurations.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run as sweep } from "../../src/cli/commands/sweep";
import { fineTune } from "../../src/train/finetune";
import { tinyCheckpoint, tmpDir } from "./finetuneFixture";

const root = tmpDir("sweep-identity-");
const checkpoint = tinyCheckpoint(root);
const store = path.join(root, "store");

async function sweepArgs(extra: string[]): Promise<string[]> {
  return ["--store", store, "--tasks", "sotu-party", "--model", await checkpoint, "--model-name", "tiny", "--max-train-examples", "16", "--max-length", "16", "--print-commands", ...extra];
}

async function capture(args: string[]): Promise<string> {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    assert.equal(await sweep(args), 0);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test("sweep: a finished run with other settings is an error, not 'done'; --overwrite re-runs exactly it", async () => {
  // seed 0 of the configuration, made by `finetune` with --epochs 1.
  await fineTune({
    task: "sotu-party", seed: 0, out: path.join(store, "tiny", "sotu-party", "none-lr2e-5", "seed-00"), modelDir: await checkpoint,
    epochs: 1, maxTrainExamples: 16, maxLength: 16, progress: false,
  });
  // The same settings: done, nothing to print for seed 0.
  const same = await capture(await sweepArgs(["--seeds", "0-1", "--epochs", "1"]));
  assert.equal(same.trim().split("\n").length, 1);
  assert.match(same, /finetune --spec '\{"task":"sotu-party","seed":1,.*' --out \S*seed-01$/m);

  const expectError = async (args: string[], re: RegExp) =>
    assert.rejects(sweep(args), (err: Error) => err instanceof CliError && re.test(err.message) && !err.message.includes("\n"));
  await expectError(await sweepArgs(["--seeds", "0", "--epochs", "2"]),
    /1 finished run\(s\) in .* were made with other settings than this sweep asks for: tiny[/\\]sotu-party[/\\]none-lr2e-5[/\\]seed-00 \(found vs asked: epochs 1 vs 2\); .*pass --overwrite to re-run them/);
  // Other seeds in the same folder: they would mix two configurations in one runs folder.
  await expectError(await sweepArgs(["--seeds", "1-2", "--epochs", "2", "--overwrite"]), /seed-00 \(found vs asked: epochs 1 vs 2\); they are not part of this sweep/);
  // Every resolved setting counts, e.g. the truncation length.
  await expectError(await sweepArgs(["--seeds", "0", "--epochs", "1", "--max-length", "12"]), /found vs asked: maxLength 16 vs 12/);

  const redo = await capture(await sweepArgs(["--seeds", "0", "--epochs", "2", "--overwrite"]));
  assert.match(redo, /finetune --spec '\{"task":"sotu-party","seed":0,"lr":0\.00002,"epochs":2,.*' --out \S*seed-00 --overwrite\n$/);
});
