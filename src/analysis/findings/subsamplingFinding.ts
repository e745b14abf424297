// Insensitivity to sub-sampling (method.md §7.4): at a rate of 0.5, do the Standard runs'
// measures stay within their own seed noise? Each measure's largest deviation over repetitions
// (top layer for the curves) is compared with the half-width of its bootstrap CI over seeds.
import { label } from "../../runs/names";
import type { SixMeasure } from "../benchmark";
import type { RunStore } from "../store";
import type { Subsampling } from "../subsampling";
import { finding, fmt, type Finding, type Gate } from "./finding";
import { countGate, standardRuns } from "./gates";
import { resampleSix } from "./methodResamples";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection } from "./findingSection";
import { computeSubsampling } from "../subsampling";

export const subsamplingSection = findingSection({
  id: "subsampling",
  title: "Are the measures insensitive to sub-sampling the test half?",
  compute: ({ store, options }) => {
    const data = computeSubsampling(store, options.subsampling);
    return { finding: subsamplingFinding(store, data), data };
  },
});

export const JUDGED_RATE = 0.5;

export function subsamplingFinding(store: RunStore, s: Subsampling): Finding {
  const gates: Gate[] = [];
  const observed: { model: string; task: string; rate: number; examples: number; measure: string; maxDeviation: number; seedHalfWidth: number; withinNoise: boolean }[] = [];
  const notes: string[] = [];
  for (const { model, task, m } of standardRuns(store, gates, notes)) {
    const ci = resampleSix(m, store.options.chance).ci;
    for (const p of s.panels.filter((x) => x.model === model && x.task === task)) {
      const top = (xs: number[]) => xs[xs.length - 1];
      const series = [...p.pred.map((q) => ({ measure: q.measure, reps: q.repetitions, full: q.full })), ...p.curves.filter((c) => c.measure !== "svcca").map((c) => ({ measure: c.measure, reps: c.repetitions.map(top), full: top(c.full) }))];
      for (const x of series) {
        const c = ci[x.measure as SixMeasure];
        if (!c) continue;
        const maxDeviation = Math.max(...x.reps.map((v) => Math.abs(v - x.full)));
        const seedHalfWidth = (c.upper - c.lower) / 2;
        observed.push({ model, task, rate: p.rate, examples: p.examples, measure: x.measure, maxDeviation, seedHalfWidth, withinNoise: maxDeviation <= seedHalfWidth });
      }
    }
  }
  const judged = observed.filter((o) => o.rate === JUDGED_RATE);
  gates.push(countGate(`sub-samples at rate ${JUDGED_RATE}`, "measures", judged.length, 1, "measured"));
  return finding(
    { id: subsamplingSection.id, title: subsamplingSection.title, section: "method.md §7.4 (NB11)", paper: PAPER_CLAIMS.subsampling, observed, gates, notes: [`Judged at rate ${JUDGED_RATE}: a measure is insensitive when its largest deviation over repetitions is within the half-width of its 95% CI over seeds (CKA and OP at the top layer).`, ...notes] },
    () => {
      const out = judged.filter((o) => !o.withinNoise);
      // With several models or tasks a measure appears once per (model, task): say which.
      const several = new Set(judged.map((o) => `${o.model}\0${o.task}`)).size > 1;
      const name = (o: (typeof judged)[number]) => `${label(o.measure, "plain")}${several ? ` (${o.model}/${o.task})` : ""}`;
      const text = judged.map((o) => `${name(o)} ${fmt(o.maxDeviation)} (seed CI ±${fmt(o.seedHalfWidth)})`).join(", ");
      if (out.length === 0) return { verdict: "holds", reason: text, sentence: `At rate ${JUDGED_RATE} every measure stays within its seed noise: largest deviations ${text}.` };
      const twice = out.filter((o) => o.maxDeviation > 2 * o.seedHalfWidth);
      if (twice.length) return { verdict: "does not hold", reason: text, sentence: `At rate ${JUDGED_RATE}, ${twice.map(name).join(", ")} move by more than twice their seed noise: ${text}.` };
      return { verdict: "not enough evidence", reason: `borderline: ${text}`, sentence: `Not enough evidence: at rate ${JUDGED_RATE}, ${out.length} measure(s) move beyond their seed CI but within twice it (${text}).` };
    },
  );
}
