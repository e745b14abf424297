// Instability level vs agreement between measures (method.md §7.3). Its points are 6 per
// configuration, so they are not independent: the verdict uses a CI from resampling whole
// configurations, and needs enough configurations per model (the paper has 15).
import { Random } from "../../util/random";
import { computeSdAgreement, type SdAgreement } from "../agreement";
import { pearson } from "../stats";
import { decideText, percentileInterval } from "./ci";
import { countGate } from "./gates";
import { finding, fmt, fmtCi, type Finding, type Gate } from "./finding";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection } from "./findingSection";
import { sharedBootstrap } from "./bootstrapFinding";

export const agreementSection = findingSection({
  id: "agreement",
  title: "Do measures agree more where instability is larger?",
  compute: (inputs) => {
    const data = computeSdAgreement(sharedBootstrap(inputs), inputs.options.agreement);
    return { finding: agreementFinding(data), data };
  },
});

export const MIN_AGREEMENT_CONFIGURATIONS = 10;

export function agreementFinding(a: SdAgreement): Finding {
  const gates: Gate[] = [];
  const observed = a.summary.map((s) => {
    const model = String(s.model);
    const pts = a.points.filter((p) => p.model === model && Number.isFinite(p.z as number));
    const configOf = (p: (typeof pts)[number]) => `${p.task}\0${p.method}\0${p.learningRate}`;
    const configs = [...new Set(pts.map(configOf))];
    gates.push(countGate("enough configurations", model, configs.length, MIN_AGREEMENT_CONFIGURATIONS, "configurations (paper: 15)", "the store's grid of tasks × methods is this small; more seeds add no configuration"));
    const rng = new Random(0).fork(`agreement:${model}`);
    const rs = Array.from({ length: 1000 }, () => {
      const drawn = Array.from({ length: configs.length }, () => configs[rng.int(configs.length)]);
      const p = drawn.flatMap((k) => pts.filter((q) => configOf(q) === k));
      return pearson(p.map((q) => q.sd as number), p.map((q) => q.z as number));
    });
    return { model, configurations: configs.length, points: pts.length, r: s.r as number, ...percentileInterval(rs), naiveP: s.p as number };
  });
  if (gates.length === 0) gates.push({ name: "enough configurations", ok: false, detail: a.skipped.map((s) => `${s.what}: ${s.reason}`).join("; ") || "no bootstrapped configurations" });
  return finding(
    {
      id: agreementSection.id,
      title: agreementSection.title,
      section: "method.md §7.3 (NB7)",
      paper: PAPER_CLAIMS.agreement,
      observed,
      gates,
      notes: ["Each configuration gives 6 points (one per measure), so they are not independent: the CI resamples whole configurations, and the p of a plain Pearson test (naiveP) is optimistic and shown only for comparison with the paper."],
    },
    () => {
      const text = observed.map((o) => `${o.model}: r = ${fmtCi({ value: o.r, lower: o.lower, upper: o.upper })} over ${o.configurations} configurations (${o.points} points; plain-test p = ${fmt(o.naiveP)})`).join("; ");
      if (observed.every((o) => o.lower > 0)) return { verdict: "holds", reason: text, sentence: `Measures agree more where SD is larger: ${text}.` };
      if (observed.some((o) => o.upper < 0)) return { verdict: "does not hold", reason: text, sentence: `Measures agree less where SD is larger: ${text}.` };
      const needs = observed.map((o) => `${o.model}: ${decideText({ value: o.r, lower: o.lower, upper: o.upper, runs: o.configurations }, "configurations")}`).join("; ");
      return { verdict: "not enough evidence", reason: `the CI of r includes 0 (${text})`, sentence: `Not enough evidence: ${text}; ${needs}.` };
    },
  );
}
