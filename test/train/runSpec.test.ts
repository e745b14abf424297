// One run spec: the settings a run is made with, resolved, as one JSON object. `finetune --spec`
// (what a sweep's worker gets) makes the very run the flags make; config.json holds the spec;
// old config.json files read back into it; and a finished run is one thing for finetune and the sweep.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../src/cli/command";
import { run as finetune } from "../../src/cli/commands/finetune";
import { defaultModelDir } from "../../src/model/defaultModel";
import { identityDifferences, identityOf } from "../../src/runs/runIdentity";
import { checkpointConfig } from "../../src/train/finetune/identity";
import { checkOutput } from "../../src/train/finetune/output";
import { readSpec, resolveSpec, specOfConfig, specOptions } from "../../src/train/finetune/runSpec";
import { isRunComplete } from "../../src/train/sweep/store";
import { tinyCheckpoint, tmpDir } from "./finetuneFixture";

const root = tmpDir("run-spec-");
const checkpoint = tinyCheckpoint(root);
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));
const json = (dir: string, file: string) => JSON.parse(read(dir, file).toString("utf8"));

test("a spec resolves against the checkpoint's config.json and comes back unchanged through its options", () => {
  const model = checkpointConfig(defaultModelDir());
  const spec = resolveSpec({ task: "spam", seed: 4, out: "x", modelDir: defaultModelDir(), mitigation: "llrd", mitigationHyperParameters: { llrdEta: 0.9 } }, model);
  // the embedded model: 4 blocks of 128 positions; no depth or length given, so both are settled here
  assert.equal(spec.maxLength, 128);
  assert.equal(spec.mitigationHyperParameters.reinitLayers, 1);
  assert.equal(spec.mitigationHyperParameters.llrdEta, 0.9);
  assert.equal(spec.failedRule, "final:accuracy<=majority");
  assert.deepEqual(resolveSpec(specOptions(spec, "elsewhere"), model), spec);
  assert.deepEqual(readSpec(JSON.stringify(spec)), spec);
  assert.throws(() => resolveSpec({ task: "spam", seed: 0, out: "x", modelDir: defaultModelDir(), maxLength: 4096 }, model), /--max-length 4096 exceeds the \d+ positions/);
});

test("finetune --spec makes the same run as the flags; config.json holds the spec; the same spec again is skipped", async () => {
  const flags = path.join(root, "flags");
  const ck = await checkpoint;
  const common = ["--task", "spam", "--seed", "2", "--model", ck, "--max-train-examples", "16", "--epochs", "1", "--max-length", "16", "--mitigation", "reinit", "--quiet"];
  assert.equal(await finetune([...common, "--out", flags]), 0);
  const spec = specOfConfig(json(flags, "config.json"));
  assert.ok(spec, "config.json holds every setting of the spec");
  assert.equal(spec.modelDir, ck);
  assert.equal(spec.mitigationHyperParameters.reinitLayers, 1, "the tiny model's 3 blocks: the paper's share, at least 1");
  const bySpec = path.join(root, "spec");
  assert.equal(await finetune(["--spec", JSON.stringify(spec), "--out", bySpec, "--quiet"]), 0);
  for (const f of ["logits.npy", "hidden.npy", "labels.npy"]) assert.ok(read(flags, f).equals(read(bySpec, f)), f);
  assert.deepEqual(identityOf(json(bySpec, "config.json")), identityOf(json(flags, "config.json")));
  assert.deepEqual(specOfConfig(json(bySpec, "config.json")), spec);
  // a spec file, into the folder that holds this very run: nothing to do
  const file = path.join(root, "spec.json");
  fs.writeFileSync(file, JSON.stringify(spec));
  const before = read(bySpec, "metrics.json");
  assert.equal(await finetune(["--spec", file, "--out", bySpec, "--quiet"]), 0);
  assert.ok(read(bySpec, "metrics.json").equals(before));
  // another spec into it is refused, naming what differs
  const other = { ...spec, epochs: 2 };
  await assert.rejects(finetune(["--spec", JSON.stringify(other), "--out", bySpec, "--quiet"]), /holds a finished run made with other settings \(found vs asked: epochs 1 vs 2\)/);
});

test("a bad --spec, or settings flags beside it, are one-line errors naming --spec", async () => {
  const out = path.join(root, "bad");
  const oneLine = (re: RegExp) => (err: Error) => err instanceof CliError && re.test(err.message) && !err.message.includes("\n");
  await assert.rejects(finetune(["--spec", '{"task":"spam"}', "--out", out]), oneLine(/^--spec: the JSON given is not a run spec \(missing or wrong: seed, lr, .*\); pass a run spec/));
  await assert.rejects(finetune(["--spec", path.join(root, "no-such.json"), "--out", out]), oneLine(/^--spec .*no-such\.json: cannot be read as a run spec \(ENOENT/));
  await assert.rejects(finetune(["--spec", "{}", "--out", out, "--epochs", "2", "--mixout-p", "0.2"]), oneLine(/^--spec gives every setting of the run; leave out --epochs, --mixout-p/));
  const spec = resolveSpec({ task: "spam", seed: 0, out, modelDir: defaultModelDir() }, checkpointConfig(defaultModelDir()));
  await assert.rejects(finetune(["--spec", JSON.stringify({ ...spec, epochs: 0 }), "--out", out]), oneLine(/^--spec: epochs must be a positive integer, got 0$/));
  await assert.rejects(finetune(["--spec", JSON.stringify(spec)]), oneLine(/--out RUN_DIR is required/));
});

test("config.json files of earlier versions read back into a spec (the committed evidence)", () => {
  const evidence = path.join(__dirname, "..", "..", "..", "docs", "evidence", "glue-small-minilm", "runs", "all-MiniLM-L6-v2", "sst2", "mixout-lr5e-4", "seed-03");
  const spec = specOfConfig(json(evidence, "config.json"));
  assert.ok(spec);
  assert.deepEqual([spec.task, spec.seed, spec.lr, spec.mitigation, spec.maxTrainExamples, spec.saveFinal, spec.glueDir], ["sst2", 3, 5e-4, "mixout", 500, false, null]);
  assert.equal(specOfConfig({ ...json(evidence, "config.json"), epochs: undefined }), undefined, "a setting missing: no spec");
});

test("a finished run is a run folder, for finetune --out as for the sweep", () => {
  const store = path.join(root, "store");
  const grid = { model: "m", task: "spam", mitigation: "none", learningRate: 1e-3, seed: 0, relativeDir: "m/spam/none-lr1e-3/seed-00" };
  const dir = path.join(store, grid.relativeDir);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "metrics.json"), "{}");
  assert.equal(isRunComplete(store, grid), false);
  assert.throws(() => checkOutput(dir, false), /exists and is not a finished run \(no logits\.npy or labels\.npy\)/);
  for (const f of ["logits.npy", "labels.npy"]) fs.writeFileSync(path.join(dir, f), "");
  assert.equal(isRunComplete(store, grid), true);
  assert.equal(checkOutput(dir, false), "finished");
});

test("method hyper-parameters are compared one by one, over those both runs record (a method added later stales nothing)", () => {
  const old = { mitigation: "llrd", mitigationHyperParameters: { weightDecay: 0.01, llrdEta: 0.95 } };
  assert.deepEqual(identityDifferences(old, { mitigation: "llrd", mitigationHyperParameters: { weightDecay: 0.01, llrdEta: 0.95, boostP: 0.2 } }), []);
  assert.deepEqual(identityDifferences(old, { mitigation: "llrd", mitigationHyperParameters: { weightDecay: 0.01, llrdEta: 0.9, boostP: 0.2 } }), [
    { key: "mitigationHyperParameters.llrdEta", found: 0.95, expected: 0.9 },
  ]);
});
