import { test } from "node:test";
import * as assert from "node:assert/strict";
import { loadTask, taskNames } from "../../src/data/loadTask";
import { glueDir, NO_GLUE } from "../helpers/glue";

const GLUE = glueDir();

test("GLUE names are case-insensitive and cached per process", { skip: !GLUE && NO_GLUE }, () => {
  const a = loadTask("RTE", { glueDir: GLUE! });
  const b = loadTask("rte", { glueDir: GLUE! });
  assert.equal(a, b, "same object from the cache");
  assert.equal(a.name, "rte");
  assert.equal(a.metric, "accuracy");
  assert.equal(a.isPair, true);
  assert.equal(a.source, `glue:${GLUE}`);
  assert.equal(loadTask("SST-2", { glueDir: GLUE! }).name, "sst2");
  assert.equal(loadTask("mrpc", { glueDir: GLUE! }).metric, "f1");
  assert.equal(loadTask("CoLA", { glueDir: GLUE! }).metric, "mcc");
});

test("GLUE_DIR is used when no option is given", { skip: !GLUE && NO_GLUE }, () => {
  const saved = process.env.GLUE_DIR;
  process.env.GLUE_DIR = GLUE!;
  try {
    assert.equal(loadTask("cola").name, "cola");
  } finally {
    if (saved === undefined) delete process.env.GLUE_DIR;
    else process.env.GLUE_DIR = saved;
  }
});

test("a GLUE task without a directory says how to give one", () => {
  const saved = process.env.GLUE_DIR;
  delete process.env.GLUE_DIR;
  try {
    assert.throws(() => loadTask("rte"), /--glue-dir.*GLUE_DIR/);
  } finally {
    if (saved !== undefined) process.env.GLUE_DIR = saved;
  }
});

test("unknown task names list every valid one", () => {
  assert.throws(() => loadTask("qnli"), (err: Error) => taskNames().every((n) => err.message.includes(n)) && err.message.includes("'qnli'"));
  assert.ok(taskNames().includes("sotu-party") && taskNames().includes("rte"));
});

test("cached tasks are frozen: in-place shuffles fail instead of corrupting the cache", () => {
  const t = loadTask("sotu-pair");
  assert.throws(() => t.train.reverse(), TypeError);
  assert.throws(() => {
    (t.train[0] as { label: number }).label = 1 - t.train[0].label;
  }, TypeError);
  const copy = [...t.train].reverse();
  assert.equal(copy[0], t.train[t.train.length - 1]);
});
