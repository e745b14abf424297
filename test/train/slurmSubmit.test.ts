// Submitting to Slurm and following a store, the parts that need no cluster: the array split, the
// one-line commands (a control character is refused, never written), the hand-submitted script's
// log folder, the flags' errors, and `instability status` on a local sweep's store.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expandGrid } from "../../src/train/sweep/grid";
import { runSweep } from "../../src/train/sweep/pool";
import { lockPath } from "../../src/train/sweep/runLock";
import { storeStatus } from "../../src/train/sweep/runStatus";
import { recordSweep } from "../../src/train/sweep/sweepManifest";
import { arrayChunks, parseMaxArraySize } from "../../src/train/sweep/slurmSubmit";
import { HOST } from "../../src/util/tempNames";
import { mkdtemp } from "../helpers/tempDir";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const GRID = ["--tasks", "sotu-party", "--seeds", "0-2", "--max-train-examples", "16", "--epochs", "1", "--max-length", "16"];
const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000, env });
}

function expectOneLineError(args: string[], re: RegExp, env?: NodeJS.ProcessEnv): void {
  const r = cli(args, env);
  assert.equal(r.status, 1, `exit status of ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.equal(r.stdout, "", "nothing is printed or written");
}

test("MaxArraySize is read from scontrol's configuration, and a larger grid is split into arrays that cover it once", () => {
  assert.equal(parseMaxArraySize("AuthType                = auth/munge\nMaxArraySize            = 40001\nMaxJobCount = 10000\n"), 40001);
  assert.equal(parseMaxArraySize("nothing here"), 1001, "Slurm's default when scontrol cannot say");
  assert.deepEqual(arrayChunks(2500, 1001), [{ offset: 0, size: 1001 }, { offset: 1001, size: 1001 }, { offset: 2002, size: 498 }]);
  assert.deepEqual(arrayChunks(3, 1001), [{ offset: 0, size: 3 }]);
  const covered = arrayChunks(17, 4).flatMap(({ offset, size }) => Array.from({ length: size }, (_, i) => offset + i));
  assert.deepEqual(covered, Array.from({ length: 17 }, (_, i) => i));
});

test("a path with a newline is refused by --print-commands, --slurm and --submit, naming the flag; nothing is written", () => {
  const root = mkdtemp("slurm-newline-");
  const evil = path.join(root, "store\ntouch pwned");
  for (const mode of [["--print-commands"], ["--slurm", path.join(root, "job.sh")], ["--submit", "slurm"]]) {
    expectOneLineError(["sweep", "--store", evil, ...GRID, ...mode], /^instability sweep: --store: ".*store\\ntouch pwned" holds a control character \(U\+000A\); it cannot go into a one-line command/);
    expectOneLineError(["sweep", "--store", path.join(root, "s"), "--glue-dir", path.join(root, "g\rx"), ...GRID, ...mode], /--glue-dir: .* holds a control character \(U\+000D\)/);
  }
  assert.deepEqual(fs.readdirSync(root), [], "no store, script or task list was created");
});

test("--slurm FILE writes the script, its task list and the log folder it names (absolute), for a hand submission", () => {
  const root = mkdtemp("slurm-file-");
  const store = path.join(root, "store");
  const script = path.join(root, "scripts", "job.sh");
  fs.mkdirSync(path.dirname(script));
  const r = cli(["sweep", "--store", store, ...GRID, "--slurm", script, "--slurm-cpus", "2", "--slurm-time", "30", "--slurm-option=--account=lab"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*job\.sh \(3 array tasks\) and .*job\.sh\.tasks\.json; logs go to .*scripts\/slurm-logs; submit with: sbatch .*job\.sh/);
  const text = fs.readFileSync(script, "utf8");
  const output = /^#SBATCH --output=(.*)\/%A_%a\.out$/m.exec(text)?.[1];
  assert.ok(output && path.isAbsolute(output), text);
  assert.ok(fs.statSync(output).isDirectory(), "the log folder exists before the script is submitted (Slurm does not create it)");
  assert.match(text, /^#SBATCH --array=0-2$/m);
  assert.match(text, /^#SBATCH --cpus-per-task=2$/m);
  assert.match(text, /^#SBATCH --time=30$/m);
  assert.match(text, /^#SBATCH --account=lab$/m);
  assert.ok(text.includes(`exec ${process.execPath} ${CLI} sweep-task`), "the Node and CLI that wrote it, by absolute path (no npx)");
  const list = JSON.parse(fs.readFileSync(`${script}.tasks.json`, "utf8"));
  assert.equal(list.store, store);
  assert.deepEqual(list.tasks.map((t: { run: { seed: number } }) => t.run.seed), [0, 1, 2]);
  assert.equal(list.tasks[0].command.command, process.execPath);
});

test("bad --submit and --slurm-* values are one-line errors naming the flag", () => {
  const store = path.join(mkdtemp("slurm-flags-"), "store");
  const base = ["sweep", "--store", store, ...GRID];
  expectOneLineError([...base, "--submit", "pbs"], /--submit: 'pbs' is not a scheduler this version submits to; use --submit slurm/);
  expectOneLineError([...base, "--submit", "slurm", "--slurm-max-parallel", "0"], /--slurm-max-parallel must be a positive integer, got '0'/);
  expectOneLineError([...base, "--submit", "slurm", "--slurm-time", "4 hours"], /--slurm-time: '4 hours' is not a Slurm time limit/);
  expectOneLineError([...base, "--submit", "slurm", "--slurm-partition", "a b"], /--slurm-partition: 'a b' is not a partition name/);
  expectOneLineError([...base, "--submit", "slurm", "--slurm-option=account=x"], /--slurm-option: 'account=x' is not an sbatch option; write it as --slurm-option=--account=abc/);
  expectOneLineError([...base, "--submit", "slurm", "--print-commands"], /--print-commands and --submit cannot be combined/);
  expectOneLineError(["reproduce", "--submit", "slurm", "--no-sweep"], /--submit slurm and --no-sweep cannot be combined/);
});

test("--submit slurm where Slurm's commands are missing says so in one line", () => {
  const store = path.join(mkdtemp("slurm-none-"), "store");
  expectOneLineError(["sweep", "--store", store, ...GRID, "--submit", "slurm"], /sbatch was not found: --submit slurm runs on a machine with Slurm's commands/, { ...process.env, PATH: "/nonexistent" });
});

// A stand-in for `instability finetune`: seed 1 fails with a one-line error, the others write a run.
const FAKE_RUN = `
const fs = require("fs"), path = require("path");
const [runDir] = process.argv.slice(2);
if (runDir.endsWith("seed-01")) { process.stderr.write("instability finetune: --glue-dir /x: RTE/train.tsv not found\\n"); process.exit(1); }
const tmp = runDir + ".partial-" + process.pid;
fs.mkdirSync(tmp, { recursive: true });
for (const f of ["logits.npy", "labels.npy"]) fs.writeFileSync(path.join(tmp, f), "x");
fs.renameSync(tmp, runDir);
`;

test("status of a local sweep's store: finished, failed with its reason and log, running, a dead worker's claim, missing", async () => {
  const dir = mkdtemp("status-local-");
  const store = path.join(dir, "store");
  const script = path.join(dir, "fake.js");
  fs.writeFileSync(script, FAKE_RUN);
  const grid = expandGrid({ model: "m", tasks: ["spam"], mitigations: ["none"], learningRates: [2e-5], seeds: [0, 1, 2, 3, 4] });
  const result = await runSweep({ store, runs: grid.slice(0, 2), workers: 1, stream: sink, commandFor: (_r, d) => ({ command: process.execPath, args: [script, d] }) });
  assert.equal(result.failed.length, 1);
  // The whole grid, as a sweep of it records it; seed 2 is being trained by this process, seed 3's
  // worker died holding its claim, seed 4 was never started.
  recordSweep(store, grid);
  const config = path.join(store, "m", "spam", "none-lr2e-5");
  fs.writeFileSync(lockPath(path.join(config, "seed-02")), JSON.stringify({ host: HOST, pid: process.pid, node: "here" }));
  fs.writeFileSync(lockPath(path.join(config, "seed-03")), JSON.stringify({ host: HOST, pid: 2 ** 31 - 2 }));

  const s = storeStatus(store);
  assert.deepEqual(s.totals, { runs: 5, finished: 1, running: 1, failed: 2, queued: 0, missing: 1 });
  const [c] = s.configurations;
  assert.equal(c.configuration, path.join("m", "spam", "none-lr2e-5"));
  assert.deepEqual(c.finished, [path.join("m", "spam", "none-lr2e-5", "seed-00")]);
  assert.equal(c.running[0].owner?.pid, process.pid);
  const failedSeed1 = c.failed.find((f) => f.run.endsWith("seed-01"))!;
  assert.equal(failedSeed1.reason, "instability finetune: --glue-dir /x: RTE/train.tsv not found (exit 1)");
  assert.match(fs.readFileSync(failedSeed1.log, "utf8"), /RTE\/train\.tsv not found/);
  assert.match(c.failed.find((f) => f.run.endsWith("seed-03"))!.reason, /its worker \(pid \d+\) ended without finishing it/);
  assert.deepEqual(c.missing, [path.join("m", "spam", "none-lr2e-5", "seed-04")]);

  const text = cli(["status", "--store", store]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /: 5 run\(s\) in 1 configuration\(s\): 1 finished, 1 running, 2 failed, 1 missing\n/);
  assert.match(text.stdout, /running {2}seed-02: pid \d+ on here/);
  assert.match(text.stdout, /failed {3}seed-01: instability finetune: --glue-dir \/x: RTE\/train\.tsv not found \(exit 1\); log: .*\.logs\/m__spam__none-lr2e-5__seed-01\.log/);
  assert.match(text.stdout, /missing {2}seed-04\n/);
  const json = JSON.parse(cli(["status", "--store", store, "--json"]).stdout);
  assert.deepEqual(json.totals, s.totals);
  // A later sweep that finishes seed 1 clears its failure.
  fs.writeFileSync(script, FAKE_RUN.replace('runDir.endsWith("seed-01")', "false"));
  await runSweep({ store, runs: grid.slice(1, 2), workers: 1, stream: sink, commandFor: (_r, d) => ({ command: process.execPath, args: [script, d] }) });
  assert.equal(storeStatus(store).totals.finished, 2);
  assert.ok(!fs.existsSync(path.join(store, ".logs", "m__spam__none-lr2e-5__seed-01.failed.json")));
});

test("status names the store it cannot find, in one line", () => {
  expectOneLineError(["status", "--store", "/nonexistent/store"], /^instability status: --store \/nonexistent\/store: not found; pass the folder a sweep writes its runs into/);
});
