// One report section per analysis: figures from src/viz, tables (linked as CSV), the paper's
// finding and a finding generated from this run's numbers.
import { label } from "../viz/labels";
import { bootstrapDistributions } from "../viz/bootstrap";
import { methodValues } from "../viz/benchmark";
import { groupComparison } from "../viz/groups";
import { heatmapGrid } from "../viz/heatmap";
import { layerLinesGrid } from "../viz/layers";
import type { ReportSection, ReportTable } from "../viz/report";
import { regressionScatter } from "../viz/scatter";
import { subsamplingGrid } from "../viz/subsampling";
import type { Row } from "../viz/table";
import type { SdAgreement } from "./agreement";
import { Benchmark, SIX_MEASURES } from "./benchmark";
import type { Bootstrap } from "./bootstrap";
import type { SuccessfulVsFailed } from "./failedRuns";
import { PAPER_FINDINGS } from "./paperFindings";
import { list, num, pText, skippedHtml, where } from "./reportText";
import { mean } from "./stats";
import { RunStore } from "./store";
import type { Subsampling } from "./subsampling";
import { ConvergentValidity, CURVE_MEASURES, LayerExperiment, Skipped } from "./validity";

type Csv = (name: string, rows: Row[]) => string;

/** Rows beyond this are only in the CSV: a 5,000-row HTML table helps nobody. */
const MAX_HTML_ROWS = 60;

function tbl(caption: string, rows: Row[], csvPath: string, options?: ReportTable["options"]): ReportTable {
  if (rows.length <= MAX_HTML_ROWS) return { caption, rows, csv: csvPath, options };
  return { caption, html: `<p>${rows.length} rows: see the CSV file.</p>`, csv: csvPath };
}

function skippedSection(id: string, title: string, paper: string, why: string, skipped: Skipped[]): ReportSection {
  return { id, title, paperFinding: paper, ourFinding: `<p>Not run on this store: ${why}</p>${skippedHtml(skipped)}` };
}

export function overviewSection(store: RunStore, csv: Csv): ReportSection {
  const rows: Row[] = store.configurations.map((c) => ({
    model: c.model,
    task: c.task,
    method: c.method,
    learningRate: c.learningRate,
    runs: c.runDirs.length,
    seeds: c.seeds.length ? `${Math.min(...c.seeds)}–${Math.max(...c.seeds)}` : "",
    finalModels: c.hasFinal ? "yes" : "no",
    diverged: c.diverged.length,
  }));
  const runs = store.configurations.reduce((a, c) => a + c.runDirs.length, 0);
  return {
    id: "store",
    title: "Runs analysed",
    paperFinding: PAPER_FINDINGS.overview,
    ourFinding: `<p>${store.configurations.length} configuration(s) with ${runs} runs, over ${store.modelTasks().length} model/task pair(s).</p>`,
    tables: [{ caption: "Configurations in the run store", rows, csv: csv("configurations", rows), options: { formats: { learningRate: { sig: 2 } } } }],
  };
}

export function benchmarkSection(b: Benchmark, csv: Csv): ReportSection {
  const id = "benchmark";
  const title = "Benchmark of the mitigation methods";
  if (b.rows.length === 0) return skippedSection(id, title, PAPER_FINDINGS.benchmark, "no Standard configuration.", b.skipped);
  const groups = [...new Set(b.rows.map((r) => `${r.model}\0${r.task}`))];
  const figures = groups.map((g) => {
    const [model, task] = g.split("\0");
    const rows = b.rows.filter((r) => r.model === model && r.task === task);
    return {
      spec: methodValues({
        methods: rows.map((r) => String(r.method)),
        measures: SIX_MEASURES.map((k) => ({ measure: k, values: rows.map((r) => r[k] as number) })),
        title: `${where(model, task)}: instability per method`,
      }),
    };
  });
  const findings = groups.map((g) => {
    const [model, task] = g.split("\0");
    const best = SIX_MEASURES.map((k) => {
      const r = b.rankings.find((x) => x.model === model && x.task === task && x.measure === k);
      return r ? `${label(k)}: ${label(r.order[0])}` : "";
    }).filter(Boolean);
    return `${where(model, task)} (${b.rows.filter((r) => r.model === model && r.task === task).length} methods), most stable by ${best.join(", ")}`;
  });
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.benchmark,
    ourFinding: list(findings) + skippedHtml(b.skipped.filter((s) => !/at least 3/.test(s.reason))),
    figures,
    tables: [tbl("Mean task metric and the six measures per method (I_CKA and I_OP at the top layer)", b.rows, csv("benchmark", b.rows), { formats: { learningRate: { sig: 2 } } })],
  };
}

export function convergentSection(c: ConvergentValidity, csv: Csv): ReportSection {
  const id = "convergent";
  const title = "Convergent validity: do the representation measures agree?";
  if (c.panels.length === 0) return skippedSection(id, title, PAPER_FINDINGS.convergent, "no Standard runs with hidden states and at least 3 layers.", c.skipped);
  const pairMeans = new Map<string, number>();
  for (const key of new Set(c.rows.map((r) => `${r.measureA}~${r.measureB}`))) {
    pairMeans.set(key, mean(c.rows.filter((r) => `${r.measureA}~${r.measureB}` === key).map((r) => r.r as number)));
  }
  const sorted = [...pairMeans.entries()].filter(([, v]) => Number.isFinite(v)).sort((a, b) => b[1] - a[1]);
  const perMeasure = CURVE_MEASURES.map((m) => {
    const vals = [...pairMeans.entries()].filter(([k]) => k.split("~").includes(m)).map(([, v]) => v);
    return { m, v: mean(vals) };
  }).filter((x) => Number.isFinite(x.v));
  const odd = perMeasure.sort((a, b) => a.v - b.v)[0];
  const pairName = (k: string) => k.split("~").map((m) => label(m)).join(" and ");
  let finding = `<p>Over ${c.panels.length} model/task pair(s), `;
  finding += sorted.length ? `${pairName(sorted[0][0])} agree most (mean r = ${num(sorted[0][1])})` : "no correlation is defined (constant curves)";
  if (odd && perMeasure.length === 3) finding += `; ${label(odd.m)} agrees least with the others (mean r = ${num(odd.v)})`;
  finding += ".</p>";
  finding += list(c.panels.map((p) => `${where(p.model, p.task)}: ${c.rows.filter((r) => r.model === p.model && r.task === p.task).map((r) => `${label(String(r.measureA))}~${label(String(r.measureB))} ${num(r.r as number)}`).join(", ")}`));
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.convergent,
    ourFinding: finding + skippedHtml(c.skipped),
    figures: [heatmapGrid({ panels: c.panels.map((p) => ({ title: where(p.model, p.task), matrix: p.matrix })), names: CURVE_MEASURES, valueName: "r", title: "Pearson r between layer curves (Standard runs)" })],
    tables: [tbl("Pearson r between the layer curves of two measures", c.rows, csv("convergent_validity", c.rows))],
  };
}

export function layersSection(l: LayerExperiment, csv: Csv): ReportSection {
  const id = "layers";
  const title = "Concurrent validity: instability by layer";
  if (l.panels.length === 0) return skippedSection(id, title, PAPER_FINDINGS.layers, "no Standard runs with hidden states.", l.skipped);
  const findings = CURVE_MEASURES.map((m) => {
    const rows = l.summary.filter((r) => r.measure === m);
    if (rows.length === 0) return "";
    const rising = rows.filter((r) => r.rises).length;
    const detail = rows.map((r) => `${where(String(r.model), String(r.task))} ρ = ${num(r.spearman as number)}, layer 1 ${num(r.layer1 as number, 3)} → top ${num(r.top as number, 3)}, peak at layer ${r.peakLayer}`).join("; ");
    return `${label(m)} rises with depth in ${rising} of ${rows.length} (${detail})`;
  }).filter(Boolean);
  const figures = [
    {
      spec: layerLinesGrid({
        panels: l.panels.map((p) => ({ title: where(p.model, p.task), series: p.series.map((s) => ({ name: s.measure, values: s.values, band: { lower: s.lower, upper: s.upper } })) })),
        layers: l.panels[0].layers,
        title: "Standard runs: mean over pairs ± SD over pairs",
        sharedY: false,
      }),
      caption: "Layer numbers are transformer blocks (1 = the lowest block; the embedding output is not used).",
    },
    ...(l.methods.length
      ? [
          {
            spec: layerLinesGrid({
              panels: l.methods.map((p) => ({ title: `${where(p.model, p.task)}: ${label(p.measure)}`, series: p.series.map((s) => ({ name: s.method, values: s.values })) })),
              layers: l.methods[0].layers,
              title: "Per method (method.md §8 NB4)",
              cols: 2,
              sharedY: false,
            }),
          },
        ]
      : []),
  ];
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.layers,
    ourFinding: list(findings) + skippedHtml(l.skipped),
    figures,
    tables: [
      tbl("Does each curve rise with depth? (slope per layer, Spearman ρ with the layer number)", l.summary, csv("layers_summary", l.summary)),
      tbl("Per-layer values (Standard runs)", l.rows, csv("layers", l.rows)),
    ],
  };
}

export function failedSection(f: SuccessfulVsFailed, csv: Csv): ReportSection {
  const id = "failed";
  const title = "Concurrent validity: successful vs failed runs";
  const countsTable = tbl("Failed runs per (model, task)", f.counts, csv("failed_counts", f.counts), { formats: { learningRate: { sig: 2 } } });
  if (f.groups.length === 0) return { ...skippedSection(id, title, PAPER_FINDINGS.failed, "no configuration with at least 2 failed and 2 successful runs.", f.skipped), tables: f.counts.length ? [countsTable] : [] };
  const findings = f.groups.map((g) => {
    const top = g.layers[g.layers.length - 1];
    const parts = g.curves.map((c) => {
      const rows = f.rows.filter((r) => r.model === g.model && r.task === g.task && r.measure === c.measure);
      const topRow = rows[rows.length - 1];
      const higher = (topRow.difference as number) > 0 ? "failed" : "successful";
      const sig = rows.filter((r) => (r.p as number) < 0.05);
      const failedHigher = sig.filter((r) => (r.difference as number) > 0).length;
      return `${label(c.measure)}: at layer ${top} ${higher} pairs are higher (failed ${num(topRow.failed as number, 3)} vs successful ${num(topRow.successful as number, 3)}, d = ${num(topRow.cohensD as number)}, ${pText(topRow.p as number)}); p &lt; 0.05 at ${sig.length} of ${rows.length} layers (failed higher at ${failedHigher})`;
    });
    return `${where(g.model, g.task)}, learning rate ${g.learningRate.toExponential()}, ${g.variant} models, labels from ${g.source}: ${g.failed.length} of ${g.failed.length + g.successful.length} runs failed.${list(parts)}`;
  });
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.failed,
    ourFinding:
      list(findings) +
      `<p>Permutation test: ${f.permutations} shuffles of the run labels (group sizes kept); effect size: Cohen's d of failed-pair vs successful-pair values (pairs share runs, so d is descriptive).</p>` +
      skippedHtml(f.skipped),
    figures: f.groups.map((g) => ({
      spec: groupComparison({
        measures: g.curves.map((c) => ({
          measure: c.measure,
          groups: [
            { name: "successful", n: g.successful.length, values: c.successful },
            { name: "failed", n: g.failed.length, values: c.failed },
          ],
        })),
        layers: g.layers,
        title: `${where(g.model, g.task)}: mean over both-successful and both-failed pairs`,
      }),
    })),
    tables: [countsTable, tbl("Per layer: group means, difference, effect sizes and permutation p", f.rows, csv("successful_vs_failed", f.rows))],
  };
}

export function kendallSection(b: Benchmark, csv: Csv): ReportSection {
  const id = "kendall";
  const title = "Consistency: do the measures rank the methods alike?";
  if (b.panels.length === 0) return skippedSection(id, title, PAPER_FINDINGS.kendall, "fewer than 3 mitigation methods at the Standard learning rate in every model/task.", b.skipped);
  const finite = b.tau.filter((r) => Number.isFinite(r.tau as number));
  const pred = ["jsd", "kappa", "pwd"];
  const within = finite.filter((r) => pred.includes(String(r.measureA)) && pred.includes(String(r.measureB)));
  const withSd = finite.filter((r) => r.measureA === "sd" || r.measureB === "sd");
  const sorted = [...finite].sort((x, y) => (x.tau as number) - (y.tau as number));
  const name = (r: Row) => `${label(String(r.measureA))}–${label(String(r.measureB))}`;
  const items = [
    `mean τ among I<sub>pwd</sub>, I<sub>κ</sub>, I<sub>JSD</sub>: ${num(within.length ? mean(within.map((r) => r.tau as number)) : NaN)}`,
    `mean τ of SD with the other measures: ${num(withSd.length ? mean(withSd.map((r) => r.tau as number)) : NaN)}`,
  ];
  if (sorted.length) items.push(`lowest: ${name(sorted[0])} τ = ${num(sorted[0].tau as number)} (${where(String(sorted[0].model), String(sorted[0].task))}); highest: ${name(sorted[sorted.length - 1])} τ = ${num(sorted[sorted.length - 1].tau as number)}`);
  const undef = b.tau.length - finite.length;
  if (undef) items.push(`${undef} τ value(s) are undefined: a measure gives every method the same value (e.g. identical runs)`);
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.kendall,
    ourFinding: list(items) + skippedHtml(b.skipped),
    figures: [heatmapGrid({ panels: b.panels.map((p) => ({ title: `${where(p.model, p.task)} (${p.methods.length} methods)`, matrix: p.matrix })), names: [...SIX_MEASURES], valueName: "τ", title: "Kendall's τ-b between method rankings" })],
    tables: [tbl("Kendall's τ-b between the rankings of two measures", b.tau, csv("kendall_tau", b.tau))],
  };
}

export function bootstrapSection(bs: Bootstrap, csv: Csv): ReportSection {
  const id = "bootstrap";
  const title = "Consistency: bootstrapping the seeds";
  if (bs.configs.length === 0) return skippedSection(id, title, PAPER_FINDINGS.bootstrap, "no configuration with at least 3 runs.", bs.skipped);
  const pairs: { name: string; values: number[] }[] = [];
  SIX_MEASURES.forEach((a, i) =>
    SIX_MEASURES.forEach((b, j) => {
      if (j >= i) return;
      pairs.push({ name: `${b}~${a}`, values: bs.configs.map((c) => c.matrix[i][j]).filter(Number.isFinite) });
    }),
  );
  const withValues = pairs.filter((p) => p.values.length > 0);
  const ranked = withValues.map((p) => ({ ...p, m: mean(p.values) })).sort((a, b) => b.m - a.m);
  const pn = (n: string) => n.split("~").map((m) => label(m)).join("–");
  const items = ranked.length
    ? [`highest mean r over ${bs.configs.length} configuration(s): ${ranked.slice(0, 3).map((p) => `${pn(p.name)} ${num(p.m)}`).join(", ")}`, `lowest: ${ranked.slice(-3).reverse().map((p) => `${pn(p.name)} ${num(p.m)}`).join(", ")}`]
    : ["every correlation is undefined (a measure is constant across resamples)"];
  const std = bs.configs.find((c) => c.method === "standard") ?? bs.configs[0];
  const distributions = SIX_MEASURES.map((k) => ({ name: k, values: std.samples[k].filter(Number.isFinite) })).filter((g) => g.values.length > 0);
  const figures = [
    { spec: heatmapGrid({ panels: bs.configs.map((c) => ({ title: `${where(c.model, c.task)} ${label(c.method)}`, matrix: c.matrix })), names: [...SIX_MEASURES], valueName: "r", title: `Pearson r across ${bs.resamples} resamples of the seeds`, cols: 3 }) },
    ...(bs.configs.length >= 2 && withValues.length ? [{ spec: bootstrapDistributions({ groups: withValues, valueName: "Pearson r", range: [-1, 1], title: "Correlation of each pair of measures across configurations" }) }] : []),
    ...(distributions.length
      ? [{ spec: bootstrapDistributions({ groups: distributions, kind: "histogram", cols: 3, valueName: "Instability", title: `${where(std.model, std.task)} ${label(std.method)}: the measures over ${bs.resamples} resamples` }) }]
      : []),
  ];
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.bootstrap,
    ourFinding: list(items) + skippedHtml(bs.skipped),
    figures,
    tables: [tbl("Pearson r between two measures across resamples", bs.rows, csv("bootstrap_correlations", bs.rows))],
  };
}

export function agreementSection(a: SdAgreement, csv: Csv): ReportSection {
  const id = "agreement";
  const title = "Consistency: instability level vs agreement between measures";
  if (a.summary.length === 0) return skippedSection(id, title, PAPER_FINDINGS.agreement, "fewer than 3 bootstrapped configurations per model.", a.skipped);
  const items = a.summary.map((s) => {
    const r = s.r as number;
    const dir = !Number.isFinite(r) ? "undefined" : r > 0 ? "more unstable configurations have measures that agree more" : "more unstable configurations have measures that agree less";
    return `${label(String(s.model))}: r = ${num(r, 3)} (${pText(s.p as number)}, ${s.points} points from ${s.configurations} configurations): ${dir}`;
  });
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.agreement,
    ourFinding: list(items) + skippedHtml(a.skipped),
    // a regression line needs SD to vary; without it r is undefined and the text says so
    figures: a.summary.filter((s) => Number.isFinite(s.r as number)).map((s) => ({
      spec: regressionScatter({
        points: a.points.filter((p) => p.model === s.model && Number.isFinite(p.z as number)).map((p) => ({ x: p.sd as number, y: p.z as number, group: String(p.measure), text: `${p.task} ${p.method}` })),
        title: `${label(String(s.model))}: SD vs standardised mean correlation`,
        xTitle: "SD (seeds 0–9)",
      }),
    })),
    tables: [
      tbl("Pearson r between SD and standardised agreement", a.summary, csv("sd_agreement", a.summary)),
      tbl("Points", a.points, csv("sd_agreement_points", a.points)),
    ],
  };
}

export function subsamplingSection(s: Subsampling, csv: Csv): ReportSection {
  const id = "subsampling";
  const title = "Insensitivity to sub-sampling the test examples";
  if (s.panels.length === 0) return skippedSection(id, title, PAPER_FINDINGS.subsampling, "no Standard configuration (or too few test examples).", s.skipped);
  const rates = [...new Set(s.summary.map((r) => r.rate as number))].sort((a, b) => b - a);
  const items = rates.map((rate) => {
    const rows = s.summary.filter((r) => r.rate === rate && Number.isFinite(r.relative as number));
    const worst = [...rows].sort((a, b) => (b.relative as number) - (a.relative as number))[0];
    const med = rows.map((r) => r.relative as number).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
    return worst
      ? `rate ${rate} (${worst.examples} examples): median relative move ${num(med)}; largest ${label(String(worst.measure))} (${where(String(worst.model), String(worst.task))}), max |Δ| = ${num(worst.maxAbsDeviation as number, 3)}, ${num(worst.relative as number)} of its full-data value`
      : `rate ${rate}: no finite values`;
  });
  return {
    id,
    title,
    paperFinding: PAPER_FINDINGS.subsampling,
    ourFinding: list(items) + "<p>Relative move: the largest |value − full-data value| over repetitions (and layers), divided by the full-data value (the curve's maximum).</p>" + skippedHtml(s.skipped),
    figures: [
      {
        spec: subsamplingGrid({
          panels: s.panels.map((p) => ({ title: `${where(p.model, p.task)}, rate ${p.rate} (${p.examples} examples)`, curves: p.curves.map((c) => ({ measure: c.measure, repetitions: c.repetitions })), pred: p.pred })),
          layers: s.panels[0].layers,
          title: "Repetitions on random subsets of the test examples (Standard, seeds 0–9)",
        }),
      },
    ],
    tables: [
      tbl("How far each measure moves", s.summary, csv("subsampling_summary", s.summary)),
      tbl("Every repetition", s.rows, csv("subsampling", s.rows)),
    ],
  };
}
