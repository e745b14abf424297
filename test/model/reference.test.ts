// BERT and RoBERTa forward passes against an independent NumPy implementation
// (reference_forward.py), on random-weight checkpoints that the Python side writes in HF layout
// with a hand-written safetensors file: logits, every layer's first-token hidden state, the BERT
// MLM loss and next-sentence logits and loss agree to 1e-4, with padding in the batch.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { NO_NUMPY, pythonWithNumpy, runPython } from "../helpers/python";
import { loadModel, type Batch } from "../../src/model";

const SCRIPT = path.join(__dirname, "..", "..", "..", "test", "model", "reference_forward.py");

interface Reference {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  batchSize: number;
  seqLength: number;
  logits: number[][];
  hidden: number[][][];
  mlmPositions?: number[];
  mlmLabels?: number[];
  mlmLoss?: number;
  nextSentenceLogits?: number[][];
  nextSentenceLabels?: number[];
  nextSentenceLoss?: number;
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

for (const arch of ["bert", "roberta"] as const) {
  test(`${arch}: logits and hidden states match the NumPy reference`, { skip: !pythonWithNumpy() && NO_NUMPY }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ref-${arch}-`));
    try {
      const ref = JSON.parse(runPython(fs.readFileSync(SCRIPT, "utf8"), [dir, arch, "7"])) as Reference;
      const model = await loadModel(dir);
      assert.equal(model.config.num_labels, 3);
      assert.deepEqual(model.initializedFromSeed, []);
      const batch: Batch = {
        inputIds: Int32Array.from(ref.inputIds),
        attentionMask: Int32Array.from(ref.attentionMask),
        tokenTypeIds: Int32Array.from(ref.tokenTypeIds),
        batchSize: ref.batchSize,
        seqLength: ref.seqLength,
      };
      const out = model.forward(batch, { training: false, outputHiddenStates: true });
      const logits = out.logits.arraySync();
      assert.ok(maxAbsDiff(logits, ref.logits) < 1e-4, `logits differ by ${maxAbsDiff(logits, ref.logits)}`);
      assert.equal(out.hiddenStates!.length, model.config.num_hidden_layers + 1);
      out.hiddenStates!.forEach((h, l) => {
        const d = maxAbsDiff(h.arraySync(), ref.hidden[l]);
        assert.ok(d < 1e-4, `hidden state ${l} differs by ${d}`);
      });
      // Sanity of the reference itself: padding changes nothing for the first token only if the
      // mask works, so a model that ignored the mask would have failed above; the logits also
      // must not be trivially equal across rows.
      assert.ok(Math.abs(logits[0][0] - logits[1][0]) > 1e-3);
      if (arch === "bert") {
        const mlm = model.mlmForward(batch, Int32Array.from(ref.mlmPositions!), Int32Array.from(ref.mlmLabels!), { training: false });
        const loss = mlm.loss.dataSync()[0];
        assert.ok(Math.abs(loss - ref.mlmLoss!) < 1e-4, `MLM loss ${loss} vs reference ${ref.mlmLoss}`);
        tf.dispose([mlm.loss, mlm.logits]);
        // BertForPreTraining: the next-sentence head on the pooled first token, loss = MLM + NSP.
        assert.equal(model.heads.nsp, true);
        const pre = model.pretrainingForward(
          batch,
          { positions: Int32Array.from(ref.mlmPositions!), labels: Int32Array.from(ref.mlmLabels!), nextSentenceLabels: Int32Array.from(ref.nextSentenceLabels!) },
          { training: false },
        );
        const nsLogits = pre.nextSentenceLogits!.arraySync();
        assert.ok(maxAbsDiff(nsLogits, ref.nextSentenceLogits!) < 1e-4, `next-sentence logits differ by ${maxAbsDiff(nsLogits, ref.nextSentenceLogits!)}`);
        const nsLoss = pre.nextSentenceLoss!.dataSync()[0];
        assert.ok(Math.abs(nsLoss - ref.nextSentenceLoss!) < 1e-4, `next-sentence loss ${nsLoss} vs reference ${ref.nextSentenceLoss}`);
        const total = pre.loss.dataSync()[0];
        assert.ok(Math.abs(total - (ref.mlmLoss! + ref.nextSentenceLoss!)) < 1e-4, `pre-training loss ${total}`);
        tf.dispose([pre.loss, pre.mlmLoss, pre.mlmLogits, pre.nextSentenceLoss!, pre.nextSentenceLogits!]);
      }
      tf.dispose([out.logits, ...out.hiddenStates!]);
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
