// Mixout (method.md §4.1): its names and p; the tfjs part is ../mixout.ts.
import type { MitigationMethodData } from "../method";

export const MIXOUT: MitigationMethodData = {
  store: "mixout",
  key: "mixout",
  paper: "Mixout",
  label: "mix each weight with its pre-trained value",
  hyperParameters: [{ key: "mixoutP", flag: "--mixout-p", metavar: "P", default: 0.1, min: 0, max: 0.99, help: "mixout: mix probability", defaultText: "0.1, the paper's" }],
};
