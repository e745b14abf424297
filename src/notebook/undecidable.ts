// "What these runs cannot decide, whatever the seeds", up front in a notebook: the structural
// preconditions of the findings a notebook shows (a layer-curve correlation needs 5 layers; SD vs
// agreement needs 10 configurations) and what decides them (the glue-small preset and its
// committed evidence). Nothing when every such precondition is met.
import { computeBootstrap } from "../analysis/bootstrap";
import { computeSdAgreement } from "../analysis/agreement";
import { agreementFinding, convergentFinding, structuralSentence, type Finding } from "../analysis/findings";
import type { RunStore } from "../analysis/store";
import { escapeHtml } from "../runs/names";
import { publish } from "./display";

const CHECKS: Record<"convergent" | "agreement", (store: RunStore) => Finding> = {
  convergent: (store) => convergentFinding(store),
  agreement: (store) => agreementFinding(computeSdAgreement(computeBootstrap(store, { resamples: 50 }))),
};

/**
 * Shows which of `findings` these runs cannot decide whatever the number of seeds (default both
 * that can be), with the command and evidence that decide them; shows nothing when all can be.
 */
export function showUndecidable(store: RunStore, findings: (keyof typeof CHECKS)[] = ["convergent", "agreement"]): void {
  const text = structuralSentence(findings.map((id) => CHECKS[id](store)));
  if (!text) return;
  const html = escapeHtml(text);
  publish({ "text/html": `<div style="padding:.5em .8em;border-left:4px solid #8a6d00;background:#fff8e1"><b>Undecidable here.</b> ${html}</div>`, "text/plain": `Undecidable here. ${text}` });
}
