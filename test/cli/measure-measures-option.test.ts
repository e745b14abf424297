// `instability measure --measures …`: the optional representation measures end to end (JSON
// values equal to the library's pair means, the table's columns, one-line errors).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeRun } from "../../src/runs";
import { procrustesAngleDistance, pwccaDistance, rsaDistance } from "../../src/measures";
import { Random } from "../../src/util/random";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const n = 40;
const L = 3;
const d = 6;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, "measure", ...args], { encoding: "utf8" });
}

function makeRuns(dir: string, R: number): Float64Array[] {
  const rng = new Random(19);
  const shared = Float64Array.from({ length: L * n * d }, () => rng.normal());
  const hidden: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const h = shared.map((v) => v + 0.5 * rng.normal());
    writeRun(path.join(dir, `run-${r}`), {
      logits: { data: Float64Array.from({ length: n * 2 }, () => rng.normal()), shape: [n, 2] },
      labels: { data: Int32Array.from({ length: n }, (_, i) => i % 2), shape: [n] },
      hidden: { data: h, shape: [L, n, d] },
    });
    hidden.push(h);
  }
  return hidden;
}

test("--measures picks the representation measures; values are the library's pair means per layer", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-opt-"));
  try {
    const hidden = makeRuns(dir, 3);
    const r = cli(dir, "--json", "--measures", "rsa,op-angular,pwcca");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.representation), ["rsa", "op-angular", "pwcca"]);
    const at = (run: number, layer: number) => hidden[run].slice(layer * n * d, (layer + 1) * n * d);
    for (const [name, f] of [["rsa", rsaDistance], ["op-angular", procrustesAngleDistance], ["pwcca", pwccaDistance]] as const) {
      assert.equal(out.representation[name].length, 2, "layers 1..L by default");
      for (const layer of [1, 2]) {
        let mean = 0;
        for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) mean += f(at(a, layer), at(b, layer), n, d);
        assert.ok(Math.abs(out.representation[name][layer - 1] - mean / 3) < 1e-12, `${name} layer ${layer}`);
      }
    }
    const table = cli(dir, "--measures", "cka,cka-rbf,cka-biased");
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /layer +I_CKA +I_CKArbf +I_CKAb\n/);
    assert.doesNotMatch(table.stdout, /I_SVCCA/);
    // The default stays the paper's three.
    assert.deepEqual(Object.keys(JSON.parse(cli(dir, "--json").stdout).representation), ["svcca", "op", "cka"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--measures with an unknown or repeated name is a one-line error listing the valid names", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measure-opt-"));
  try {
    makeRuns(dir, 2);
    for (const bad of ["cka,nope", "cka,cka", ""]) {
      const r = cli(dir, "--measures", bad);
      assert.equal(r.status, 1, `--measures '${bad}' should fail`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /--measures '.*': .*svcca, op, cka, pwcca, cka-rbf, cka-biased, op-angular, rsa/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
