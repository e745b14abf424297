// I_JSD: the Jensen–Shannon divergence between two runs' predicted distributions, natural log
// (range [0, ln 2]), the divergence itself and not its square root, averaged over examples and
// then over pairs (method.md §5.4). 0·log 0 is taken as 0.
import { pairMatrix, pairMean } from "./pairs";
import type { MeasureDefinition } from "./measureDefinition";

function klTerm(p: number, m: number): number {
  return p > 0 ? p * Math.log(p / m) : 0;
}

/** Mean JSD over `examples` between probability rows p and q ([n, C] row-major). */
export function jensenShannonDivergence(p: Float64Array, q: Float64Array, numClasses: number, examples?: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`probability arrays differ in length (${p.length} vs ${q.length})`);
  const n = p.length / numClasses;
  const count = examples ? examples.length : n;
  if (count === 0) throw new RangeError("JSD over zero examples");
  let total = 0;
  for (let t = 0; t < count; t++) {
    total += exampleJensenShannon(p, q, (examples ? examples[t] : t) * numClasses, numClasses);
  }
  return total / count;
}

/** JSD between the rows of p and q that start at `offset` (one example's distributions). */
export function exampleJensenShannon(p: Float64Array, q: Float64Array, offset: number, numClasses: number): number {
  let js = 0;
  for (let c = 0; c < numClasses; c++) {
    const a = p[offset + c];
    const b = q[offset + c];
    const m = 0.5 * (a + b);
    js += 0.5 * klTerm(a, m) + 0.5 * klTerm(b, m);
  }
  return js;
}

/** R×R matrix of mean JSDs between the runs' softmax outputs. */
export function jensenShannonMatrix(probs: Float64Array[], numClasses: number, examples?: ArrayLike<number>): Float64Array {
  return pairMatrix(probs.length, (a, b) => jensenShannonDivergence(probs[a], probs[b], numClasses, examples));
}

/** I_JSD: mean over all unordered pairs of the per-pair mean JSD. */
export function pairwiseJensenShannon(probs: Float64Array[], numClasses: number, examples?: ArrayLike<number>): number {
  return pairMean(jensenShannonMatrix(probs, numClasses, examples), probs.length);
}

export const JSD_MEASURE: MeasureDefinition = {
  id: "jsd",
  label: { html: "I<sub>JSD</sub>", plain: "I_JSD" },
  aliases: ["js", "pairwiseJsd"],
  paper: { name: "Jensen–Shannon divergence", rank: 4 },
  help: "Jensen–Shannon divergence of two runs' predicted distributions, mean over pairs",
};
