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
