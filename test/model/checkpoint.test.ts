// HF checkpoint layout: load → save → load is exact; F16/BF16 tensors read as written by NumPy;
// a missing classification head is initialised from the seed; HF-style random init.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_NUMPY, pythonWithNumpy, runPython } from "../helpers/python";
import { createRandomModel, exportWeights, loadModel, makeConfig, readSafetensors, saveModel } from "../../src/model";

function tmp(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ckpt-${label}-`));
}

const small = (model_type: "bert" | "roberta") =>
  makeConfig({ model_type, vocab_size: 30, hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 32, max_position_embeddings: 24 });

test("createRandomModel follows HF init: N(0, 0.02²) weights, zero biases, LayerNorm 1/0, zero padding rows", async () => {
  const model = await createRandomModel(small("roberta"), 1);
  const w = model.param("roberta.encoder.layer.0.intermediate.dense.weight").dataSync();
  let s = 0, s2 = 0;
  for (const x of w) { s += x; s2 += x * x; }
  const sd = Math.sqrt(s2 / w.length - (s / w.length) ** 2);
  assert.ok(Math.abs(sd - 0.02) < 0.002, `sd ${sd}`);
  assert.ok(model.param("roberta.encoder.layer.0.intermediate.dense.bias").dataSync().every((x) => x === 0));
  assert.ok(model.param("roberta.embeddings.LayerNorm.weight").dataSync().every((x) => x === 1));
  const pad = model.config.pad_token_id;
  const row = (name: string) => model.param(name).arraySync() as number[][];
  assert.ok(row("roberta.embeddings.word_embeddings.weight")[pad].every((x) => x === 0));
  assert.ok(row("roberta.embeddings.position_embeddings.weight")[pad].every((x) => x === 0));
  const again = await createRandomModel(small("roberta"), 1);
  assert.deepEqual(again.param("classifier.dense.weight").dataSync(), model.param("classifier.dense.weight").dataSync());
  model.dispose();
  again.dispose();
});

for (const arch of ["bert", "roberta"] as const) {
  test(`${arch}: load → save → load is exact, in HF layout, with tokenizer files copied`, async () => {
    const a = tmp("a"), b = tmp("b");
    try {
      const m0 = await createRandomModel(small(arch), 2, { mlm: arch === "bert" });
      await saveModel(m0, a);
      fs.writeFileSync(path.join(a, "vocab.txt"), "[PAD]\n[UNK]\n");
      const m1 = await loadModel(a);
      await saveModel(m1, b);
      assert.deepEqual(fs.readFileSync(path.join(b, "model.safetensors")), fs.readFileSync(path.join(a, "model.safetensors")));
      assert.equal(fs.readFileSync(path.join(b, "vocab.txt"), "utf8"), "[PAD]\n[UNK]\n");
      const m2 = await loadModel(b);
      const w0 = exportWeights(m0), w2 = exportWeights(m2);
      assert.deepEqual([...w2.keys()].sort(), [...w0.keys()].sort());
      for (const [k, v] of w0) assert.deepEqual(w2.get(k)!.data, v.data, k);
      // nn.Linear weights are [out, in] on disk, as in PyTorch
      const disk = readSafetensors(path.join(a, "model.safetensors"));
      const outName = arch === "bert" ? "classifier.weight" : "classifier.out_proj.weight";
      assert.deepEqual(disk.get(outName)!.shape, [2, 64]);
      assert.deepEqual(disk.get(`${arch}.encoder.layer.0.intermediate.dense.weight`)!.shape, [32, 64]);
      const cfg = JSON.parse(fs.readFileSync(path.join(a, "config.json"), "utf8"));
      assert.equal(cfg.model_type, arch);
      assert.equal(Object.keys(cfg.id2label).length, 2);
      for (const m of [m0, m1, m2]) m.dispose();
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });
}

test("a missing classification head is initialised from the seed", async () => {
  const dir = tmp("nohead");
  try {
    const base = await createRandomModel(small("bert"), 3, { classifier: false, mlm: true });
    await saveModel(base, dir);
    base.dispose();
    await assert.rejects(loadModel(dir, { numLabels: 2 }), /pass a seed/);
    const m1 = await loadModel(dir, { numLabels: 2, seed: 11 });
    const m2 = await loadModel(dir, { numLabels: 2, seed: 11 });
    const m3 = await loadModel(dir, { numLabels: 2, seed: 12 });
    assert.deepEqual(m1.initializedFromSeed, ["classifier.weight", "classifier.bias"]);
    // fine-tuning does not carry the MLM head; loading without numLabels keeps it
    assert.equal(m1.heads.mlm, false);
    const mlmOnly = await loadModel(dir);
    assert.equal(mlmOnly.heads.mlm, true);
    assert.equal(mlmOnly.heads.classifier, false);
    mlmOnly.dispose();
    const w = (m: typeof m1) => m.param("classifier.weight").dataSync();
    assert.deepEqual(w(m1), w(m2));
    assert.notDeepEqual(w(m1), w(m3));
    assert.ok(m1.param("classifier.bias").dataSync().every((x) => x === 0));
    assert.ok(w(m1).some((x) => x !== 0));
    // the encoder comes from the checkpoint regardless of the seed
    assert.deepEqual(m1.param("bert.encoder.layer.1.output.dense.weight").dataSync(), m3.param("bert.encoder.layer.1.output.dense.weight").dataSync());
    await assert.rejects(
      (async () => {
        await saveModel(m1, dir);
        await loadModel(dir, { numLabels: 3, seed: 1 });
      })(),
      /has 2 outputs but 3 labels/,
    );
    for (const m of [m1, m2, m3]) m.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("F16 and BF16 safetensors tensors read as NumPy wrote them", { skip: !pythonWithNumpy() && NO_NUMPY }, async () => {
  const dir = tmp("f16");
  try {
    const script = `
import json, struct, sys
import numpy as np
x = np.array([0.0, -1.5, 3.140625, 65504.0, 6.1e-5, 1e-7, -0.0, 2.0**-24], dtype=np.float32)
f16 = x.astype(np.float16)
bf16 = (np.array([1.0, -2.5, 3.3, 1e30, -1e-30], dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
pos = np.arange(3, dtype="<i8")
blobs = [f16.tobytes(), bf16.tobytes(), pos.tobytes()]
header = {"a": {"dtype": "F16", "shape": [2, 4], "data_offsets": [0, 16]},
          "b": {"dtype": "BF16", "shape": [5], "data_offsets": [16, 26]},
          "position_ids": {"dtype": "I64", "shape": [3], "data_offsets": [26, 50]}}
hb = json.dumps(header).encode()
open(sys.argv[1] + "/t.safetensors", "wb").write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
exp_b = (bf16.astype(np.uint32) << 16).view(np.float32)
print(json.dumps({"a": f16.astype(np.float64).tolist(), "b": exp_b.astype(np.float64).tolist()}))
`;
    const expected = JSON.parse(runPython(script, [dir]));
    assert.throws(() => readSafetensors(path.join(dir, "t.safetensors")), /position_ids has dtype I64/);
    const t = readSafetensors(path.join(dir, "t.safetensors"), { skipOtherDtypes: true });
    assert.equal(t.has("position_ids"), false);
    assert.deepEqual(t.get("a")!.shape, [2, 4]);
    assert.deepEqual(Array.from(t.get("a")!.data), expected.a);
    assert.deepEqual(Array.from(t.get("b")!.data), expected.b);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bad checkpoints give errors that name the file", async () => {
  const dir = tmp("bad");
  try {
    await assert.rejects(loadModel(dir), /no config.json/);
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ model_type: "gpt2" }));
    await assert.rejects(loadModel(dir), /only "bert" and "roberta"/);
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ model_type: "bert" }));
    await assert.rejects(loadModel(dir), /no model.safetensors/);
    fs.writeFileSync(path.join(dir, "model.safetensors"), Buffer.from([1, 2, 3]));
    await assert.rejects(loadModel(dir), /too short/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
