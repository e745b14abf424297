// Checkpoints through the real library, both ways: all-MiniLM-L6-v2 with a 3-way head from our
// seed, saved by us, loads in transformers (from_pretrained, nothing missing or unexpected) with our
// logits; one that transformers builds and writes with save_pretrained (safetensors, bert.-prefixed
// names, its own head) loads in ours with its logits. Both to 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadModel, saveModel, type Batch, type EncoderModel } from "../../src/model";
import { loadTokenizer } from "../../src/data/tokenizers";
import { loadTask } from "../../src/data/loadTask";
import { miniLmDir, miniLmSkip, runHfJson } from "./hf/python";

interface RoundTrip {
  ours: { class: string; missing: string[]; unexpected: string[]; logits: number[][] };
  saved: { files: string[]; logits: number[][] };
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

const logitsOf = (model: EncoderModel, batch: Batch): number[][] => {
  const out = model.forward(batch, { training: false });
  const l = out.logits.arraySync();
  out.logits.dispose();
  return l;
};

test("round trip through transformers: our save loads in from_pretrained, its save_pretrained loads in ours, same logits", { skip: miniLmSkip() }, async () => {
  const src = miniLmDir();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hf-roundtrip-"));
  try {
    const oursDir = path.join(root, "ours");
    const theirsDir = path.join(root, "theirs");
    // Short pairs keep the CPU reference (reference BLAS) quick; the batch is padded.
    const pairs = loadTask("sotu-pair").test.slice(0, 4);
    const batch = loadTokenizer(src).encodeBatch(pairs.map((e) => ({ text: e.text, textPair: e.textPair })), { maxLength: 40 });
    assert.ok(batch.attentionMask.includes(0) || batch.seqLength === 40);

    const model = await loadModel(src, { numLabels: 3, seed: 9 });
    const ourLogits = logitsOf(model, batch);
    await saveModel(model, oursDir);
    model.dispose();

    const ref = runHfJson<RoundTrip>("hf_roundtrip.py", [], {
      ours: oursDir,
      source: src,
      saveDir: theirsDir,
      numLabels: 3,
      inputIds: Array.from(batch.inputIds),
      tokenTypeIds: Array.from(batch.tokenTypeIds),
      attentionMask: Array.from(batch.attentionMask),
      batchSize: batch.batchSize,
      seqLength: batch.seqLength,
    });
    assert.equal(ref.ours.class, "BertForSequenceClassification");
    assert.deepEqual(ref.ours.missing, [], "transformers found every weight in our checkpoint");
    assert.deepEqual(ref.ours.unexpected, []);
    const d1 = maxDiff(ourLogits, ref.ours.logits);
    assert.ok(d1 < 1e-4, `our checkpoint in transformers: logits differ by ${d1}`);

    assert.ok(ref.saved.files.includes("model.safetensors"), `save_pretrained wrote ${ref.saved.files}`);
    const theirs = await loadModel(theirsDir);
    try {
      assert.equal(theirs.config.num_labels, 3);
      assert.deepEqual(theirs.initializedFromSeed, [], "every weight came from transformers' checkpoint");
      assert.equal(loadTokenizer(theirsDir).kind, "wordpiece");
      const d2 = maxDiff(logitsOf(theirs, batch), ref.saved.logits);
      assert.ok(d2 < 1e-4, `transformers' checkpoint in ours: logits differ by ${d2}`);
      // Two different heads (our seed, torch's): agreeing with each other would mean nothing was compared.
      assert.ok(maxDiff(ref.ours.logits, ref.saved.logits) > 1e-3);
      console.log(`# ours → transformers: ${d1.toExponential(2)}; transformers → ours: ${d2.toExponential(2)}`);
    } finally {
      theirs.dispose();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
