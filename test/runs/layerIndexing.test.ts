// Which hidden.npy entry is which layer: recorded for this project's runs, read from the layer
// count or detected for others, reported by block number everywhere, never silently shifted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { linearCkaDistance, measureRuns } from "../../src/measures";
import { loadRuns, writeNpy, writeRun } from "../../src/runs";
import { Random } from "../../src/util/random";
import { mkdtemp } from "../helpers/tempDir";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const n = 12, d = 4, R = 3;

/** Hidden states [entries, n, d]; with an embedding layer its first-token state is one vector for all inputs. */
function hidden(rng: Random, blocks: number, withEmbedding: boolean): Float64Array {
  const entries = blocks + (withEmbedding ? 1 : 0);
  return Float64Array.from({ length: entries * n * d }, (_, i) => (withEmbedding && i < n * d ? [0.5, -1, 2, 0.25][i % d] : rng.normal()));
}

/** Runs as another tool writes them: .npy files only, no hidden.json, no config.json. */
function foreignRuns(dir: string, blocks: number, withEmbedding: boolean): Float64Array[] {
  const rng = new Random(3);
  const all: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const run = path.join(dir, `run-${r}`);
    fs.mkdirSync(run, { recursive: true });
    writeNpy(path.join(run, "logits.npy"), Float64Array.from({ length: n * 2 }, () => rng.normal()), [n, 2]);
    writeNpy(path.join(run, "labels.npy"), Int32Array.from({ length: n }, (_, i) => i % 2), [n]);
    const h = hidden(rng, blocks, withEmbedding);
    writeNpy(path.join(run, "hidden.npy"), h, [blocks + (withEmbedding ? 1 : 0), n, d]);
    all.push(h);
  }
  return all;
}

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, "measure", ...args], { encoding: "utf8" });
const entry = (h: Float64Array, e: number) => h.slice(e * n * d, (e + 1) * n * d);
const meanCka = (hs: Float64Array[], e: number) => {
  let s = 0, k = 0;
  for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) (s += linearCkaDistance(entry(hs[a], e), entry(hs[b], e), n, d)), k++;
  return s / k;
};

test("hidden.npy of blocks only (the paper's own code): no block is dropped and block 1 is labelled 1", () => {
  const dir = mkdtemp("layers-blocks-");
  const hs = foreignRuns(dir, 3, false);
  const set = loadRuns(dir);
  assert.equal(set.layerIndexing?.indexing, "blocks");
  const r = cli(dir, "--json");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.layers.blocks, [1, 2, 3]);
  assert.deepEqual(out.layers.entries, [0, 1, 2]);
  assert.equal(out.layers.indexing, "blocks");
  assert.ok(Math.abs(out.representation.cka[0] - meanCka(hs, 0)) < 1e-12, "block 1 is entry 0");
  assert.match(r.stderr, /hidden\.npy has 3 layers and no embedding layer \(detected: entry 0's first-token state differs between inputs/);
  const one = JSON.parse(cli(dir, "--json", "--layers", "1").stdout);
  assert.ok(Math.abs(one.representation.cka[0] - meanCka(hs, 0)) < 1e-12, "--layers counts blocks");
  const zero = cli(dir, "--layers", "0");
  assert.equal(zero.status, 1);
  assert.match(zero.stderr, /layer 0 does not exist: the runs have layers 1 to 3 \(hidden\.npy has no embedding layer\)/);
});

test("hidden.npy with the embedding layer: detected by its constant first-token state, dropped, and said so", () => {
  const dir = mkdtemp("layers-hf-");
  const hs = foreignRuns(dir, 3, true);
  const table = cli(dir);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stderr, /hidden\.npy has 4 layers: 0 = the embedding output \(detected: entry 0's first-token state is the same vector for every input, the embedding output\), left out by default; measuring blocks 1\.\.3/);
  assert.match(table.stdout, /^ +1 +[\d.]+ +[\d.]+ +[\d.]+$/m);
  assert.doesNotMatch(table.stdout, /^ +0 +[\d.]+ +[\d.]+/m);
  // The library's default is the CLI's: blocks only (before, it measured entry 0 and threw).
  const report = measureRuns(loadRuns(dir));
  assert.deepEqual(report.layers?.blocks, [1, 2, 3]);
  assert.ok(Math.abs(report.representation!.cka![0] - meanCka(hs, 1)) < 1e-12);
});

test("this project's runs record the indexing; a layer count that contradicts the checkpoint is an error", () => {
  const dir = mkdtemp("layers-own-");
  const rng = new Random(9);
  for (let r = 0; r < R; r++) {
    writeRun(path.join(dir, `seed-0${r}`), {
      logits: { data: Float64Array.from({ length: n * 2 }, () => rng.normal()), shape: [n, 2] },
      labels: { data: Int32Array.from({ length: n }, (_, i) => i % 2), shape: [n] },
      hidden: { data: hidden(rng, 3, false), shape: [3, n, d] },
      hiddenIndexing: "blocks",
      config: { seed: r, model: { numHiddenLayers: 3 } },
    });
  }
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "seed-00", "hidden.json"), "utf8")).indexing, "blocks");
  assert.deepEqual(loadRuns(dir).layerIndexing, { indexing: "blocks", source: "recorded in hidden.json" });
  fs.writeFileSync(path.join(dir, "seed-01", "config.json"), JSON.stringify({ seed: 1, model: { numHiddenLayers: 4 } }));
  assert.throws(() => loadRuns(dir), /seed-01[/\\]hidden\.npy: 3 layers, but config\.json says the model has 4 blocks \(expected 5 with the embedding layer or 4 without\)/);
  fs.writeFileSync(path.join(dir, "seed-01", "config.json"), JSON.stringify({ seed: 1, model: { numHiddenLayers: 2 } }));
  assert.throws(() => loadRuns(dir), /hidden\.json says "blocks" but 3 layers of a 2-block model mean "hf"/);
});
