// Bootstrapping (method.md §7.2): across resamples of the seeds, do measures of closer
// granularity correlate more? Granularity levels (§5): SD 0; I_pwd, I_κ 1; I_JSD 2; I_CKA, I_OP 3.
// Per configuration: mean Pearson r over pairs one level apart or less ("close") minus mean r over
// pairs two or more apart ("far").
import { SIX_MEASURES } from "../benchmark";
import { computeBootstrap, type Bootstrap, type ConfigBootstrap } from "../bootstrap";
import { mean } from "../stats";
import { configurationName, type RunStore } from "../store";
import { finding, fmt, type Finding, type Gate } from "./finding";
import { configLabel, countGate, learning, learnsGate, MIN_SEEDS } from "./gates";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection, type SectionInputs } from "./findingSection";

/** The bootstrap over seeds, computed once for the sections that read it (bootstrap, agreement). */
export const sharedBootstrap = (inputs: SectionInputs): Bootstrap => inputs.shared("bootstrap", () => computeBootstrap(inputs.store, { chance: inputs.store.options.chance, ...inputs.options.bootstrap }));

export const bootstrapSection = findingSection({
  id: "bootstrap",
  title: "Do measures of closer granularity correlate more across resamples?",
  compute: (inputs) => ({ finding: bootstrapFinding(inputs.store, sharedBootstrap(inputs)), data: sharedBootstrap(inputs) }),
});

const LEVEL: Record<string, number> = { sd: 0, pwd: 1, kappa: 1, jsd: 2, cka: 3, op: 3 };
/** Configurations a "holds" needs, and the share of them that must show the pattern. */
export const MIN_CONFIGURATIONS = 3;
export const MAJORITY = 0.8;

export function closeMinusFar(c: ConfigBootstrap): { close: number; far: number; gap: number } {
  const close: number[] = [];
  const far: number[] = [];
  SIX_MEASURES.forEach((a, i) =>
    SIX_MEASURES.forEach((b, j) => {
      if (j >= i || !Number.isFinite(c.matrix[i][j])) return;
      (Math.abs(LEVEL[a] - LEVEL[b]) <= 1 ? close : far).push(c.matrix[i][j]);
    }),
  );
  const cm = close.length ? mean(close) : NaN;
  const fm = far.length ? mean(far) : NaN;
  return { close: cm, far: fm, gap: cm - fm };
}

export function bootstrapFinding(store: RunStore, boot: Bootstrap): Finding {
  const gates: Gate[] = [];
  const observed = boot.configs.map((c) => {
    const m = store.measures(store.configurations.find((x) => configurationName(x) === c.configuration)!);
    const what = configLabel(store, c);
    gates.push(countGate("enough seeds", what, c.runs, MIN_SEEDS, "runs"), learnsGate(what, learning(m)));
    return { model: c.model, task: c.task, method: c.method, runs: c.runs, resamples: boot.resamples, ...closeMinusFar(c) };
  });
  gates.push(countGate("enough configurations", "bootstrapped configurations", boot.configs.length, MIN_CONFIGURATIONS, "configurations"));
  return finding(
    { id: bootstrapSection.id, title: bootstrapSection.title, section: "method.md §7.2 (NB6)", paper: PAPER_CLAIMS.bootstrap, observed, gates, notes: ["Close pairs: granularity levels at most one apart (SD | I_pwd, I_κ | I_JSD | I_CKA, I_OP); far: two or more apart."] },
    () => {
      const labels = new Map(observed.map((o, i) => [o, configLabel(store, boot.configs[i])]));
      const finite = observed.filter((o) => Number.isFinite(o.gap));
      const shows = finite.filter((o) => o.gap > 0);
      const text = finite.map((o) => `${labels.get(o)} close ${fmt(o.close, 2)} vs far ${fmt(o.far, 2)}`).join("; ");
      const share = finite.length ? shows.length / finite.length : 0;
      if (share >= MAJORITY) return { verdict: "holds", reason: `${shows.length} of ${finite.length} configurations`, sentence: `Closer measures correlate more in ${shows.length} of ${finite.length} configurations (${text}).` };
      if (share <= 0.5) return { verdict: "does not hold", reason: `${shows.length} of ${finite.length} configurations`, sentence: `Closer measures correlate more in only ${shows.length} of ${finite.length} configurations (${text}).` };
      return { verdict: "not enough evidence", reason: `mixed: ${shows.length} of ${finite.length} configurations`, sentence: `Not enough evidence: the pattern shows in ${shows.length} of ${finite.length} configurations (${text}).` };
    },
  );
}
