// Bad input never prints a stack trace or hangs: each case exits non-zero, quickly, with one
// line that names the input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeDirs } from "../../src/util/makeDirs";
import { REPO_ROOT } from "../helpers/glue";
import { mkdtemp } from "../helpers/tempDir";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const EMBEDDED = path.join(REPO_ROOT, "models", "tiny-bert-en");

function expectOneLine(args: string[], re: RegExp): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  assert.notEqual(r.signal, "SIGTERM", `instability ${args.join(" ")} hung`);
  assert.equal(r.status, 1, `exit status of instability ${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(r.stderr, re);
}

test("unknown options of sweep and reproduce", () => {
  expectOneLine(["sweep", "--store", "x", "--nope"], /^instability sweep: Unknown option '--nope'.*see `instability sweep --help`/);
  expectOneLine(["reproduce", "--nope"], /^instability reproduce: Unknown option '--nope'/);
});

test("sweep --slurm into a folder that does not exist", () => {
  const store = path.join(mkdtemp("slurm-"), "store");
  expectOneLine(["sweep", "--store", store, "--tasks", "sotu-party", "--seeds", "0", "--slurm", "/nonexistent/x.sh"], /--slurm \/nonexistent\/x\.sh: cannot be written \(ENOENT.*\); give a path in an existing, writable folder/);
});

test("models init-random with a broken config.json, or an --out that is a file", () => {
  const root = mkdtemp("init-random-bad-");
  const broken = path.join(root, "broken");
  fs.cpSync(EMBEDDED, broken, { recursive: true });
  fs.writeFileSync(path.join(broken, "config.json"), "{ not json");
  expectOneLine(["models", "init-random", "--like", broken, "--out", path.join(root, "out")], /--like .*broken: .*JSON.*; fix the checkpoint's config\.json/);
  fs.writeFileSync(path.join(broken, "config.json"), JSON.stringify({ model_type: "bert", hidden_size: 10, num_attention_heads: 3 }));
  expectOneLine(["models", "init-random", "--like", broken, "--out", path.join(root, "out")], /--like .*broken: config\.json: .*hidden_size 10 is not a multiple of num_attention_heads 3|--like .*broken: config\.json: .*must be a positive integer/);
  const file = path.join(root, "a-file");
  fs.writeFileSync(file, "");
  expectOneLine(["models", "init-random", "--like", EMBEDDED, "--out", file], /--out .*a-file is a file; give a folder/);
});

test("paths under /proc fail at once instead of spinning (Node's recursive mkdir loops there)", { skip: !fs.existsSync("/proc/self") && "no /proc" }, () => {
  assert.throws(() => makeDirs("/proc/self/store/a"), /ENOENT/);
  expectOneLine(["sweep", "--store", "/proc/self/store", "--tasks", "sotu-party", "--seeds", "0"], /run store '\/proc\/self\/store' is not writable/);
  expectOneLine(["finetune", "--task", "sotu-party", "--seed", "0", "--out", "/proc/x/run", "--quiet"], /--out \/proc\/x\/run cannot be written/);
  const r = spawnSync(process.execPath, [CLI, "reproduce", "--out", "/proc/self/x"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(r.stderr, /instability reproduce: --out \/proc\/self\/x cannot be written \(.*\); choose a writable folder with --out\n$/);
});

test("makeDirs creates missing parents and accepts existing ones", () => {
  const root = mkdtemp("makedirs-");
  makeDirs(path.join(root, "a", "b", "c"));
  makeDirs(path.join(root, "a", "b"));
  assert.ok(fs.statSync(path.join(root, "a", "b", "c")).isDirectory());
  fs.writeFileSync(path.join(root, "f"), "");
  assert.throws(() => makeDirs(path.join(root, "f", "x")), /ENOTDIR/);
});
