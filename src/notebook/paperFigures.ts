// The paper's reference numbers as figures, for notebooks to put beside their own.
import { PAPER_MODELS, PAPER_TASKS, paperTau, SIX } from "../analysis/findings/paperNumbers";
import { heatmapGrid } from "../viz/heatmap";
import { show } from "./plotly";

/** The paper's six Kendall's τ-b heatmaps (method.md §8 NB5). */
export function showPaperTau(): void {
  const panels = PAPER_MODELS.flatMap((model) => PAPER_TASKS.map((task) => ({ title: `${model} / ${task} (paper)`, matrix: paperTau(model, task) })));
  show(heatmapGrid({ panels, names: [...SIX], valueName: "τ", decimals: 1, title: "The paper's Kendall's τ-b (BERT, RoBERTa; 5 methods)" }));
}
