// WD_pre (method.md §4.4): its names and λ; the tfjs part is ../wdPre.ts.
import type { MitigationMethodData } from "../method";

export const WD_PRE: MitigationMethodData = {
  store: "wd_pre",
  key: "wdpre",
  paper: "WD_pre",
  label: "weight decay toward the pre-trained weights",
  hyperParameters: [
    { key: "wdPreLambda", flag: "--wd-pre-lambda", metavar: "L", default: 0.01, min: 0, max: 1e6, help: "wd_pre: strength of the decay toward the pre-trained weights", defaultText: "0.01, the paper's" },
  ],
};
