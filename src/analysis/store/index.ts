// Reading a run store for the analyses, one concept per file:
//   configurations.ts  the store's configuration folders: finding, naming, loading them
//   taskMetric.ts      which metric a task is scored with
//   failureLabels.ts   which runs failed (method.md §3.1)
//   configMeasures.ts  measuring one configuration once (scores, pair matrices, curves)
//   runStore.ts        the store with its measurements cached, and the configurations each analysis takes
//   pairSelection.ts   runs and pairs out of the cached pair matrices
// The folder layout itself is runs/storeLayout.ts.
export * from "./configurations";
export * from "./taskMetric";
export * from "./failureLabels";
export * from "./configMeasures";
export * from "./runStore";
export * from "./pairSelection";
export * from "./representationCache";
