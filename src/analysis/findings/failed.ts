// Successful vs failed runs (method.md §6.2, §3.1): at the top layer, are both-failed pairs less
// unstable than both-successful pairs by I_CKA and I_OP (the paper's hypothesis)? The test is the
// permutation test of analysis/failedRuns.ts, which shuffles run labels, not pairs (pairs that
// share a run are not independent).
import { label } from "../../runs/names";
import type { Row } from "../../util/row";
import { computeSuccessfulVsFailed, type FailureOptions, type SuccessfulVsFailed } from "../failedRuns";
import { configurationName, type RunStore } from "../store";
import { runsForSignificance } from "./ci";
import { finding, fmt, type Finding, type Gate } from "./finding";
import { degenerateNotes, MIN_GROUP_RUNS } from "./gates";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection } from "./findingSection";

export const failedSection = findingSection({
  id: "failed",
  title: "Are failed runs less unstable than successful ones?",
  compute: ({ store, options }) => {
    const data = computeSuccessfulVsFailed(store, options.failure);
    return { finding: failedFinding(store, options.failure, data), data };
  },
});

export const ALPHA = 0.05;

export function failedFinding(store: RunStore, opts: FailureOptions = {}, sf: SuccessfulVsFailed = computeSuccessfulVsFailed(store, opts)): Finding {
  const gates: Gate[] = [];
  for (const { model, task } of store.modelTasks()) {
    const counts = sf.counts.find((c) => c.model === model && c.task === task);
    const failed = Number(counts?.failed ?? 0);
    const total = Number(counts?.total ?? 0);
    const what = `${model}/${task}${counts?.learningRate ? ` lr ${Number(counts.learningRate).toExponential()}` : ""} (${counts?.variant ?? "no"} models)`;
    gates.push({ name: "both groups present", ok: failed >= MIN_GROUP_RUNS && total - failed >= MIN_GROUP_RUNS, detail: `${what}: ${failed} failed and ${total - failed} successful runs (need at least ${MIN_GROUP_RUNS} of each)` });
  }
  for (const g of sf.groups) gates.push({ name: "final models judged", ok: g.variant === "final", detail: `${g.model}/${g.task}: labels from the ${g.variant} models (the analysis uses final models, method.md §3.1)` });
  if (gates.length === 0) gates.push({ name: "both groups present", ok: false, detail: "no Standard configuration" });
  const degenerate = sf.groups.flatMap((g) => {
    const c = store.configurations.find((x) => configurationName(x) === g.configuration);
    return c ? degenerateNotes(store.measures(c, g.variant)) : [];
  });
  const top: Row[] = [];
  for (const g of sf.groups) {
    const L = g.layers[g.layers.length - 1];
    for (const r of sf.rows.filter((x) => x.model === g.model && x.task === g.task && x.layer === L)) top.push({ ...r, failedRuns: g.failed.length, successfulRuns: g.successful.length });
  }
  return finding(
    { id: failedSection.id, title: failedSection.title, section: "method.md §6.2 (NB10)", paper: PAPER_CLAIMS.failed, observed: top, gates, notes: [`Permutation test over run labels (${sf.permutations} shuffles), α = ${ALPHA}; Cohen's d over pairs is descriptive (pairs share runs).`, ...degenerate] },
    () => {
      const ckaOp = top.filter((r) => r.measure === "cka" || r.measure === "op");
      const text = ckaOp.map((r) => `${label(String(r.measure), "plain")} ${r.model}/${r.task} at layer ${r.layer}: failed ${fmt(r.failed as number)} vs successful ${fmt(r.successful as number)} (p = ${fmt(r.p as number)})`).join("; ");
      const sig = (r: Row) => (r.p as number) < ALPHA;
      if (ckaOp.length && ckaOp.every((r) => sig(r) && (r.difference as number) < 0)) return { verdict: "holds", reason: text, sentence: `Failed runs are less unstable than successful ones here, as the paper hypothesises: ${text}.` };
      if (ckaOp.length && ckaOp.every((r) => sig(r) && (r.difference as number) > 0))
        return { verdict: "does not hold", reason: text, sentence: `Failed runs are MORE unstable than successful ones here, against the stated hypothesis and like the reference notebook's (possibly swapped) curves: ${text}.` };
      const needs = ckaOp.filter((r) => !sig(r)).map((r) => {
        const runs = Number(r.failedRuns) + Number(r.successfulRuns);
        const n = runsForSignificance(r.p as number, runs, ALPHA);
        return `${label(String(r.measure), "plain")} ${r.model}/${r.task}: ${n === undefined ? "" : Number.isFinite(n) ? `about ${n} failed-run seeds (now ${runs}) would reach p < ${ALPHA} if the difference stayed the same (z scaled by √n)` : "no difference to scale up"}`;
      }).join("; ");
      return { verdict: "not enough evidence", reason: `CKA and OP do not both separate the groups at p < ${ALPHA} in one direction (${text})`, sentence: `Not enough evidence either way: ${text}${needs ? `; ${needs}` : ""}.` };
    },
  );
}
