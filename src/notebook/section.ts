// A report section in a notebook cell: the same finding (verdict, sentence, preconditions), the
// same figures and the same tables as report.html, so a notebook never computes or words a
// finding of its own. `showFinding` alone renders one finding.
import type { Finding } from "../analysis/findings";
import type { RunStore } from "../analysis/store";
import { findingHtml } from "../report/findingHtml";
import { reportSection, type ReportOptions } from "../report/buildReport";
import type { SectionId } from "../report/sectionRegistry";
import { escapeHtml } from "../runs/names";
import { publish } from "./display";
import { show } from "./plotly";
import { cellStatus } from "./progress";
import { tableText } from "./table";
import { tableHtml as vizTableHtml } from "../viz/table";

/** Shows a finding: its verdict badge and sentence, the preconditions it checked, and its numbers. */
export function showFinding(f: Finding): void {
  const text = [`${f.title}: ${f.verdict}. ${f.sentence}`, ...f.gates.map((g) => `  ${g.ok ? "✓" : "✗"} ${g.name}: ${g.detail}`), ...f.notes].join("\n");
  publish({ "text/html": findingHtml(f, { observedTable: true }), "text/plain": text });
}

export interface ShowSectionOptions extends Omit<ReportOptions, "chance"> {
  /** Which parts to show (default all): the finding, the figures, the tables. */
  parts?: ("finding" | "figures" | "tables")[];
}

/**
 * Shows one section of the report (`id`: one of notebook.SECTION_IDS, the report's table of
 * sections, report/sectionRegistry.ts). Returns nothing, so a cell shows the section and not its
 * finding object as text; the objects are `notebook.computeFindings(store)`, or one of them, e.g.
 * `analysis.findings.layersFinding(store)`. Measuring configurations that are not yet measured
 * shows one status display, updated in place, when it takes a second or more.
 */
export function showSection(store: RunStore, id: SectionId, opts: ShowSectionOptions = {}): void {
  const parts = new Set(opts.parts ?? ["finding", "figures", "tables"]);
  const status = cellStatus({ verb: "measuring", doneVerb: "measured", unit: "configurations" });
  const { section, finding } = store.whileMeasuring((name) => status.step(name), () => reportSection(store, id, opts));
  status.finish();
  if (parts.has("finding")) {
    if (finding) showFinding(finding);
    else if (section.ourFinding) publish({ "text/html": section.ourFinding, "text/plain": section.ourFinding.replace(/<[^>]+>/g, "") });
    else if (section.text) publish({ "text/html": section.text, "text/plain": section.text.replace(/<[^>]+>/g, "") });
  }
  if (parts.has("figures")) for (const f of section.figures ?? []) show("spec" in f ? f.spec : f);
  if (parts.has("tables")) {
    for (const t of section.tables ?? []) {
      // The report's own table (its column formats, headers and the paper's names), styled for a cell.
      if (t.rows) publish({ "text/html": vizTableHtml(t.rows, { ...t.options, caption: escapeHtml(t.caption), inlineAlign: true, className: "instability-lab-table" }), "text/plain": tableText(t.rows, { caption: t.caption }) });
      else if (t.html) {
        // Too long for a page (report/sections.ts says "see the CSV file"); a notebook has no CSV beside it.
        const where = t.csv ? `instability reproduce writes them to out/reproduce/tables/${t.csv.replace(/^.*\//, "")}.` : "they are in the report's CSV files.";
        const html = t.html.replace("see the CSV file.", escapeHtml(where));
        publish({ "text/html": `<p><b>${escapeHtml(t.caption)}</b></p>${html}`, "text/plain": `${t.caption}: ${html.replace(/<[^>]+>/g, "")}` });
      }
    }
  }
}
