// Fleiss' kappa with the runs as raters and the examples as subjects; I_κ = 1 − κ (method.md
// §5.3). The textbook chance term P_e = Σ_j p_j² is the default. The reference numbers of the
// paper behave as if P_e = 1/N ("uniform-over-items"), under which I_κ = I_pwd·N/(N−1) exactly;
// that variant is offered so those numbers can be matched.
import type { MeasureDefinition } from "./measureDefinition";

export type KappaChance = "textbook" | "uniform-over-items";

export interface FleissKappaOptions {
  chance?: KappaChance;
  /** Subjects to use (default all); sub-sampling analyses pass a subset. */
  examples?: ArrayLike<number>;
}

/**
 * Fleiss' κ of the raters' labels. `raters` may list the same run several times (a bootstrap
 * resample): each copy is a separate rater. When every rater gives the same single class to every
 * subject, P̄ = P_e = 1 and κ is 0/0; it is defined as 1 (perfect agreement, I_κ = 0), because
 * identical runs must have zero instability.
 */
export function fleissKappa(raters: ArrayLike<number>[], numClasses: number, opts: FleissKappaOptions = {}): number {
  const r = raters.length;
  if (r < 2) throw new RangeError(`Fleiss' kappa needs at least 2 raters (runs), got ${r}`);
  const n = raters[0].length;
  for (const p of raters) if (p.length !== n) throw new RangeError("raters must label the same number of subjects");
  const count = opts.examples ? opts.examples.length : n;
  if (count === 0) throw new RangeError("Fleiss' kappa over zero subjects");
  const totals = new Float64Array(numClasses);
  const counts = new Float64Array(numClasses);
  let sumP = 0;
  for (let t = 0; t < count; t++) {
    const i = opts.examples ? opts.examples[t] : t;
    counts.fill(0);
    for (let a = 0; a < r; a++) {
      const c = raters[a][i];
      if (!(c >= 0 && c < numClasses)) throw new RangeError(`class ${c} of rater ${a}, subject ${i} is outside [0, ${numClasses})`);
      counts[c]++;
    }
    let sq = 0;
    for (let c = 0; c < numClasses; c++) {
      sq += counts[c] * counts[c];
      totals[c] += counts[c];
    }
    sumP += (sq - r) / (r * (r - 1));
  }
  const pBar = sumP / count;
  const chance = opts.chance ?? "textbook";
  let pe: number;
  if (chance === "uniform-over-items") {
    if (count < 2) throw new RangeError("the uniform-over-items chance term needs at least 2 subjects");
    pe = 1 / count;
  } else if (chance === "textbook") {
    pe = 0;
    for (let c = 0; c < numClasses; c++) pe += (totals[c] / (count * r)) ** 2;
    // P_e = 1 only when every rating is the same class, which forces P̄ = 1 too.
    if (pe >= 1 - 1e-15) return 1;
  } else {
    throw new RangeError(`unknown chance term '${chance as string}' (use textbook or uniform-over-items)`);
  }
  return (pBar - pe) / (1 - pe);
}

export const KAPPA_MEASURE: MeasureDefinition = {
  id: "kappa",
  label: { html: "I<sub>κ</sub>", plain: "I_κ" },
  aliases: ["κ", "fleissKappa"],
  paper: { name: "1 − Fleiss' kappa", rank: 3 },
  help: "1 − Fleiss' kappa of the runs' predictions",
};
