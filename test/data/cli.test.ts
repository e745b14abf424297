import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { glueDir, NO_GLUE } from "../helpers/glue";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const GLUE = glueDir();

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const e = { ...process.env, ...env };
  if (!("GLUE_DIR" in env)) delete e.GLUE_DIR;
  return spawnSync(process.execPath, [CLI, "data", ...args], { encoding: "utf8", env: e });
}

test("data info --json without GLUE: the embedded tasks with sizes, balance and cards", () => {
  const r = cli(["info", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.glueDir, null);
  assert.deepEqual(out.tasks.map((t: { name: string }) => t.name), ["sotu-party", "sotu-pair", "spam"]);
  for (const t of out.tasks) {
    const nTrain = t.name === "spam" ? 1200 : 2000;
    assert.deepEqual(t.splits.train, { n: nTrain, labels: [nTrain / 2, nTrain / 2] });
    assert.deepEqual(t.splits.test, { n: 400, labels: [200, 200] });
    assert.match(t.card, new RegExp(`^# ${t.name}`));
  }
});

test("data info --glue-dir: GLUE tasks with the paper's split sizes", { skip: !GLUE && NO_GLUE }, () => {
  const r = cli(["info", "--json", "--glue-dir", GLUE!]);
  assert.equal(r.status, 0, r.stderr);
  const byName = Object.fromEntries(JSON.parse(r.stdout).tasks.map((t: { name: string }) => [t.name, t]));
  assert.deepEqual(byName.rte.splits.train, { n: 2490, labels: [1249, 1241] });
  assert.equal(byName.mrpc.splits.validation.n, 204);
  assert.equal(byName.cola.splits.test.n, 522);
  assert.equal(byName.sst2.splits.test.n, 436);
  assert.equal(byName.sst2.splits.validation.labels[0] + byName.sst2.splits.test.labels[0], 428);
});

test("data info reads GLUE_DIR and prints a table with the cards", { skip: !GLUE && NO_GLUE }, () => {
  const r = cli(["info"], { GLUE_DIR: GLUE! });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^rte +accuracy yes +validation +138 +entailment 70/m);
  assert.match(r.stdout, /# sotu-pair/);
});

test("bad input: clear one-line errors and non-zero exit", () => {
  let r = cli(["info", "--glue-dir", "/nonexistent/glue"]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--glue-dir \/nonexistent\/glue does not exist/);
  r = cli(["glue"]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /needs --out DIR/);
  r = cli(["frob"]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown data sub-command 'frob'/);
  r = cli(["info", "--bogus"]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--bogus/);
  assert.equal(cli(["--help"]).status, 0);
});
