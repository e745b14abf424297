// What the paper found, per report section, with the reference numbers of docs/method.md
// (tags there: [P] the paper's claim, [N] the authors' notebook outputs). HTML fragments.

export const PAPER_FINDINGS = {
  overview:
    "The paper fine-tunes BERT-large and RoBERTa-large on RTE, MRPC and CoLA (SST-2 for some analyses) with 20 Standard seeds, " +
    "10 seeds per mitigation method (Mixout, LLRD, Re-init, WD<sub>pre</sub>) and 20 seeds at a larger learning rate for failed runs, " +
    "and measures instability on the test half of each GLUE dev set (method.md §2–§4).",
  benchmark:
    "Reference (BERT, RTE, Standard; metric, SD, I<sub>JSD</sub>, I<sub>κ</sub>, I<sub>pwd</sub>, I<sub>CKA</sub>, I<sub>OP</sub> at layer 24): " +
    ".713, .0177, .0678, .1387, .1377, .34, .20. Re-init and LLRD are usually the most stable methods by the representation measures " +
    "(e.g. BERT/RTE layer 24: Re-init &lt; LLRD &lt; Standard &lt; Mixout &lt; WD<sub>pre</sub>). The reference I<sub>κ</sub> uses the " +
    "uniform chance term (P<sub>e</sub> = 1/N), so it equals I<sub>pwd</sub>·N/(N−1) (method.md §5.3, §8 NB3).",
  convergent:
    "CKA and OP agree across layers in every model and task (Pearson r of the layer curves, CKA~OP: BERT .95/.94/.88/.78, RoBERTa .96/.98/.99/.94 " +
    "for RTE/MRPC/CoLA/SST-2); SVCCA is the odd one out (CKA~SVCCA as low as −.24 for BERT/SST-2 and .49 for RoBERTa/CoLA) (method.md §6.1).",
  layers:
    "Representation instability should grow with depth, because lower layers change less during fine-tuning. CKA and OP start near 0 at layer 1 " +
    "and rise (BERT/RTE reaches about 0.34 I<sub>CKA</sub> and 0.20 I<sub>OP</sub> at layer 24; RoBERTa's CKA peaks around layers 15–19 and then falls). " +
    "SVCCA stays at about 0.01–0.03 at almost every layer, a property of SVCCA when N &lt; d (method.md §5.5, §6.2). " +
    "Per method, LLRD is lowest in the bottom layers and Re-init low in the top layers (§8 NB4).",
  failed:
    "Hypothesis: failed runs suffer from vanishing gradients, move less and should be <i>less</i> unstable than successful runs; the paper reports that CKA " +
    "and OP show this while SVCCA cannot separate the groups in the bottom layers. Caution: in the reference notebook the failed-pair curves reach " +
    "I<sub>CKA</sub> ≈ 1.0 and I<sub>SVCCA</sub> ≈ 0.8–0.9 at the top layer, i.e. the legend may be swapped (method.md §6.2). " +
    "Reference failed counts of 20 runs: BERT RTE 10, MRPC 11, CoLA 13; RoBERTa RTE 11, MRPC 7, CoLA 9.",
  kendall:
    "The measures often disagree on which method is most stable. Measures of similar granularity agree more: I<sub>pwd</sub>, I<sub>κ</sub> and I<sub>JSD</sub> " +
    "agree with each other (τ ≥ 0.6), while SD can even be anti-correlated with the others (τ = −0.2 for BERT/MRPC, −0.2 with every measure for RoBERTa/CoLA) " +
    "(method.md §7.1, §8 NB5).",
  bootstrap:
    "Across B = 1000 resamples of seeds 0–9, measures of closer granularity correlate more. Examples (random, they vary): BERT/RTE Standard SD–I<sub>pwd</sub> .32, " +
    "SD–I<sub>CKA</sub> .09, I<sub>JSD</sub>–I<sub>pwd</sub> .82, I<sub>CKA</sub>–I<sub>OP</sub> .95; BERT/CoLA every pair ≥ .87; RoBERTa/RTE SD–I<sub>κ</sub> .96, " +
    "I<sub>CKA</sub>–I<sub>OP</sub> .99 (method.md §7.2).",
  agreement:
    "The more unstable a configuration (larger SD), the more its measures agree: Pearson r between SD and the standardised mean bootstrap correlation over " +
    "6 × 15 points is 0.734 for BERT (p = 1.9e−16) and 0.653 for RoBERTa (p = 2.9e−12). With stable models the measures diverge, so several measures are " +
    "needed exactly there. The points are not independent; do not over-read p (method.md §7.3).",
  subsampling:
    "Recomputed on 4 random subsets of the test half, the curves and the prediction measures nearly overlap at a rate of 0.5 and roughly at 0.1 " +
    "(at 0.1 RTE has only 13 examples, where SVCCA is trivially about 0) (method.md §7.4).",
} as const;
