// The report layer: the one place that imports both analysis and viz. It renders findings and
// figures into the standalone HTML report and docs-style Markdown.
export * from "./buildReport";
export * from "./findingHtml";
export * from "./sectionRegistry";
