// Public API of src/runs: the run store (one folder per run) and the .npy format it is made of.
export * from "./npy";
export * from "./runFolder";
export * from "./runDefinition";
export * from "./runIdentity";
export * from "./layerIndexing";
export * from "./methods";
export * from "./storeLayout";
