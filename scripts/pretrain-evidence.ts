// Evidence for the model card of the embedded model: held-out masked-token accuracy and loss of
// a pre-trained checkpoint vs. the same architecture randomly initialised (same init seed as the
// run's step 0), both scored on every held-out sequence with the same masking seed.
//   node dist/scripts/pretrain-evidence.js MODEL_DIR [--init-seed 0] [--mask-seed 0] [--max-length 128]
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pretrainingCorpus, pretrainingCorpusStats } from "../src/data/pretrainingCorpus";
import { loadTokenizer } from "../src/data/tokenizers";
import { loadModel, createRandomModel, parseConfig } from "../src/model";
import { evaluateMlm, splitHeldOut, tokeniseDocuments } from "../src/train/pretrain";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "init-seed": { type: "string", default: "0" },
      "mask-seed": { type: "string", default: "0" },
      "max-length": { type: "string", default: "128" },
    },
  });
  const dir = positionals[0];
  if (!dir) throw new Error("usage: pretrain-evidence MODEL_DIR [--init-seed N] [--mask-seed N] [--max-length N]");
  const tokenizer = loadTokenizer(dir);
  const corpus = pretrainingCorpus();
  const { train, heldOut } = splitHeldOut(corpus);
  const sequences = tokeniseDocuments(heldOut, tokenizer, Number(values["max-length"]));
  const heldOutTokens = sequences.reduce((a, s) => a + s.length, 0);
  const trainTokens = tokeniseDocuments(train, tokenizer, Number(values["max-length"])).reduce((a, s) => a + s.length, 0);
  const opts = { maskSeed: Number(values["mask-seed"]), batchSize: 32 };
  const pretrained = await loadModel(dir, { heads: { pooler: false, classifier: false, mlm: true } });
  const scorePre = evaluateMlm(pretrained, sequences, tokenizer, opts);
  const config = parseConfig(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")), dir);
  const random = await createRandomModel(config, Number(values["init-seed"]), { pooler: false, classifier: false, mlm: true });
  const scoreRandom = evaluateMlm(random, sequences, tokenizer, opts);
  // The simplest non-neural baseline: always predict the most frequent token. Masked positions
  // are a uniform 15% sample of the real tokens, so its expected accuracy is that token's share
  // of the held-out real tokens.
  const counts = new Map<number, number>();
  let real = 0;
  const specials = new Set([tokenizer.padTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId]);
  for (const s of sequences) for (const id of s) if (!specials.has(id)) {
    counts.set(id, (counts.get(id) ?? 0) + 1);
    real++;
  }
  const top = [...counts].sort((a, b) => b[1] - a[1])[0];
  process.stdout.write(
    JSON.stringify(
      {
        model: dir,
        corpusStats: pretrainingCorpusStats(),
        corpus: { documents: corpus.length, trainDocuments: train.length, heldOutDocuments: heldOut.length, trainTokens, heldOutSequences: sequences.length, heldOutTokens },
        maskSeed: opts.maskSeed,
        pretrained: scorePre,
        randomInit: { seed: Number(values["init-seed"]), ...scoreRandom },
        mostFrequentToken: { token: tokenizer.idToToken(top[0]), expectedAccuracy: top[1] / real },
      },
      null,
      2,
    ) + "\n",
  );
}

main().catch((err) => {
  process.stderr.write(`pretrain-evidence: ${(err as Error).message}\n`);
  process.exit(1);
});
