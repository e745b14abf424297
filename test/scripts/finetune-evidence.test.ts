import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "finetune-evidence.js");

function writeRun(store: string, model: string, task: string, seed: number, testMetric: number, testAccuracy: number, failed = false): void {
  const dir = path.join(store, model, task, "none-lr5e-4", `seed-${String(seed).padStart(2, "0")}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "metrics.json"), JSON.stringify({ seed, metric: task === "cola" ? "mcc" : "accuracy", testMetric, testAccuracy, failed }));
}

test("finetune-evidence: per task mean and sample SD over seeds of both models, their difference and Welch's p", () => {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), "ft-evidence-"));
  [0.6, 0.7, 0.8].forEach((v, seed) => writeRun(store, "pre", "sotu-party", seed, v, v));
  [0.5, 0.5, 0.5].forEach((v, seed) => writeRun(store, "rnd", "sotu-party", seed, v, v, true));
  [0.2, 0.4].forEach((v, seed) => writeRun(store, "pre", "cola", seed, v, 0.7));
  [0, 0].forEach((v, seed) => writeRun(store, "rnd", "cola", seed, v, 0.69));
  // A folder without metrics.json (an unfinished run) is not counted.
  fs.mkdirSync(path.join(store, "pre", "cola", "none-lr5e-4", "seed-09"));

  const json = spawnSync(process.execPath, [SCRIPT, store, "--pretrained", "pre", "--random", "rnd", "--json"], { encoding: "utf8" });
  assert.equal(json.status, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as { task: string; metric: string; pretrained: any; random: any }[];
  const party = rows.find((r) => r.task === "sotu-party")!;
  assert.ok(Math.abs(party.pretrained.metric.mean - 0.7) < 1e-12);
  assert.ok(Math.abs(party.pretrained.metric.sd - 0.1) < 1e-12, "sample SD of 0.6, 0.7, 0.8 is 0.1");
  assert.equal(party.random.metric.sd, 0);
  assert.equal(party.random.failed, 3);
  const cola = rows.find((r) => r.task === "cola")!;
  assert.equal(cola.metric, "mcc");
  assert.equal(cola.pretrained.metric.n, 2);
  assert.ok(Math.abs(cola.pretrained.metric.sd - Math.SQRT2 * 0.1) < 1e-12);

  const md = spawnSync(process.execPath, [SCRIPT, store, "--pretrained", "pre", "--random", "rnd"], { encoding: "utf8" });
  assert.equal(md.status, 0, md.stderr);
  // Welch's p as SciPy gives it: 0.0742 (t = 3.464, 2 df) and 0.2048 (t = 3, 1 df).
  assert.match(md.stdout, /\| sotu-party \| accuracy \| 0\.700 ± 0\.100 \(n=3\) \| 0\.500 ± 0\.000 \(n=3\) \| \+0\.200 \| 0\.074 \|/);
  assert.match(md.stdout, /\| cola \| mcc \| 0\.300 ± 0\.141 \(n=2\) \| 0\.000 ± 0\.000 \(n=2\) \| \+0\.300 \| 0\.205 \|/);

  const missing = spawnSync(process.execPath, [SCRIPT, store, "--pretrained", "nope", "--random", "rnd"], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no runs of model 'nope' in the store/);
});
