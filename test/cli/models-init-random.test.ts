import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSafetensors } from "../../src/model";
import { REPO_ROOT } from "../helpers/glue";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const EMBEDDED = path.join(REPO_ROOT, "models", "tiny-bert-en");

function models(...args: string[]) {
  return spawnSync(process.execPath, [CLI, "models", ...args], { encoding: "utf8" });
}

function weights(dir: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of readSafetensors(path.join(dir, "model.safetensors"))) out.set(name, t.data as Float32Array);
  return out;
}

function std(xs: Float32Array): number {
  let s = 0;
  let s2 = 0;
  for (const x of xs) {
    s += x;
    s2 += x * x;
  }
  return Math.sqrt(s2 / xs.length - (s / xs.length) ** 2);
}

test("models init-random copies the architecture and tokenizer with fresh N(0, 0.02) weights, reproducibly", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "init-random-"));
  const a = path.join(root, "a");
  const b = path.join(root, "b");
  const c = path.join(root, "c");
  for (const [out, seed] of [[a, "0"], [b, "0"], [c, "1"]]) {
    const r = models("init-random", "--like", EMBEDDED, "--out", out, "--seed", seed);
    assert.equal(r.status, 0, r.stderr);
  }
  const config = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  for (const key of ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings", "model_type"]) {
    assert.equal(config(a)[key], config(EMBEDDED)[key], key);
  }
  for (const f of ["tokenizer.json", "vocab.txt"]) assert.equal(fs.readFileSync(path.join(a, f), "utf8"), fs.readFileSync(path.join(EMBEDDED, f), "utf8"), f);

  const pre = weights(EMBEDDED);
  const wa = weights(a);
  const wb = weights(b);
  const wc = weights(c);
  // The encoder and MLM head of the pre-trained checkpoint: a drop-in replacement for fine-tuning.
  // Its pooler and next-sentence head are left out, so a classifier starts the pooler from the
  // run's seed, as it does for any checkpoint without one.
  const withoutPooler = [...pre.keys()].filter((k) => !k.includes(".pooler.") && !k.startsWith("cls.seq_relationship"));
  assert.deepEqual([...wa.keys()].sort(), withoutPooler.sort());
  assert.ok(withoutPooler.length < pre.size, "the embedded model has a pooler to leave out");
  const q = "bert.encoder.layer.0.attention.self.query.weight";
  assert.deepEqual(wa.get(q), wb.get(q), "same seed, same weights");
  assert.notDeepEqual(wa.get(q), wc.get(q), "another seed, other weights");
  assert.notDeepEqual(wa.get(q), pre.get(q));
  assert.ok(Math.abs(std(wa.get(q)!) - 0.02) < 0.002, `query weights std ${std(wa.get(q)!)} ≈ initializer_range 0.02`);
  assert.ok(wa.get("bert.encoder.layer.0.output.LayerNorm.weight")!.every((x) => x === 1), "LayerNorm gains start at 1");
});

test("models init-random refuses a bad --like or an --out that holds a model, naming it", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "init-random-"));
  let r = models("init-random", "--out", path.join(root, "x"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /needs --like DIR/);
  r = models("init-random", "--like", root, "--out", path.join(root, "x"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`--like ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: no config.json there`));
  fs.writeFileSync(path.join(root, "model.safetensors"), "keep me");
  r = models("init-random", "--like", EMBEDDED, "--out", root);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already holds a model.safetensors/);
  assert.equal(fs.readFileSync(path.join(root, "model.safetensors"), "utf8"), "keep me");
  r = models("init-random", "--like", EMBEDDED, "--out", path.join(root, "y"), "--seed=1.5");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--seed must be a non-negative integer of 32 bits \(at most 4294967295\), got .1\.5./);
});
