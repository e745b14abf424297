// Short axis labels for configurations side by side (the report's strip of every run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { shortConfigurationLabels } from "../../src/report/configLabels";

const c = (model: string, task: string, method: string, learningRate = 2e-5, final = false) => ({ model, task, method, learningRate, final });

test("one model and task: the labels are the methods, the model and task go to the title", () => {
  const r = shortConfigurationLabels([c("tiny-bert-en", "spam", "standard"), c("tiny-bert-en", "spam", "llrd"), c("tiny-bert-en", "spam", "standard", 8e-5, true)]);
  assert.deepEqual(r.labels, ["Standard<br>lr 2e-5", "LLRD", "Standard<br>lr 8e-5 (final)"]);
  assert.equal(r.common, "tiny-bert-en/spam");
});

test("several tasks: task then method; several models: the model too, nothing common", () => {
  const tasks = shortConfigurationLabels([c("bert", "rte", "standard"), c("bert", "mrpc", "standard")]);
  assert.deepEqual(tasks.labels, ["RTE<br>Standard", "MRPC<br>Standard"]);
  assert.equal(tasks.common, "BERT");
  const models = shortConfigurationLabels([c("bert", "rte", "standard"), c("roberta", "rte", "standard")]);
  assert.deepEqual(models.labels, ["BERT<br>Standard", "RoBERTa<br>Standard"]);
  assert.equal(models.common, "RTE");
  assert.ok(models.labels.every((l) => l.split("<br>").every((line) => line.length <= 24)), "every line is short");
});
