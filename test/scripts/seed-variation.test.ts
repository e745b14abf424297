import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticStore } from "../analysis/synthetic";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "seed-variation.js");
const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

test("seed-variation: per task the measures of `instability measure` at the top block, beside the paper's BERT row", () => {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), "seed-variation-"));
  writeSyntheticStore(store, { model: "m", task: "rte", blocks: 4, configs: [{ method: "none", lr: 5e-4, seeds: [0, 1, 2, 3], scale: 3 }] });
  const r = spawnSync(process.execPath, [SCRIPT, store, "m", "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const [row] = JSON.parse(r.stdout);
  assert.equal(row.task, "rte");
  assert.equal(row.runs, 4);
  assert.equal(row.topLayer, 4);
  // The same numbers, independently, from the CLI on the configuration's folder.
  const dir = path.join(store, "m", "rte", fs.readdirSync(path.join(store, "m", "rte"))[0]);
  const m = spawnSync(process.execPath, [CLI, "measure", dir, "--json", "--layers", "4", "--chance", "uniform-over-items"], { encoding: "utf8" });
  assert.equal(m.status, 0, m.stderr);
  const ref = JSON.parse(m.stdout);
  assert.ok(Math.abs(row.sd - ref.prediction.sd) < 1e-12);
  assert.ok(Math.abs(row.pwd - ref.prediction.pwd) < 1e-12);
  assert.ok(Math.abs(row.kappa - ref.prediction.kappa) < 1e-12);
  assert.ok(Math.abs(row.cka - ref.representation.cka[0]) < 1e-12);
  assert.ok(Math.abs(row.op - ref.representation.op[0]) < 1e-12);
  assert.ok(row.pwd > 0, "the synthetic runs disagree");

  const md = spawnSync(process.execPath, [SCRIPT, store, "m"], { encoding: "utf8" });
  assert.equal(md.status, 0, md.stderr);
  assert.match(md.stdout, /\| rte \| 4 \(0\) \| accuracy \|/);
  assert.match(md.stdout, /\| ↳ paper, BERT-large Standard \| 20 \| accuracy \| 0\.713 \| 0\.0177 \| 0\.1377 \| 0\.1387 \| 0\.0678 \| 0\.34 \| 0\.20 \|/);
});
