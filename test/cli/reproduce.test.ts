import { DEFAULT_MODEL_NAME, defaultModelDir } from "../../src/model/defaultModel";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PAPER_PRESET, QUICK_PRESET, type ReproducePreset } from "../../src/train/sweep/presets";
import { presetFinetuneArgs, presetRuns } from "../../src/train/sweep/presetSweep";
import { reproduce, run } from "../../src/cli/commands/reproduce";
import { CliError } from "../../src/cli/command";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";
import { mkdtemp } from "../helpers/tempDir";

// A stand-in for `instability finetune`: writes a run folder with writeRun, layer-dependent
// hidden states, and, with --save-final at a large learning rate, collapsed final models for odd
// seeds, labelled failed in metrics.json.
const FAKE_FINETUNE = `
const path = require("path");
const { writeRun } = require(${JSON.stringify(path.resolve(__dirname, "..", "..", "src", "runs", "runFolder.js"))});
const { Random } = require(${JSON.stringify(path.resolve(__dirname, "..", "..", "src", "util", "random.js"))});
const [runDir, seed, method, lr, saveFinal] = process.argv.slice(2);
const n = 40, d = 8, L = 3, base = new Random(99), rng = new Random(Number(seed) * 31 + method.length);
const B = Array.from({ length: (L + 1) * n * d }, () => base.normal());
const labels = Int32Array.from({ length: n }, (_, i) => (i % 5 < 3 ? 0 : 1));
const scale = { none: 3, mixout: 2, llrd: 1 }[method] ?? 1;
function outputs(collapsed) {
  const logits = new Float32Array(n * 2), hidden = new Float32Array((L + 1) * n * d);
  for (let i = 0; i < n; i++) {
    const y = collapsed ? 0 : i < scale * Number(seed) ? 1 - labels[i] : labels[i];
    logits[i * 2 + y] = 1 + 0.1 * rng.next(); logits[i * 2 + 1 - y] = -1;
  }
  for (let l = 0; l <= L; l++) for (let t = 0; t < n * d; t++) {
    const k = l * n * d + t;
    hidden[k] = collapsed && l > 0 ? (t % d) + 0.01 * rng.normal() : B[k] + 0.3 * scale * (l / L) * rng.normal();
  }
  return { logits: { data: logits, shape: [n, 2] }, labels: { data: labels, shape: [n] }, hidden: { data: hidden, shape: [L + 1, n, d] } };
}
const fails = saveFinal === "1" && Number(lr) >= 1e-3 && Number(seed) % 2 === 1;
writeRun(runDir, { ...outputs(false), metrics: { seed: Number(seed), failed: fails }, config: { seed: Number(seed), mitigation: method, lr: Number(lr) } });
if (saveFinal === "1") writeRun(path.join(runDir, "final"), { ...outputs(fails), metrics: { failed: fails } });
`;

const TEST_PRESET: ReproducePreset = {
  ...QUICK_PRESET,
  name: "test",
  tasks: { embedded: ["toy"], glue: ["rte"] },
  parts: [
    { name: "Standard", role: "standard", mitigations: ["none"], learningRate: 1e-4, seeds: [0, 1, 2, 3] },
    { name: "methods", role: "methods", mitigations: ["mixout", "llrd"], learningRate: 1e-4, seeds: [0, 1, 2] },
    { name: "failed runs", role: "failed", mitigations: ["none"], learningRate: 1e-3, seeds: [0, 1, 2, 3, 4, 5], saveFinal: true },
  ],
  analysis: { bootstrapResamples: 50, subsamplingRates: [0.5], subsamplingRepetitions: 2, permutations: 20 },
};


const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;

test("reproduce runs the preset's sweeps (final models only where asked), then writes the report and tables; a rerun resumes", async () => {
  const out = mkdtemp("reproduce-");
  const script = path.join(out, "fake-finetune.js");
  fs.writeFileSync(script, FAKE_FINETUNE);
  const commandFor = (r: { seed: number; mitigation: string; learningRate: number }, runDir: string, saveFinal: boolean) => ({
    command: process.execPath,
    args: [script, runDir, String(r.seed), r.mitigation, String(r.learningRate), saveFinal ? "1" : "0"],
  });
  const first = await reproduce({ preset: TEST_PRESET, out, workers: 2, commandFor, stream: sink });
  assert.equal(first.runs.length, 4 + 6 + 6);
  assert.equal(first.sweep!.completed.length, 16);
  assert.deepEqual(first.sweep!.failed, []);
  assert.deepEqual(first.analysisErrors, []);
  const store = path.join(out, "runs", DEFAULT_MODEL_NAME, "toy");
  assert.deepEqual(fs.readdirSync(store).sort(), ["llrd-lr1e-4", "mixout-lr1e-4", "none-lr1e-3", "none-lr1e-4"]);
  assert.ok(fs.existsSync(path.join(store, "none-lr1e-3", "seed-05", "final", "logits.npy")));
  assert.ok(!fs.existsSync(path.join(store, "none-lr1e-4", "seed-00", "final")));
  const html = fs.readFileSync(first.report, "utf8");
  assert.match(html, /3 failed and 3 successful runs/);
  // findings.md is generated from the same findings, with its verdict table
  const md = fs.readFileSync(path.join(out, "findings.md"), "utf8");
  assert.match(md, /^<!-- Provenance: written by `instability reproduce[^`]*` from (commit [0-9a-f]+|package )[^>]*-->\n# Findings of the test preset\n/);
  assert.match(md, /\| \[Do the runs learn\?\]\(#learning\) \| method\.md §2–§3 \| \*\*(holds|does not hold|not enough evidence)\*\* \|/);
  // 4 Standard seeds and 3 methods: the gates say so instead of a verdict
  assert.match(md, /## Do measures of similar granularity rank the methods alike\?\n\n\*\*Verdict: not enough evidence\.\*\*/);
  assert.match(md, /✗ enough methods: tiny-bert-en\/toy: 3 methods at the Standard learning rate \(need at least 5\)/);
  assert.match(html, /Preset <b>test<\/b>/);
  assert.ok(fs.existsSync(path.join(out, "tables", "kendall_tau.csv")));

  const second = await reproduce({ preset: TEST_PRESET, out, workers: 2, commandFor, stream: sink });
  assert.equal(second.sweep!.alreadyDone, 16);
  assert.equal(second.sweep!.completed.length, 0);

  // --no-sweep on the same store: it is exactly the preset's grid, so the header describes both
  await reproduce({ preset: TEST_PRESET, out, workers: 1, sweep: false, stream: sink });
  const readMd = fs.readFileSync(path.join(out, "findings.md"), "utf8");
  assert.match(readMd, /\n# Findings of the test preset\n/);
  assert.match(readMd, /\nRuns read: 16 finished runs in 4 configurations; tiny-bert-en on toy: llrd lr 1e-4 \(3 seeds\), mixout lr 1e-4 \(3 seeds\), none lr 1e-3 \(6 seeds\), none lr 1e-4 \(4 seeds\)\.\nThey are exactly the test preset's runs\.\nPreset: /);
  // one run less: no longer the preset's grid, and the header says what was read instead
  fs.rmSync(path.join(store, "mixout-lr1e-4", "seed-02"), { recursive: true });
  await reproduce({ preset: TEST_PRESET, out, workers: 1, sweep: false, stream: sink });
  const partMd = fs.readFileSync(path.join(out, "findings.md"), "utf8");
  assert.match(partMd, /\n# Findings of the runs in the store\n/);
  assert.match(partMd, /mixout lr 1e-4 \(2 seeds\)/);
  assert.match(partMd, /They are not the test preset's grid; its analysis settings were used \(50 bootstrap resamples, sub-sampling rates 0\.5 × 2, 20 permutations\)\./);
  assert.doesNotMatch(partMd, /\nPreset: /);
  assert.match(fs.readFileSync(path.join(out, "report.html"), "utf8"), /Runs read \(--no-sweep\): 15 finished runs/);
});

test("the paper preset is the full protocol of method.md §3", () => {
  const { runs, saveFinal } = presetRuns(PAPER_PRESET, "bert-large-uncased", PAPER_PRESET.tasks.glue, "bert");
  // Standard 20 seeds × 4 tasks, 4 methods × 10 seeds × 3 tasks, failed runs 20 seeds × 3 tasks
  assert.equal(runs.length, 80 + 120 + 60);
  assert.equal(saveFinal.size, 60);
  assert.ok(runs.filter((r) => r.task === "sst2").every((r) => r.mitigation === "none" && r.learningRate === 2e-5));
  assert.ok(runs.some((r) => r.learningRate === 5e-5));
  const roberta = presetRuns(PAPER_PRESET, "roberta-large", ["rte"], "roberta");
  assert.ok(roberta.runs.some((r) => r.learningRate === 3e-5) && !roberta.runs.some((r) => r.learningRate === 5e-5));
  assert.equal(PAPER_PRESET.finetune.epochs, 5);
});

test("`reproduce --no-sweep` analyses an existing store; bad options are clear errors", async () => {
  const out = mkdtemp("reproduce-nosweep-");
  writeSyntheticStore(path.join(out, "runs"), { configs: fiveMethods([0, 1, 2]) });
  const stderr = process.stderr.write;
  const stdout = process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let code: number;
  try {
    code = await run(["--no-sweep", "--out", out]);
  } finally {
    process.stderr.write = stderr;
    process.stdout.write = stdout;
  }
  assert.equal(code, 0);
  assert.ok(fs.existsSync(path.join(out, "report.html")));
  await assert.rejects(run(["--preset", "huge"]), (e: Error) => e instanceof CliError && /--preset: unknown preset 'huge'; use quick or glue-small or paper/.test(e.message));
  await assert.rejects(run(["--workers", "0"]), CliError);
  await assert.rejects(run(["--model", out]), /no config.json/);
  await assert.rejects(run(["--no-sweep", "--out", path.join(out, "nothing")]), /no run store/);
});

test("when every fine-tuning run fails, reproduce stops with the first run's log instead of an empty report", async () => {
  const out = mkdtemp("reproduce-fail-");
  const commandFor = () => ({ command: process.execPath, args: ["-e", "console.error('no such model'); process.exit(2)"] });
  await assert.rejects(reproduce({ preset: TEST_PRESET, out, workers: 2, commandFor, stream: sink }), (e: Error) => e instanceof CliError && /all 16 fine-tuning runs failed.*\.log$/.test(e.message));
  assert.ok(!fs.existsSync(path.join(out, "report.html")));
});

test("a sweep's worker gets the run's spec whole: the preset's options, each method's hyper-parameters to its runs only", () => {
  const { finetuneCommand, runSpecFor } = require("../../src/train/sweep/finetuneCommand") as typeof import("../../src/train/sweep/finetuneCommand");
  const { readSpec } = require("../../src/train/finetune/runSpec") as typeof import("../../src/train/finetune/runSpec");
  const grid = { model: "m", task: "rte", mitigation: "reinit", learningRate: 2e-5, seed: 3, relativeDir: "m/rte/reinit-lr2e-5/seed-03" };
  const args = { epochs: 2, maxTrainExamples: 96, maxLength: 64, hyperParameters: { reinitLayers: 1, mixoutP: 0.3 }, saveFinal: true };
  const spec = runSpecFor(grid, args, defaultModelDir());
  const c = finetuneCommand(spec, "/store/run", false, "/cli.js");
  assert.equal(c.command, process.execPath);
  assert.deepEqual(c.args, ["/cli.js", "finetune", "--spec", JSON.stringify(spec), "--out", "/store/run"]);
  const sent = readSpec(c.args[3]);
  assert.deepEqual(
    { task: sent.task, seed: sent.seed, lr: sent.lr, epochs: sent.epochs, maxTrainExamples: sent.maxTrainExamples, maxLength: sent.maxLength, saveFinal: sent.saveFinal, modelDir: sent.modelDir },
    { task: "rte", seed: 3, lr: 2e-5, epochs: 2, maxTrainExamples: 96, maxLength: 64, saveFinal: true, modelDir: defaultModelDir() },
  );
  assert.equal(sent.mitigationHyperParameters.reinitLayers, 1);
  assert.equal(sent.mitigationHyperParameters.mixoutP, 0.1, "Mixout's p goes to Mixout runs only");
  // the embedded model has 4 blocks: a Standard run records the depth scaled from the paper's 5 of 24
  const none = runSpecFor({ ...grid, mitigation: "none" }, args, defaultModelDir());
  assert.equal(none.mitigationHyperParameters.reinitLayers, 1);
  assert.deepEqual(finetuneCommand(none, "/r", true, "/cli.js").args.slice(-3), ["--out", "/r", "--overwrite"]);
});

test("the quick preset sizes the methods for its model: LLRD's η from the depth, WD_pre's λ, the paper's Mixout p", () => {
  const args = presetFinetuneArgs(QUICK_PRESET, undefined, undefined);
  // the embedded model has 4 blocks: the bottom block keeps the paper's 0.95^24 share of the rate
  const hp = args.hyperParameters!;
  assert.equal(hp.llrdEta, Number((0.95 ** 6).toFixed(4)));
  assert.ok(Math.abs((hp.llrdEta as number) ** 4 - 0.95 ** 24) < 1e-3);
  assert.equal(hp.wdPreLambda, 20);
  assert.equal(hp.mixoutP, undefined);
  // every part is there for the analyses: ≥ 5 methods, ≥ 8 seeds each, ≥ 6 failed-run seeds
  const { runs } = presetRuns(QUICK_PRESET, "tiny-bert-en", QUICK_PRESET.tasks.embedded);
  const perConfig = new Map<string, number>();
  for (const r of runs) perConfig.set(`${r.mitigation}@${r.learningRate}`, (perConfig.get(`${r.mitigation}@${r.learningRate}`) ?? 0) + 1);
  assert.equal([...perConfig.keys()].filter((k) => k.endsWith("@0.001")).length, 5);
  assert.ok([...perConfig.values()].every((n) => n >= 8));
  assert.equal(perConfig.get("none@0.004"), 10);
});
