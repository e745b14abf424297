// Public API of src/viz: plotly figure specs (plain JSON), HTML/CSV tables, and the report.
// Takes plain data (arrays, names), never analysis objects or tfjs tensors.
export * from "./labels";
export * from "./spec";
export * from "./grid";
export * from "./table";
export * from "./html";
export * from "./files";
export * from "./heatmap";
export * from "./layers";
export * from "./groups";
export * from "./bootstrap";
export * from "./scatter";
export * from "./subsampling";
export * from "./benchmark";
export * from "./report";
export * from "./strip";
export * from "./shareGrid";
export * from "./curves";
export * from "./axes";
export * from "./points";
export * from "./distanceMatrix";
