// The one table of finding sections: the report's sections in order, each a finding's section
// (id, title, compute: analysis/findings/<finding>.ts) joined with its rendering (sections.ts).
// The report, findings.md, the notebooks' sections (notebook/section.ts) and computeFindings all
// read this table; adding a finding is its files and one line here. The join lives in report/
// because analysis draws nothing (ARCHITECTURE.md).
import * as F from "../analysis/findings";
import type { FindingSection, SectionInputs, SectionResult } from "../analysis/findings";
import type { RunStore } from "../analysis/store";
import type { ReportSection } from "../viz/report";
import * as S from "./sections";

export interface ReportSectionEntry<Id extends string = string, R extends SectionResult = SectionResult> extends FindingSection<Id, R> {
  render(result: R, csv: S.Csv): S.SectionBody;
}

/** A finding's section with its rendering: one entry of the table. */
export function reportEntry<Id extends string, R extends SectionResult>(section: FindingSection<Id, R>, render: (result: R, csv: S.Csv) => S.SectionBody): ReportSectionEntry<Id, R> {
  return { ...section, render };
}

/** The report's sections, in the report's order (method.md §2–§7). */
export const REPORT_SECTIONS = [
  reportEntry(F.learningSection, S.learningSection),
  reportEntry(F.benchmarkSection, S.benchmarkSection),
  reportEntry(F.layersSection, S.layersSection),
  reportEntry(F.convergentSection, S.convergentSection),
  reportEntry(F.failedSection, S.failedSection),
  reportEntry(F.kendallSection, S.kendallSection),
  reportEntry(F.bootstrapSection, S.bootstrapSection),
  reportEntry(F.agreementSection, S.agreementSection),
  reportEntry(F.subsamplingSection, S.subsamplingSection),
] as const;

export type SectionId = (typeof REPORT_SECTIONS)[number]["id"];

export const SECTION_IDS: readonly SectionId[] = REPORT_SECTIONS.map((s) => s.id);

/** The table as entries of any section (what code that computes and renders them in turn holds). */
export const SECTIONS: readonly ReportSectionEntry[] = REPORT_SECTIONS;

/** The entry of `id`; an unknown id is an error naming the known ones. */
export function sectionEntry(id: string, sections: readonly ReportSectionEntry[] = SECTIONS): ReportSectionEntry {
  const entry = sections.find((s) => s.id === id);
  if (!entry) throw new Error(`unknown report section '${id}'; use one of ${sections.map((s) => s.id).join(", ")}`);
  return entry;
}

/** A section computed and rendered under its heading; its finding, if it has one. */
export function renderSection(entry: ReportSectionEntry, inputs: SectionInputs, csv: S.Csv, keep: (f: F.Finding) => void = () => {}): ReportSection {
  const result = entry.compute(inputs);
  if (result.finding) keep(result.finding); // kept even when rendering fails
  return { id: entry.id, title: entry.title, ...entry.render(result, csv) };
}

/** Every finding of the report's sections on one store, in the report's order (nothing rendered). */
export function computeFindings(store: RunStore, options: F.FindingsOptions = {}, sections: readonly ReportSectionEntry[] = SECTIONS): F.Finding[] {
  const inputs = new F.SectionInputs(store, options);
  return sections.flatMap((s) => s.compute(inputs).finding ?? []);
}
