// The reproduction report: every finding of method.md §6–§8 over one run store, as report
// sections (the paper's claim, the finding with its verdict and preconditions, figures, tables)
// plus the same tables as CSV and docs-style Markdown of the findings. A section whose analysis
// throws says so instead of failing the report.
import * as fs from "node:fs";
import * as path from "node:path";
import * as F from "../analysis/findings";
import { RunStore } from "../analysis/store";
import { extraMeasureList } from "../analysis/extraMeasures";
import type { KappaChance } from "../measures/fleissKappa";
import { escapeHtml } from "../runs/names";
import { writeCsvFiles } from "../viz/files";
import { writeReport, type Report, type ReportSection } from "../viz/report";
import type { Row } from "../viz/table";
import { findingsMarkdown } from "./findingHtml";
import { renderSection, sectionEntry, SECTIONS, type ReportSectionEntry, type SectionId } from "./sectionRegistry";

export interface ReportOptions extends F.FindingsOptions {
  title?: string;
  /** HTML under the title, e.g. the preset and the command line. */
  subtitle?: string;
  /** HTML at the bottom, e.g. timings and versions. */
  footer?: string;
  chance?: KappaChance;
  /** The sections, in order (default every section of the table, sectionRegistry.ts). */
  sections?: readonly ReportSectionEntry[];
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

/** One section of the report, e.g. for a notebook cell: the paper's claim, the finding, figures and tables. */
export function reportSection(store: RunStore, id: SectionId, opts: Omit<ReportOptions, "chance"> = {}): { section: ReportSection; finding?: F.Finding } {
  const entry = sectionEntry(id, opts.sections);
  extraMeasureList(opts.measures, "measures"); // a bad name is the caller's error, not a failed section
  let finding: F.Finding | undefined;
  const section = renderSection(entry, new F.SectionInputs(store, opts), (name) => `${name}.csv`, (f) => (finding = f));
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
  const inputs = new F.SectionInputs(store, opts);
  const sections = (opts.sections ?? SECTIONS).map((entry) => safe(entry.id, entry.title, () => renderSection(entry, inputs, csv, (f) => findings.push(f))));
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
