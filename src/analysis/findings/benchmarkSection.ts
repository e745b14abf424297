// The benchmark of the mitigation methods (method.md §7.1): every method's instability with CIs,
// how often each is the most stable, and whether each acts at all. A section without a finding of
// its own: the Kendall and bootstrap findings judge what it shows.
import { findingSection } from "./findingSection";
import { sharedBenchmarks } from "./kendall";
import { sharedActions } from "./methodsAct";

export const benchmarkSection = findingSection({
  id: "benchmark",
  title: "Benchmark of the mitigation methods",
  compute: (inputs) => ({ data: { benchmarks: sharedBenchmarks(inputs), actions: sharedActions(inputs) } }),
});
