// A random classification batch with padding (each row 1..S real tokens) and labels of 3 classes,
// for the tests that compare two ways of computing the same step byte for byte.
import * as tf from "@tensorflow/tfjs";
import type { Batch } from "../../src/model";
import { Random } from "../../src/util/random";

export function batchOf(B: number, S: number, vocab: number, seed: number): { batch: Batch; labels: Int32Array } {
  const r = new Random(seed);
  const inputIds = new Int32Array(B * S), attentionMask = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    const len = 1 + r.int(S);
    for (let s = 0; s < len; s++) {
      inputIds[b * S + s] = 3 + r.int(vocab - 3);
      attentionMask[b * S + s] = 1;
    }
  }
  return { batch: { inputIds, attentionMask, batchSize: B, seqLength: S }, labels: Int32Array.from({ length: B }, () => r.int(3)) };
}

/** A float32 tensor's bytes. */
export const bytes = (x: tf.Tensor): Uint8Array => new Uint8Array((x.dataSync() as Float32Array).slice().buffer);
