// Where the findings that a small store cannot decide (too few layers, too few configurations)
// are decided: the real-model preset and its committed evidence, named once for the report,
// findings.md and the notebooks.
import { structuralGaps, type Finding } from "./finding";

export const REAL_MODEL_EVIDENCE = {
  preset: "glue-small",
  command: "npx instability reproduce --preset glue-small --model DIR --model-name all-MiniLM-L6-v2 --glue-dir DIR",
  /** Relative to the repository root. */
  folder: "docs/evidence/glue-small-minilm",
};

/** One paragraph saying which findings these runs cannot decide whatever the seeds, and what does; "" when none. */
export function structuralSentence(findings: Finding[]): string {
  const gaps = structuralGaps(findings);
  if (gaps.length === 0) return "";
  const list = gaps.map(({ finding, gate }) => `"${finding.title}" (${gate.detail}: ${gate.structural})`).join("; ");
  return (
    `These runs cannot decide ${gaps.length === 1 ? "one finding" : `${gaps.length} findings`} whatever the number of seeds: ${list}. ` +
    `The ${REAL_MODEL_EVIDENCE.preset} preset on a real 6-layer checkpoint (all-MiniLM-L6-v2) is sized to meet these preconditions (${REAL_MODEL_EVIDENCE.command}); ` +
    `its runs' findings are committed in ${REAL_MODEL_EVIDENCE.folder}/findings.md.`
  );
}
