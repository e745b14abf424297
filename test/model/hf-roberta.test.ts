// RoBERTa through the real libraries: a byte-level BPE tokenizer trained by `tokenizers` and a
// small RobertaForSequenceClassification with transformers' random init, both written by their own
// save_pretrained (python/hf_roberta.py). Our tokenizer loaded from that folder gives the same
// ids, token types and masks (singles, pairs, padded batches); our model loaded from it gives the
// same logits and hidden states on a padded batch, which exercises the padding-offset position ids
// (counted from pad_token_id + 1), the <s> token feeding the head, and the two-layer head.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadModel, type Batch } from "../../src/model";
import { positionIds } from "../../src/model/encoder";
import { loadTokenizer } from "../../src/data/tokenizers";
import { loadTask } from "../../src/data/loadTask";
import { hfSkip, runHfJson } from "./hf/python";

interface Enc {
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
}
interface Padded {
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
}
interface Reference {
  single: Enc[];
  pairs: Enc[];
  singleBatches: Padded[];
  pairBatches: Padded[];
  forward: { logits: number[][]; firstTokens: number[][][]; lastHidden: number[][][] };
}

const MAX_LENGTH = 64;
const BATCH = 6;
const TOL = 1e-4;

const HAND_MADE = [
  "Héllo wörld — naïve café, résumé; façade.",
  "東京は日本の首都です。 emoji 😀🎉 ©®™",
  "  leading spaces, double  spaces and a trailing one ",
  "don't can't won't it's I'm you're we've they'll",
  "tabs\tand\nnewlines and a literal <mask> token",
  "",
];

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

test("RoBERTa from transformers' save_pretrained: tokenizer ids and forward outputs match", { skip: hfSkip() }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hf-roberta-"));
  try {
    const task = loadTask("sotu-pair");
    const corpus = task.train.slice(0, 400).flatMap((e) => [e.text, e.textPair!]);
    // The first batch (the forward pass's) mixes lengths, so that it has padding.
    const short = task.test.slice(0, BATCH).map((e, i) => [e.text.slice(0, 12 + 14 * i), e.textPair!.slice(0, 30 + 9 * i)] as [string, string]);
    const pairs = [...short, ...task.test.slice(BATCH, 60).map((e) => [e.text, e.textPair!] as [string, string])];
    const single = [...HAND_MADE, ...task.test.slice(60, 160).map((e) => e.text)];
    const ref = runHfJson<Reference>("hf_roberta.py", [], { dir, corpus, vocabSize: 2000, maxLength: MAX_LENGTH, single, pairs, batchSize: BATCH });

    const tok = loadTokenizer(dir);
    assert.equal(tok.kind, "bpe");
    const opts = { maxLength: MAX_LENGTH };
    let truncated = 0;
    single.forEach((s, i) => {
      const mine = tok.encode(s, undefined, opts);
      assert.deepEqual(mine.inputIds, ref.single[i].input_ids, `single #${i} ${JSON.stringify(s.slice(0, 50))}`);
      assert.deepEqual(mine.tokenTypeIds, ref.single[i].token_type_ids, `single #${i} types`);
      assert.deepEqual(mine.attentionMask, ref.single[i].attention_mask, `single #${i} mask`);
    });
    pairs.forEach(([a, b], i) => {
      const mine = tok.encode(a, b, opts);
      assert.deepEqual(mine.inputIds, ref.pairs[i].input_ids, `pair #${i}`);
      assert.deepEqual(mine.tokenTypeIds, ref.pairs[i].token_type_ids, `pair #${i} types`);
      assert.deepEqual(mine.attentionMask, ref.pairs[i].attention_mask, `pair #${i} mask`);
      if (mine.inputIds.length === MAX_LENGTH) truncated++;
    });
    assert.ok(truncated >= 5, `only ${truncated} pairs were truncated`);
    const batchOf = (items: { text: string; textPair?: string }[]) => tok.encodeBatch(items, opts);
    const checkPadded = (b: Batch & { tokenTypeIds: Int32Array }, want: Padded, label: string) => {
      assert.deepEqual(Array.from(b.inputIds), want.input_ids.flat(), `${label} ids`);
      assert.deepEqual(Array.from(b.tokenTypeIds), want.token_type_ids.flat(), `${label} types`);
      assert.deepEqual(Array.from(b.attentionMask), want.attention_mask.flat(), `${label} mask`);
    };
    ref.singleBatches.forEach((want, k) => checkPadded(batchOf(single.slice(k * BATCH, (k + 1) * BATCH).map((text) => ({ text }))), want, `single batch ${k}`));
    ref.pairBatches.forEach((want, k) =>
      checkPadded(batchOf(pairs.slice(k * BATCH, (k + 1) * BATCH).map(([text, textPair]) => ({ text, textPair }))), want, `pair batch ${k}`),
    );

    const model = await loadModel(dir);
    try {
      assert.equal(model.config.model_type, "roberta");
      assert.deepEqual(model.initializedFromSeed, []);
      assert.deepEqual(model.heads, { pooler: false, classifier: true, mlm: false, nsp: false });
      const batch = batchOf(pairs.slice(0, BATCH).map(([text, textPair]) => ({ text, textPair })));
      assert.ok(batch.attentionMask.includes(0), "the forward batch has padding");
      // Padded rows: positions stop counting at the padding, which sits at pad_token_id.
      const pos = positionIds(batch, model.config);
      const pad = model.config.pad_token_id;
      for (let i = 0; i < pos.length; i++) assert.equal(pos[i] === pad, batch.attentionMask[i] === 0);
      const out = model.forward(batch, { training: false, outputHiddenStates: true });
      const dl = maxDiff(out.logits.arraySync(), ref.forward.logits);
      assert.ok(dl < TOL, `logits differ by ${dl}`);
      out.hiddenStates!.forEach((h, l) => {
        const d = maxDiff(h.arraySync(), ref.forward.firstTokens[l]);
        assert.ok(d < TOL, `first-token hidden state ${l} differs by ${d}`);
      });
      const { batchSize: B, seqLength: S } = batch;
      const H = model.config.hidden_size;
      const enc = model.encode(batch, { training: false });
      const last = tf.tidy(() => tf.transpose(tf.reshape(enc.sequenceOutput, [S, B, H]), [1, 0, 2]).arraySync() as number[][][]);
      let ds = 0;
      for (let b = 0; b < B; b++) ds = Math.max(ds, maxDiff(last[b], ref.forward.lastHidden[b]));
      assert.ok(ds < TOL, `sequence output differs by ${ds}`);
      // The head must see something: logits of different rows differ.
      const logits = ref.forward.logits;
      assert.ok(Math.abs(logits[0][0] - logits[1][0]) > 1e-5);
      // Random-init logits are small: also relative to their size.
      const scale = Math.max(...logits.flat().map(Math.abs));
      assert.ok(dl < 1e-4 * scale, `logits differ by ${dl}, ${dl / scale} of their largest value ${scale}`);
      tf.dispose([out.logits, ...out.hiddenStates!, enc.sequenceOutput]);
      console.log(`# ${single.length} singles, ${pairs.length} pairs (${truncated} truncated) identical; logits ${dl.toExponential(2)}, sequence output ${ds.toExponential(2)}`);
    } finally {
      model.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
