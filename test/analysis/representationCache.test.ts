// The representation cache: a store measured once renders every finding again without hidden
// states (an evidence folder), and a cache made from other runs is never used.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunStore } from "../../src/analysis";
import { computeFindings } from "../../src/report";
import { cacheFile } from "../../src/analysis/store";
import { writeNpy } from "../../src/runs/npy";
import { mkdtemp } from "../helpers/tempDir";
import { fiveMethods, writeSyntheticStore } from "./synthetic";

const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7];
const OPTIONS = { bootstrap: { resamples: 200 }, subsampling: { rates: [0.5], repetitions: 2 }, failure: { permutations: 200 } };

function syntheticStore(): string {
  const dir = mkdtemp("rep-cache-");
  writeSyntheticStore(dir, { configs: [...fiveMethods(SEEDS), { method: "none", lr: 1e-4, seeds: SEEDS, scale: 2, failedSeeds: [1, 3, 5, 6] }], blocks: 5 });
  return dir;
}

/** Copies a store without any hidden.npy, as an evidence folder is committed. */
function copyWithoutHidden(from: string): string {
  const to = mkdtemp("rep-cache-evidence-");
  fs.cpSync(from, to, { recursive: true, filter: (src) => path.basename(src) !== "hidden.npy" });
  return to;
}

const hiddenFiles = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => path.basename(f) === "hidden.npy");
const verdicts = (store: RunStore) => JSON.stringify(computeFindings(store, OPTIONS).map((f) => [f.id, f.verdict, f.sentence, f.observed]));

test("a measured store's findings come out identical from its logits and cache alone, with no hidden.npy", () => {
  const dir = syntheticStore();
  const full = verdicts(new RunStore(dir));
  const configs = new RunStore(dir).configurations;
  for (const c of configs) assert.ok(fs.existsSync(cacheFile(c, "best")), `${c.dir}: cache written`);
  assert.ok(fs.existsSync(cacheFile(configs.find((c) => c.hasFinal)!, "final")), "the final models' cache is written too");

  const evidence = copyWithoutHidden(dir);
  assert.equal(hiddenFiles(evidence).length, 0);
  const fromCache = verdicts(new RunStore(evidence));
  assert.equal(fromCache, full);
  // and the representation findings were decided from the cache, not skipped for lack of hidden states
  const layers = computeFindings(new RunStore(evidence), OPTIONS).find((f) => f.id === "layers")!;
  assert.equal(layers.verdict, "holds");
});

test("a cache is ignored when a run's logits or config changed, and is rebuilt from hidden states", () => {
  const dir = syntheticStore();
  const store = new RunStore(dir);
  const std = store.standard("tiny", "toy")!;
  const curveBefore = store.measures(std).curves!.cka;

  // An evidence copy whose run was replaced: the cache no longer describes these runs.
  const evidence = copyWithoutHidden(dir);
  const run = path.join(evidence, path.relative(dir, std.runDirs[0]));
  writeNpy(path.join(run, "logits.npy"), new Float32Array(80 * 2).fill(0.5), [80, 2]);
  const stale = new RunStore(evidence).measures(new RunStore(evidence).standard("tiny", "toy")!);
  assert.equal(stale.representation, undefined, "no hidden states and no valid cache: no representation measures");

  // With hidden states, a corrupt cache is measured again and rewritten; the numbers are the same.
  fs.writeFileSync(cacheFile(std, "best"), "{ not json");
  const again = new RunStore(dir).measures(std);
  assert.deepEqual(again.curves!.cka, curveBefore);
  assert.doesNotThrow(() => JSON.parse(fs.readFileSync(cacheFile(std, "best"), "utf8")));
});

test("with a valid cache the hidden states are not read at all", () => {
  const dir = syntheticStore();
  const before = verdicts(new RunStore(dir));
  // Unreadable hidden states would throw if anything opened them.
  for (const f of hiddenFiles(dir)) fs.writeFileSync(path.join(dir, f), "not an npy file");
  assert.equal(verdicts(new RunStore(dir)), before);
});
