// The reproduction report: every finding of method.md §6–§8 over one run store, as report
// sections (the paper's claim, the finding with its verdict and preconditions, figures, tables)
// plus the same tables as CSV and docs-style Markdown of the findings. A section whose analysis
// throws says so instead of failing the report.
import * as fs from "node:fs";
import * as path from "node:path";
import { computeSdAgreement, type SdAgreementOptions } from "../analysis/agreement";
import { computeBenchmark } from "../analysis/benchmark";
import { computeBootstrap, type Bootstrap, type BootstrapOptions } from "../analysis/bootstrap";
import { computeSuccessfulVsFailed, type FailureOptions } from "../analysis/failedRuns";
import * as F from "../analysis/findings";
import { RunStore } from "../analysis/store";
import { extraMeasureList } from "../analysis/extraMeasures";
import { computeSubsampling, type SubsamplingOptions } from "../analysis/subsampling";
import { computeConvergentValidity, computeLayerExperiment } from "../analysis/validity";
import type { KappaChance } from "../measures/fleissKappa";
import { escapeHtml } from "../runs/names";
import { writeCsvFiles } from "../viz/files";
import { writeReport, type Report, type ReportSection } from "../viz/report";
import type { Row } from "../viz/table";
import { findingsMarkdown } from "./findingHtml";
import * as S from "./sections";

export interface ReportOptions {
  title?: string;
  /** HTML under the title, e.g. the preset and the command line. */
  subtitle?: string;
  /** HTML at the bottom, e.g. timings and versions. */
  footer?: string;
  chance?: KappaChance;
  /**
   * Optional representation measures (any registered besides the paper's three, measures/registry.ts)
   * added to the convergent-validity section as extra rows and heatmap columns; default none.
   */
  measures?: readonly string[];
  bootstrap?: BootstrapOptions;
  subsampling?: SubsamplingOptions;
  failure?: FailureOptions;
  agreement?: SdAgreementOptions;
  /** Folder of the CSV files relative to the report, for links (default "tables"). */
  tablesDir?: string;
  log?: (line: string) => void;
}

export interface BuiltReport {
  report: Report;
  findings: F.Finding[];
  /** CSV name (without .csv) → rows. */
  tables: Record<string, Row[]>;
  /** Sections whose analysis threw (the report still renders them, with the message). */
  errors: { section: string; message: string }[];
}

/** The report's sections in order; the notebooks show the same ones (reportSection). */
export const SECTION_IDS = ["learning", "benchmark", "layers", "convergent", "failed", "kendall", "bootstrap", "agreement", "subsampling"] as const;
export type SectionId = (typeof SECTION_IDS)[number];

const SECTION_TITLES: Record<SectionId, string> = {
  learning: "Do the runs learn?",
  benchmark: "Benchmark of the mitigation methods",
  layers: "Does instability grow with depth?",
  convergent: "Do CKA and OP agree across layers?",
  failed: "Are failed runs less unstable than successful ones?",
  kendall: "Do measures of similar granularity rank the methods alike?",
  bootstrap: "Do measures of closer granularity correlate more across resamples?",
  agreement: "Do measures agree more where instability is larger?",
  subsampling: "Are the measures insensitive to sub-sampling the test half?",
};

type Csv = (name: string, rows: Row[]) => string;

/** One builder per section; shared intermediate results (bootstrap, benchmarks) are computed once. */
function sectionBuilders(store: RunStore, opts: ReportOptions, csv: Csv, keep: (f: F.Finding) => F.Finding): Record<SectionId, () => ReportSection> {
  let boot: Bootstrap | undefined;
  const bootstrap = () => (boot ??= computeBootstrap(store, { chance: store.options.chance, ...opts.bootstrap }));
  let benches: F.MethodBenchmark[] | undefined;
  const benchmarks = () => (benches ??= F.methodBenchmarks(store));
  return {
    learning: () => {
      const all = F.configurationLearning(store);
      return S.learningSection(keep(F.learningFinding(store, all)), all, csv);
    },
    benchmark: () => S.benchmarkSection(benchmarks(), F.methodActions(store), csv),
    layers: () => S.layersSection(keep(F.layersFinding(store)), computeLayerExperiment(store), csv),
    convergent: () => {
      const o = { measures: opts.measures };
      return S.convergentSection(keep(F.convergentFinding(store, o)), computeConvergentValidity(store, o), csv);
    },
    failed: () => {
      const sf = computeSuccessfulVsFailed(store, opts.failure);
      return S.failedSection(keep(F.failedFinding(store, opts.failure, sf)), sf, csv);
    },
    // The τ rows (measure pairs), not the benchmark's per-method rows, under the τ caption.
    kendall: () => {
      const b = computeBenchmark(store);
      return S.kendallSection(keep(F.kendallFinding(store, benchmarks())), { panels: b.panels, rows: b.tau }, csv);
    },
    bootstrap: () => S.bootstrapSection(keep(F.bootstrapFinding(store, bootstrap())), bootstrap(), csv),
    agreement: () => {
      const a = computeSdAgreement(bootstrap(), opts.agreement);
      return S.agreementSection(keep(F.agreementFinding(a)), a, csv);
    },
    subsampling: () => {
      const s = computeSubsampling(store, opts.subsampling);
      return S.subsamplingSection(keep(F.subsamplingFinding(store, s)), s, csv);
    },
  };
}

/** One section of the report, e.g. for a notebook cell: the paper's claim, the finding, figures and tables. */
export function reportSection(store: RunStore, id: SectionId, opts: Omit<ReportOptions, "chance"> = {}): { section: ReportSection; finding?: F.Finding } {
  if (!SECTION_IDS.includes(id)) throw new Error(`unknown report section '${id}'; use one of ${SECTION_IDS.join(", ")}`);
  extraMeasureList(opts.measures, "measures"); // a bad name is the caller's error, not a failed section
  let finding: F.Finding | undefined;
  const section = sectionBuilders(store, opts, (name) => `${name}.csv`, (f) => (finding = f))[id]();
  return { section, finding };
}

/** The findings these runs cannot decide whatever the seeds, up front, or "". */
function undecidableHtml(findings: F.Finding[]): string {
  const text = F.structuralSentence(findings);
  return text ? `<div class="undecidable" style="margin-top:.6em;padding:.5em .8em;border-left:4px solid #8a6d00;background:#fff8e1"><b>Undecidable here.</b> ${escapeHtml(text)}</div>` : "";
}

/** Runs every analysis on the store and assembles the report; nothing is written. */
export function buildReport(storeDir: string, opts: ReportOptions = {}): BuiltReport {
  extraMeasureList(opts.measures, "measures"); // a bad name is the caller's error, not a failed section
  const store = new RunStore(storeDir, { chance: opts.chance, log: opts.log });
  const tables: Record<string, Row[]> = {};
  const errors: BuiltReport["errors"] = [];
  const findings: F.Finding[] = [];
  const csv = (name: string, rows: Row[]) => {
    tables[name] = rows;
    return `${opts.tablesDir ?? "tables"}/${name}.csv`;
  };
  const safe = (id: string, title: string, build: () => ReportSection): ReportSection => {
    opts.log?.(`analysis: ${title}`);
    try {
      return build();
    } catch (err) {
      const message = (err as Error).message;
      errors.push({ section: title, message });
      opts.log?.(`analysis "${title}" failed: ${message}`);
      return { id, title, text: `<p><b>This analysis failed:</b> ${escapeHtml(message)}</p>` };
    }
  };
  const builders = sectionBuilders(store, opts, csv, (f) => (findings.push(f), f));
  const sections = SECTION_IDS.map((id) => safe(id, SECTION_TITLES[id], builders[id]));
  const kappaNote = `I<sub>κ</sub> uses the ${opts.chance === "uniform-over-items" ? "uniform-over-items chance term (P<sub>e</sub> = 1/N), as the reference numbers do" : "textbook chance term of Fleiss' κ; the paper's reference numbers behave like P<sub>e</sub> = 1/N (method.md §5.3)"}.`;
  const report: Report = {
    title: opts.title ?? "Measuring the instability of fine-tuning: reproduction report",
    subtitle: [opts.subtitle, `Run store: <code>${escapeHtml(path.resolve(storeDir))}</code>. ${kappaNote}`, undecidableHtml(findings)].filter(Boolean).join("<br>"),
    sections,
    footer: [opts.footer, `Paper: Du &amp; Nguyen, <i>Measuring the Instability of Fine-Tuning</i>, ACL 2023. ${escapeHtml(F.PAPER_CLAIMS.overview)}`].filter(Boolean).join("<br>"),
  };
  return { report, findings, tables, errors };
}

/** Builds the report and writes OUT/report.html, OUT/findings.md and OUT/tables/*.csv. */
export function writeAnalysisReport(storeDir: string, outDir: string, opts: ReportOptions & { findingsHeader?: string } = {}): { report: string; findings: string; csv: string[]; bytes: number; errors: BuiltReport["errors"]; verdicts: F.Finding[] } {
  const built = buildReport(storeDir, { ...opts, tablesDir: "tables" });
  const csv = writeCsvFiles(path.join(outDir, "tables"), built.tables);
  const file = path.join(outDir, "report.html");
  const bytes = writeReport(file, built.report);
  const md = path.join(outDir, "findings.md");
  fs.writeFileSync(md, findingsMarkdown(built.findings, opts.findingsHeader ?? "# Findings\n\nGenerated by `instability reproduce` from the runs in its store."));
  return { report: file, findings: md, csv, bytes, errors: built.errors, verdicts: built.findings };
}
