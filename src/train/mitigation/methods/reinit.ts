// Re-initialising the top blocks (method.md §4.3): its names, depth and std; the tfjs part is ../reinit.ts.
import type { MitigationMethodData } from "../method";

export const REINIT: MitigationMethodData = {
  store: "reinit",
  key: "reinit",
  paper: "Re-init",
  label: "re-initialise the top blocks and the pooler",
  hyperParameters: [
    {
      key: "reinitLayers", flag: "--reinit-layers", metavar: "K", default: 5, min: 0, max: 1000, integer: true,
      help: "re-init: how many top blocks", defaultText: "5 of 24, the paper's; the same share of smaller models, at least 1",
    },
    { key: "reinitStd", default: 0.02, min: 0, max: 1, help: "re-init: standard deviation of re-initialised linear weights (HF initializer_range)" },
  ],
};
