import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

function pretrain(...args: string[]) {
  return spawnSync(process.execPath, [CLI, "pretrain", ...args], { encoding: "utf8" });
}

test("pretrain --help prints the options", () => {
  const r = pretrain("--help");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: instability pretrain --out DIR/);
  assert.match(r.stdout, /--max-steps/);
  assert.match(r.stdout, /--next-sentence/);
});

test("pretrain without --out says it is required", () => {
  const r = pretrain();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--out DIR is required/);
});

test("an --out that cannot be written is refused before any work, naming it", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-cli-")), "a-file");
  fs.writeFileSync(file, "");
  const out = path.join(file, "run");
  const r = pretrain("--out", out);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`--out ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot write there \\(ENOTDIR\\); choose a writable folder`));
  assert.doesNotMatch(r.stderr, /corpus|at .*\.js/);
});

test("bad numbers are refused with the option's name and what it must be", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pretrain-cli-"));
  const cases: Array<[string[], RegExp]> = [
    [["--batch", "0"], /--batch must be a positive integer, got '0'/],
    [["--layers", "2.5"], /--layers must be a positive integer, got '2.5'/],
    [["--lr", "abc"], /--lr must be a number > 0, got 'abc'/],
    [["--lr=-1e-3"], /--lr must be a number > 0, got '-1e-3'/],
    [["--lr"], /Option '--lr <value>' argument missing/],
    [["--max-minutes", "0"], /--max-minutes must be a number of minutes > 0/],
    [["--dropout", "1"], /--dropout must be a number in \[0, 1\)/],
    [["--hidden", "130", "--heads", "4"], /--hidden 130 must be a multiple of --heads 4/],
    [["--warmup", "50", "--max-steps", "10"], /--warmup 50 is longer than --max-steps 10/],
    [["--vocab-size", "10"], /--vocab-size must be at least 256/],
    [["--frobnicate", "1"], /Unknown option '--frobnicate'.*--help/],
  ];
  for (const [args, message] of cases) {
    const r = pretrain("--out", out, ...args);
    assert.equal(r.status, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split("\n").filter(Boolean).length, 1, `one line for ${args.join(" ")}: ${r.stderr}`);
  }
  // Nothing was written for the refused runs.
  assert.deepEqual(fs.readdirSync(out), []);
});
