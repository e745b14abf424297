// The real all-MiniLM-L6-v2 (a BertModel checkpoint: names without the "bert." prefix, a pooler,
// no head) against transformers' own forward pass, float32, on padded batches of GLUE pairs: the
// first-token hidden state of every layer (output_hidden_states), the last layer's whole sequence
// output and the pooled output agree to 1e-4. Variants of the checkpoint (prefixed names, no
// pooler, no classification head) load, and the weights we initialise from the seed are exactly
// those transformers reports as newly initialised.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadModel, type Batch, type EncoderModel } from "../../src/model";
import { linear } from "../../src/model/ops/linear";
import { loadTokenizer } from "../../src/data/tokenizers";
import { readGlueSplit } from "../../src/data/glue";
import { glueDir, NO_GLUE } from "../helpers/glue";
import { miniLmDir, miniLmSkip, runHf, runHfJson } from "./hf/python";

interface HfOutput {
  class: string;
  missing: string[];
  firstTokens: number[][][];
  lastHidden: number[][][];
  pooled: number[][] | null;
  logits: number[][] | null;
}

const TOL = 1e-4;
const skip = miniLmSkip() || (!glueDir() && NO_GLUE);

/** Eight MRPC dev pairs of different lengths, tokenised by our tokenizer: plenty of padding. */
function glueBatch(dir: string): Batch {
  const pairs = readGlueSplit(glueDir()!, "mrpc", "dev").filter((_, i) => i % 37 === 0).slice(0, 8);
  const b = loadTokenizer(dir).encodeBatch(pairs.map((e) => ({ text: e.text, textPair: e.textPair })), { maxLength: 128 });
  const lengths = new Set<number>();
  for (let r = 0; r < b.batchSize; r++) {
    let n = 0;
    for (let s = 0; s < b.seqLength; s++) n += b.attentionMask[r * b.seqLength + s];
    lengths.add(n);
  }
  assert.ok(lengths.size >= 4, "the batch should mix lengths so that padding is exercised");
  return b;
}

interface Case {
  dir: string;
  head: "none" | "classification";
  /** false: only load it (what transformers reports as missing); its encoder is the plain checkpoint's. */
  forward?: boolean;
}

/** transformers' outputs for every case, from one Python process (loading transformers takes seconds). */
function references(cases: Case[], batch: Batch): HfOutput[] {
  const common = {
    inputIds: Array.from(batch.inputIds),
    tokenTypeIds: batch.tokenTypeIds ? Array.from(batch.tokenTypeIds) : null,
    attentionMask: Array.from(batch.attentionMask),
    batchSize: batch.batchSize,
    seqLength: batch.seqLength,
  };
  return runHfJson<HfOutput[]>("hf_forward.py", [], cases.map((c) => ({ ...common, ...c })));
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

/** Our outputs in HF's shapes: first tokens per layer, [batch][seq][hidden] last layer, pooled. */
function ours(model: EncoderModel, batch: Batch): { firstTokens: number[][][]; lastHidden: number[][][]; pooled: number[][] } {
  return tf.tidy(() => {
    const { sequenceOutput, hiddenStates } = model.encode(batch, { training: false, outputHiddenStates: true });
    const { batchSize: B, seqLength: S } = batch;
    const H = model.config.hidden_size;
    // Sequence-major rows (s·B + b) → [B, S, H].
    const last = tf.transpose(tf.reshape(sequenceOutput, [S, B, H]), [1, 0, 2]).arraySync() as number[][][];
    const first = tf.slice(sequenceOutput, [0, 0], [B, H]) as tf.Tensor2D;
    const p = model.prefix;
    const pooled = tf.tanh(linear(first, model.param(`${p}.pooler.dense.weight`) as tf.Tensor2D, model.param(`${p}.pooler.dense.bias`) as tf.Tensor1D));
    return { firstTokens: hiddenStates!.map((h) => h.arraySync()), lastHidden: last, pooled: pooled.arraySync() as number[][] };
  });
}

function compareEncoder(mine: ReturnType<typeof ours>, ref: HfOutput, batch: Batch, label: string): number {
  assert.equal(mine.firstTokens.length, ref.firstTokens.length, `${label}: number of hidden states`);
  let worst = 0;
  mine.firstTokens.forEach((h, l) => {
    const d = maxDiff(h, ref.firstTokens[l]);
    worst = Math.max(worst, d);
    assert.ok(d < TOL, `${label}: first-token hidden state ${l} differs by ${d}`);
  });
  for (let b = 0; b < batch.batchSize; b++) {
    // Every position, the padded ones included (they are computed the same way in both).
    const d = maxDiff(mine.lastHidden[b], ref.lastHidden[b]);
    worst = Math.max(worst, d);
    assert.ok(d < TOL, `${label}: sequence output of row ${b} differs by ${d}`);
  }
  return worst;
}

const stripPrefix = (names: string[]) => names.map((n) => n.replace(/^bert\./, "")).sort();

test("all-MiniLM-L6-v2 and its variants against transformers: outputs to 1e-4, the same weights newly initialised", { skip }, async (t) => {
  const src = miniLmDir();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "minilm-variants-"));
  try {
    const batch = glueBatch(src);
    runHf("hf_variants.py", [src, root, "prefixed", "no-pooler"]);
    const [plain, prefixed, noPooler, withHead] = references(
      [
        { dir: src, head: "none" },
        // The variants hold the same tensors: one forward pass (the slow part on CPU torch) serves all.
        { dir: path.join(root, "prefixed"), head: "none", forward: false },
        { dir: path.join(root, "no-pooler"), head: "none", forward: false },
        { dir: src, head: "classification", forward: false },
      ],
      batch,
    );

    await t.test("as shipped (BertModel names without the bert. prefix, a pooler, no head)", async () => {
      const lines: string[] = [];
      const model = await loadModel(src, { log: (l) => lines.push(l) });
      try {
        assert.deepEqual(model.heads, { pooler: true, classifier: false, mlm: false, nsp: false });
        assert.equal(plain.class, "BertModel");
        assert.deepEqual(plain.missing, []);
        assert.deepEqual(model.initializedFromSeed, []);
        assert.deepEqual(lines, [], "nothing was initialised, so nothing is reported");
        const mine = ours(model, batch);
        const worst = compareEncoder(mine, plain, batch, "MiniLM");
        const dp = maxDiff(mine.pooled, plain.pooled!);
        assert.ok(dp < TOL, `pooled output differs by ${dp}`);
        // The states are not trivially small: a 1e-4 agreement means something.
        assert.ok(Math.max(...plain.lastHidden[0][0].map(Math.abs)) > 0.5);
        console.log(`# MiniLM ${batch.batchSize}×${batch.seqLength}: max |ours − transformers| = ${Math.max(worst, dp).toExponential(2)}`);
      } finally {
        model.dispose();
      }
    });

    await t.test("bert.-prefixed names", async () => {
      const lines: string[] = [];
      const model = await loadModel(path.join(root, "prefixed"), { seed: 3, log: (l) => lines.push(l) });
      try {
        assert.deepEqual(prefixed.missing, []);
        assert.deepEqual(model.initializedFromSeed, []);
        assert.deepEqual(lines, []);
        const mine = ours(model, batch);
        compareEncoder(mine, plain, batch, "prefixed");
        assert.ok(maxDiff(mine.pooled, plain.pooled!) < TOL, "prefixed: pooled output");
      } finally {
        model.dispose();
      }
    });

    await t.test("no pooler: initialised from the seed as HF does, and reported in one line", async () => {
      const lines: string[] = [];
      const model = await loadModel(path.join(root, "no-pooler"), { seed: 3, log: (l) => lines.push(l) });
      try {
        assert.deepEqual(noPooler.missing, ["pooler.dense.bias", "pooler.dense.weight"]);
        assert.deepEqual(stripPrefix(model.initializedFromSeed), noPooler.missing);
        assert.equal(lines.length, 1);
        assert.match(lines[0], /2 weights not in the checkpoint, newly initialised from seed 3: bert\.pooler\.dense\.weight, bert\.pooler\.dense\.bias$/);
        compareEncoder(ours(model, batch), plain, batch, "no-pooler");
        // HF's init for the new pooler: N(0, initializer_range²) weight, zero bias.
        const w = model.param("bert.pooler.dense.weight").dataSync();
        let ss = 0;
        for (const x of w) ss += x * x;
        const sd = Math.sqrt(ss / w.length);
        assert.ok(Math.abs(sd - model.config.initializer_range) < 0.001, `pooler weight sd ${sd}`);
        assert.ok(model.param("bert.pooler.dense.bias").dataSync().every((x) => x === 0));
      } finally {
        model.dispose();
      }
    });

    await t.test("no head: fine-tuning adds one from the seed, the same two weights transformers adds", async () => {
      const lines: string[] = [];
      const model = await loadModel(src, { numLabels: 2, seed: 11, log: (l) => lines.push(l) });
      try {
        assert.equal(withHead.class, "BertForSequenceClassification");
        assert.deepEqual(withHead.missing, ["classifier.bias", "classifier.weight"]);
        assert.deepEqual(stripPrefix(model.initializedFromSeed), withHead.missing);
        assert.equal(lines.length, 1);
        assert.match(lines[0], /newly initialised from seed 11: classifier\.weight, classifier\.bias$/);
        // The encoder under the new head is still exactly the checkpoint's.
        compareEncoder(ours(model, batch), plain, batch, "with a new head");
      } finally {
        model.dispose();
      }
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
