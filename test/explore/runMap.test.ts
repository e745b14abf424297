// The run map: classical MDS recovers a 2-D configuration's distances, the map's matrix is the
// measure's pair matrix, a run unlike the others (failed) stands apart and is marked; and the
// notebook cells of the exploring views show their tables and figures and return the numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { classicalMds, computeRunMap } from "../../src/analysis/explore/runMap";
import { measureRunsDetailed } from "../../src/measures";
import { loadRuns, writeRun } from "../../src/runs";
import { showComparison, showExamples, showRunMap, showSeeds, type MimeBundle } from "../../src/notebook";
import { Random } from "../../src/util/random";
import { mkdtemp } from "../helpers/tempDir";
import { writeRandomRuns } from "../helpers/randomRuns";
import { captureDisplay } from "../helpers/captureDisplay";

test("classical MDS of Euclidean distances between 2-D points gives back those distances", () => {
  const rng = new Random(3);
  const pts = Array.from({ length: 9 }, () => [rng.normal() * 3, rng.normal()]);
  const d = pts.map((p) => pts.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1])));
  const { coords, explained } = classicalMds(d);
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) assert.ok(Math.abs(Math.hypot(coords[i][0] - coords[j][0], coords[i][1] - coords[j][1]) - d[i][j]) < 1e-9);
  assert.ok(Math.abs(explained - 1) < 1e-12);
});

test("the map's matrix is the measure's pair matrix; a failed run, unlike the others, stands apart and is marked", () => {
  const dir = mkdtemp("runmap-");
  writeRandomRuns(dir, { runs: 6, n: 40, hidden: { layers: 3, width: 5 }, failed: [4] });
  // Replace run 4's states with unrelated ones: a collapsed run shares nothing with the rest.
  const set0 = loadRuns(dir);
  const rng = new Random(8);
  const r4 = set0.runs[4];
  writeRun(r4.dir, {
    logits: { data: r4.logits, shape: [40, 2] },
    labels: { data: r4.labels, shape: [40] },
    hidden: { data: Float64Array.from({ length: 3 * 40 * 5 }, () => rng.normal()), shape: [3, 40, 5] },
    metrics: r4.metrics,
    config: r4.config,
  }, { overwrite: true });
  const set = loadRuns(dir);
  const map = computeRunMap(set, { measure: "cka", block: 2 });
  const pairs = measureRunsDetailed(set, { measures: ["cka"], layers: [2] }).pairs.representation!.matrices.cka[0];
  assert.deepEqual(map.distances.flat(), Array.from(pairs));
  assert.equal(map.block, 2);
  assert.deepEqual(map.failed, [false, false, false, false, true, false]);
  const cx = map.x.reduce((s, v) => s + v, 0) / 6;
  const cy = map.y.reduce((s, v) => s + v, 0) / 6;
  const far = map.x.map((x, i) => Math.hypot(x - cx, map.y[i] - cy));
  assert.equal(far.indexOf(Math.max(...far)), 4);
  assert.equal(computeRunMap(set, { measure: "pwd" }).block, undefined);
  assert.throws(() => computeRunMap(set, { measure: "nope" }), /run map measure 'nope': use pwd, jsd or a representation measure/);
});


test("notebook cells: showExamples, showSeeds, showComparison and showRunMap show tables and figures, return the numbers", () => {
  const a = mkdtemp("nb-explore-a-");
  const b = mkdtemp("nb-explore-b-");
  writeRandomRuns(a, { runs: 5, n: 50, hidden: { layers: 3, width: 4 }, accuracy: 0.9 });
  writeRandomRuns(b, { runs: 5, n: 50, hidden: { layers: 3, width: 4 }, accuracy: 0.6, seed: 5 });
  const figures = (bs: MimeBundle[]) => bs.filter((x) => "application/vnd.plotly.v1+json" in x).length;
  const tables = (bs: MimeBundle[]) => bs.filter((x) => String(x["text/html"] ?? "").includes("<table")).length;
  const ex = captureDisplay(() => showExamples(a, { top: 5 }));
  assert.equal(ex.value.rows.length, 50);
  assert.match(ex.lines.join("\n"), /50 test examples, 5 runs: mean disagreement .* \(= I_pwd\)/);
  assert.deepEqual([tables(ex.bundles), figures(ex.bundles)], [1, 1]);
  const seeds = captureDisplay(() => showSeeds(a, { target: 0.05, compare: b, resamples: 50 }));
  assert.ok(seeds.value.comparison!.find((c) => c.name === "metric")!.difference > 0.2);
  assert.deepEqual([tables(seeds.bundles), figures(seeds.bundles)], [2, 1]);
  const cmp = captureDisplay(() => showComparison(path.resolve(a), b, { resamples: 100 }));
  assert.ok(cmp.value.rows[0].lower > 0);
  assert.equal(tables(cmp.bundles), 1);
  const map = captureDisplay(() => showRunMap(a));
  assert.equal(map.value.measure, "cka");
  assert.equal(figures(map.bundles), 2);
  assert.throws(() => showExamples(42 as never), /showExamples: pass a runs folder/);
});
