// instability-lab: the library's public surface, one namespace per layer of the pipeline
// (the layers and which may import which: ARCHITECTURE.md).
export * as data from "./data";
export * as model from "./model";
export * as train from "./train";
export * as runs from "./runs";
export * as measures from "./measures";
export * as analysis from "./analysis";
export * as viz from "./viz";
export * as notebook from "./notebook";
