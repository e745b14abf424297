// `instability finetune` on bad input: each a one-line error naming the input and the fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run } from "../../src/cli/commands/finetune";
import { createRandomModel, saveModel } from "../../src/model";
import { writeRun } from "../../src/runs";
import { tinyCheckpoint, tinyConfig, tmpDir } from "./finetuneFixture";

const root = tmpDir("finetune-cli-");
const checkpoint = tinyCheckpoint(root);
const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

async function expectCliError(args: string[], re: RegExp): Promise<void> {
  await assert.rejects(run(args), (err: Error) => {
    assert.ok(err instanceof CliError, `a CliError, got ${err.name}: ${err.message}`);
    assert.match(err.message, re);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

const base = async (out: string, extra: string[] = []) => ["--task", "sotu-party", "--seed", "0", "--out", path.join(root, out), "--model", await checkpoint, "--quiet", ...extra];

test("unknown task or method: the error lists the valid ones", async () => {
  await expectCliError(["--task", "nope", "--seed", "0", "--out", path.join(root, "x"), "--model", await checkpoint], /unknown task 'nope': valid tasks are rte, mrpc, cola, sst2, sotu-party, sotu-pair/);
  await expectCliError(await base("x", ["--mitigation", "dropconnect"]), /--mitigation: unknown mitigation method "dropconnect"; valid methods: none, mixout, llrd, reinit, wd_pre/);
  await expectCliError(await base("x", ["--failed-rule", "final:loss<=1"]), /--failed-rule: .*CHECKPOINT:MEASURE<=BASELINE/);
  await expectCliError(["--task", "sotu-party", "--out", "x"], /--seed N is required/);
  await expectCliError(await base("x", ["--epochs", "0"]), /--epochs: '0' is not an integer ≥ 1/);
});

test("a missing checkpoint, one of another architecture, or one whose head has another label count", async () => {
  const missing = path.join(root, "no-such-model");
  await expectCliError([...(await base("x")).slice(0, 6), "--model", missing], /model directory .*no-such-model does not exist/);

  const gpt = path.join(root, "gpt2");
  fs.mkdirSync(gpt);
  fs.writeFileSync(path.join(gpt, "config.json"), JSON.stringify({ model_type: "gpt2", n_layer: 2 }));
  await expectCliError([...(await base("x")).slice(0, 6), "--model", gpt], /gpt2[/\\]config\.json: model_type is "gpt2"; only "bert" and "roberta"/);

  const deeper = path.join(root, "deeper");
  fs.cpSync(await checkpoint, deeper, { recursive: true });
  const cfg = JSON.parse(fs.readFileSync(path.join(deeper, "config.json"), "utf8"));
  fs.writeFileSync(path.join(deeper, "config.json"), JSON.stringify({ ...cfg, num_hidden_layers: cfg.num_hidden_layers + 1 }));
  await expectCliError([...(await base("x")).slice(0, 6), "--model", deeper], /missing encoder weight bert\.encoder\.layer\.3\..*another architecture/);

  const threeWay = path.join(root, "three-way");
  const model = await createRandomModel(tinyConfig({ num_labels: 3, vocab_size: cfg.vocab_size }), 1);
  await saveModel(model, threeWay, { tokenizerFrom: await checkpoint });
  model.dispose();
  await expectCliError([...(await base("x")).slice(0, 6), "--model", threeWay], /classification head has 3 outputs but 2 labels/);
});

test("an unwritable --out, or one that holds something that is not a finished run", async () => {
  const file = path.join(root, "a-file");
  fs.writeFileSync(file, "");
  await expectCliError([...(await base("x")).slice(0, 4), "--out", path.join(file, "run"), "--model", await checkpoint], /--out .*a-file[/\\]run cannot be written/);
  const busy = path.join(root, "busy");
  fs.mkdirSync(busy);
  fs.writeFileSync(path.join(busy, "notes.txt"), "mine");
  await expectCliError([...(await base("x")).slice(0, 4), "--out", busy, "--model", await checkpoint], /--out .*busy exists and is not a finished run/);
  assert.equal(fs.readFileSync(path.join(busy, "notes.txt"), "utf8"), "mine");
});

test("--out that holds a finished run of unknown settings is a one-line error, and is left alone", async () => {
  const done = path.join(root, "done");
  writeRun(done, { logits: { data: new Float32Array(4), shape: [2, 2] }, labels: { data: new Int32Array(2), shape: [2] }, metrics: { seed: 0 } });
  const r = spawnSync(process.execPath, [CLI, "finetune", ...(await base("done"))], { encoding: "utf8" });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^instability finetune: --out .*done holds a finished run made with other settings \(it has no config\.json, so its settings are unknown\); pass --overwrite to re-run it, or choose another --out\n$/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(done, "metrics.json"), "utf8")), { seed: 0 });
  const help = spawnSync(process.execPath, [CLI, "finetune", "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--mitigation M +none\|mixout\|llrd\|reinit\|wd_pre/);
});

test("the command runs end to end and writes a run folder", async () => {
  await expectCliError(await base("x", ["--mitigation", "reinit", "--reinit-layers", "5", "--max-length", "64"]), /top 5 blocks needs at least 5 blocks, but the model in .* has 3; pass --reinit-layers 3 or less/);
  await expectCliError(await base("x", ["--max-length", "128"]), /--max-length 128 exceeds the 64 positions of the model in .*; pass --max-length 64 or less/);
  const out = path.join(root, "cli-run");
  const r = spawnSync(process.execPath, [CLI, "finetune", ...(await base("cli-run", ["--epochs", "1", "--max-train-examples", "20", "--lr", "1e-4"]))], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /test accuracy \d\.\d{4} \(best epoch 1\)/);
  const m = JSON.parse(fs.readFileSync(path.join(out, "metrics.json"), "utf8"));
  assert.equal(m.steps, 2);
  assert.equal(m.task, "sotu-party");
  // The default truncation (128) is lowered to this small model's 64 positions and recorded.
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8")).maxLength, 64);
});

test.after(() => fs.rmSync(root, { recursive: true, force: true }));
