// Where the output cannot go (issue 31, item 16, in part): `measure --json > /dev/full` and
// `reproduce --out` that is a file are one line naming the cause, not an unhandled 'error' event
// or a stack trace after the whole analysis ran.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeRun } from "../../src/runs";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

test("measure --json into a full disk is one line", { skip: !fs.existsSync("/dev/full") && "no /dev/full" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "full-"));
  try {
    for (const seed of [0, 1, 2]) {
      writeRun(path.join(dir, `seed-${seed}`), { logits: { data: Float32Array.from([1, seed, 0, 1]), shape: [2, 2] }, labels: { data: Int32Array.from([0, 1]), shape: [2] } });
    }
    const full = fs.openSync("/dev/full", "w");
    const r = spawnSync(process.execPath, [CLI, "measure", "--json", dir], { stdio: ["ignore", full, "pipe"], encoding: "utf8" });
    fs.closeSync(full);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^instability: cannot write the output \(ENOSPC\); write it to a disk with free space$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("reproduce --out that is a file is refused before any work", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "repro-out-"));
  try {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "mine");
    const r = spawnSync(process.execPath, [CLI, "reproduce", "--no-sweep", "--out", file], { encoding: "utf8", timeout: 60_000 });
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^instability reproduce: --out .*a-file cannot be written \(it is a file, not a folder\); choose a writable folder with --out$/m);
    assert.equal(fs.readFileSync(file, "utf8"), "mine");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("reproduce on a store with a corrupt metrics.json is one line naming the file", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "repro-corrupt-"));
  try {
    writeSyntheticStore(path.join(out, "runs"), { configs: fiveMethods([0, 1, 2]) });
    const seedDir = path.join(out, "runs", "tiny", "toy", "none-lr2e-5", "seed-01");
    fs.writeFileSync(path.join(seedDir, "metrics.json"), '{"testAcc": 0.8');
    const r = spawnSync(process.execPath, [CLI, "reproduce", "--no-sweep", "--out", out], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^instability reproduce: .*seed-01[/\\]metrics\.json: not valid JSON .*; fix or delete the file$/m);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("reproduce whose report meets a full disk is one line naming the cause and the fix", { skip: !fs.existsSync("/dev/full") && "no /dev/full" }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "repro-full-"));
  try {
    writeSyntheticStore(path.join(out, "runs"), { configs: fiveMethods([0, 1, 2]) });
    fs.symlinkSync("/dev/full", path.join(out, "findings.md")); // every write to it fails with ENOSPC
    const r = spawnSync(process.execPath, [CLI, "reproduce", "--no-sweep", "--out", out], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace"); // the analysis' progress lines come first
    assert.match(lastLine(r.stderr), /^instability reproduce: ENOSPC: no space left on device.*: free some space on that disk or write elsewhere \(--out\)$/m);
    assert.ok(fs.existsSync(path.join(out, "runs", "tiny", "toy", "none-lr2e-5", "seed-01", "metrics.json")), "the runs are kept");
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
