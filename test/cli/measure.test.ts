// `instability measure` end to end: table, JSON shape and values, and one-line errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeRun, RunContents } from "../../src/runs";
import { fleissKappa, linearCkaDistance, pairwiseDisagreement, predictions } from "../../src/measures";
import { Random } from "../../src/util/random";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, "measure", ...args], { encoding: "utf8" });
}

function makeRuns(dir: string, R: number, opts: { hidden?: boolean; constantRun?: number; constantLayer0?: boolean } = {}): RunContents[] {
  const n = 20;
  const L = 3;
  const d = 8;
  const rng = new Random(5);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const shared = Float64Array.from({ length: L * n * d }, () => rng.normal());
  const all: RunContents[] = [];
  for (let r = 0; r < R; r++) {
    const logits = Float64Array.from({ length: n * 2 }, () => rng.normal());
    const hidden = Float64Array.from(shared, (v, i) => {
      if (opts.constantRun === r) return 1;
      // As in BERT: the first-token state of the embedding layer is the same for every input.
      if (opts.constantLayer0 && i < n * d) return (i % d) / d;
      return v + 0.3 * (Math.floor(i / (n * d)) + 1) * rng.normal();
    });
    const c: RunContents = { logits: { data: logits, shape: [n, 2] }, labels: { data: labels, shape: [n] } };
    if (opts.hidden ?? true) c.hidden = { data: hidden, shape: [L, n, d] };
    writeRun(path.join(dir, `run-${r}`), c);
    all.push(c);
  }
  return all;
}

test("--json prints one JSON object with the issue's shape and correct values", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-cli-"));
  try {
    const runs = makeRuns(dir, 4);
    const r = cli(dir, "--json", "--layers", "0,2");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["runs", "metric", "scores", "prediction", "representation", "layers"]);
    assert.deepEqual(out.layers, { blocks: [0, 2], entries: [0, 2], indexing: "hf", source: "recorded in hidden.json" });
    assert.deepEqual(out.runs, ["run-0", "run-1", "run-2", "run-3"]);
    assert.equal(out.metric, "accuracy");
    assert.deepEqual(Object.keys(out.prediction), ["sd", "pwd", "kappa", "jsd"]);
    assert.deepEqual(Object.keys(out.representation), ["svcca", "op", "cka"]);
    assert.equal(out.representation.cka.length, 2);
    const preds = runs.map((c) => predictions(c.logits.data as Float64Array, 20, 2));
    assert.ok(Math.abs(out.prediction.pwd - pairwiseDisagreement(preds)) < 1e-12);
    assert.ok(Math.abs(out.prediction.kappa - (1 - fleissKappa(preds, 2))) < 1e-12);
    const layer2 = (c: RunContents) => (c.hidden!.data as Float64Array).slice(2 * 20 * 8, 3 * 20 * 8);
    let cka = 0;
    for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) cka += linearCkaDistance(layer2(runs[a]), layer2(runs[b]), 20, 8);
    assert.ok(Math.abs(out.representation.cka[1] - cka / 6) < 1e-12);
    const uniform = JSON.parse(cli(dir, "--json", "--chance", "uniform-over-items").stdout);
    assert.ok(Math.abs(uniform.prediction.kappa - (out.prediction.pwd * 20) / 19) < 1e-12);
    // By default every block, 1..L: index 0 of hidden.npy is the embedding output.
    assert.equal(uniform.representation.cka.length, 2);
    assert.ok(Math.abs(uniform.representation.cka[1] - out.representation.cka[1]) < 1e-12, "default layers are 1 and 2");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("runs whose embedding layer is constant in the first position (every BERT's) measure by default; --layers 0 says why it cannot", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-cli-"));
  try {
    makeRuns(dir, 3, { constantLayer0: true });
    const out = cli(dir, "--json");
    assert.equal(out.status, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).representation.cka.length, 2);
    const zero = cli(dir, "--layers", "0,1");
    assert.equal(zero.status, 1);
    assert.match(zero.stderr, /Layer 0 is the embedding output.*leave it out of --layers/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the table names every measure; without hidden.npy representation is absent from JSON", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-cli-"));
  try {
    makeRuns(dir, 3, { hidden: false });
    const table = cli(dir, "--metric", "mcc");
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /SD \(mcc\)/);
    assert.match(table.stdout, /I_kappa/);
    assert.match(table.stdout, /representation measures skipped/);
    const out = JSON.parse(cli(dir, "--json").stdout);
    assert.equal("representation" in out, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bad input exits non-zero with a one-line error naming it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-cli-"));
  try {
    const check = (r: ReturnType<typeof cli>, re: RegExp) => {
      assert.notEqual(r.status, 0);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, re);
    };
    check(cli(dir), /no run folders found/);
    check(cli(path.join(dir, "missing")), /runs directory not found/);
    check(cli(), /expected one RUNS_DIR/);
    makeRuns(dir, 3, { constantRun: 1 });
    check(cli(dir, "--metric", "auc"), /--metric 'auc'/);
    check(cli(dir, "--layers", "0,x"), /--layers '0,x'/);
    check(cli(dir, "--layers", "7"), /layer 7 does not exist: the runs have layers 0 \(the embedding output\) to 2/);
    check(cli(dir, "--chance", "fancy"), /--chance 'fancy'/);
    check(cli(dir, "--bogus"), /Unknown option '--bogus'/);
    // a constant run is data, not an error: its pairs are undefined (null in JSON) and named on stderr
    const constant = cli(dir, "--json");
    assert.equal(constant.status, 0, constant.stderr);
    assert.match(constant.stderr, /^note: 2 of 3 pairs at hidden.npy entry 1 are undefined: run run-1 is constant across examples there; means use the defined pairs$/m);
    assert.ok(JSON.parse(constant.stdout).representation.cka.every((v: number | null) => typeof v === "number"), "one defined pair per layer");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
