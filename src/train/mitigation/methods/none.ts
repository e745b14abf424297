// Standard fine-tuning (no mitigation): AdamW's decoupled weight decay on the usual groups. Its
// weight decay is every method's but WD_pre's, which decays toward the pre-trained weights instead.
import type { MitigationMethodData } from "../method";

export const STANDARD: MitigationMethodData = {
  store: "none",
  key: "standard",
  paper: "Standard",
  label: "standard fine-tuning",
  hyperParameters: [
    { key: "weightDecay", default: 0.01, min: 0, max: 1e6, help: "AdamW's decoupled weight decay of decayed parameters (all methods but wd_pre)" },
  ],
};
