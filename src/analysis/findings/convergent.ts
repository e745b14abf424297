// Convergent validity (method.md §6.1): do I_CKA and I_OP agree across layers, with I_SVCCA the
// odd one out? Per Standard configuration, Pearson r between the layer curves with a bootstrap CI
// over seeds (the curves are recomputed on each resample of runs).
import type { RepresentationMeasure } from "../../measures/representation";
import type { Row } from "../../util/row";
import { pearson } from "../stats";
import { configurationName, type ConfigMeasures, type RunStore } from "../store";
import { distinctPairMean, seedCi, type Ci } from "./ci";
import { finding, fmtCi, type Finding, type Gate } from "./finding";
import { countGate, standardRuns } from "./gates";
import { PAPER_CLAIMS } from "./paperClaims";
import { extraMeasureList } from "../extraMeasures";
import { computeConvergentValidity, CONVERGENT_PAIRS, extraPairs, standardMatrices, type ConvergentOptions } from "../validity";
import { findingSection } from "./findingSection";

export const convergentSection = findingSection({
  id: "convergent",
  title: "Do CKA and OP agree across layers?",
  compute: ({ store, options }) => {
    const o = { measures: options.measures };
    const finding = convergentFinding(store, o);
    return { finding, data: computeConvergentValidity(store, o) };
  },
});

/** A correlation between curves of L points: below this many layers it says little. */
export const MIN_LAYERS_FOR_CORRELATION = 5;
/** "Agree": r at least this (the paper's lowest CKA~OP, .78, rounded down). */
export const AGREE_R = 0.7;

function curveCorrelation(m: ConfigMeasures, matrices: Record<RepresentationMeasure, Float64Array[]>, a: RepresentationMeasure, b: RepresentationMeasure): Ci {
  const R = m.runs.length;
  const curve = (k: RepresentationMeasure, d: number[]) => matrices[k].map((mat) => distinctPairMean(mat, R, d));
  return seedCi(m.runs.map((_, i) => i), (d) => pearson(curve(a, d), curve(b, d)), `convergent:${configurationName(m.config)}:${a}~${b}`);
}

/**
 * The verdict is about CKA~OP (the paper's claim). With `o.measures`, each extra measure's r with
 * CKA, OP and SVCCA joins the observed rows (pair "pwcca~cka", …) as extra evidence; it does not
 * change the verdict.
 */
export function convergentFinding(store: RunStore, o: ConvergentOptions = {}): Finding {
  const extra = extraMeasureList(o.measures, "convergent finding: measures");
  const gates: Gate[] = [];
  const observed: Row[] = [];
  const degenerate: string[] = [];
  const ckaOp: { what: string; ci: Ci; svcca: number }[] = [];
  for (const { model, task, what, m } of standardRuns(store, gates, degenerate)) {
    const depth = m.representation ? m.layers.length : 0;
    gates.push(countGate("enough layers for a correlation of curves", what, depth, MIN_LAYERS_FOR_CORRELATION, "layers (points per curve)", depth > 0 ? `the model has ${depth} layers; a deeper model decides it` : undefined));
    if (!m.representation || m.layers.length < 3) continue;
    const matrices = standardMatrices(store, m, extra);
    const pairs = [...CONVERGENT_PAIRS, ...extraPairs(extra)];
    const cis = pairs.filter(([a, b]) => matrices[a] && matrices[b]).map(([a, b]) => ({ a, b, ci: curveCorrelation(m, matrices, a, b) }));
    for (const { a, b, ci } of cis) observed.push({ model, task, pair: `${a}~${b}`, runs: m.runs.length, layers: m.layers.length, r: ci.value, ciLower: ci.lower, ciUpper: ci.upper });
    const co = cis.find((c) => c.a === "cka" && c.b === "op");
    if (co) ckaOp.push({ what: `${model}/${task}`, ci: co.ci, svcca: Math.max(...cis.filter((c) => c.b === "svcca" && !extra.includes(c.a)).map((c) => c.ci.value)) });
  }
  if (gates.length === 0) gates.push({ name: "Standard runs", ok: false, detail: "no Standard configuration with at least 2 runs" });
  return finding(
    {
      id: convergentSection.id,
      title: convergentSection.title,
      section: "method.md §6.1 (NB8)",
      paper: PAPER_CLAIMS.convergent,
      observed,
      gates,
      notes: [`Thresholds chosen here: agree = r ≥ ${AGREE_R} with a CI above 0; a curve needs ≥ ${MIN_LAYERS_FOR_CORRELATION} layers. The layers of one run are not independent points, so r is descriptive.`, ...degenerate],
    },
    () => {
      const text = ckaOp.map((c) => `${c.what} CKA~OP r = ${fmtCi(c.ci)}`).join("; ");
      const agree = ckaOp.filter((c) => c.ci.value >= AGREE_R && c.ci.lower > 0);
      const disagree = ckaOp.filter((c) => c.ci.upper < AGREE_R);
      if (ckaOp.length && agree.length === ckaOp.length) {
        const odd = ckaOp.filter((c) => c.svcca < c.ci.value).length;
        return { verdict: "holds", reason: text, sentence: `CKA and OP agree across layers here (${text}); SVCCA agrees less with them in ${odd} of ${ckaOp.length}.` };
      }
      if (disagree.length) return { verdict: "does not hold", reason: text, sentence: `CKA and OP do not agree across layers in ${disagree.length} of ${ckaOp.length} model/task pairs (${text}).` };
      return { verdict: "not enough evidence", reason: `the CIs are too wide to decide (${text})`, sentence: `Not enough evidence: ${text}.` };
    },
  );
}
