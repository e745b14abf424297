// I_pwd: the share of examples on which two runs predict different labels, averaged over pairs
// (method.md §5.2).
import { pairMatrix, pairMean } from "./pairs";
import { allExamples } from "./taskMetrics";
import type { MeasureDefinition } from "./measureDefinition";

/** d_ab = (1/N)·Σ_i 1[ŷ_a(i) ≠ ŷ_b(i)] over `examples` (default all). */
export function disagreementRate(a: ArrayLike<number>, b: ArrayLike<number>, examples?: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`prediction lists differ in length (${a.length} vs ${b.length})`);
  const idx = examples ?? allExamples(a.length);
  if (idx.length === 0) throw new RangeError("disagreement over zero examples");
  let diff = 0;
  for (let t = 0; t < idx.length; t++) if (a[idx[t]] !== b[idx[t]]) diff++;
  return diff / idx.length;
}

/** R×R matrix of disagreement rates between the runs' predictions. */
export function pairwiseDisagreementMatrix(preds: ArrayLike<number>[], examples?: ArrayLike<number>): Float64Array {
  return pairMatrix(preds.length, (a, b) => disagreementRate(preds[a], preds[b], examples));
}

/** I_pwd: the mean disagreement rate over all unordered pairs of runs. */
export function pairwiseDisagreement(preds: ArrayLike<number>[], examples?: ArrayLike<number>): number {
  return pairMean(pairwiseDisagreementMatrix(preds, examples), preds.length);
}

export const PWD_MEASURE: MeasureDefinition = {
  id: "pwd",
  label: { html: "I<sub>pwd</sub>", plain: "I_pwd" },
  aliases: ["pairwiseDisagreement", "disagreement"],
  paper: { name: "pairwise disagreement", rank: 2 },
  help: "share of test examples two runs predict differently, mean over pairs",
};
