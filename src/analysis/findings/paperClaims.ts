// What the paper claims, per finding, in plain text with its reference numbers (method.md tags:
// [P] the paper's claim, [N] the authors' notebook outputs). Numbers come from paperNumbers.ts
// where a table of them exists, so each reference number is typed once.
import { PAPER_CONVERGENT, PAPER_FAILED_COUNTS, PAPER_SD_AGREEMENT } from "./paperNumbers";

const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
const failedCounts = PAPER_FAILED_COUNTS.map((r) => `${r.model === "bert" ? "BERT" : "RoBERTa"} ${r.task.toUpperCase()} ${r.failed}/${r.total}`).join(", ");
const sdAgreement = PAPER_SD_AGREEMENT.map((r) => `${r.model === "bert" ? "BERT" : "RoBERTa"} r = ${r.r} (p = ${r.p.toExponential(1)}, ${r.points} points)`).join(", ");

export const PAPER_CLAIMS = {
  overview:
    "The paper fine-tunes BERT-large and RoBERTa-large on RTE, MRPC and CoLA (SST-2 for some analyses) with 20 Standard seeds, 10 seeds per mitigation method (Mixout, LLRD, Re-init, WD_pre) and 20 seeds at a larger learning rate for failed runs, and measures instability on the test half of each GLUE dev set (method.md §2–§4).",
  benchmark:
    "Reference (BERT/RTE Standard; metric, SD, I_JSD, I_κ, I_pwd, I_CKA, I_OP at layer 24): .713, .0177, .0678, .1387, .1377, .34, .20. Re-init and LLRD are usually the most stable methods by the representation measures (BERT/RTE layer 24: Re-init < LLRD < Standard < Mixout < WD_pre). The reference I_κ uses the uniform chance term (P_e = 1/N), so it equals I_pwd·N/(N−1) (method.md §5.3, §8 NB3).",
  learning:
    "The paper's runs learn: BERT-large Standard reaches RTE accuracy .713, MRPC F1 .893 and CoLA MCC .645 against majority baselines of .518 accuracy, .81 F1 and 0 MCC (method.md §2, §8 NB3).",
  layers:
    "Representation instability grows with depth: I_CKA and I_OP start near 0 at layer 1 and rise (BERT/RTE: about 0.34 and 0.20 at layer 24); I_SVCCA stays at 0.01–0.03 because N < d (method.md §6.2).",
  convergent: `I_CKA and I_OP agree across layers in every model and task (Pearson r of the layer curves, CKA~OP ${range(PAPER_CONVERGENT.map((r) => r.ckaOp))}); I_SVCCA is the odd one out (CKA~SVCCA ${range(PAPER_CONVERGENT.map((r) => r.ckaSvcca))}) (method.md §6.1).`,
  failed: `Hypothesis [P]: failed runs move less, so their representation instability is lower than that of successful runs; the paper reports that CKA and OP show this. Caution [U]: the reference notebook's failed-pair curves reach I_CKA ≈ 1.0, so its legend may be swapped (method.md §6.2). Failed runs at the larger learning rate: ${failedCounts}.`,
  kendall:
    "The measures often disagree on which method is most stable; measures of similar granularity agree more: I_pwd, I_κ and I_JSD agree with each other (τ ≥ 0.6), while SD can be anti-correlated (τ = −0.2 for BERT/MRPC) (method.md §7.1).",
  bootstrap:
    "Across 1000 resamples of seeds 0–9, measures of closer granularity correlate more (BERT/RTE Standard: SD–I_pwd .32, SD–I_CKA .09, I_JSD–I_pwd .82, I_CKA–I_OP .95) (method.md §7.2).",
  agreement: `The more unstable a configuration (larger SD), the more its measures agree: ${sdAgreement} over 15 configurations; the points are not independent (method.md §7.3).`,
  subsampling:
    "Recomputed on 4 random subsets of the test half, the curves and prediction measures nearly overlap at a rate of 0.5 and roughly at 0.1 (method.md §7.4).",
} as const;
