// Sweeps submitted to a real Slurm (sbatch, squeue, scancel): a one-node cluster on this machine
// (scripts/slurm-local.sh; .ci/run starts it, and this file starts it when Slurm is installed but
// not running). Every run of a submitted grid equals, byte for byte, the same grid swept locally;
// a cancelled task leaves nothing that blocks its retry, and the retry trains only what is
// missing; two submissions at once train each run once; a failing task shows in `status`.
// Skipped, with the reason, only where Slurm is not installed.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MODEL_NAME } from "../../src/model/defaultModel";
import { defaultModelDir } from "../../src/model/defaultModel";
import { finetuneCommand, runSpecFor } from "../../src/train/sweep/finetuneCommand";
import { expandGrid, type RunSpec } from "../../src/train/sweep/grid";
import { claimRun, lockPath, readOwner } from "../../src/train/sweep/runLock";
import { submitSweep } from "../../src/train/sweep/submitSweep";
import { submitPreset, sweepPreset } from "../../src/train/sweep/presetSweep";
import { QUICK_PRESET, type ReproducePreset } from "../../src/train/sweep/presets";
import { REPO_ROOT } from "../helpers/glue";
import { mkdtemp } from "../helpers/tempDir";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const SMALL = ["--max-train-examples", "16", "--epochs", "1", "--max-length", "16"];
const GRID = ["--tasks", "sotu-party", "--seeds", "0-2", ...SMALL];
const RUNS = expandGrid({ model: DEFAULT_MODEL_NAME, tasks: ["sotu-party"], mitigations: ["none"], learningRates: [2e-5], seeds: [0, 1, 2] });

/** Why these tests cannot run here, or undefined once a cluster answers (started here if need be). */
function clusterUnavailable(): string | undefined {
  if (spawnSync("sbatch", ["--version"]).error) return "Slurm is not installed here (apt-get install slurm-wlm munge; then scripts/slurm-local.sh start)";
  if (/UP/.test(spawnSync("scontrol", ["ping"], { encoding: "utf8", timeout: 20_000 }).stdout ?? "")) return undefined;
  const script = path.join(REPO_ROOT, "scripts", "slurm-local.sh");
  const start = spawnSync(script, ["start"], { encoding: "utf8", timeout: 120_000 });
  assert.equal(start.status, 0, `Slurm is installed but no cluster answers, and scripts/slurm-local.sh start failed: ${start.stderr}`);
  after(() => spawnSync(script, ["stop"], { timeout: 120_000 })); // only the cluster this file started
  return undefined;
}

const skip = clusterUnavailable();
// Made at the top level, so that its removal waits for the end of the file (the local reference is shared).
const ROOT = mkdtemp("slurm-cluster-");
let made = 0;
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(ROOT, `${prefix}${made++}-`));
if (skip) process.stdout.write(`skipping the real-Slurm tests: ${skip}\n`);

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, `instability ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const jobIds = (submitted: string) => [...(/as job ([\d, ]+)/.exec(submitted)?.[1].split(", ") ?? [])];

async function waitForJobs(ids: string[], seconds = 300): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const q = spawnSync("squeue", ["-h", "-j", ids.join(","), "-t", "PD,R,CG,S,CF", "-o", "%i %T"], { encoding: "utf8" });
    if (q.status !== 0 || q.stdout.trim() === "") return;
    assert.ok(Date.now() < deadline, `jobs ${ids.join(",")} still in the queue after ${seconds} s:\n${q.stdout}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let reference: string | undefined;
/** The same grid swept locally, once for the file. */
function localReference(): string {
  reference ??= (() => {
    const store = path.join(tempDir("slurm-ref-"), "store");
    cli(["sweep", "--store", store, ...GRID, "--workers", "1"]);
    return store;
  })();
  return reference;
}

function assertSameAsLocal(store: string, runs: RunSpec[] = RUNS): void {
  const ref = localReference();
  for (const r of runs) {
    for (const f of ["logits.npy", "hidden.npy"]) {
      const a = fs.readFileSync(path.join(store, r.relativeDir, f)), b = fs.readFileSync(path.join(ref, r.relativeDir, f));
      assert.ok(a.equals(b), `${r.relativeDir}/${f} differs from the local sweep's`);
    }
  }
}

/** Every "training" line the array tasks of a store's submissions printed: run → how many. */
function trainedByTasks(store: string): Map<string, number> {
  const count = new Map<string, number>();
  const root = path.join(store, ".slurm");
  for (const sub of fs.readdirSync(root))
    for (const log of fs.readdirSync(path.join(root, sub, "logs")))
      for (const m of fs.readFileSync(path.join(root, sub, "logs", log), "utf8").matchAll(/^sweep-task: (\S+): training/gm)) count.set(m[1], (count.get(m[1]) ?? 0) + 1);
  return count;
}

const status = (store: string) => JSON.parse(cli(["status", "--store", store, "--json"]));

test("a grid submitted with sbatch: every run finishes, equal byte for byte to the grid swept locally; resubmitting submits nothing", { skip }, async (t) => {
  const store = path.join(tempDir("slurm-grid-"), "store");
  const out = cli(["sweep", "--store", store, ...GRID, "--submit", "slurm", "--slurm-max-parallel", "2"]);
  assert.match(out, /^submitted 3 run\(s\) to Slurm as job \d+\nlogs: .*\/\.slurm\/.*\/logs\nfollow with: instability status --store /);
  const ids = jobIds(out);
  const during = cli(["status", "--store", store]);
  for (const line of `status during the submission:\n${during}`.trimEnd().split("\n")) t.diagnostic(line);
  assert.match(during, /: 3 run\(s\) in 1 configuration\(s\)/);
  await waitForJobs(ids);
  const after = cli(["status", "--store", store]);
  for (const line of `status after it:\n${after}`.trimEnd().split("\n")) t.diagnostic(line);
  assert.match(after, /3 finished, 0 running, 0 failed, 0 missing/);
  assertSameAsLocal(store);
  assert.deepEqual([...trainedByTasks(store).values()], [1, 1, 1]);
  const again = cli(["sweep", "--store", store, ...GRID, "--submit", "slurm"]);
  assert.equal(again, `nothing to submit: all 3 runs of this grid are finished in ${store}\n`);
  assert.equal(fs.readdirSync(path.join(store, ".slurm")).length, 1, "no second submission");
});

test("scancel of a running task leaves no partial run and no claim; the resubmission trains only what is missing", { skip }, async (t) => {
  const store = path.join(tempDir("slurm-cancel-"), "store");
  const ids = jobIds(cli(["sweep", "--store", store, ...GRID, "--submit", "slurm", "--slurm-max-parallel", "1"]));
  const config = path.join(store, path.dirname(RUNS[0].relativeDir));
  let victim: { run: string; job: string } | undefined;
  for (const deadline = Date.now() + 120_000; !victim; await new Promise((r) => setTimeout(r, 20))) {
    assert.ok(Date.now() < deadline, "an array task claimed a run");
    const lock = fs.existsSync(config) ? fs.readdirSync(config).find((n) => n.startsWith(".lock-")) : undefined;
    const owner = lock && readOwner(path.join(config, lock));
    if (owner && owner.slurm) victim = { run: lock!.slice(".lock-".length), job: owner.slurm.job };
  }
  assert.equal(spawnSync("scancel", [victim.job]).status, 0);
  await waitForJobs(ids);
  const cancelled = RUNS.find((r) => r.relativeDir.endsWith(victim!.run))!;
  assert.ok(!fs.existsSync(path.join(store, cancelled.relativeDir)), "the cancelled run is not there, not even in part");
  assert.deepEqual(fs.readdirSync(config).filter((n) => n.startsWith(".")), [], "no claim and no temporary folder is left");
  const failed = status(store).configurations[0].failed;
  for (const line of `status after scancel ${victim.job}:\n${cli(["status", "--store", store])}`.trimEnd().split("\n")) t.diagnostic(line);
  assert.equal(failed.length, 1);
  assert.match(failed[0].reason, /stopped by SIGTERM/);
  assert.ok(fs.existsSync(failed[0].log) && fs.existsSync(failed[0].slurmLog));

  const retry = cli(["sweep", "--store", store, ...GRID, "--submit", "slurm"]);
  assert.match(retry, /^submitted 1 run\(s\) to Slurm as job \d+ \(not submitted: 2 finished\)/);
  await waitForJobs(jobIds(retry));
  assertSameAsLocal(store);
  const trained = trainedByTasks(store);
  assert.equal(trained.get(cancelled.relativeDir), 2, "the cancelled run was started again");
  for (const r of RUNS.filter((x) => x !== cancelled)) assert.equal(trained.get(r.relativeDir), 1, `${r.relativeDir} was trained once`);
  assert.deepEqual(status(store).totals, { runs: 3, finished: 3, running: 0, failed: 0, queued: 0, missing: 0 });
});

test("two submissions of one grid at once (one split into arrays of 2) train each run once", { skip }, async () => {
  const store = path.join(tempDir("slurm-twice-"), "store");
  const first = spawn(process.execPath, [CLI, "sweep", "--store", store, ...GRID, "--submit", "slurm"], { stdio: ["ignore", "pipe", "pipe"] });
  let firstOut = "";
  first.stdout.on("data", (d) => (firstOut += d));
  const args = { maxTrainExamples: "16", epochs: "1", maxLength: "16" };
  const second = submitSweep({ store, runs: RUNS, commandFor: (r, d) => finetuneCommand(runSpecFor(r, args, defaultModelDir()), d), maxArraySize: 2 });
  assert.equal(await new Promise((r) => first.on("exit", r)), 0, firstOut);
  assert.deepEqual(second.submission?.jobs.map((j) => [j.offset, j.size]), [[0, 2], [2, 1]], "3 runs as arrays of 2 and 1");
  await waitForJobs([...jobIds(firstOut), ...second.submission!.jobs.map((j) => j.id)]);
  assertSameAsLocal(store);
  assert.deepEqual([...trainedByTasks(store).entries()].sort(), RUNS.map((r) => [r.relativeDir, 1]), "each run trained by one task");
});

test("a task that fails (its GLUE file is missing) shows in status with its reason and log", { skip }, async () => {
  const root = tempDir("slurm-fail-");
  const store = path.join(root, "store");
  fs.mkdirSync(path.join(root, "glue"));
  const out = cli(["sweep", "--store", store, "--tasks", "rte", "--glue-dir", path.join(root, "glue"), "--seeds", "0", ...SMALL, "--submit", "slurm"]);
  await waitForJobs(jobIds(out));
  const text = cli(["status", "--store", store]);
  assert.match(text, /: 0 finished, 0 running, 1 failed, 0 missing\n/);
  const [failed] = status(store).configurations[0].failed;
  assert.match(failed.reason, /GLUE file not found: .*RTE\/train\.tsv.*\(exit 1\)$/);
  assert.match(fs.readFileSync(failed.log, "utf8"), /GLUE file not found/);
  assert.match(fs.readFileSync(failed.slurmLog, "utf8"), /failed: instability finetune: GLUE file not found/);
  assert.ok(text.includes(`log: ${failed.log}`), text);
});

test("a claim held by another host's Slurm task is respected while the job is queued, broken once it is over", { skip }, () => {
  const runDir = path.join(tempDir("slurm-claim-"), "seed-00");
  const held = spawnSync("sbatch", ["--parsable", "--hold", "--output=/dev/null", "--wrap", "true"], { encoding: "utf8" }).stdout.trim().split(";")[0];
  try {
    fs.writeFileSync(lockPath(runDir), JSON.stringify({ host: "elsewhere", pid: 1, node: "node7", slurm: { job: held } }));
    const claim = claimRun(runDir);
    assert.ok("heldBy" in claim, "a queued job's claim stands");
  } finally {
    spawnSync("scancel", [held]);
  }
  const taken = claimRun(runDir); // a node failure or a kill -9 on another machine leaves such a claim
  assert.ok("lock" in taken, "a cancelled job's claim is broken");
  taken.lock.release();
});

test("reproduce --submit slurm submits the preset's runs and says to run it again; the next reproduce reuses them", { skip }, async () => {
  // The quick preset's 50 runs, held in the queue (--hold) so that nothing trains: what is submitted and said.
  const out = path.join(tempDir("slurm-reproduce-"), "out");
  const said = cli(["reproduce", "--preset", "quick", "--out", out, "--submit", "slurm", "--slurm-option=--hold"]);
  const ids = jobIds(said);
  try {
    assert.match(said, /^reproduce: submitted 50 of the 50 runs of preset quick to Slurm as job \d+\n/);
    assert.match(said, /when the jobs are done, run the same command again; it reuses their runs and writes the report:\n {2}instability reproduce --preset quick --out .* --submit slurm --slurm-option=--hold\n$/);
    assert.deepEqual(status(path.join(out, "runs")).totals, { runs: 50, finished: 0, running: 0, failed: 0, queued: 50, missing: 0 });
  } finally {
    spawnSync("scancel", ids);
  }
  // A two-run preset trained on the cluster, then swept by reproduce's launcher: nothing to train.
  const tiny: ReproducePreset = { ...QUICK_PRESET, name: "tiny", tasks: { embedded: ["sotu-party"], glue: ["rte"] }, parts: [{ ...QUICK_PRESET.parts[0], seeds: [0, 1] }], finetune: { epochs: 1, maxTrainExamples: 16, maxLength: 16 } };
  const store = path.join(tempDir("slurm-preset-"), "runs");
  const submitted = submitPreset({ preset: tiny, store });
  assert.equal(submitted.submitted.length, 2);
  await waitForJobs(submitted.submission!.jobs.map((j) => j.id));
  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  const swept = await sweepPreset({ preset: tiny, store, workers: 1, stream: sink });
  assert.deepEqual([swept.sweep.alreadyDone, swept.sweep.completed.length, swept.sweep.failed.length], [2, 0, 0]);
});
