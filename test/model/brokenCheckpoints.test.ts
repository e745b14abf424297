// Broken checkpoints (issue 31, items 4 and 18): a config.json value of the wrong type or sign, or
// a NaN weight, is refused with one line naming the file and the key or tensor (instead of a run
// that "diverges at step 1" and is stored, and counted, as a failed run); weights the config does
// not ask for are named, as the newly initialised ones are.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run } from "../../src/cli/commands/finetune";
import { loadModel, readSafetensors } from "../../src/model";
import { writeSafetensors } from "../../src/model/safetensors";
import { tinyCheckpoint, tmpDir } from "../train/finetuneFixture";

const root = tmpDir("broken-ckpt-");
const good = tinyCheckpoint(root);

async function copyWith(name: string, edit: (dir: string) => void): Promise<string> {
  const dir = path.join(root, name);
  fs.cpSync(await good, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editConfig(dir: string, change: Record<string, unknown>): void {
  const file = path.join(dir, "config.json");
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), ...change }));
}

test("config.json values of the wrong type, sign or range are one line naming the file and key", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ layer_norm_eps: "x" }, /config\.json: layer_norm_eps must be a positive number, got "x"/],
    [{ layer_norm_eps: -1e-12 }, /config\.json: layer_norm_eps must be a positive number, got -1e-12/],
    [{ initializer_range: 0 }, /config\.json: initializer_range must be a positive number, got 0/],
    [{ hidden_dropout_prob: "0.1" }, /config\.json: hidden_dropout_prob must be a number in \[0, 1\), got "0\.1"/],
    [{ classifier_dropout: 2 }, /config\.json: classifier_dropout must be null or a number in \[0, 1\), got 2/],
    [{ pad_token_id: 100000 }, /config\.json: pad_token_id must be an integer in \[0, vocab_size \d+\), got 100000/],
  ];
  for (const [change, re] of cases) {
    const dir = await copyWith(`cfg-${Object.keys(change)[0]}-${String(Object.values(change)[0])}`, (d) => editConfig(d, change));
    await assert.rejects(loadModel(dir, { numLabels: 2, seed: 0 }), (err: Error) => {
      assert.match(err.message, re);
      assert.ok(err.message.includes(path.join(dir, "config.json")), err.message);
      return true;
    });
  }
});

test("a NaN weight is refused naming the file and tensor; finetune stores no 'failed run' for it", async () => {
  const dir = await copyWith("nan-weight", (d) => {
    const file = path.join(d, "model.safetensors");
    const tensors = readSafetensors(file);
    const t = tensors.get("bert.encoder.layer.1.attention.self.query.weight")!;
    t.data[5] = NaN;
    writeSafetensors(file, tensors);
  });
  await assert.rejects(loadModel(dir, { numLabels: 2, seed: 0 }), /model\.safetensors: bert\.encoder\.layer\.1\.attention\.self\.query\.weight holds NaN at index 5; the checkpoint is broken/);
  const out = path.join(root, "nan-run");
  await assert.rejects(run(["--task", "sotu-party", "--seed", "0", "--out", out, "--model", dir, "--quiet", "--epochs", "1", "--max-train-examples", "8"]), (err: Error) => {
    assert.ok(err instanceof CliError, `${err.name}: ${err.message}`);
    assert.match(err.message, /query\.weight holds NaN at index 5/);
    return true;
  });
  assert.ok(!fs.existsSync(out), "no run folder is written for a broken checkpoint");
});

test("checkpoint weights beyond what config.json asks for (an extra block) are named as ignored", async () => {
  const dir = await copyWith("extra-layer", (d) => {
    const cfg = JSON.parse(fs.readFileSync(path.join(d, "config.json"), "utf8"));
    editConfig(d, { num_hidden_layers: cfg.num_hidden_layers - 1 });
  });
  const lines: string[] = [];
  const model = await loadModel(dir, { numLabels: 2, seed: 3, log: (l) => lines.push(l) });
  model.dispose();
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0], /newly initialised from seed 3: classifier\.weight, classifier\.bias; 16 checkpoint weights not used by its config\.json, ignored: bert\.encoder\.layer\.2\./);
  // The untouched checkpoint: only the new head is reported, nothing ignored.
  const plain: string[] = [];
  (await loadModel(await good, { numLabels: 2, seed: 3, log: (l) => plain.push(l) })).dispose();
  assert.doesNotMatch(plain.join("\n"), /ignored/);
});
