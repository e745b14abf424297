import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expandGrid, parseSeeds } from "../../src/train/sweep/grid";
import { formatLearningRate } from "../../src/runs/storeLayout";
import { runSweep, threadsPerRun } from "../../src/train/sweep/pool";
import { CoreShare } from "../../src/train/sweep/coreShare";
import { commandLine } from "../../src/train/sweep/commands";
import { slurmArrayScript } from "../../src/train/sweep/slurmScript";
import { isRunComplete } from "../../src/train/sweep/store";

// A stand-in for `instability finetune`: writes a temporary folder, waits, then renames it into
// place (as the real engine does through writeRun). FAIL_SEED makes one seed exit with an error.
const FAKE_RUN = `
const fs = require("fs"), path = require("path");
const [runDir, seed, ms] = process.argv.slice(2);
if (process.env.FAIL_SEED === seed) { console.error("boom"); process.exit(3); }
const tmp = path.join(path.dirname(runDir), ".tmp-" + path.basename(runDir) + "-" + process.pid + "-" + require("./host.json") + "-1");
fs.mkdirSync(tmp, { recursive: true });
fs.writeFileSync(path.join(tmp, "logits.npy"), "partial");
fs.writeFileSync(path.join(tmp, "labels.npy"), "partial");
setTimeout(() => {
  fs.writeFileSync(path.join(tmp, "metrics.json"), JSON.stringify({ seed: Number(seed), threads: process.env.INSTABILITY_THREADS }));
  fs.renameSync(tmp, runDir);
}, Number(ms));
`;

function fixture(): { dir: string; script: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweep-"));
  const script = path.join(dir, "fake-run.js");
  fs.writeFileSync(script, FAKE_RUN);
  const { hashString } = require("../../src/util/random");
  fs.writeFileSync(path.join(dir, "host.json"), JSON.stringify(hashString(os.hostname()).toString(16)));
  return { dir, script };
}

const grid = { model: "tiny", tasks: ["a", "b"], mitigations: ["none", "mixout"], learningRates: [2e-5], seeds: [0, 1, 2] };

test("the grid expands in a stable order into store paths that are runs directories", () => {
  const runs = expandGrid(grid);
  assert.equal(runs.length, 12);
  assert.equal(runs[0].relativeDir, path.join("tiny", "a", "none-lr2e-5", "seed-00"));
  assert.equal(runs[11].relativeDir, path.join("tiny", "b", "mixout-lr2e-5", "seed-02"));
  assert.equal(formatLearningRate(1.5e-5), "1.5e-5");
  assert.throws(() => expandGrid({ ...grid, seeds: [] }), /no seeds/);
  assert.deepEqual(parseSeeds("0-3,7,2"), [0, 1, 2, 3, 7]);
  assert.throws(() => parseSeeds("3-1"), /end is below the start/);
  assert.throws(() => parseSeeds("x"), /bad seed list/);
});

test("a sweep completes every run, reports failures without stopping, and a rerun does only what is missing", async () => {
  const { dir, script } = fixture();
  const store = path.join(dir, "store");
  const runs = expandGrid(grid);
  const commandFor = (r: { seed: number }, runDir: string) => ({ command: process.execPath, args: [script, runDir, String(r.seed), "20"] });
  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;

  const first = await runSweep({ store, runs, workers: 2, commandFor, stream: sink, env: { FAIL_SEED: "1" } });
  assert.equal(first.completed.length, 8);
  assert.equal(first.failed.length, 4);
  assert.ok(first.failed.every((f) => f.run.seed === 1 && f.exitCode === 3));
  assert.match(fs.readFileSync(first.failed[0].log, "utf8"), /boom/);

  const second = await runSweep({ store, runs, workers: 2, commandFor, stream: sink });
  assert.equal(second.alreadyDone, 8);
  assert.equal(second.completed.length, 4);
  assert.ok(runs.every((r) => isRunComplete(store, r)));

  const third = await runSweep({ store, runs, workers: 2, commandFor, stream: sink });
  assert.equal(third.alreadyDone, 12);
  assert.equal(third.completed.length, 0);
});

test("kill -9 of a sweep loses no finished run and leaves nothing that looks finished", async () => {
  const { dir, script } = fixture();
  const store = path.join(dir, "store");
  const driver = path.join(dir, "driver.js");
  const poolModule = require.resolve("../../src/train/sweep/pool");
  const gridModule = require.resolve("../../src/train/sweep/grid");
  fs.writeFileSync(driver, `
    const { runSweep } = require(${JSON.stringify(poolModule)});
    const { expandGrid } = require(${JSON.stringify(gridModule)});
    const runs = expandGrid(${JSON.stringify(grid)});
    runSweep({ store: ${JSON.stringify(store)}, runs, workers: 2,
      commandFor: (r, d) => ({ command: process.execPath, args: [${JSON.stringify(script)}, d, String(r.seed), "800"] }) });
  `);
  const child = spawn(process.execPath, [driver], { detached: true, stdio: "ignore" });
  // Wait until some runs have finished, then kill the whole process group mid-sweep.
  const runs = expandGrid(grid);
  const deadline = Date.now() + 20_000;
  // Kill when at least two runs have finished and another is half-written (a temporary exists).
  const inFlight = () => runs.some((r) => {
    const parent = path.join(store, path.dirname(r.relativeDir));
    return fs.existsSync(parent) && fs.readdirSync(parent).some((n) => n.startsWith(".tmp-"));
  });
  while (!(runs.filter((r) => isRunComplete(store, r)).length >= 2 && inFlight()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  process.kill(-child.pid!, "SIGKILL");
  await new Promise((r) => setTimeout(r, 200));

  const finished = runs.filter((r) => isRunComplete(store, r));
  assert.ok(finished.length >= 2 && finished.length < runs.length, `finished ${finished.length}`);
  // Every folder that looks like a run is complete; the rest are temporaries.
  for (const r of runs) {
    const runDir = path.join(store, r.relativeDir);
    if (fs.existsSync(runDir)) assert.ok(fs.existsSync(path.join(runDir, "metrics.json")));
  }
  const leftovers = runs.flatMap((r) => {
    const parent = path.join(store, path.dirname(r.relativeDir));
    return fs.existsSync(parent) ? fs.readdirSync(parent).filter((n) => n.startsWith(".tmp-")) : [];
  });
  assert.ok(leftovers.length > 0, "the kill should have caught runs in flight");

  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  const resumed = await runSweep({ store, runs, workers: 2, stream: sink,
    commandFor: (r, d) => ({ command: process.execPath, args: [script, d, String(r.seed), "10"] }) });
  assert.equal(resumed.alreadyDone, finished.length);
  assert.equal(resumed.completed.length, runs.length - finished.length);
  for (const r of runs) {
    const parent = path.join(store, path.dirname(r.relativeDir));
    assert.deepEqual(fs.readdirSync(parent).filter((n) => n.startsWith(".tmp-")), [], "stale temporaries are removed");
  }
});

test("commands are shell-quoted, one line each; the Slurm script runs its array task's entry by absolute paths", () => {
  const line = commandLine({ command: "instability", args: ["finetune", "--out", "runs/it's here"] });
  assert.equal(line, `instability finetune --out 'runs/it'\\''s here'`);
  const echoed = spawnSync("bash", ["-c", `printf '%s\\n' ${line.replace(/^instability finetune --out /, "")}`], { encoding: "utf8" });
  assert.equal(echoed.stdout, "runs/it's here\n");
  // A newline would split the command in two, and the shell would run the rest as a command.
  assert.throws(() => commandLine({ command: "node", args: ["--out", "runs/a\ntouch pwned"] }), /"runs\/a\\ntouch pwned" holds a control character \(U\+000A\)/);
  const base = { jobName: "inst", node: "/usr/bin/node", cli: "/opt/x/main.js", tasksFile: "/s/.slurm/1/job.sh.tasks.json", logDir: "/s/.slurm/1/logs" };
  const script = slurmArrayScript({ ...base, count: 5, maxParallel: 2, cpus: 3, time: "1:00:00", options: ["--account=abc"] });
  assert.match(script, /^#SBATCH --array=0-4%2$/m);
  assert.match(script, /^#SBATCH --cpus-per-task=3$/m);
  assert.match(script, /^#SBATCH --time=1:00:00$/m);
  assert.match(script, /^#SBATCH --output=\/s\/.slurm\/1\/logs\/%A_%a.out$/m);
  assert.match(script, /^#SBATCH --account=abc$/m);
  assert.match(script, /^exec \/usr\/bin\/node \/opt\/x\/main.js sweep-task --tasks \/s\/.slurm\/1\/job.sh.tasks.json --index "\$\(\(SLURM_ARRAY_TASK_ID \+ \$\{1:-0\}\)\)"$/m);
  // The index bash computes: task 3 of the array submitted with offset 1000.
  const index = spawnSync("bash", ["-c", `SLURM_ARRAY_TASK_ID=3; set -- 1000; echo "$((SLURM_ARRAY_TASK_ID + \${1:-0}))"`], { encoding: "utf8" });
  assert.equal(index.stdout, "1003\n");
  assert.throws(() => slurmArrayScript({ ...base, count: 0 }), /already done/);
  assert.throws(() => slurmArrayScript({ ...base, logDir: "/s/a\nb", count: 1 }), /control character/);
});

test("a sweep shares the cores out: workers × threads ≤ cores, a single run gets every core, --threads overrides", async () => {
  assert.deepEqual([threadsPerRun(2, 2), threadsPerRun(1, 8), threadsPerRun(3, 8), threadsPerRun(16, 8)], [1, 8, 2, 1]);
  const { dir, script } = fixture();
  const sink = fs.createWriteStream(os.devNull);
  const commandFor = (r: { seed: number }, runDir: string) => ({ command: process.execPath, args: [script, runDir, String(r.seed), "1"] });
  const threadsOf = (store: string, runs: ReturnType<typeof expandGrid>) =>
    runs.map((r) => JSON.parse(fs.readFileSync(path.join(store, r.relativeDir, "metrics.json"), "utf8")).threads as string);
  const oneRun = expandGrid({ ...grid, tasks: ["a"], mitigations: ["none"], seeds: [0] });
  await runSweep({ store: path.join(dir, "one"), runs: oneRun, workers: 4, commandFor, stream: sink });
  assert.deepEqual(threadsOf(path.join(dir, "one"), oneRun), [String(threadsPerRun(1))]);
  const four = expandGrid({ ...grid, tasks: ["a"], mitigations: ["none"], seeds: [0, 1, 2, 3] });
  await runSweep({ store: path.join(dir, "four"), runs: four, workers: 2, commandFor, stream: sink });
  assert.deepEqual(threadsOf(path.join(dir, "four"), four), new Array(4).fill(String(threadsPerRun(2))));
  await runSweep({ store: path.join(dir, "set"), runs: oneRun, workers: 1, threads: 3, commandFor, stream: sink });
  assert.deepEqual(threadsOf(path.join(dir, "set"), oneRun), ["3"]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("once no run is left to start, a finished run's cores go to the runs still going (not when --threads set the count)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coreshare-"));
  const [a, b, c] = ["a", "b", "c"].map((n) => path.join(dir, `${n}.threads`));
  const read = (f: string) => Number(fs.readFileSync(f, "utf8"));
  const share = new CoreShare(2, true, 8);
  assert.deepEqual(share.start(a), { INSTABILITY_THREADS: "2", INSTABILITY_THREADS_FILE: a });
  share.start(b);
  share.start(c);
  share.finished(a, false); // more runs to start: they take the freed cores
  assert.deepEqual([read(b), read(c), fs.existsSync(a)], [2, 2, false]);
  share.finished(b, true); // queue empty: c gets all 8
  assert.deepEqual([read(c), share.threadsOf(c), fs.existsSync(b)], [8, 8, false]);
  const fixed = new CoreShare(3, false, 8);
  fixed.start(a);
  fixed.start(b);
  fixed.finished(a, true);
  assert.equal(read(b), 3);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a run reads its sweep's threads file again (at most once a second) and clamps to what its memory allows", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadsfile-"));
  const file = path.join(dir, "run.threads");
  fs.writeFileSync(file, "2\n");
  const script = `
    const t = require(${JSON.stringify(path.join(__dirname, "..", "..", "src", "model", "threads.js"))});
    const fs = require("fs");
    const first = t.threads();
    fs.writeFileSync(${JSON.stringify(file)}, "5\\n");
    const cached = t.threads();
    setTimeout(() => { t.backendMemoryShared(false); console.log(JSON.stringify([first, cached, t.threads(), t.kernelThreads()])); }, 1100);`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, INSTABILITY_THREADS: "3", INSTABILITY_THREADS_FILE: file } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [2, 2, 5, 1]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("in a sweep, the run still going when the other ends and none is left sees the freed cores in its threads file", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweepshare-"));
  // Seed 1 polls its threads file for 3 s and records what it saw; seed 0 ends once seed 1 has read it.
  const script = path.join(dir, "run.js");
  fs.writeFileSync(script, `
    const fs = require("fs"), path = require("path");
    const [runDir, seed] = process.argv.slice(2);
    const seen = [];
    const started = path.join(${JSON.stringify(dir)}, "seed-1-read");
    const end = Date.now() + 3000;
    const poll = () => {
      if (seed === "0" && !fs.existsSync(started) && Date.now() < end + 20000) return setTimeout(poll, 50);
      seen.push(Number(fs.readFileSync(process.env.INSTABILITY_THREADS_FILE, "utf8")));
      if (seed === "1") fs.writeFileSync(started, "");
      if (seed === "1" && Date.now() < end) return setTimeout(poll, 100);
      fs.mkdirSync(runDir, { recursive: true });
      for (const f of ["logits.npy", "labels.npy"]) fs.writeFileSync(path.join(runDir, f), "x");
      fs.writeFileSync(path.join(runDir, "metrics.json"), JSON.stringify({ start: process.env.INSTABILITY_THREADS, seen }));
    };
    poll();`);
  const runs = expandGrid({ ...grid, tasks: ["a"], mitigations: ["none"], seeds: [0, 1] });
  const store = path.join(dir, "store");
  await runSweep({ store, runs, workers: 2, commandFor: (r, d) => ({ command: process.execPath, args: [script, d, String(r.seed)] }), stream: fs.createWriteStream(os.devNull) });
  const long = JSON.parse(fs.readFileSync(path.join(store, runs[1].relativeDir, "metrics.json"), "utf8")) as { start: string; seen: number[] };
  assert.equal(long.start, String(threadsPerRun(2)));
  assert.equal(long.seen[0], threadsPerRun(2));
  assert.equal(long.seen[long.seen.length - 1], threadsPerRun(1), "every core once the other run ended");
  assert.deepEqual(fs.readdirSync(path.join(store, ".logs")).filter((f) => f.endsWith(".threads")), [], "the threads files are removed");
  fs.rmSync(dir, { recursive: true, force: true });
});
