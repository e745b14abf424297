// I_κ under both chance terms for every benchmark configuration (method.md §5.3): the textbook
// Fleiss' κ is the default everywhere; the paper's reference numbers behave like the
// uniform-over-items term (P_e = 1/N, so I_κ = I_pwd·N/(N−1)). Shown side by side wherever the
// paper's numbers are compared, labelled.
import { fleissKappa } from "../measures/fleissKappa";
import type { Row } from "../util/row";
import type { RunStore } from "./store";

export function kappaBothChances(store: RunStore): Row[] {
  return store.modelTasks().flatMap(({ model, task }) =>
    store.benchmark(model, task).map((c) => {
      const m = store.measures(c);
      return {
        model,
        task,
        method: c.method,
        runs: m.runs.length,
        examples: m.n,
        pwd: m.prediction.pwd,
        kappaTextbook: 1 - fleissKappa(m.preds, m.numClasses, { chance: "textbook" }),
        kappaUniform: 1 - fleissKappa(m.preds, m.numClasses, { chance: "uniform-over-items" }),
        "pwd·N/(N−1)": (m.prediction.pwd * m.n) / (m.n - 1),
      };
    }),
  );
}
