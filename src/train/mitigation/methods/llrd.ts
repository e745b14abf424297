// Layer-wise learning-rate decay (method.md §4.2): its names and η; the groups are ../llrd.ts.
import type { MitigationMethodData } from "../method";

export const LLRD: MitigationMethodData = {
  store: "llrd",
  key: "llrd",
  paper: "LLRD",
  label: "layer-wise learning-rate decay",
  hyperParameters: [{ key: "llrdEta", flag: "--llrd-eta", metavar: "E", default: 0.95, min: 0, max: 1, help: "llrd: per-block learning-rate decay", defaultText: "0.95, the paper's" }],
};
