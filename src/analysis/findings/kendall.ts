// Benchmarking the methods (method.md §7.1, NB3/NB5): each measure ranks the methods of a
// (model, task); do measures of similar granularity rank them alike (I_pwd, I_κ, I_JSD agree,
// SD less)? The statistic is mean τ among the three prediction measures minus mean τ of SD with
// the other five, with a CI from resampling each method's seeds.
import { label } from "../../runs/names";
import type { Row } from "../../util/row";
import { computeBenchmark, SIX_MEASURES, type SixMeasure } from "../benchmark";
import { kendallTauB, mean } from "../stats";
import type { RunStore } from "../store";
import { decideText, percentileInterval, type Ci } from "./ci";
import { finding, fmt, fmtCi, type Finding, type Gate } from "./finding";
import { countGate, learning, learnsGate, MIN_METHODS, MIN_SEEDS } from "./gates";
import { actsGate, methodActions, sharedActions } from "./methodsAct";
import { resampleSix, type MethodResamples, type SixValues } from "./methodResamples";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection, type SectionInputs } from "./findingSection";

/** Every method's benchmark of (model, task), computed once for the sections that read it. */
export const sharedBenchmarks = (inputs: SectionInputs): MethodBenchmark[] => inputs.shared("benchmarks", () => methodBenchmarks(inputs.store));

// The τ rows (measure pairs), not the benchmark's per-method rows, under the τ caption.
export const kendallSection = findingSection({
  id: "kendall",
  title: "Do measures of similar granularity rank the methods alike?",
  compute: (inputs) => {
    const b = computeBenchmark(inputs.store);
    return { finding: kendallFinding(inputs.store, sharedBenchmarks(inputs), sharedActions(inputs)), data: { panels: b.panels, rows: b.tau } };
  },
});

/** Mean τ among the prediction measures minus mean τ of SD with the others, for one draw of values per method. */
export function granularityGap(values: SixValues[]): number {
  const tau = (a: SixMeasure, b: SixMeasure) => kendallTauB(values.map((v) => v[a]), values.map((v) => v[b]));
  const within = mean([tau("pwd", "kappa"), tau("pwd", "jsd"), tau("kappa", "jsd")]);
  const sd = mean(SIX_MEASURES.filter((k) => k !== "sd").map((k) => tau("sd", k)));
  return within - sd;
}

export interface MethodBenchmark {
  model: string;
  task: string;
  methods: MethodResamples[];
  gap: Ci;
  /** Per measure: the share of resamples in which each method is the most stable. */
  mostStable: Record<SixMeasure, Record<string, number>>;
}

export function methodBenchmarks(store: RunStore): MethodBenchmark[] {
  return store.modelTasks().flatMap(({ model, task }) => {
    const configs = store.benchmark(model, task);
    if (configs.length === 0) return [];
    const methods = configs.map((c) => resampleSix(store.measures(c), store.options.chance));
    const B = methods[0].samples.length;
    const gaps = Array.from({ length: B }, (_, b) => granularityGap(methods.map((x) => x.samples[b])));
    const mostStable = Object.fromEntries(
      SIX_MEASURES.map((k) => {
        const wins: Record<string, number> = Object.fromEntries(methods.map((x) => [x.m.config.method, 0]));
        for (let b = 0; b < B; b++) {
          const vals = methods.map((x) => x.samples[b][k]);
          if (vals.some((v) => !Number.isFinite(v))) continue;
          wins[methods[vals.indexOf(Math.min(...vals))].m.config.method] += 1 / B;
        }
        return [k, wins];
      }),
    ) as MethodBenchmark["mostStable"];
    return [{ model, task, methods, gap: { value: granularityGap(methods.map((x) => x.values)), ...percentileInterval(gaps), runs: Math.min(...methods.map((x) => x.m.runs.length)) }, mostStable }];
  });
}

/** The benchmark table with a CI for every measure (one row per method). */
export function benchmarkRows(b: MethodBenchmark[]): Row[] {
  return b.flatMap((g) =>
    g.methods.map((x) => {
      const row: Row = { model: g.model, task: g.task, method: x.m.config.method, learningRate: x.m.config.learningRate, runs: x.m.runs.length, metric: x.m.metric, mean: mean(x.m.scores) };
      for (const k of SIX_MEASURES) Object.assign(row, { [k]: x.ci[k].value, [`${k}Lower`]: x.ci[k].lower, [`${k}Upper`]: x.ci[k].upper });
      return row;
    }),
  );
}

export function kendallFinding(store: RunStore, benchmarks = methodBenchmarks(store), actions = methodActions(store)): Finding {
  const gates: Gate[] = actions.map(actsGate);
  for (const g of benchmarks) {
    gates.push(countGate("enough methods", `${g.model}/${g.task}`, g.methods.length, MIN_METHODS, "methods at the Standard learning rate"));
    for (const x of g.methods) {
      const what = `${g.model}/${g.task} ${label(x.m.config.method, "plain")}`;
      gates.push(countGate("enough seeds", what, x.m.runs.length, MIN_SEEDS, "runs"), learnsGate(what, learning(x.m)));
    }
  }
  if (gates.length === 0) gates.push({ name: "enough methods", ok: false, detail: "no (model, task) with 2 or more methods at the Standard learning rate" });
  const observed = benchmarks.map((g) => ({ model: g.model, task: g.task, methods: g.methods.length, runsPerMethod: g.gap.runs, gap: g.gap.value, gapLower: g.gap.lower, gapUpper: g.gap.upper }));
  return finding(
    { id: kendallSection.id, title: kendallSection.title, section: "method.md §7.1 (NB3, NB5)", paper: PAPER_CLAIMS.kendall, observed, gates, notes: ["Gap = mean τ-b among I_pwd, I_κ, I_JSD minus mean τ-b of SD with the other five; CI: each method's seeds resampled (1000 times)."] },
    () => {
      const text = benchmarks.map((g) => `${g.model}/${g.task}: gap ${fmtCi(g.gap, 2)} over ${g.methods.length} methods`).join("; ");
      if (benchmarks.every((g) => g.gap.lower > 0)) return { verdict: "holds", reason: text, sentence: `The prediction measures rank the methods more alike than SD does (${text}).` };
      if (benchmarks.some((g) => g.gap.upper < 0)) return { verdict: "does not hold", reason: text, sentence: `SD agrees with the other measures more than the prediction measures agree with each other (${text}).` };
      const best = benchmarks.map((g) => `${g.model}/${g.task} most stable by SD: ${label(topOf(g.mostStable.sd), "plain")} (${fmt(100 * Math.max(...Object.values(g.mostStable.sd)), 0)}% of resamples)`).join("; ");
      const needs = benchmarks.map((g) => `${g.model}/${g.task}: ${decideText(g.gap, "seeds per method")}`).join("; ");
      return { verdict: "not enough evidence", reason: `the CI of the gap includes 0 (${text})`, sentence: `Not enough evidence: the rankings' agreement is within seed noise (${text}); ${best}; ${needs}.` };
    },
  );
}

function topOf(shares: Record<string, number>): string {
  return Object.entries(shares).sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}
