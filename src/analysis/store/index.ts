// Reading a run store for the analyses, one concept per file:
//   configurations.ts  the store's configuration folders: finding, naming, loading them
//   runFiles.ts        a store's run files, each read from disk once
//   loadedRuns.ts      the runs and representation caches a store has read, kept (memory bounded)
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
export * from "./runFiles";
export * from "./loadedRuns";
