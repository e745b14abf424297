// Public API of src/notebook: showing results inside a cell of the "Instability Lab
// (TypeScript)" Jupyter kernel (kernel/), and that kernel's registration.
export { setup, show, figureHtml, plotlyLoaderHtml, figureSummary, plotlyVersion } from "./plotly";
export type { PlotlyFigure } from "./plotly";
export { showTable, tableHtml, tableText, tableData, formatCell } from "./table";
export type { TableOptions, TableData } from "./table";
export { progress, cellStatus, formatDuration, Progress } from "./progress";
export type { NotebookProgressOptions, CellStatus, CellStatusOptions } from "./progress";
export { publish, setDisplaySink, escapeHtml, jsonForScript } from "./display";
export type { MimeBundle } from "./display";
export { KERNEL_NAME, KERNEL_DISPLAY_NAME, kernelSpec, writeKernelSpec, installKernel } from "./kernelspec";
export { packageRoot } from "../util/packageRoot";
export type { KernelSpec, InstallOptions, InstallResult } from "./kernelspec";
export { toyRuns, toyPredictions, gaussianMatrix, rotateAndScale, scaleColumns, lowRankPlusNoise } from "./toy";
export type { ToyRunsOptions } from "./toy";
export { correctnessMap, storeCorrectnessMap, showPaperTable } from "./figures";
export * as paper from "../analysis/findings/paperNumbers";
export { writeSyntheticStore } from "./syntheticStore";
export type { SyntheticStoreOptions, SyntheticStoreResult } from "./syntheticStore";
export { notebookRuns, fineTuningAvailable } from "./notebookRuns";
export { evidenceStore, DEFAULT_EVIDENCE } from "./evidence";
export type { NotebookRunsOptions, NotebookRuns, Preset } from "./notebookRuns";
export { showFinding, showSection } from "./section";
// The sections a cell can show, and every finding as an object, from the report's one table of sections.
export { computeFindings, SECTION_IDS, type SectionId } from "../report/sectionRegistry";
export { showUndecidable } from "./undecidable";
export type { ShowSectionOptions } from "./section";
export { showPaperTau } from "./paperFigures";
export { fineTune } from "./fineTuneCell";
export type { FineTuneCellOptions } from "./fineTuneCell";
export { checkRuns, showMeasures } from "./runsFolder";
export { demoRuns } from "./demoRuns";
export type { DemoRuns, DemoRunsOptions } from "./demoRuns";
export type { ShowMeasuresOptions } from "./runsFolder";
export { toyStore, accuracyBySeed, sevenMeasures, sevenMeasuresTable, sevenMeasuresFigure, sdIsNotEnoughSentence, SEVEN_MEASURES } from "./lessons/sdIsNotEnough";
export type { ToyStore, ToyPair, SevenMeasures, SevenValues, SevenMeasure } from "./lessons/sdIsNotEnough";
export {
  REPRESENTATION_DISTANCES, identityAndSymmetry, predictionIdentityAndOrder, invariance,
  svccaBelowWidth, svccaBelowWidthTable, svccaBelowWidthFigure, svccaBelowWidthSentence,
  kappaChanceTerms, kappaChanceFigure, kappaChanceSentence,
} from "./lessons/measureProperties";
export type { SvccaBelowWidth, KappaChanceRow } from "./lessons/measureProperties";
export { showExamples, showSeeds, showComparison, showRunMap, runSetOf } from "./explore";
export type { ShowExamplesOptions, ShowSeedsOptions } from "./explore";
