// Public API of src/analysis: the analyses of method.md §6–§7 over a run store, each returning a
// danfo DataFrame (danfo loads on first use), plus the `compute…` forms with plain rows and the
// structures the report's figures are built from.
export * from "./frame";
export * from "./stats";
export * from "./regression";
export * from "./store";
export * from "./validity";
export * from "./failedRuns";
export * from "./benchmark";
export * from "./bootstrap";
export * from "./agreement";
export * from "./subsampling";
export * as findings from "./findings";
export * from "./kappaChances";
export * from "./explore/exampleTexts";
export * from "./explore/exampleInstability";
export * from "./seedPlanning";
export * from "./explore/runSetStatistics";
export * from "./explore/seedPlan";
export * from "./explore/compareRunSets";
export * from "./explore/runMap";
