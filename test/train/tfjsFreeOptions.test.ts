// Option checking must not load the training engine: finetune/config.ts and the finetune and
// sweep commands import no tfjs (so `--help` and bad input answer at once), and
// checkFineTuneOptions names the bad option for its caller.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { checkFineTuneOptions, FineTuneOptionError } from "../../src/train/finetune/config";
import { DEFAULT_MITIGATION_HYPERPARAMETERS } from "../../src/train/mitigation/defaults";

const src = path.join(__dirname, "..", "..", "src");

for (const module of ["train/finetune/config", "train/finetune/runSpec", "train/mitigation/defaults", "train/mitigation/registry", "cli/commands/finetune", "cli/commands/sweep"]) {
  test(`${module} loads no @tensorflow module`, () => {
    const file = path.join(src, `${module}.js`);
    const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(file)}); console.log(Object.keys(require.cache).filter((k) => k.includes("@tensorflow")).length)`], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "0");
  });
}

test("checkFineTuneOptions fills in the defaults and names the bad option", () => {
  const ok = checkFineTuneOptions({ seed: 3, out: "run", modelDir: "m", mitigation: "llrd", mitigationHyperParameters: { llrdEta: 0.9 } });
  assert.equal(ok.mitigation, "llrd");
  assert.deepEqual(ok.mitigationHyperParameters, { ...DEFAULT_MITIGATION_HYPERPARAMETERS, llrdEta: 0.9 });
  const bad = (o: Record<string, unknown>, option: string, re: RegExp) => assert.throws(
    () => checkFineTuneOptions({ seed: 0, out: "run", modelDir: "m", ...o }),
    (e: unknown) => e instanceof FineTuneOptionError && e.option === option && re.test(e.message));
  bad({ seed: 2 ** 32 }, "seed", /seed must be an integer in 0\.\.4294967295/);
  bad({ mitigation: "dropconnect" }, "mitigation", /unknown mitigation method "dropconnect"; valid methods: none, mixout, llrd, reinit, wd_pre/);
  bad({ failedRule: "final:loss<=1" }, "failedRule", /CHECKPOINT:MEASURE<=BASELINE/);
  bad({ mitigationHyperParameters: { mixoutP: Number.NaN } }, "mitigationHyperParameters", /mixoutP must be a number in \[0, 0\.99\] \(mixout: mix probability; default 0\.1\), got NaN/);
  bad({ mitigationHyperParameters: { reinitLayers: 1.5 } }, "mitigationHyperParameters", /reinitLayers must be an integer in \[0, 1000\]/);
  bad({ mitigationHyperParameters: { dropconnectP: 0.1 } }, "mitigationHyperParameters", /unknown mitigation hyper-parameter dropconnectP; known: weightDecay, mixoutP/);
  bad({ epochs: 0 }, "epochs", /epochs must be a positive integer, got 0/);
});
