// Two sweeps on one store train each run once; a killed sweep's workers stop with it, and its
// stale claims do not block a resume.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expandGrid } from "../../src/train/sweep/grid";
import { runSweep } from "../../src/train/sweep/pool";
import { claimRun, lockPath } from "../../src/train/sweep/runLock";
import { HOST, isAlive } from "../../src/util/tempNames";
import { mkdtemp } from "../helpers/tempDir";

// A stand-in for `instability finetune`: appends to trained.log, waits, writes a complete run folder.
// It watches its parent as the real one does.
const FAKE_RUN = `
const fs = require("fs"), path = require("path");
require(${JSON.stringify(path.join(__dirname, "..", "..", "src", "train", "sweep", "parentWatch.js"))}).exitWithParent(50);
const [runDir, ms, logFile] = process.argv.slice(2);
fs.appendFileSync(logFile, path.basename(runDir) + " " + process.pid + "\\n");
setTimeout(() => {
  const tmp = runDir + ".partial-" + process.pid;
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of ["logits.npy", "labels.npy", "metrics.json"]) fs.writeFileSync(path.join(tmp, f), "x");
  fs.renameSync(tmp, runDir);
}, Number(ms));
`;

const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;

function setup(prefix: string) {
  const dir = mkdtemp(prefix);
  const script = path.join(dir, "fake-run.js");
  fs.writeFileSync(script, FAKE_RUN);
  return { dir, script, store: path.join(dir, "store"), log: path.join(dir, "trained.log") };
}

test("two concurrent sweeps on one store train every run exactly once and count only what each did", async () => {
  const { script, store, log } = setup("sweep-two-");
  const runs = expandGrid({ model: "m", tasks: ["spam"], mitigations: ["none"], learningRates: [2e-5], seeds: [0, 1, 2, 3] });
  const commandFor = (_r: unknown, runDir: string) => ({ command: process.execPath, args: [script, runDir, "150", log] });
  const [a, b] = await Promise.all([
    runSweep({ store, runs, workers: 2, commandFor, stream: sink }),
    runSweep({ store, runs, workers: 2, commandFor, stream: sink }),
  ]);
  const trained = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" ")[0]).sort();
  assert.deepEqual(trained, ["seed-00", "seed-01", "seed-02", "seed-03"], "each run trained once");
  assert.equal(a.failed.length + b.failed.length, 0);
  assert.equal(a.completed.length + b.completed.length, 4);
  // What one sweep did not train, the other held or had finished: nothing is counted twice.
  for (const [me, other] of [[a, b], [b, a]]) assert.equal(me.completed.length + me.busy.length + (me.alreadyDone), 4, JSON.stringify({ me: me.completed.length, other: other.completed.length }));
  assert.deepEqual(fs.readdirSync(path.join(store, "m", "spam", "none-lr2e-5")).filter((n) => n.startsWith(".lock")), [], "claims are released");
});

test("a claim whose owner is gone is broken; a live one is respected", () => {
  const dir = mkdtemp("sweep-lock-");
  const runDir = path.join(dir, "seed-00");
  fs.writeFileSync(lockPath(runDir), JSON.stringify({ host: HOST, pid: 2 ** 31 - 2 }));
  const mine = claimRun(runDir);
  assert.ok("lock" in mine, "the dead owner's claim was broken");
  const again = claimRun(runDir);
  assert.ok("heldBy" in again && again.heldBy !== "unknown" && again.heldBy.pid === process.pid);
  if ("lock" in mine) mine.lock.release();
  assert.ok(!fs.existsSync(lockPath(runDir)));
});

test("kill -9 of a sweep stops its workers, and the resume trains only what was left", async () => {
  const { dir, script, store, log } = setup("sweep-kill-");
  const driver = path.join(dir, "driver.js");
  fs.writeFileSync(driver, `
    const { runSweep } = require(${JSON.stringify(path.join(__dirname, "..", "..", "src", "train", "sweep", "pool.js"))});
    const { expandGrid } = require(${JSON.stringify(path.join(__dirname, "..", "..", "src", "train", "sweep", "grid.js"))});
    const runs = expandGrid({ model: "m", tasks: ["spam"], mitigations: ["none"], learningRates: [2e-5], seeds: [0, 1] });
    runSweep({ store: ${JSON.stringify(store)}, runs, workers: 2, commandFor: (r, d) => ({ command: process.execPath, args: [${JSON.stringify(script)}, d, "60000", ${JSON.stringify(log)}] }) });
  `);
  const sweep = spawn(process.execPath, [driver], { stdio: "ignore" });
  const deadline = Date.now() + 20_000;
  while (!(fs.existsSync(log) && fs.readFileSync(log, "utf8").trim().split("\n").length === 2)) {
    assert.ok(Date.now() < deadline, "the workers started");
    await new Promise((r) => setTimeout(r, 50));
  }
  const workers = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => Number(l.split(" ")[1]));
  sweep.kill("SIGKILL");
  await new Promise((r) => sweep.once("exit", r));
  const until = Date.now() + 10_000;
  while (workers.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(workers.map(isAlive), [false, false], "the workers died with their sweep");

  fs.rmSync(log);
  const runs = expandGrid({ model: "m", tasks: ["spam"], mitigations: ["none"], learningRates: [2e-5], seeds: [0, 1] });
  const resumed = await runSweep({ store, runs, workers: 2, commandFor: (_r, d) => ({ command: process.execPath, args: [script, d, "10", log] }), stream: sink });
  assert.equal(resumed.completed.length, 2, JSON.stringify(resumed.busy));
  assert.equal(resumed.failed.length, 0);
});

test("the progress line tells trained from failed runs", async () => {
  const { script, store, log } = setup("sweep-progress-");
  const runs = expandGrid({ model: "m", tasks: ["spam"], mitigations: ["none"], learningRates: [2e-5], seeds: [0, 1, 2] });
  let text = "";
  const stream = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WritableStream;
  const commandFor = (r: { seed: number }, runDir: string) =>
    r.seed === 1 ? { command: process.execPath, args: ["-e", "process.exit(3)"] } : { command: process.execPath, args: [script, runDir, "1", log] };
  const result = await runSweep({ store, runs, workers: 1, commandFor, stream });
  assert.equal(result.failed.length, 1);
  assert.match(text, /3\/3 runs .*2 trained, 1 failed/);
});
