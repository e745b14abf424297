// The reproduction report: every analysis of method.md §6–§8 over one run store, as report
// sections (figures, tables, what the paper found and what this run found) plus the same tables
// as CSV. A section whose inputs are missing says why instead of failing the report.
import * as path from "node:path";
import { escapeHtml } from "../viz/labels";
import { writeReport, type Report, type ReportSection } from "../viz/report";
import { writeCsvFiles } from "../viz/files";
import type { Row } from "../viz/table";
import type { KappaChance } from "../measures/fleissKappa";
import { computeSdAgreement } from "./agreement";
import { computeBenchmark } from "./benchmark";
import { computeBootstrap, type BootstrapOptions } from "./bootstrap";
import { computeSuccessfulVsFailed, type FailureOptions } from "./failedRuns";
import { PAPER_FINDINGS } from "./paperFindings";
import * as S from "./reportSections";
import { RunStore } from "./store";
import { computeSubsampling, type SubsamplingOptions } from "./subsampling";
import { computeConvergentValidity, computeLayerExperiment } from "./validity";

export interface ReportOptions {
  title?: string;
  /** HTML under the title, e.g. the preset and the command line. */
  subtitle?: string;
  /** HTML at the bottom, e.g. timings and versions. */
  footer?: string;
  chance?: KappaChance;
  bootstrap?: BootstrapOptions;
  subsampling?: SubsamplingOptions;
  failure?: FailureOptions;
  /** Folder of the CSV files relative to the report, for links (default "tables"). */
  tablesDir?: string;
  log?: (line: string) => void;
}

export interface BuiltReport {
  report: Report;
  /** CSV name (without .csv) → rows. */
  tables: Record<string, Row[]>;
  /** Sections whose analysis threw (the report still renders them, with the message). */
  errors: { section: string; message: string }[];
}

/** Runs every analysis on the store and assembles the report; nothing is written. */
export function buildReport(storeDir: string, opts: ReportOptions = {}): BuiltReport {
  const store = new RunStore(storeDir, { chance: opts.chance, log: opts.log });
  const tables: Record<string, Row[]> = {};
  const errors: BuiltReport["errors"] = [];
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
  let boot: ReturnType<typeof computeBootstrap> | undefined;
  const sections: ReportSection[] = [
    safe("store", "Runs analysed", () => S.overviewSection(store, csv)),
    safe("benchmark", "Benchmark of the mitigation methods", () => S.benchmarkSection(computeBenchmark(store), csv)),
    safe("convergent", "Convergent validity: do the representation measures agree?", () => S.convergentSection(computeConvergentValidity(store), csv)),
    safe("layers", "Concurrent validity: instability by layer", () => S.layersSection(computeLayerExperiment(store), csv)),
    safe("failed", "Concurrent validity: successful vs failed runs", () => S.failedSection(computeSuccessfulVsFailed(store, opts.failure), csv)),
    safe("kendall", "Consistency: do the measures rank the methods alike?", () => S.kendallSection(computeBenchmark(store), csv)),
    safe("bootstrap", "Consistency: bootstrapping the seeds", () => {
      boot = computeBootstrap(store, { chance: opts.chance, ...opts.bootstrap });
      return S.bootstrapSection(boot, csv);
    }),
    safe("agreement", "Consistency: instability level vs agreement between measures", () => {
      boot ??= computeBootstrap(store, { chance: opts.chance, ...opts.bootstrap });
      return S.agreementSection(computeSdAgreement(boot), csv);
    }),
    safe("subsampling", "Insensitivity to sub-sampling the test examples", () => S.subsamplingSection(computeSubsampling(store, opts.subsampling), csv)),
  ];
  const kappaNote = `I<sub>κ</sub> uses the ${opts.chance === "uniform-over-items" ? "uniform-over-items chance term (P<sub>e</sub> = 1/N), as the reference numbers do" : "textbook chance term of Fleiss' κ; the paper's reference numbers behave like P<sub>e</sub> = 1/N (method.md §5.3)"}.`;
  const report: Report = {
    title: opts.title ?? "Measuring the instability of fine-tuning: reproduction report",
    subtitle: [opts.subtitle, `Run store: <code>${escapeHtml(path.resolve(storeDir))}</code>. ${kappaNote}`].filter(Boolean).join("<br>"),
    sections,
    footer: [opts.footer, `Paper: Du &amp; Nguyen, <i>Measuring the Instability of Fine-Tuning</i>, ACL 2023. ${PAPER_FINDINGS.overview}`].filter(Boolean).join("<br>"),
  };
  return { report, tables, errors };
}

/** Builds the report and writes OUT/report.html and OUT/tables/*.csv; returns what was written. */
export function writeAnalysisReport(storeDir: string, outDir: string, opts: ReportOptions = {}): { report: string; csv: string[]; bytes: number; errors: BuiltReport["errors"] } {
  const built = buildReport(storeDir, { ...opts, tablesDir: "tables" });
  const csv = writeCsvFiles(path.join(outDir, "tables"), built.tables);
  const file = path.join(outDir, "report.html");
  const bytes = writeReport(file, built.report);
  return { report: file, csv, bytes, errors: built.errors };
}
