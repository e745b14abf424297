// The layers experiment (method.md §6.2): does representation instability grow with depth? Per
// Standard configuration, the rise from layer 1 to the top layer of I_CKA and I_OP with its
// bootstrap CI over seeds. Holds when every rise is above 0 with its whole CI.
import { label } from "../../runs/names";
import type { Row } from "../../util/row";
import { configurationName, type ConfigMeasures, type RunStore } from "../store";
import { decideText, distinctPairMean, seedCi, type Ci } from "./ci";
import { finding, fmtCi, type Finding, type Gate } from "./finding";
import { standardRuns } from "./gates";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection } from "./findingSection";
import { computeLayerExperiment } from "../validity";

export const layersSection = findingSection({
  id: "layers",
  title: "Does instability grow with depth?",
  compute: ({ store }) => {
    const finding = layersFinding(store);
    return { finding, data: computeLayerExperiment(store) };
  },
});

const RISING = ["cka", "op"] as const;

/** Top-layer minus layer-1 pair mean of a representation measure, with its CI over seeds. */
export function layerRise(m: ConfigMeasures, measure: "cka" | "op" | "svcca"): Ci {
  const mats = m.representation!.matrices[measure];
  const R = m.runs.length;
  const runs = m.runs.map((_, i) => i);
  return seedCi(runs, (d) => distinctPairMean(mats[mats.length - 1], R, d) - distinctPairMean(mats[0], R, d), `rise:${configurationName(m.config)}:${measure}`);
}

export function layersFinding(store: RunStore): Finding {
  const gates: Gate[] = [];
  const observed: Row[] = [];
  const degenerate: string[] = [];
  const rises: { what: string; measure: string; ci: Ci }[] = [];
  for (const { model, task, what, m } of standardRuns(store, gates, degenerate)) {
    const hasCurves = !!m.representation && m.layers.length >= 2;
    gates.push({ name: "hidden states of at least 2 layers", ok: hasCurves, detail: `${what}: ${m.layers.length} layer(s)${m.representation ? "" : ", no hidden.npy"}` });
    if (!hasCurves) continue;
    for (const measure of ["cka", "op", "svcca"] as const) {
      if (!m.representation!.measures.includes(measure)) continue;
      const curve = m.curves![measure];
      const ci = layerRise(m, measure);
      observed.push({ model, task, measure, runs: m.runs.length, layers: m.layers.length, layer1: curve[0], top: curve[curve.length - 1], rise: ci.value, riseLower: ci.lower, riseUpper: ci.upper });
      if ((RISING as readonly string[]).includes(measure)) rises.push({ what: `${model}/${task}`, measure, ci });
    }
  }
  if (gates.length === 0) gates.push({ name: "Standard runs", ok: false, detail: "no Standard configuration with at least 2 runs" });
  return finding(
    { id: layersSection.id, title: layersSection.title, section: "method.md §6.2 (NB9)", paper: PAPER_CLAIMS.layers, observed, gates, notes: ["Rise = top-layer minus layer-1 mean over pairs; CI: bootstrap over seeds, pairs of distinct runs only.", ...degenerate] },
    () => {
      const text = rises.map((r) => `${label(r.measure, "plain")} ${r.what} rises by ${fmtCi(r.ci)}`).join("; ");
      const up = rises.filter((r) => r.ci.lower > 0);
      const down = rises.filter((r) => r.ci.upper < 0);
      if (rises.length > 0 && up.length === rises.length) return { verdict: "holds", reason: `every CKA/OP rise is above 0 with its CI (${text})`, sentence: `Instability grows with depth here: from layer 1 to the top layer, ${text}.` };
      if (down.length > 0) return { verdict: "does not hold", reason: `falls with its whole CI below 0: ${down.map((r) => `${label(r.measure, "plain")} ${r.what}`).join(", ")}`, sentence: `Instability does not grow with depth here: ${text}.` };
      const needs = rises.filter((r) => r.ci.lower <= 0).map((r) => `${label(r.measure, "plain")} ${r.what}: ${decideText(r.ci)}`).join("; ");
      return { verdict: "not enough evidence", reason: `${rises.length - up.length} of ${rises.length} CIs of the rise include 0 (${text})`, sentence: `Not enough evidence: the rise from layer 1 to the top is within noise for ${rises.length - up.length} of ${rises.length} curves (${text}); ${needs}.` };
    },
  );
}
