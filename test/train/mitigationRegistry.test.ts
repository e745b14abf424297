// The method registry is the one place a method is declared: a method registered here (a test's
// own, "boost", whose whole effect is a dropout rate) shows up in `finetune`'s usage, flags and
// checks, in `sweep`'s method list and run specs, and trains through the real run loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run as finetune } from "../../src/cli/commands/finetune";
import { run as sweep } from "../../src/cli/commands/sweep";
import { METHOD_NAMES } from "../../src/runs/methods";
import { METHOD_LABELS } from "../../src/runs/names";
import { fineTune } from "../../src/train/finetune";
import { readSpec } from "../../src/train/finetune/runSpec";
import { MITIGATIONS, defaultHyperParameters, mitigationMethods, registerMitigationMethod, resolveMitigationHyperParameters } from "../../src/train/mitigation/registry";
import { tinyCheckpoint, tinyTask, tmpDir } from "./finetuneFixture";

const root = tmpDir("method-registry-");
const checkpoint = tinyCheckpoint(root);

registerMitigationMethod({
  store: "boost",
  key: "boost",
  paper: "Boost",
  label: "a test's method: more dropout",
  hyperParameters: [{ key: "boostP", flag: "--boost-p", metavar: "P", default: 0.2, min: 0, max: 0.5, help: "boost: dropout probability" }],
  configure: (base, _ctx, hp) => ({ ...base, dropoutOverride: hp.boostP }),
});

/** What `run` writes to stdout. */
async function stdoutOf(run: () => Promise<number>): Promise<string> {
  const write = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: string) => ((text += chunk), true)) as typeof process.stdout.write;
  try {
    assert.equal(await run(), 0);
  } finally {
    process.stdout.write = write;
  }
  return text;
}

async function cliError(run: Promise<number>, re: RegExp): Promise<void> {
  await assert.rejects(run, (err: Error) => err instanceof CliError && re.test(err.message) && !err.message.includes("\n"));
}

test("the paper's methods: the registry agrees with the store's and the paper's names", () => {
  assert.deepEqual([...MITIGATIONS], ["none", "mixout", "llrd", "reinit", "wd_pre"]);
  for (const m of mitigationMethods().filter((x) => MITIGATIONS.includes(x.store))) {
    assert.equal(METHOD_NAMES.find((n) => n.store === m.store)?.key, m.key, m.store);
    assert.equal(METHOD_LABELS[m.key].plain, m.paper, m.store);
  }
  assert.deepEqual(
    Object.fromEntries(Object.entries(defaultHyperParameters()).filter(([k]) => k !== "boostP")),
    { weightDecay: 0.01, mixoutP: 0.1, llrdEta: 0.95, reinitLayers: 5, reinitStd: 0.02, wdPreLambda: 0.01 },
  );
  assert.throws(() => registerMitigationMethod({ ...mitigationMethods()[1], store: "mixout2", key: "mixout2" }), /hyper-parameter mixoutP is taken/);
  assert.throws(() => resolveMitigationHyperParameters({ boostP: 0.6 }), /boostP must be a number in \[0, 0\.5\] \(boost: dropout probability; default 0\.2\), got 0\.6/);
});

test("a registered method is in finetune's usage, its flag is parsed and checked", async () => {
  const usage = await stdoutOf(() => finetune(["--help"]));
  assert.match(usage, /--mitigation M {9}none\|mixout\|llrd\|reinit\|wd_pre\|boost \(default none\):\n/);
  assert.match(usage, /\n {27}wd_pre  WD_pre: weight decay toward the pre-trained weights\n {27}boost   Boost: a test's method: more dropout\n/);
  assert.match(usage, /\n {2}--boost-p P {12}boost: dropout probability \(default 0\.2\)\n/);
  assert.match(usage, /\n {2}--mixout-p P {11}mixout: mix probability \(default 0\.1, the paper's\)\n/);
  const out = path.join(root, "cli-run");
  const args = ["--task", "sotu-party", "--seed", "0", "--out", out, "--model", await checkpoint, "--quiet", "--mitigation", "boost"];
  await cliError(finetune([...args, "--boost-p", "0.7"]), /^--boost-p: '0\.7' is not a number in \[0, 0\.5\]; pass a number in \[0, 0\.5\] \(default 0\.2\)$/);
  await cliError(finetune([...args, "--boost-p", ""]), /^--boost-p: '' is not a number/);
  await cliError(finetune([...args, "--reinit-layers", "1.5"]), /^--reinit-layers: '1\.5' is not an integer in \[0, 1000\]/);
  await cliError(finetune([...args.slice(0, -1), "dropconnect"]), /--mitigation: unknown mitigation method "dropconnect"; valid methods: none, mixout, llrd, reinit, wd_pre, boost/);
});

test("sweep lists a registered method, and hands each method's flag to its own runs only", async () => {
  const usage = await stdoutOf(() => sweep(["--help"]));
  assert.match(usage, /--mitigations LIST {7}none,mixout,llrd,reinit,wd_pre,boost \(default: none\):\n/);
  assert.match(usage, /\n {27}none    Standard: standard fine-tuning\n/);
  assert.match(usage, /--boost-p P/);
  const store = path.join(root, "store");
  const grid = ["--store", store, "--tasks", "sotu-party", "--seeds", "0", "--model", await checkpoint, "--print-commands"];
  const lines = (await stdoutOf(() => sweep([...grid, "--mitigations", "boost,none", "--boost-p", "0.3", "--mixout-p", "0.4"]))).trim().split("\n");
  const specs = lines.map((l) => readSpec(/--spec '(.*?)' --out/.exec(l)![1]));
  assert.deepEqual(specs.map((s) => [s.mitigation, s.mitigationHyperParameters.boostP, s.mitigationHyperParameters.mixoutP]), [["boost", 0.3, 0.1], ["none", 0.2, 0.1]]);
  await cliError(sweep([...grid, "--mitigations", "nope"]), /^--mitigations: unknown method 'nope'; valid methods: none, mixout, llrd, reinit, wd_pre, boost$/);
  await cliError(sweep([...grid, "--boost-p", "2"]), /^--boost-p: '2' is not a number in \[0, 0\.5\]/);
  await cliError(sweep([...grid, "--epochs", "0"]), /^--epochs: epochs must be a positive integer, got 0$/);
});

test("a registered method trains through the run loop with its own configure function", async () => {
  const task = tinyTask();
  const common = { task, seed: 1, modelDir: await checkpoint, epochs: 1, lr: 1e-3, progress: false as const };
  const boost = await fineTune({ ...common, out: path.join(root, "boost"), mitigation: "boost", mitigationHyperParameters: { boostP: 0.3 } });
  const plain = await fineTune({ ...common, out: path.join(root, "dropout"), mitigation: "none", dropout: 0.3 });
  assert.deepEqual([boost.status, plain.status], ["finished", "finished"]);
  assert.equal(boost.config?.mitigation, "boost");
  assert.deepEqual(boost.config?.dropout, { hidden: 0.3, attention: 0.3, classifier: 0.3 });
  assert.equal((boost.config?.mitigationHyperParameters as Record<string, number>).boostP, 0.3);
  // its whole effect is the dropout rate: the same bytes as Standard with that dropout
  for (const f of ["logits.npy", "hidden.npy"]) assert.ok(fs.readFileSync(path.join(root, "boost", f)).equals(fs.readFileSync(path.join(root, "dropout", f))), f);
  const other = await fineTune({ ...common, out: path.join(root, "boost-default"), mitigation: "boost" });
  assert.ok(!fs.readFileSync(path.join(root, "boost-default", "logits.npy")).equals(fs.readFileSync(path.join(root, "boost", "logits.npy"))), "boostP acts");
  assert.equal(other.status, "finished");
});
