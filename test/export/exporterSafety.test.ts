// python/instability_export.py against hostile inputs (issue 31, items 1 and 17): --overwrite
// replaces only a run folder (never the user's files or a runs directory), and bad task files or an
// --out that is a file are one line naming the input and the fix, not a Python traceback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/glue";
import { missingPython, NO_NUMPY, pythonWith, pythonWithNumpy } from "../helpers/python";
import { runExporter } from "../helpers/exportedRuns";

const TORCH = ["transformers", "torch"];
const torchPython = pythonWith(TORCH);
const numpyPython = pythonWithNumpy();
const TINY = path.join(REPO_ROOT, "models", "tiny-bert-en");

/** A folder in the GLUE layout with a four-row SST-2 dev file (the "dev" split exports all four). */
function tinyGlue(dir: string): string {
  const glue = path.join(dir, "glue");
  fs.mkdirSync(path.join(glue, "SST-2"), { recursive: true });
  fs.writeFileSync(path.join(glue, "SST-2", "dev.tsv"), "sentence\tlabel\ngood film\t1\nbad film\t0\nfine\t1\nawful\t0\n");
  return glue;
}

function exportTiny(glue: string, out: string, ...extra: string[]) {
  return runExporter(torchPython!, "--model", TINY, "--task", "sst2", "--glue-dir", glue, "--split", "dev", "--out", out, ...extra);
}

function assertOneLine(r: { status: number | null; stderr: string }, re: RegExp) {
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /Traceback/);
}

test("exporter --overwrite never deletes a folder of the user's files or a runs directory; it replaces a run folder", { skip: !torchPython && missingPython(TORCH) }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-overwrite-"));
  try {
    const glue = tinyGlue(dir);
    const mine = path.join(dir, "mine");
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, "notes.txt"), "precious");
    assertOneLine(exportTiny(glue, mine, "--overwrite"), /--out .*mine: refusing to replace it: it is not a run folder \(no logits\.npy or labels\.npy\).*choose another folder/);
    assert.equal(fs.readFileSync(path.join(mine, "notes.txt"), "utf8"), "precious");

    // A runs directory holding runs is not a run folder either.
    const runs = path.join(dir, "runs");
    assert.equal(exportTiny(glue, path.join(runs, "seed-1")).status, 0);
    assertOneLine(exportTiny(glue, runs, "--overwrite"), /--out .*runs: refusing to replace it: it is not a run folder/);
    assert.deepEqual(fs.readdirSync(runs), ["seed-1"]);

    // A run folder with the user's notes added is refused; a plain run folder is replaced.
    const run = path.join(runs, "seed-1");
    fs.writeFileSync(path.join(run, "my-notes.md"), "keep");
    assertOneLine(exportTiny(glue, run, "--overwrite"), /refusing to replace it: it holds my-notes\.md, which no run folder has/);
    fs.rmSync(path.join(run, "my-notes.md"));
    const before = JSON.parse(fs.readFileSync(path.join(run, "config.json"), "utf8"));
    const r = exportTiny(glue, run, "--overwrite", "--max-length", "16");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(before.maxLength, 128);
    assert.equal(JSON.parse(fs.readFileSync(path.join(run, "config.json"), "utf8")).maxLength, 16);
    assert.deepEqual(fs.readdirSync(runs), ["seed-1"], "no temporary or old folder is left behind");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("exporter: --out inside a file is one line naming the file", { skip: !numpyPython && NO_NUMPY }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-outfile-"));
  try {
    const glue = tinyGlue(dir);
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "x");
    // Checked before any model is loaded, so a missing checkpoint does not matter.
    const r = runExporter(numpyPython!, "--model", "a", "b", "--task", "sst2", "--glue-dir", glue, "--out", file);
    assertOneLine(r, /--out .*a-file\/a: .*a-file is a file, not a folder; choose a path inside a folder/);
    assertOneLine(runExporter(numpyPython!, "--model", "a", "--task", "sst2", "--glue-dir", glue, "--out", file), /--out .*a-file exists; remove it, pass --overwrite/);
    assertOneLine(runExporter(numpyPython!, "--model", "a", "--task", "sst2", "--glue-dir", glue, "--out", file, "--overwrite"), /--out .*a-file: refusing to replace it: it is not a folder/);
    assert.equal(fs.readFileSync(file, "utf8"), "x");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("exporter task files: a 200 KiB CSV text is read whole; non-object JSONL lines and non-UTF-8 files are one line", { skip: !numpyPython && NO_NUMPY }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-taskfile-"));
  try {
    const long = "word ".repeat(40 * 1024); // 200 KiB, over csv's default 128 KiB field limit
    fs.writeFileSync(path.join(dir, "long.csv"), `text,label\n"${long}",1\nshort,0\n`);
    // read_task_file is what --task-file calls; its ExportError is the script's one-line message.
    const script = `import sys, json; sys.path.insert(0, "python"); import instability_export as e
try:
    t, _, y = e.read_task_file(sys.argv[1]); print(json.dumps([len(t[0]), t[1], y]))
except e.ExportError as x:
    print(json.dumps(str(x)))`;
    const read = (file: string) => {
      const r = spawnSync(numpyPython!, ["-c", script, path.join(dir, file)], { encoding: "utf8", cwd: REPO_ROOT });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    assert.deepEqual(read("long.csv"), [long.length, "short", [1, 0]]);

    fs.writeFileSync(path.join(dir, "list.jsonl"), '{"text": "a", "label": 0}\n["b", 1]\n');
    fs.writeFileSync(path.join(dir, "number.jsonl"), "7\n");
    fs.writeFileSync(path.join(dir, "latin1.csv"), Buffer.concat([Buffer.from("text,label\ncaf"), Buffer.from([0xe9]), Buffer.from(",1\n")]));
    assert.match(read("list.jsonl"), /list\.jsonl:2: a JSON array, not an object; JSONL needs one object per line/);
    assert.match(read("number.jsonl"), /number\.jsonl:1: a JSON number, not an object/);
    assert.match(read("latin1.csv"), /latin1\.csv:2: not UTF-8 \(byte 0xe9 at offset 14\); save the file as UTF-8/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
