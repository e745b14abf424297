import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bootstrapDistributions,
  correlationHeatmap,
  gridPanels,
  groupComparison,
  heatmapGrid,
  layerLines,
  layerLinesGrid,
  methodValues,
  regressionScatter,
  subsamplingFigure,
  subsamplingGrid,
  summariseCurves,
  type FigureSpec,
} from "../../src/viz";
import { Random } from "../../src/util/random";
import { linearFit } from "../../src/analysis/regression";
import "../../src/measures/registry"; // registers the measures' spellings with runs/names.ts, as every entry point does

const NAMES = ["sd", "jsd", "kappa", "pwd", "cka", "op"];

function symmetric(n: number, seed = 1): number[][] {
  const rng = new Random(seed);
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) m[i][j] = m[j][i] = rng.next() * 2 - 1;
  return m;
}

/** Specs must survive JSON unchanged: they are written to files and sent to browsers. */
function assertPlainJson(spec: FigureSpec): void {
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
}

test("correlationHeatmap keeps the lower triangle and the diagonal, masks the upper cells", () => {
  const m = symmetric(6);
  const spec = correlationHeatmap({ matrix: m, names: NAMES, valueName: "τ" });
  const [t] = spec.data;
  const z = t.z!;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      if (j > i) {
        assert.equal(z[i][j], null, `upper cell ${i},${j}`);
        assert.equal((t.text as string[][])[i][j], "");
      } else {
        assert.equal(z[i][j], m[i][j]);
        assert.equal((t.text as string[][])[i][j], m[i][j].toFixed(2).replace("-", "−"));
      }
    }
  }
  assert.deepEqual(t.x, ["SD", "I<sub>JSD</sub>", "I<sub>κ</sub>", "I<sub>pwd</sub>", "I<sub>CKA</sub>", "I<sub>OP</sub>"]);
  const ca = spec.layout.coloraxis as { cmin: number; cmax: number; cmid: number };
  assert.deepEqual([ca.cmin, ca.cmid, ca.cmax], [-1, 0, 1]);
  assert.equal((spec.layout.yaxis as { autorange: string }).autorange, "reversed");
  assertPlainJson(spec);
  const noDiag = correlationHeatmap({ matrix: m, names: NAMES, diagonal: false }).data[0].z!;
  assert.ok(noDiag.every((row, i) => row[i] === null));
  const full = correlationHeatmap({ matrix: m, names: NAMES, lowerTriangle: false }).data[0].z!;
  assert.deepEqual(full, m);
  assert.throws(() => correlationHeatmap({ matrix: [[1, 0]], names: ["sd", "pwd"] }), /matrix rows has 1 values but 2/);
});

test("correlationHeatmap leaves NaN cells blank instead of printing NaN", () => {
  const m = symmetric(3);
  m[2][0] = NaN;
  const t = correlationHeatmap({ matrix: m, names: ["sd", "pwd", "cka"] }).data[0];
  assert.equal(t.z![2][0], null);
  assert.equal((t.text as string[][])[2][0], "");
});

test("heatmapGrid: one heatmap per panel on its own axes, one shared colour scale", () => {
  const panels = ["BERT/RTE", "BERT/MRPC", "BERT/CoLA", "RoBERTa/RTE"].map((title, k) => ({ title, matrix: symmetric(6, k + 2) }));
  const spec = heatmapGrid({ panels, names: NAMES, cols: 3 });
  assert.equal(spec.data.length, 4);
  assert.deepEqual(spec.data.map((t) => t.xaxis), ["x", "x2", "x3", "x4"]);
  assert.ok(spec.data.every((t) => t.coloraxis === "coloraxis"));
  spec.data.forEach((t, k) => assert.equal(t.z![5][0], panels[k].matrix[5][0]));
  for (const k of ["xaxis", "xaxis2", "xaxis3", "xaxis4", "yaxis4"]) assert.ok(spec.layout[k], k);
  const titles = (spec.layout.annotations ?? []).map((a) => a.text);
  assert.deepEqual(titles, panels.map((p) => `<b>${p.title}</b>`));
  assertPlainJson(spec);
});

test("gridPanels: domains stay in [0, 1], do not overlap, and go left to right, top to bottom", () => {
  const { domains } = gridPanels({ rows: 2, cols: 3 });
  assert.equal(domains.length, 6);
  for (const d of domains) for (const v of [...d.x, ...d.y]) assert.ok(v >= 0 && v <= 1);
  assert.ok(domains[0].x[1] < domains[1].x[0] && domains[1].x[1] < domains[2].x[0]);
  assert.ok(domains[3].y[1] < domains[0].y[0]);
});

test("summariseCurves: mean ± population SD and min–max per layer", () => {
  const curves = [
    [0, 1, 2],
    [2, 3, 2],
  ];
  const sd = summariseCurves(curves, "sd");
  assert.deepEqual(sd.values, [1, 2, 2]);
  assert.deepEqual(sd.band.lower, [0, 1, 2]);
  assert.deepEqual(sd.band.upper, [2, 3, 2]);
  const mm = summariseCurves([[0, 5], [3, 1], [1, 1]], "minmax");
  assert.deepEqual(mm.band, { lower: [0, 1], upper: [3, 5] });
});

test("layerLines: each band is a closed polygon that brackets its line at every layer", () => {
  const rng = new Random(3);
  const curves = Array.from({ length: 8 }, () => Array.from({ length: 24 }, (_, l) => l / 24 + 0.05 * rng.normal()));
  const s = summariseCurves(curves);
  const spec = layerLines({ series: [{ name: "cka", ...s }, { name: "svcca", values: s.values.map((v) => v / 10) }], yTitle: "Instability" });
  assert.equal(spec.data.length, 3); // band + line for CKA, line only for SVCCA
  const [band, line, other] = spec.data;
  assert.equal(band.fill, "toself");
  assert.equal(line.name, "I<sub>CKA</sub>");
  assert.equal(other.name, "I<sub>SVCCA</sub>");
  assert.deepEqual(line.x, Array.from({ length: 24 }, (_, i) => i + 1));
  const bx = band.x as number[];
  const by = band.y as number[];
  assert.equal(bx.length, 48);
  for (let l = 0; l < 24; l++) {
    const up = by[l];
    const lo = by[47 - l];
    assert.equal(bx[l], l + 1);
    assert.equal(bx[47 - l], l + 1);
    const y = (line.y as number[])[l];
    assert.ok(lo <= y && y <= up, `layer ${l + 1}: ${lo} ≤ ${y} ≤ ${up}`);
  }
  assert.equal(band.legendgroup, line.legendgroup);
  assert.equal(band.showlegend, false);
  assertPlainJson(spec);
  assert.throws(() => layerLines({ series: [{ name: "cka", values: [1, 2], band: { lower: [0], upper: [3, 3] } }] }), /band.lower has 1 values but 2/);
});

test("layerLinesGrid: one colour and one legend entry per series name across panels, shared y range", () => {
  const panel = (k: number) => ({ title: `T${k}`, series: ["standard", "llrd"].map((name, i) => ({ name, values: [0.1 * k, 0.2 * k + i] })) });
  const spec = layerLinesGrid({ panels: [panel(1), panel(2), panel(3)], cols: 2 });
  assert.equal(spec.data.length, 6);
  const std = spec.data.filter((t) => t.legendgroup === "standard");
  assert.equal(new Set(std.map((t) => JSON.stringify(t.line))).size, 1);
  assert.deepEqual(std.map((t) => t.showlegend), [true, false, false]);
  assert.deepEqual(std.map((t) => t.xaxis), ["x", "x2", "x3"]);
  const ranges = ["yaxis", "yaxis2", "yaxis3"].map((k) => (spec.layout[k] as { range: number[] }).range);
  assert.ok(ranges.every((r) => r[1] >= 1.6 && JSON.stringify(r) === JSON.stringify(ranges[0])));
  assertPlainJson(spec);
});

test("groupComparison: two groups × three measures, group sizes in the legend, names from the data", () => {
  const curve = (a: number) => Array.from({ length: 24 }, (_, l) => a * l);
  const spec = groupComparison({
    measures: ["svcca", "op", "cka"].map((measure) => ({
      measure,
      groups: [
        { name: "both failed", n: 5, values: curve(2) },
        { name: "both succeeded", n: 15, values: curve(1) },
      ],
    })),
  });
  assert.equal(spec.data.length, 6);
  assert.deepEqual(spec.data.slice(0, 2).map((t) => t.name), ["both failed (n = 5 runs)", "both succeeded (n = 15 runs)"]);
  assert.deepEqual(spec.data.map((t) => t.xaxis), ["x", "x", "x2", "x2", "x3", "x3"]);
  assert.deepEqual(spec.data.map((t) => t.showlegend), [true, true, false, false, false, false]);
  assert.deepEqual(spec.data[3].y, curve(1));
  assert.equal((spec.layout.yaxis2 as { title: { text: string } }).title.text, "I<sub>OP</sub>");
  assertPlainJson(spec);
  assert.throws(
    () => groupComparison({ measures: [{ measure: "op", groups: [{ name: "a", n: 3, values: [1] }] }, { measure: "cka", groups: [{ name: "a", n: 4, values: [1] }] }] }),
    /group "a" has n = 3 in one panel and n = 4/,
  );
});

test("bootstrapDistributions: violins on one axis, or one histogram panel per group; values untouched", () => {
  const groups = [
    { name: "sd~pwd", values: [0.1, 0.2, 0.3] },
    { name: "cka~op", values: [0.9, 0.95] },
  ];
  const v = bootstrapDistributions({ groups, valueName: "Pearson r" });
  assert.deepEqual(v.data.map((t) => t.type), ["violin", "violin"]);
  assert.deepEqual(v.data.map((t) => t.name), ["SD ~ I<sub>pwd</sub>", "I<sub>CKA</sub> ~ I<sub>OP</sub>"]);
  assert.deepEqual(v.data[1].y, [0.9, 0.95]);
  const h = bootstrapDistributions({ groups, kind: "histogram" });
  assert.deepEqual(h.data.map((t) => [t.type, t.xaxis]), [["histogram", "x"], ["histogram", "x2"]]);
  assert.deepEqual(h.data[0].x, [0.1, 0.2, 0.3]);
  assertPlainJson(v);
  assertPlainJson(h);
});

test("linearFit: slope, intercept and r of an exact line; p at the textbook critical value", () => {
  const f = linearFit([1, 2, 3, 4], [3, 5, 7, 9]);
  assert.ok(Math.abs(f.slope - 2) < 1e-12 && Math.abs(f.intercept - 1) < 1e-12 && f.r === 1 && f.p === 0);
  // two-sided 5% critical r for n = 10 (df = 8) is 0.6319 (t = 2.306)
  const r = 0.6319;
  const x = [-2, -1, 0, 1, 2];
  assert.ok(Math.abs(pForR(r, 10) - 0.05) < 5e-4);
  // method.md §7.3 reference: r = 0.734 on 90 points gives p = 1.9e-16
  assert.ok(Math.abs(pForR(0.734, 90) / 1.9e-16 - 1) < 0.05, String(pForR(0.734, 90)));
  assert.throws(() => linearFit(x, [1, 2]), /x has 5 values and y has 2/);
});

/** Builds n points with exactly the given Pearson r, then asks linearFit for p. */
function pForR(r: number, n: number): number {
  const x = Array.from({ length: n }, (_, i) => i - (n - 1) / 2);
  // z: orthogonal to x and to the constant, with the same norm as x
  const z = x.map((v) => v * v - x.reduce((a, b) => a + b * b, 0) / n);
  const nx = Math.hypot(...x);
  const nz = Math.hypot(...z);
  const y = x.map((v, i) => r * (v / nx) + Math.sqrt(1 - r * r) * (z[i] / nz));
  const fit = linearFit(x, y);
  assert.ok(Math.abs(fit.r - r) < 1e-12);
  return fit.p;
}

test("regressionScatter draws the line it is given (fitted by the analysis) and the caller's caption", () => {
  const rng = new Random(5);
  const points = Array.from({ length: 90 }, (_, i) => {
    const x = rng.next();
    return { x, y: 2 * x + 0.3 * rng.normal(), group: NAMES[i % 6] };
  });
  const fit = linearFit(points.map((p) => p.x), points.map((p) => p.y));
  const spec = regressionScatter({ points, line: fit, title: "SD vs agreement", caption: `r = ${fit.r.toFixed(3)}, 90 points (not independent)` });
  assert.equal(spec.data.length, 7); // six measures + the line
  assert.equal(spec.data.slice(0, 6).reduce((a, t) => a + (t.x as number[]).length, 0), 90);
  const line = spec.data[6];
  const [x0, x1] = line.x as number[];
  const [y0, y1] = line.y as number[];
  const mx = points.reduce((a, p) => a + p.x, 0) / 90;
  const my = points.reduce((a, p) => a + p.y, 0) / 90;
  assert.ok(Math.abs(y0 + ((y1 - y0) * (mx - x0)) / (x1 - x0) - my) < 1e-12);
  assert.match(spec.layout.title!.text, new RegExp(`r = ${fit.r.toFixed(3)}, 90 points \\(not independent\\)`));
  assertPlainJson(spec);
});

test("subsamplingFigure: every repetition is a curve, prediction measures are points in the pred column", () => {
  const reps = (k: number) => Array.from({ length: 4 }, (_, r) => Array.from({ length: 24 }, (_, l) => k * l + r));
  const spec = subsamplingFigure({
    curves: [{ measure: "svcca", repetitions: reps(1) }, { measure: "cka", repetitions: reps(2) }],
    pred: [{ measure: "sd", repetitions: [0.1, 0.11, 0.12, 0.1] }, { measure: "pwd", repetitions: [0.2, 0.2, 0.21, 0.2] }],
  });
  assert.equal(spec.data.length, 4 + 4 + 2);
  const curves = spec.data.slice(0, 8);
  assert.ok(curves.every((t) => t.mode === "lines" && t.xaxis === undefined));
  assert.deepEqual(curves.map((t) => t.showlegend), [true, false, false, false, true, false, false, false]);
  assert.deepEqual(curves[5].y, reps(2)[1]);
  const pred = spec.data.slice(8);
  assert.ok(pred.every((t) => t.mode === "markers" && t.xaxis === "x2" && t.yaxis === "y2"));
  assert.deepEqual(pred[0].x, ["SD", "SD", "SD", "SD"]);
  assert.deepEqual(pred[1].y, [0.2, 0.2, 0.21, 0.2]);
  assert.equal((spec.layout.yaxis2 as { matches: string }).matches, "y");
  assertPlainJson(spec);
});

test("methodValues: one panel per measure, the methods on x in the given order", () => {
  const methods = ["standard", "mixout", "llrd", "reinit", "wdpre"];
  const spec = methodValues({ methods, measures: [{ measure: "sd", values: [1, 2, 3, 4, 5] }, { measure: "cka", values: [5, 4, 3, 2, 1], errors: [0.1, 0.1, 0.1, 0.1, 0.1] }] });
  assert.equal(spec.data.length, 2);
  assert.deepEqual(spec.data[0].x, ["Standard", "Mixout", "LLRD", "Re-init", "WD<sub>pre</sub>"]);
  assert.deepEqual(spec.data[1].y, [5, 4, 3, 2, 1]);
  assert.equal(spec.data[1].xaxis, "x2");
  assert.deepEqual((spec.data[1].error_y as { array: number[] }).array, [0.1, 0.1, 0.1, 0.1, 0.1]);
  assert.equal(methodValues({ methods, kind: "point", measures: [{ measure: "sd", values: [1, 2, 3, 4, 5] }] }).data[0].mode, "markers");
  assert.throws(() => methodValues({ methods, measures: [{ measure: "sd", values: [1] }] }), /values has 1 values but 5/);
  assertPlainJson(spec);
});

test("subsamplingGrid: each panel has its curves and its own pred column on a matching scale", () => {
  const panel = (title: string, k: number) => ({
    title,
    curves: [{ measure: "cka", repetitions: [[k, k + 1, k + 2], [k, k + 1, k + 3]] }],
    pred: [{ measure: "kappa", repetitions: [0.1 * k, 0.1 * k] }],
  });
  const spec = subsamplingGrid({ panels: [panel("RTE 0.1", 1), panel("RTE 0.5", 2), panel("MRPC 0.1", 3)], cols: 2 });
  assert.equal(spec.data.length, 3 * 3);
  const second = spec.data.slice(3, 6);
  assert.deepEqual(second.map((t) => [t.xaxis, t.yaxis]), [["x3", "y3"], ["x3", "y3"], ["x4", "y4"]]);
  assert.deepEqual(second[1].y, [2, 3, 5]);
  assert.equal((spec.layout.yaxis4 as { matches: string }).matches, "y3");
  assert.equal((spec.layout.yaxis2 as { matches: string }).matches, "y");
  assert.deepEqual(spec.data.map((t) => t.showlegend), [true, false, true, false, false, false, false, false, false]);
  const x3 = spec.layout.xaxis3 as { domain: number[] };
  const x4 = spec.layout.xaxis4 as { domain: number[] };
  assert.ok(x3.domain[1] < x4.domain[0], "pred column to the right of its curves");
  assert.deepEqual((spec.layout.annotations ?? []).map((a) => a.text), ["<b>RTE 0.1</b>", "<b>RTE 0.5</b>", "<b>MRPC 0.1</b>"]);
  assertPlainJson(spec);
});
