// A report section in a notebook cell: the same finding (verdict, sentence, preconditions), the
// same figures and the same tables as report.html, so a notebook never computes or words a
// finding of its own. `showFinding` alone renders one finding.
import type { Finding } from "../analysis/findings";
import type { RunStore } from "../analysis/store";
import { findingHtml } from "../report/findingHtml";
import { reportSection, type ReportOptions, type SectionId } from "../report/buildReport";
import { escapeHtml } from "../runs/names";
import { publish } from "./display";
import { show } from "./plotly";
import { showTable } from "./table";

/** Shows a finding: its verdict badge and sentence, the preconditions it checked, and its numbers. */
export function showFinding(f: Finding): void {
  const text = [`${f.title}: ${f.verdict}. ${f.sentence}`, ...f.gates.map((g) => `  ${g.ok ? "✓" : "✗"} ${g.name}: ${g.detail}`), ...f.notes].join("\n");
  publish({ "text/html": findingHtml(f, { observedTable: true }), "text/plain": text });
}

export interface ShowSectionOptions extends Omit<ReportOptions, "chance"> {
  /** Which parts to show (default all): the finding, the figures, the tables. */
  parts?: ("finding" | "figures" | "tables")[];
}

/** Shows one section of the report (see report/buildReport.ts SECTION_IDS) and returns its finding. */
export function showSection(store: RunStore, id: SectionId, opts: ShowSectionOptions = {}): Finding | undefined {
  const parts = new Set(opts.parts ?? ["finding", "figures", "tables"]);
  const { section, finding } = reportSection(store, id, opts);
  if (parts.has("finding")) {
    if (finding) showFinding(finding);
    else if (section.ourFinding) publish({ "text/html": section.ourFinding, "text/plain": section.ourFinding.replace(/<[^>]+>/g, "") });
    else if (section.text) publish({ "text/html": section.text, "text/plain": section.text.replace(/<[^>]+>/g, "") });
  }
  if (parts.has("figures")) for (const f of section.figures ?? []) show("spec" in f ? f.spec : f);
  if (parts.has("tables")) {
    for (const t of section.tables ?? []) {
      if (t.rows) showTable(t.rows, { caption: t.caption, ...t.options });
      else if (t.html) publish({ "text/html": `<p><b>${escapeHtml(t.caption)}</b></p>${t.html}`, "text/plain": t.caption });
    }
  }
  return finding;
}
