// The measure registry (measures/registry.ts): a measure registered from outside the package (a
// test-only one, test/helpers/centroidMeasure.ts) is a choice everywhere users name measures —
// `instability measure --measures` (run in-process, worker threads included), its --help, its
// own flag, the report's convergent-validity section and the notebooks' showMeasures — with values
// computed here independently from the hidden states. And every built-in measure, dispatched
// through the registry, gives the value of its pure pairwise function.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { CENTROID_MEASURE } from "../helpers/centroidMeasure";
import * as M from "../../src/measures";
import { RunStore } from "../../src/analysis";
import { reportSection } from "../../src/report/buildReport";
import { run as measureCli } from "../../src/cli/commands/measure";
import { checkRuns, setDisplaySink, showMeasures } from "../../src/notebook";
import { hiddenLayer, loadRuns, writeRun } from "../../src/runs";
import { Random } from "../../src/util/random";
import { mkdtemp } from "../helpers/tempDir";
import { writeSyntheticStore } from "../analysis/synthetic";

const n = 24;
const d = 5;
const L = 4; // hidden.npy entries: the embedding output and 3 blocks

/** Three runs whose hidden states differ by run-specific shifts, so the centroids differ. */
function writeRuns(dir: string): void {
  const rng = new Random(5);
  for (let r = 0; r < 3; r++) {
    const h = Float64Array.from({ length: L * n * d }, (_, i) => (i < n * d ? (i % d) + 1 : rng.normal() + 0.3 * r * ((i % d) - 2)));
    writeRun(path.join(dir, `seed-${r}`), {
      logits: { data: Float64Array.from({ length: n * 2 }, () => rng.normal()), shape: [n, 2] },
      labels: { data: Int32Array.from({ length: n }, (_, i) => i % 2), shape: [n] },
      hidden: { data: h, shape: [L, n, d] },
    });
  }
}

/** The centroid distance of two [n, d] blocks, written out here (not the measure's code). */
function centroidDistance(x: Float64Array, y: Float64Array, rows: number, width: number): number {
  let sum = 0;
  for (let j = 0; j < width; j++) {
    let diff = 0;
    for (let i = 0; i < rows; i++) diff += (x[i * width + j] - y[i * width + j]) / rows;
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

/** The layer curve (mean over pairs, blocks 1..L−1) of `f` over the runs in `dir`. */
function curve(dir: string, f: (x: Float64Array, y: Float64Array, rows: number, width: number) => number): number[] {
  const set = loadRuns(dir);
  const R = set.runs.length;
  const out: number[] = [];
  for (let l = 1; l < set.layers!; l++) {
    let sum = 0;
    for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) sum += f(hiddenLayer(set.runs[a].hidden!, l), hiddenLayer(set.runs[b].hidden!, l), set.n, set.width!);
    out.push(sum / ((R * (R - 1)) / 2));
  }
  return out;
}

/** Runs the measure command in this process and returns the text it wrote to stdout (the test runner's own bytes pass through). */
async function measure(...argv: string[]): Promise<string> {
  let out = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "string") return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    assert.equal(await measureCli(argv), 0);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

function close(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `${what}[${i}]: ${v} vs ${expected[i]}`));
}

test("a registered measure is a choice of `measure --measures`, in its help, its table and its own flag, also in worker threads", async () => {
  const dir = mkdtemp("registry-measure-");
  writeRuns(dir);
  const expected = curve(dir, centroidDistance);
  assert.ok(expected.every((v) => v > 0.1), "the centroids differ");
  const json = JSON.parse(await measure(dir, "--json", "--measures", "cka,centroid"));
  assert.deepEqual(Object.keys(json.representation), ["cka", "centroid"]);
  close(json.representation.centroid, expected, "centroid");
  close(json.representation.cka, curve(dir, M.linearCkaDistance), "cka beside it");
  // Three layers on more than one core: the layers go to worker threads, which load the measure's module.
  const scaled = JSON.parse(await measure(dir, "--json", "--measures", "centroid", "--centroid-scale", "2.5"));
  close(scaled.representation.centroid, expected.map((v) => 2.5 * v), "--centroid-scale 2.5");
  assert.match(await measure(dir, "--measures", "op,centroid"), /layer +I_OP +I_centroid\n/);
  const help = (await measure("--help")).replace(/\s+/g, " ");
  assert.match(help, /centroid \(test only: distance between the runs' mean hidden states\)/);
  assert.match(help, /\[--centroid-scale S\]/);
  assert.match(help, /--centroid-scale multiplies the test-only centroid distance/);
  await assert.rejects(measureCli([dir, "--measures", "nope"]), /--measures 'nope': unknown measure 'nope'; use a comma-separated list of svcca, op, cka, pwcca, .*, cknna, centroid$/);
  await assert.rejects(measureCli([dir, "--centroid-scale", "2"]), /--centroid-scale given but --measures has not centroid; add them/);
  await assert.rejects(measureCli([dir, "--measures", "centroid", "--centroid-scale", "0"]), /--centroid-scale '0': use a positive number/);
});

test("a registered measure joins the report's convergent-validity section, correlated with CKA, OP and SVCCA", () => {
  const dir = mkdtemp("registry-report-");
  writeSyntheticStore(dir, { blocks: 6, configs: [{ method: "none", lr: 1e-3, seeds: [0, 1, 2, 3, 4], scale: 1 }] });
  const store = new RunStore(dir, { log: () => {} });
  const { section, finding } = reportSection(store, "convergent", { measures: ["centroid"] });
  assert.deepEqual(finding!.observed.map((o) => o.pair), ["cka~op", "cka~svcca", "op~svcca", "centroid~cka", "centroid~op", "centroid~svcca"]);
  const std = store.standard("tiny", "toy")!;
  const cka = store.measures(std).curves!.cka;
  const ours = curve(std.dir, centroidDistance);
  const r = finding!.observed.find((o) => o.pair === "centroid~cka")!.r as number;
  assert.ok(Math.abs(r - pearson(ours, cka)) < 1e-9, `${r} vs ${pearson(ours, cka)}`);
  assert.match(JSON.stringify(section.figures), /I<sub>centroid<\/sub>/);
  assert.match(section.tables![0].caption, /the optional centroid each with CKA, OP and SVCCA/);
});

test("a registered measure is a choice of the notebooks' showMeasures, labelled in its table", () => {
  const dir = mkdtemp("registry-notebook-");
  writeRuns(dir);
  const shown: string[] = [];
  const previous = setDisplaySink((b) => shown.push(String(b["text/plain"] ?? "")));
  const log = console.log;
  console.log = () => {};
  try {
    const set = checkRuns(dir);
    const report = showMeasures(set, { measures: ["centroid", "svcca"], predictions: false });
    close(report.representation!.centroid!, curve(dir, centroidDistance), "centroid");
    const scaled = showMeasures(set, { measures: ["centroid"], predictions: false, settings: { "centroid-scale": 3 } });
    close(scaled.representation!.centroid!, curve(dir, centroidDistance).map((v) => 3 * v), "centroid-scale 3");
    assert.ok(shown.some((t) => /I_centroid/.test(t)), shown.join("\n"));
    assert.throws(() => showMeasures(set, { measures: ["centroids"] }), /unknown measure 'centroids'; use svcca, .*, centroid$/);
  } finally {
    console.log = log;
    setDisplaySink(previous);
  }
});

test("registerMeasure refuses a taken id or one that cannot be typed in a list; the paper's measures are seven, in order", () => {
  M.registerMeasure(CENTROID_MEASURE); // the same object again: nothing happens
  assert.throws(() => M.registerMeasure({ ...CENTROID_MEASURE }), /a measure 'centroid' is already registered; choose another id/);
  assert.throws(() => M.registerMeasure({ ...CENTROID_MEASURE, id: "a,b" }), /id 'a,b': use lower-case letters, digits and '-'/);
  assert.deepEqual(M.paperMeasures().map((m) => m.id), ["sd", "pwd", "kappa", "jsd", "svcca", "op", "cka"]);
  assert.deepEqual([...M.REPRESENTATION_MEASURES], ["svcca", "op", "cka"]);
  assert.deepEqual(M.allRepresentationMeasures(), ["svcca", "op", "cka", "pwcca", "cka-rbf", "cka-biased", "op-angular", "rsa", "mknn", "cknna", "centroid"]);
});

test("a measure registered without a module is measured in the calling thread when workers are asked for", async () => {
  M.registerMeasure({ ...CENTROID_MEASURE, id: "centroid-here", label: { html: "I<sub>here</sub>", plain: "I_here" }, module: undefined });
  const rng = new Random(9);
  const runs = [0, 1, 2].map(() => Float64Array.from({ length: n * d }, () => rng.normal()));
  const at = (r: number) => runs[r];
  const serial = M.representationMatrices(at, 3, n, d, [0, 1], { measures: ["centroid-here", "centroid"] });
  const parallel = await M.representationMatricesParallel(at, 3, n, d, [0, 1], { measures: ["centroid-here", "centroid"], workers: 2 });
  assert.deepEqual(parallel.matrices, serial.matrices);
  assert.ok(Math.abs(serial.matrices["centroid-here"][0][1] - centroidDistance(runs[0], runs[1], n, d)) < 1e-12);
  assert.deepEqual(M.workerModules(["cka", "centroid"]), [require.resolve("../helpers/centroidMeasure")]);
  assert.equal(M.workerModules(["cka", "centroid-here"]), undefined);
});

test("every built-in representation measure, through the registry, is its pure pairwise function's value", () => {
  const rng = new Random(3);
  const [rows, width] = [40, 12];
  const x = Float64Array.from({ length: rows * width }, () => rng.normal());
  const y = x.map((v) => v + 0.7 * rng.normal());
  const pure: Record<string, (a: Float64Array, b: Float64Array) => number> = {
    svcca: (a, b) => M.svccaDistance(a, b, rows, width),
    op: (a, b) => M.orthogonalProcrustesDistance(a, b, rows, width),
    cka: (a, b) => M.linearCkaDistance(a, b, rows, width),
    pwcca: (a, b) => M.pwccaDistance(a, b, rows, width),
    "cka-rbf": (a, b) => M.rbfCkaDistance(a, b, rows, width),
    "cka-biased": (a, b) => M.biasedLinearCkaDistance(a, b, rows, width),
    "op-angular": (a, b) => M.procrustesAngleDistance(a, b, rows, width),
    rsa: (a, b) => M.rsaDistance(a, b, rows, width),
    mknn: (a, b) => M.mutualKnnDistance(a, b, rows, width),
    cknna: (a, b) => M.cknnaDistance(a, b, rows, width),
  };
  const builtIn = M.allRepresentationMeasures().filter((m) => !m.startsWith("centroid")); // not the test-only ones
  assert.deepEqual(builtIn, Object.keys(pure));
  const [a, b] = [x, y].map((h) => M.prepareLayer(h, rows, width, { measures: builtIn, forms: "gram" }));
  const values = M.preparedDistances(a, b, builtIn);
  builtIn.forEach((m, i) => assert.ok(Math.abs(values[i] - pure[m](x, y)) < 1e-12, `${m}: ${values[i]} vs ${pure[m](x, y)}`));
});

function pearson(u: number[], v: number[]): number {
  const mu = u.reduce((s, t) => s + t, 0) / u.length;
  const mv = v.reduce((s, t) => s + t, 0) / v.length;
  let uv = 0, uu = 0, vv = 0;
  for (let i = 0; i < u.length; i++) (uv += (u[i] - mu) * (v[i] - mv)), (uu += (u[i] - mu) ** 2), (vv += (v[i] - mv) ** 2);
  return uv / Math.sqrt(uu * vv);
}
