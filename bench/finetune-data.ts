// Writes a task's tokenised train (first K examples), validation and test halves as JSON, for
// bench/torch_finetune.py: the PyTorch side then trains on exactly the token ids the tfjs run sees.
// Usage: node dist/bench/finetune-data.js TASK MODEL_DIR MAX_TRAIN MAX_LENGTH OUT.json
import * as fs from "node:fs";
import { loadTask } from "../src/data/loadTask";
import { loadTokenizer } from "../src/data/tokenizers";
import { encodeExamples } from "../src/train/finetune/batches";

const [taskName, modelDir, maxTrain, maxLength, out] = process.argv.slice(2);
if (!out) throw new Error("usage: finetune-data.js TASK MODEL_DIR MAX_TRAIN MAX_LENGTH OUT.json");
const task = loadTask(taskName);
const tokenizer = loadTokenizer(modelDir);
const half = (examples: typeof task.train, what: string) => {
  const e = encodeExamples(tokenizer, examples, Number(maxLength), task.numLabels, what);
  return { inputIds: e.inputIds.map((a) => Array.from(a)), tokenTypeIds: e.tokenTypeIds.map((a) => Array.from(a)), labels: Array.from(e.labels) };
};
fs.writeFileSync(
  out,
  JSON.stringify({
    numLabels: task.numLabels,
    padTokenId: tokenizer.padTokenId,
    train: half(task.train.slice(0, Number(maxTrain)), "train"),
    validation: half(task.validation, "validation"),
    test: half(task.test, "test"),
  }),
);
