// How each finding section is rendered: the paper's claim, the finding (verdict, sentence,
// preconditions), its figures and its tables (linked as CSV). Each takes what its section computed
// (analysis/findings, which decides every verdict and sentence); the heading (id, title) is the
// section's own, added by the table of sections (sectionRegistry.ts).
import type { SdAgreement } from "../analysis/agreement";
import { linearFit } from "../analysis/regression";
import { SIX_MEASURES } from "../analysis/benchmark";
import type { Bootstrap } from "../analysis/bootstrap";
import type { SuccessfulVsFailed } from "../analysis/failedRuns";
import { runMapFigures } from "./explore";
import type { FigureSpec } from "../viz/spec";
import { actionRows, benchmarkRows, fmt, learningRow, MIN_ACTION_RATIO, PAPER_CLAIMS, type MethodAction, type ConfigLearning, type Finding, type MethodBenchmark } from "../analysis/findings";
import type { Subsampling } from "../analysis/subsampling";
import type { ConvergentValidity, LayerExperiment } from "../analysis/validity";
import { CURVE_MEASURES } from "../analysis/validity";
import { escapeHtml, label } from "../runs/names";
import { bootstrapDistributions } from "../viz/bootstrap";
import { methodValues } from "../viz/benchmark";
import { groupComparison } from "../viz/groups";
import { heatmapGrid } from "../viz/heatmap";
import { layerLinesGrid } from "../viz/layers";
import type { ReportFigure, ReportSection, ReportTable } from "../viz/report";
import { regressionScatter } from "../viz/scatter";
import { shareGrid } from "../viz/shareGrid";
import { runMetricStrip } from "../viz/strip";
import { subsamplingGrid } from "../viz/subsampling";
import type { Row } from "../viz/table";
import { shortConfigurationLabels } from "./configLabels";
import { findingHtml } from "./findingHtml";
import { where } from "./text";

/** Registers a table as CSV under `name` and returns its link. */
export type Csv = (name: string, rows: Row[]) => string;

/** A rendered section without its heading. */
export type SectionBody = Omit<ReportSection, "id" | "title">;

/** What a section with a finding computed: the finding and the data its figures and tables draw. */
interface Computed<D> {
  finding: Finding;
  data: D;
}

/** Rows beyond this are only in the CSV: a 5,000-row HTML table helps nobody. */
const MAX_HTML_ROWS = 60;

function tbl(caption: string, rows: Row[], csvPath: string, options?: ReportTable["options"]): ReportTable {
  if (rows.length <= MAX_HTML_ROWS) return { caption, rows, csv: csvPath, options };
  return { caption, html: `<p>${rows.length} rows: see the CSV file.</p>`, csv: csvPath };
}

function section(f: Finding, figures: ReportFigure[], tables: ReportTable[], extra = ""): SectionBody {
  return { paperFinding: escapeHtml(f.paper), ourFinding: findingHtml(f) + extra, figures, tables };
}

export function learningSection({ finding: f, data: all }: Computed<ConfigLearning[]>, csv: Csv): SectionBody {
  const rows = all.map(learningRow);
  const metric = all[0]?.metric ?? "accuracy";
  const { labels, common } = shortConfigurationLabels(all.map((l) => ({ ...l.config, final: l.variant === "final" })));
  const figures = all.length
    ? [{
        spec: runMetricStrip({
          groups: all.map((l, i) => ({
            name: labels[i],
            values: l.runs.map((r) => r.score),
            text: l.runs.map((r) => `seed ${r.seed}`),
            mean: l.mean,
            baseline: l.baseline,
          })),
          title: `${common ? `${common}: test` : "Test"} metric of every run, with the constant-prediction baseline`,
          yTitle: metric,
        }),
        caption: "One point per run (seed). Black: mean with its 95% bootstrap CI over seeds. Dashed red: the best constant prediction.",
      }]
    : [];
  // Two-line headers keep the table within the page (1,100 px) instead of scrolling sideways.
  const headers = { learningRate: "learning<br>rate", ciLower: "95% CI<br>lower", ciUpper: "95% CI<br>upper", baseline: "constant<br>baseline" };
  return section(f, figures, [tbl("Per configuration: mean test metric with 95% CI over seeds, the range and the constant baseline", rows, csv("learning", rows), { formats: { learningRate: { sig: 2 } }, headers })]);
}

export function benchmarkSection({ data: { benchmarks: b, actions } }: { data: { benchmarks: MethodBenchmark[]; actions: MethodAction[] } }, csv: Csv): SectionBody {
  const rows = benchmarkRows(b);
  const figures = b.map((g) => ({
    spec: methodValues({
      methods: g.methods.map((x) => x.m.config.method),
      measures: SIX_MEASURES.map((k) => ({ measure: k, values: g.methods.map((x) => x.ci[k].value), ci: { lower: g.methods.map((x) => x.ci[k].lower), upper: g.methods.map((x) => x.ci[k].upper) } })),
      title: `${where(g.model, g.task)}: instability per method (95% CI over seeds; ${g.methods.map((x) => x.m.runs.length).join("/")} runs)`,
    }),
  }));
  const wins: Row[] = b.flatMap((g) => g.methods.map((x) => ({ model: g.model, task: g.task, method: x.m.config.method, ...Object.fromEntries(SIX_MEASURES.map((k) => [k, g.mostStable[k][x.m.config.method] ?? 0])) })));
  const winFigures = b.map((g) => ({
    spec: shareGrid({
      rows: g.methods.map((x) => x.m.config.method),
      columns: [...SIX_MEASURES],
      values: g.methods.map((x) => SIX_MEASURES.map((k) => g.mostStable[k][x.m.config.method] ?? 0)),
      valueName: "share",
      title: `${where(g.model, g.task)}: how often each method is the most stable, per measure (over 1000 resamples of the seeds)`,
    }),
  }));
  return {
    paperFinding: escapeHtml(PAPER_CLAIMS.benchmark),
    ourFinding: `<p>${b.length ? `${b.map((g) => `${where(g.model, g.task)}: ${g.methods.length} methods, ${g.methods.map((x) => `${label(x.m.config.method)} ${x.m.runs.length} runs`).join(", ")}`).join("; ")}. Every value has its 95% bootstrap CI over seeds; rankings are compared in the Kendall section.` : "No Standard configuration."}</p>`,
    figures: [...figures, ...winFigures],
    tables: [
      tbl("Mean task metric and the six measures per method with 95% CIs (I_CKA and I_OP at the top layer)", rows, csv("benchmark", rows), { formats: { learningRate: { sig: 2 } } }),
      tbl("Share of resamples in which each method is the most stable", wins, csv("most_stable", wins)),
      tbl(`Does each method act? Same-seed RMS logit difference to Standard vs the difference between two Standard seeds (acts: ratio ≥ ${MIN_ACTION_RATIO})`, actionRows(actions), csv("method_action", actionRows(actions))),
    ],
  };
}

export function layersSection({ finding: f, data: l }: Computed<LayerExperiment>, csv: Csv): SectionBody {
  const figures: ReportFigure[] = l.panels.length
    ? [{
        spec: layerLinesGrid({
          panels: l.panels.map((p) => ({ title: where(p.model, p.task), series: p.series.map((s) => ({ name: s.measure, values: s.values, band: { lower: s.lower, upper: s.upper } })) })),
          layers: l.panels[0].layers,
          title: "Standard runs: mean over pairs ± SD over pairs",
          sharedY: false,
        }),
        caption: "Layer numbers are transformer blocks (1 = the lowest block; the embedding output is not used).",
      }]
    : [];
  if (l.methods.length) {
    figures.push({ spec: layerLinesGrid({ panels: l.methods.map((p) => ({ title: `${where(p.model, p.task)}: ${label(p.measure)}`, series: p.series.map((s) => ({ name: s.method, values: s.values })) })), layers: l.methods[0].layers, title: "Per method (method.md §8 NB4)", cols: 2, sharedY: false }) });
  }
  return section(f, figures, [tbl("Rise from layer 1 to the top layer with 95% CI over seeds", f.observed, csv("layers_summary", f.observed)), tbl("Per-layer values (Standard runs)", l.rows, csv("layers", l.rows))]);
}

export function convergentSection({ finding: f, data: c }: Computed<ConvergentValidity>, csv: Csv): SectionBody {
  const figures = c.panels.length ? [{ spec: heatmapGrid({ panels: c.panels.map((p) => ({ title: where(p.model, p.task), matrix: p.matrix })), names: c.names, valueName: "r", title: "Pearson r between layer curves (Standard runs)" }) }] : [];
  const extra = c.names.length > CURVE_MEASURES.length ? ` (the optional ${c.names.slice(CURVE_MEASURES.length).join(", ")} each with CKA, OP and SVCCA after the paper's three pairs; the verdict is about CKA~OP)` : "";
  return section(f, figures, [tbl(`Pearson r between the layer curves of two measures, with 95% CI over seeds${extra}`, f.observed, csv("convergent_validity", f.observed))]);
}

export function failedSection({ finding: f, data: sf }: Computed<SuccessfulVsFailed>, csv: Csv): SectionBody {
  const figures: { spec: FigureSpec; caption?: string }[] = sf.groups.map((g) => ({
    spec: groupComparison({
      measures: g.curves.map((c) => ({ measure: c.measure, groups: [{ name: "both successful", n: g.successful.length, values: c.successful }, { name: "both failed", n: g.failed.length, values: c.failed }] })),
      layers: g.layers,
      title: `${where(g.model, g.task)}, lr ${g.learningRate.toExponential()}: mean over both-successful and both-failed pairs (${g.successful.length} successful, ${g.failed.length} failed runs)`,
    }),
  }));
  for (const g of sf.groups) {
    if (!g.map) continue;
    const caption = `${where(g.model, g.task)}, lr ${g.learningRate.toExponential()}: the runs mapped by their CKA distances at the top block; failed runs (✕ in the map, marked in the heatmap) should stand apart.${g.map.notes.length ? ` ${g.map.notes.join("; ")}.` : ""}`;
    for (const spec of runMapFigures(g.map)) figures.push({ spec, caption });
  }
  return section(f, figures, [tbl("Failed runs per (model, task)", sf.counts, csv("failed_counts", sf.counts), { formats: { learningRate: { sig: 2 } } }), tbl("Per layer: group means, difference, effect sizes and permutation p", sf.rows, csv("successful_vs_failed", sf.rows))]);
}

export function kendallSection({ finding: f, data: tau }: Computed<{ panels: { model: string; task: string; methods: string[]; matrix: number[][] }[]; rows: Row[] }>, csv: Csv): SectionBody {
  const figures = tau.panels.length ? [{ spec: heatmapGrid({ panels: tau.panels.map((p) => ({ title: `${where(p.model, p.task)} (${p.methods.length} methods)`, matrix: p.matrix })), names: [...SIX_MEASURES], valueName: "τ", title: "Kendall's τ-b between method rankings" }) }] : [];
  return section(f, figures, [tbl("Kendall's τ-b between the rankings of two measures", tau.rows, csv("kendall_tau", tau.rows)), tbl("Granularity gap with 95% CI", f.observed, csv("kendall_gap", f.observed))]);
}

/** Whether a (model, task) has its methods at more than one learning rate (their panels then name it). */
const severalRates = (bs: Bootstrap) => bs.configs.some((c) => bs.configs.some((d) => d.model === c.model && d.task === c.task && d.method === c.method && d.learningRate !== c.learningRate));

export function bootstrapSection({ finding: f, data: bs }: Computed<Bootstrap>, csv: Csv): SectionBody {
  const figures: ReportFigure[] = bs.configs.length ? [{ spec: heatmapGrid({ panels: bs.configs.map((c) => ({ title: `${where(c.model, c.task)} ${label(c.method)}${severalRates(bs) ? ` lr ${c.learningRate.toExponential()}` : ""} (${c.runs} runs)`, matrix: c.matrix })), names: [...SIX_MEASURES], valueName: "r", title: `Pearson r across ${bs.resamples} resamples of the seeds`, cols: 3 }) }] : [];
  const std = bs.configs.find((c) => c.method === "standard") ?? bs.configs[0];
  if (std) {
    const groups = SIX_MEASURES.map((k) => ({ name: k, values: std.samples[k].filter(Number.isFinite) })).filter((g) => g.values.length > 0);
    if (groups.length) figures.push({ spec: bootstrapDistributions({ groups, kind: "histogram", cols: 3, valueName: "Instability", title: `${where(std.model, std.task)} ${label(std.method)}: the measures over ${bs.resamples} resamples` }) });
  }
  return section(f, figures, [tbl("Pearson r between two measures across resamples", bs.rows, csv("bootstrap_correlations", bs.rows)), tbl("Close vs far pairs per configuration", f.observed, csv("bootstrap_granularity", f.observed))]);
}

export function agreementSection({ finding: f, data: a }: Computed<SdAgreement>, csv: Csv): SectionBody {
  const figures = f.observed.filter((o) => Number.isFinite(o.r as number)).map((o) => {
    const points = a.points.filter((p) => p.model === o.model && Number.isFinite(p.z as number)).map((p) => ({ x: p.sd as number, y: p.z as number, group: String(p.measure), text: `${p.task} ${p.method} lr ${Number(p.learningRate).toExponential()}` }));
    const fit = linearFit(points.map((p) => p.x), points.map((p) => p.y));
    return {
      spec: regressionScatter({
        points,
        line: fit,
        title: `${label(String(o.model))}: SD vs standardised mean correlation`,
        caption: `r = ${fmt(o.r as number)} [${fmt(o.lower as number)}, ${fmt(o.upper as number)}] (CI over configurations), ${o.points} points from ${o.configurations} configurations: not independent`,
        xTitle: "SD",
      }),
    };
  });
  return section(f, figures, [tbl("Pearson r between SD and standardised agreement, CI over configurations", f.observed, csv("sd_agreement", f.observed)), tbl("Points", a.points, csv("sd_agreement_points", a.points))]);
}

export function subsamplingSection({ finding: f, data: s }: Computed<Subsampling>, csv: Csv): SectionBody {
  const figures = s.panels.length
    ? [{ spec: subsamplingGrid({ panels: s.panels.map((p) => ({ title: `${where(p.model, p.task)}, rate ${p.rate} (${p.examples} examples)`, curves: p.curves.map((c) => ({ measure: c.measure, repetitions: c.repetitions })), pred: p.pred })), layers: s.panels[0].layers, title: "Repetitions on random subsets of the test examples (Standard runs)" }) }]
    : [];
  return section(f, figures, [tbl("Largest deviation per measure vs its seed noise", f.observed as Row[], csv("subsampling_summary", f.observed as Row[])), tbl("Every repetition", s.rows, csv("subsampling", s.rows))]);
}
