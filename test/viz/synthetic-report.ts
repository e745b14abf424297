// A report with one figure of each kind, on synthetic data, for the browser test and the README
// screenshot. Values are shaped like the paper's (curves rising with depth, τ in [−1, 1]).
import { SIX_MEASURES } from "../../src/analysis/benchmark"; // loads the measure registry, which spells the measures
import { linearFit } from "../../src/analysis/regression";
import { Random } from "../../src/util/random";
import {
  bootstrapDistributions,
  correlationHeatmap,
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
  type Report,
} from "../../src/viz";

const METHODS = ["standard", "mixout", "llrd", "reinit", "wdpre"];

function symmetric(rng: Random, n: number): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) m[i][j] = m[j][i] = Math.round((rng.next() * 2 - 1) * 10) / 10;
  return m;
}

function curve(rng: Random, top: number, noise: number, L = 24): number[] {
  return Array.from({ length: L }, (_, l) => Math.max(0, top * ((l + 1) / L) ** 1.5 + noise * rng.normal()));
}

export function syntheticReport(): { report: Report; figures: FigureSpec[] } {
  const rng = new Random(7);
  const names = [...SIX_MEASURES];
  const tau = correlationHeatmap({ matrix: symmetric(rng, 6), names, title: "Kendall's τ between measures (BERT/RTE)", valueName: "τ" });
  const tauGrid = heatmapGrid({
    panels: ["BERT/RTE", "BERT/MRPC", "BERT/CoLA", "RoBERTa/RTE", "RoBERTa/MRPC", "RoBERTa/CoLA"].map((title) => ({ title, matrix: symmetric(rng, 6) })),
    names,
    valueName: "τ",
    title: "Kendall's τ per model × task",
  });
  const runs = (top: number) => Array.from({ length: 10 }, () => curve(rng, top, 0.01));
  const layers = layerLines({
    title: "Representation instability by layer (Standard)",
    series: [
      { name: "svcca", ...summariseCurves(runs(0.03)) },
      { name: "op", ...summariseCurves(runs(0.2)) },
      { name: "cka", ...summariseCurves(runs(0.34), "minmax") },
    ],
  });
  const facet = layerLinesGrid({
    title: "I<sub>CKA</sub> by layer and method",
    yTitle: "I<sub>CKA</sub>",
    panels: ["RTE", "MRPC", "CoLA"].map((title) => ({ title, series: METHODS.map((m, i) => ({ name: m, values: curve(rng, 0.2 + 0.05 * i, 0.005) })) })),
  });
  const groups = groupComparison({
    title: "Successful vs failed runs (BERT/RTE)",
    measures: ["svcca", "op", "cka"].map((measure, k) => ({
      measure,
      groups: [
        { name: "successful", n: 14, values: curve(rng, 0.1 * (k + 1), 0.005) },
        { name: "failed", n: 6, values: curve(rng, 0.3 * (k + 1), 0.005) },
      ],
    })),
  });
  const pairs = ["sd~pwd", "sd~cka", "jsd~pwd", "cka~op"];
  const boot = bootstrapDistributions({
    title: "Bootstrap distribution of Pearson r",
    valueName: "Pearson r",
    range: [-1, 1],
    groups: pairs.map((name, i) => ({ name, values: Array.from({ length: 300 }, () => Math.tanh(0.3 * i + 0.3 * rng.normal())) })),
  });
  const hist = bootstrapDistributions({
    kind: "histogram",
    title: "Bootstrap distribution per measure",
    valueName: "Instability",
    groups: ["sd", "pwd", "cka"].map((name) => ({ name, values: Array.from({ length: 300 }, () => 0.1 + 0.02 * rng.normal()) })),
  });
  const points = Array.from({ length: 90 }, (_, i) => {
    const x = 0.01 + 0.1 * rng.next();
    return { x, y: 12 * x - 0.6 + 0.5 * rng.normal(), group: names[i % 6], text: `config ${Math.floor(i / 6) + 1}` };
  });
  const scatter = regressionScatter({ title: "SD vs agreement between measures (BERT)", points, line: linearFit(points.map((p) => p.x), points.map((p) => p.y)) });
  const sub = subsamplingFigure({
    title: "Sub-sampling at rate 0.5 (BERT/RTE)",
    curves: ["svcca", "op", "cka"].map((measure, k) => ({ measure, repetitions: Array.from({ length: 4 }, () => curve(rng, 0.1 * (k + 1), 0.004)) })),
    pred: ["sd", "kappa", "jsd", "pwd"].map((measure) => ({ measure, repetitions: Array.from({ length: 4 }, () => 0.05 + 0.01 * rng.next()) })),
  });
  const subGrid = subsamplingGrid({
    title: "Sub-sampling per task and rate (BERT)",
    panels: ["RTE, 10%", "RTE, 50%", "MRPC, 10%", "MRPC, 50%"].map((title) => ({
      title,
      curves: ["svcca", "op", "cka"].map((measure, k) => ({ measure, repetitions: Array.from({ length: 4 }, () => curve(rng, 0.1 * (k + 1), 0.006)) })),
      pred: ["sd", "kappa", "jsd", "pwd"].map((measure) => ({ measure, repetitions: Array.from({ length: 4 }, () => 0.05 + 0.01 * rng.next()) })),
    })),
  });
  const bench = methodValues({
    title: "Benchmark: instability per method (BERT/RTE)",
    methods: METHODS,
    measures: names.map((measure) => ({ measure, values: METHODS.map(() => 0.02 + 0.3 * rng.next()) })),
  });
  const figures = [tau, tauGrid, layers, facet, groups, boot, hist, scatter, sub, subGrid, bench];
  const tableRows = METHODS.map((method) => ({ method, metric: 0.7 + 0.02 * rng.next(), sd: 0.01 + 0.04 * rng.next(), jsd: 0.07 * rng.next(), kappa: 0.1 + 0.1 * rng.next(), cka: 0.3 * rng.next() }));
  const report: Report = {
    title: "Instability of fine-tuning: synthetic report",
    subtitle: "One figure of each kind on synthetic data (not results).",
    sections: [
      {
        id: "benchmark",
        title: "Benchmarking the mitigation methods",
        paperFinding: "The measures often disagree on which method is most stable; I<sub>pwd</sub>, I<sub>κ</sub> and I<sub>JSD</sub> agree with each other (τ ≥ 0.6).",
        ourFinding: "Synthetic data: nothing to find.",
        figures: [tau, tauGrid, { spec: bench, caption: "Each panel is one measure; bars are the five methods." }],
        tables: [{ caption: "Benchmark table", rows: tableRows, options: { formats: { metric: { decimals: 3 } } }, csv: "benchmark.csv" }],
      },
      { id: "layers", title: "Layers experiment", paperFinding: "Representation instability grows with depth.", ourFinding: "Synthetic curves rise by construction.", figures: [layers, facet] },
      { id: "failed", title: "Successful vs failed runs", figures: [groups] },
      { id: "bootstrap", title: "Bootstrapping", figures: [boot, hist] },
      { id: "sd-agreement", title: "SD vs agreement", figures: [scatter] },
      { id: "subsampling", title: "Sub-sampling", figures: [sub, subGrid] },
    ],
    footer: "Generated by test/viz/synthetic-report.ts.",
  };
  return { report, figures };
}
