// Reading and writing run folders: the happy path, atomic writes, and every bad input of issue 2
// as an error that names the offending file.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hiddenLayer, loadRuns, RunContents, writeNpy, writeRun } from "../../src/runs";

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "runs-test-"));
}

function contents(n = 5, C = 2, L = 2, d = 3, seed = 1): RunContents {
  const logits = Float32Array.from({ length: n * C }, (_, i) => Math.sin(i * seed));
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const hidden = Float32Array.from({ length: L * n * d }, (_, i) => Math.cos(i * 0.7 * seed));
  return {
    logits: { data: logits, shape: [n, C] },
    labels: { data: labels, shape: [n] },
    hidden: { data: hidden, shape: [L, n, d] },
    metrics: { accuracy: 0.6 },
    config: { seed },
  };
}

test("writeRun + loadRuns: sorted run folders, contents preserved, dot-folders skipped", () => {
  const dir = tmpdir();
  try {
    writeRun(path.join(dir, "seed-10"), contents(5, 2, 2, 3, 10));
    writeRun(path.join(dir, "seed-02"), contents(5, 2, 2, 3, 2));
    fs.mkdirSync(path.join(dir, ".seed-99.tmp-abc")); // an interrupted write
    fs.writeFileSync(path.join(dir, "README.txt"), "not a run");
    const set = loadRuns(dir);
    assert.deepEqual(set.runs.map((r) => r.name), ["seed-02", "seed-10"]);
    assert.equal(set.n, 5);
    assert.equal(set.numClasses, 2);
    assert.equal(set.layers, 2);
    assert.equal(set.width, 3);
    const r = set.runs[0];
    assert.equal(r.logits[3], Math.fround(Math.sin(3 * 2)));
    assert.deepEqual(Array.from(r.labels), [0, 1, 0, 1, 0]);
    assert.deepEqual(r.metrics, { accuracy: 0.6 });
    assert.deepEqual(r.config, { seed: 2 });
    const layer1 = hiddenLayer(r.hidden!, 1);
    assert.equal(layer1.length, 15);
    assert.equal(layer1[0], Math.fround(Math.cos(15 * 0.7 * 2)));
    assert.throws(() => hiddenLayer(r.hidden!, 2), /layer 2 is out of range/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeRun is atomic: a failed write leaves no run folder and no temporary folder behind", () => {
  const dir = tmpdir();
  try {
    const bad = contents();
    bad.hidden = { data: new Float32Array(7), shape: [2, 5, 3] }; // fails after logits/labels are written
    assert.throws(() => writeRun(path.join(dir, "run-a"), bad), /does not match/);
    assert.deepEqual(fs.readdirSync(dir), []);
    writeRun(path.join(dir, "run-a"), contents());
    assert.throws(() => writeRun(path.join(dir, "run-a"), contents()), /already exists/);
    const other = contents(5, 2, 2, 3, 3);
    writeRun(path.join(dir, "run-a"), other, { overwrite: true });
    assert.deepEqual(fs.readdirSync(dir), ["run-a"]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "run-a", "config.json"), "utf8")), { seed: 3 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function expectLoadError(setup: (dir: string) => void, re: RegExp): void {
  const dir = tmpdir();
  try {
    setup(dir);
    assert.throws(() => loadRuns(dir), re);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("bad run sets are clear errors naming the input", () => {
  expectLoadError(() => {}, /no run folders found/);
  expectLoadError((d) => writeRun(path.join(d, "only"), contents()), /found 1 run\(s\), need at least 2/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    writeRun(path.join(d, "b"), contents());
    fs.rmSync(path.join(d, "b", "labels.npy"));
  }, /b[/\\]labels\.npy: missing/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents(5));
    writeRun(path.join(d, "b"), contents(6));
  }, /b[/\\]logits\.npy: shape \[6, 2\] differs from run 'a' \[5, 2\]/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents(5, 2));
    writeRun(path.join(d, "b"), contents(5, 3));
  }, /differs from run 'a'/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents(5, 2, 2));
    writeRun(path.join(d, "b"), contents(5, 2, 3));
  }, /b[/\\]hidden\.npy: \[L=3, d=3\] differs/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents(5, 2, 2, 3));
    writeRun(path.join(d, "b"), contents(5, 2, 2, 4));
  }, /b[/\\]hidden\.npy: \[L=2, d=4\] differs/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    const c = contents();
    c.labels = { data: Int32Array.of(0, 1, 2, 0, 1), shape: [5] };
    writeRun(path.join(d, "b"), c);
  }, /b[/\\]labels\.npy: label 2 at index 2 is outside \[0, 2\)/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    const c = contents();
    (c.logits.data as Float32Array)[3] = NaN;
    writeRun(path.join(d, "b"), c);
  }, /b[/\\]logits\.npy: non-finite value NaN at flat index 3/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    const c = contents();
    (c.hidden!.data as Float32Array)[4] = Infinity;
    writeRun(path.join(d, "b"), c);
  }, /b[/\\]hidden\.npy: non-finite value Infinity/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    writeRun(path.join(d, "b"), contents());
    writeNpy(path.join(d, "b", "labels.npy"), Float64Array.of(0, 1, 0, 1, 0), [5]);
  }, /b[/\\]labels\.npy: expected integer labels/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    writeRun(path.join(d, "b"), contents());
    writeNpy(path.join(d, "b", "hidden.npy"), new Float32Array(30), [2, 15]);
  }, /b[/\\]hidden\.npy: expected shape \[L, 5, d\]/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    const c = contents();
    delete c.hidden;
    writeRun(path.join(d, "b"), c);
  }, /b[/\\]hidden\.npy: missing while other runs have hidden states/);
  expectLoadError((d) => {
    writeRun(path.join(d, "a"), contents());
    writeRun(path.join(d, "b"), contents());
    fs.writeFileSync(path.join(d, "b", "metrics.json"), "{ not json");
  }, /b[/\\]metrics\.json: not valid JSON/);
  assert.throws(() => loadRuns("/nonexistent/runs"), /runs directory not found/);
});

test("writeRun writes into a temporary sibling named by its owner process, which the sweep can tell from a live one", () => {
  const { isAbandonedTemporary, TEMP_PREFIX } = require("../../src/util/tempNames") as typeof import("../../src/util/tempNames");
  const dir = tmpdir();
  try {
    const seen: string[] = [];
    // The module object itself (the compiled `import * as fs` reads through to it).
    const nodeFs = require("node:fs") as { renameSync: typeof fs.renameSync };
    const realRename = nodeFs.renameSync;
    nodeFs.renameSync = (from, to) => {
      if (path.basename(String(to)) === "seed-00") seen.push(path.basename(String(from)));
      return realRename(from, to);
    };
    try {
      writeRun(path.join(dir, "seed-00"), contents());
    } finally {
      nodeFs.renameSync = realRename;
    }
    assert.equal(seen.length, 1);
    assert.ok(seen[0].startsWith(`${TEMP_PREFIX}seed-00-${process.pid}-`), seen[0]);
    assert.equal(isAbandonedTemporary(seen[0]), false); // this process is alive
    assert.deepEqual(fs.readdirSync(dir), ["seed-00"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a run's final/ sub-folder is written with it and read by loadRuns({ checkpoint: 'final' })", () => {
  const dir = tmpdir();
  try {
    for (const seed of [1, 2]) {
      const c = contents(5, 2, 2, 3, seed);
      c.final = { ...contents(5, 2, 2, 3, seed + 10), metrics: { checkpoint: "final" } };
      writeRun(path.join(dir, `seed-0${seed}`), c);
    }
    const best = loadRuns(dir);
    const final = loadRuns(dir, { checkpoint: "final" });
    assert.deepEqual(final.runs.map((r) => r.name), ["seed-01", "seed-02"]);
    assert.equal(final.runs[0].dir, path.join(dir, "seed-01", "final"));
    assert.deepEqual(final.runs[0].metrics, { checkpoint: "final" });
    assert.equal(final.runs[1].logits[3], Math.fround(Math.sin(3 * 12)));
    assert.equal(best.runs[1].logits[3], Math.fround(Math.sin(3 * 2)));
    writeRun(path.join(dir, "seed-03"), contents());
    assert.throws(() => loadRuns(dir, { checkpoint: "final" }), /seed-03[/\\]final: missing; .*--save-final/);
    const bad = contents();
    bad.final = { ...contents(), labels: { data: new Int32Array(4), shape: [4] } };
    assert.throws(() => writeRun(path.join(dir, "seed-04"), bad), /seed-04[/\\]final: labels must have shape \[5\]/);
    assert.equal(fs.existsSync(path.join(dir, "seed-04")), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
