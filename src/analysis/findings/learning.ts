// Do the runs learn? The precondition of every other finding (method.md §2): per configuration,
// the mean test metric with its bootstrap CI over seeds against the best constant predictor.
import { label } from "../../runs/names";
import type { Row } from "../../util/row";
import type { Configuration, RunStore, Variant } from "../store";
import { fmt, fmtCi, finding, type Finding } from "./finding";
import { configLabel, learning, type Learning } from "./gates";
import { PAPER_CLAIMS } from "./paperClaims";
import { findingSection } from "./findingSection";

export const learningSection = findingSection({
  id: "learning",
  title: "Do the runs learn?",
  compute: ({ store }) => {
    const data = configurationLearning(store);
    return { finding: learningFinding(store, data), data };
  },
});

export interface ConfigLearning extends Learning {
  config: Configuration;
  variant: Variant;
  /** Per run: seed and test metric (the strip plot's points). */
  runs: { seed: number; score: number }[];
}

/** Every configuration's learning, best checkpoints (final models where the store keeps them, too). */
export function configurationLearning(store: RunStore): ConfigLearning[] {
  const out: ConfigLearning[] = [];
  for (const c of store.configurations) {
    if (c.runDirs.length < 2) continue;
    for (const variant of (c.hasFinal ? ["best", "final"] : ["best"]) as Variant[]) {
      const m = store.measures(c, variant);
      out.push({ ...learning(m), config: c, variant, runs: m.scores.map((score, i) => ({ seed: m.seeds[i], score })) });
    }
  }
  return out;
}

export function learningRow(l: ConfigLearning): Row {
  return {
    model: l.config.model,
    task: l.config.task,
    method: l.config.method,
    learningRate: l.config.learningRate,
    models: l.variant,
    runs: l.mean.runs,
    metric: l.metric,
    mean: l.mean.value,
    ciLower: l.mean.lower,
    ciUpper: l.mean.upper,
    min: Math.min(...l.runs.map((r) => r.score)),
    max: Math.max(...l.runs.map((r) => r.score)),
    baseline: l.baseline,
    learns: l.learns,
  };
}

/**
 * The runs learn when every best-checkpoint configuration of the methods (RunStore.methodConfigurations:
 * the Standard learning rate, and any other rate where several methods ran) learns. The failed-run
 * configuration is listed but not required to learn: failing is its purpose.
 */
export function learningFinding(store: RunStore, all = configurationLearning(store)): Finding {
  const judged = all.filter((l) => l.variant === "best" && store.methodConfigurations(l.config.model, l.config.task).includes(l.config));
  const rates = [...new Set(judged.map((l) => l.config.learningRate))].sort((a, b) => a - b);
  const gates = judged.length
    ? [rates.length > 1
        ? { name: "method configurations found", ok: true, detail: `${judged.length} configuration(s): the methods at ${rates.length} learning rates (${rates.map((r) => r.toExponential()).join(", ")})` }
        : { name: "Standard-rate configurations found", ok: true, detail: `${judged.length} configuration(s) at the Standard learning rate` }]
    : [{ name: "Standard-rate configurations found", ok: false, detail: "no Standard configuration with at least 2 runs" }];
  return finding(
    { id: learningSection.id, title: learningSection.title, section: "method.md §2–§3", paper: PAPER_CLAIMS.learning, observed: all.map(learningRow), gates, notes: ["CI: percentile bootstrap over seeds (1000 resamples). Baseline: the best constant prediction on the test half."] },
    () => {
      const failing = judged.filter((l) => !l.learns);
      const name = (l: ConfigLearning) => configLabel(store, l.config);
      const worst = [...judged].sort((a, b) => a.mean.value - a.baseline - (b.mean.value - b.baseline))[0];
      if (failing.length === 0) {
        return {
          verdict: "holds",
          reason: `every one of ${judged.length} configuration(s) has its CI above the baseline`,
          sentence: `The runs learn: in all ${judged.length} configurations the mean ${label(worst.metric, "plain")} clears the constant baseline; the closest is ${name(worst)} at ${fmtCi(worst.mean)} over ${worst.mean.runs} runs vs ${fmt(worst.baseline)}.`,
        };
      }
      return {
        verdict: "does not hold",
        reason: failing.map((l) => `${name(l)}: ${fmtCi(l.mean)} vs baseline ${fmt(l.baseline)}`).join("; "),
        sentence: `${failing.length} of ${judged.length} configurations do not learn (their CI reaches the constant baseline: ${failing.map(name).join(", ")}); findings that read them are not evidence about fine-tuning.`,
      };
    },
  );
}
