// Run folders holding what is not a plain file (issue 31, items 12 and 13): a named pipe makes
// `measure` and notebook.checkRuns fail with one line naming it instead of hanging forever; a .npy
// over readFileSync's 2 GiB limit is read in parts instead of failing with ERR_FS_FILE_TOO_LARGE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readNpy, writeRun } from "../../src/runs";
import { readRegularFile } from "../../src/util/readRegularFile";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const HAS_MKFIFO = spawnSync("mkfifo", ["--version"]).status === 0;

function threeRuns(dir: string): void {
  for (const seed of [0, 1, 2]) {
    const logits = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + seed));
    writeRun(path.join(dir, `seed-${seed}`), {
      logits: { data: logits, shape: [4, 2] },
      labels: { data: Int32Array.from([0, 1, 0, 1]), shape: [4] },
      hidden: { data: Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.cos(i * (seed + 1))), shape: [2, 4, 3] },
      metrics: { task: "toy", metric: "accuracy", testMetric: 0.5 },
    });
  }
}

test("a named pipe in a run folder: measure and checkRuns fail at once naming it, instead of hanging", { skip: !HAS_MKFIFO && "mkfifo not found" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fifo-runs-"));
  try {
    threeRuns(dir);
    const pipe = path.join(dir, "seed-1", "hidden.npy");
    fs.rmSync(pipe);
    assert.equal(spawnSync("mkfifo", [pipe]).status, 0);
    const r = spawnSync(process.execPath, [CLI, "measure", dir], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.signal, null, "measure did not hang");
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /seed-1\/hidden\.npy: a named pipe \(FIFO\), not a regular file; run folders hold plain files only/);

    fs.rmSync(path.join(dir, "seed-2", "metrics.json"));
    assert.equal(spawnSync("mkfifo", [path.join(dir, "seed-2", "metrics.json")]).status, 0);
    const script = `const { checkRuns } = require(${JSON.stringify(path.join(__dirname, "..", "..", "src", "notebook", "runsFolder.js"))});
try { checkRuns(process.argv[1]); } catch (e) { console.log(e.message); }`;
    const c = spawnSync(process.execPath, ["-e", script, dir], { encoding: "utf8", timeout: 30_000 });
    assert.equal(c.signal, null, "checkRuns did not hang");
    assert.match(c.stdout, /(seed-1\/hidden\.npy|seed-2\/metrics\.json): a named pipe \(FIFO\), not a regular file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("readRegularFile reads in parts exactly what readFileSync reads", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parts-")), "x.bin");
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) % 256));
  fs.writeFileSync(file, data);
  assert.deepEqual(readRegularFile(file, 7), data);
  assert.deepEqual(readRegularFile(file), fs.readFileSync(file));
  fs.rmSync(path.dirname(file), { recursive: true });
});

test("a .npy over 2 GiB is read (in parts), not refused with ERR_FS_FILE_TOO_LARGE", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "big-npy-"));
  const file = path.join(dir, "logits.npy");
  try {
    const n = 2 ** 29 + 16; // float32: 2 GiB + 64 bytes of data
    let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n},), }`;
    header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
    const head = Buffer.alloc(10);
    Buffer.from("\x93NUMPY", "latin1").copy(head);
    head[6] = 1;
    head.writeUInt16LE(header.length, 8);
    const fd = fs.openSync(file, "w");
    fs.writeSync(fd, Buffer.concat([head, Buffer.from(header, "latin1")]));
    fs.ftruncateSync(fd, 10 + header.length + 4 * n); // sparse: zeros, no disk used
    const tail = Buffer.alloc(4);
    tail.writeFloatLE(1.5);
    fs.writeSync(fd, tail, 0, 4, 10 + header.length + 4 * (n - 1));
    fs.closeSync(fd);
    assert.ok(fs.statSync(file).size > 2 ** 31);
    const a = readNpy(file);
    assert.deepEqual(a.shape, [n]);
    assert.equal(a.data[n - 1], 1.5);
    assert.equal(a.data[0], 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
