// Public API of src/viz: plotly figure specs (plain JSON), HTML/CSV tables, and the report.
export * from "./labels";
export * from "./spec";
export * from "./grid";
export * from "./table";
export * from "./html";
