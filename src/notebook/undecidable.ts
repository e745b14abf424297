// "What these runs cannot decide, whatever the seeds", up front in a notebook: the structural
// preconditions of the findings a notebook shows (a layer-curve correlation needs 5 layers; SD vs
// agreement needs 10 configurations) and what decides them (the glue-small preset and its
// committed evidence). Nothing when every such precondition is met.
import { SectionInputs, structuralSentence } from "../analysis/findings";
import type { RunStore } from "../analysis/store";
import { sectionEntry, type SectionId } from "../report/sectionRegistry";
import { escapeHtml } from "../runs/names";
import { publish } from "./display";

/**
 * Shows which of the findings of `sections` (ids of the report's table of sections; default the
 * two with structural preconditions) these runs cannot decide whatever the number of seeds, with
 * the command and evidence that decide them; shows nothing when all can be.
 */
export function showUndecidable(store: RunStore, sections: SectionId[] = ["convergent", "agreement"]): void {
  // 50 resamples: the agreement's precondition counts configurations, not resamples.
  const inputs = new SectionInputs(store, { bootstrap: { resamples: 50 } });
  const text = structuralSentence(sections.flatMap((id) => sectionEntry(id).compute(inputs).finding ?? []));
  if (!text) return;
  const html = escapeHtml(text);
  publish({ "text/html": `<div style="padding:.5em .8em;border-left:4px solid #8a6d00;background:#fff8e1"><b>Undecidable here.</b> ${html}</div>`, "text/plain": `Undecidable here. ${text}` });
}
