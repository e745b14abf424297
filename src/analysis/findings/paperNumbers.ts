// The paper's reference numbers (docs/method.md §6–§8, tag [N]: printed outputs of the authors'
// analysis notebook), as data, so a notebook can put them beside its own results.

export const PAPER_MODELS = ["bert", "roberta"] as const;
export const PAPER_TASKS = ["rte", "mrpc", "cola"] as const;
export const PAPER_METHODS = ["standard", "mixout", "llrd", "reinit", "wdpre"] as const;
/** Column order of the benchmark table and of the τ / bootstrap matrices. */
export const SIX = ["sd", "jsd", "kappa", "pwd", "cka", "op"] as const;

export type BenchmarkReference = {
  model: string;
  task: string;
  method: string;
  mean: number;
  sd: number;
  jsd: number;
  kappa: number;
  pwd: number;
  cka: number;
  op: number;
};

// method.md §8 NB3: metric, SD, JSD, κ (uniform chance), pwd, CKA(L24), OP(L24).
const BENCHMARK_TEXT: Record<string, Record<string, string[]>> = {
  bert: {
    rte: [".713 .0177 .0678 .1387 .1377 .34 .20", ".712 .0325 .0789 .1552 .1541 .37 .21", ".692 .0282 .0539 .1382 .1372 .29 .16", ".704 .0143 .0474 .1008 .1001 .18 .10", ".705 .0558 .0739 .1800 .1787 .46 .26"],
    mrpc: [".893 .0122 .0514 .0914 .0910 .26 .18", ".896 .0073 .0481 .0889 .0885 .32 .21", ".895 .0130 .0403 .0822 .0818 .20 .14", ".899 .0075 .0393 .0709 .0706 .17 .11", ".902 .0122 .0466 .0876 .0871 .29 .21"],
    cola: [".645 .0546 .0402 .0787 .0785 .27 .20", ".671 .0189 .0361 .0710 .0708 .19 .16", ".639 .0227 .0279 .0533 .0532 .14 .11", ".642 .0292 .0366 .0679 .0678 .19 .13", ".656 .0183 .0362 .0667 .0665 .22 .15"],
  },
  roberta: {
    rte: [".744 .1217 .0980 .2556 .2538 .59 .39", ".793 .0444 .0934 .1668 .1656 .47 .34", ".813 .0179 .0571 .1124 .1116 .28 .20", ".796 .0204 .0718 .1271 .1261 .29 .18", ".813 .0279 .0662 .1304 .1295 .41 .29"],
    mrpc: [".908 .0364 .0589 .1019 .1014 .35 .30", ".894 .0325 .0624 .1319 .1313 .52 .38", ".913 .0061 .0333 .0619 .0615 .19 .16", ".925 .0080 .0303 .0530 .0527 .14 .09", ".920 .0104 .0361 .0667 .0663 .26 .21"],
    cola: [".656 .0784 .0492 .0895 .0893 .37 .26", ".681 .0222 .0461 .0875 .0873 .41 .26", ".697 .0411 .0304 .0624 .0623 .25 .19", ".692 .0272 .0380 .0709 .0708 .21 .13", ".666 .0245 .0444 .0842 .0840 .33 .23"],
  },
};

/** The benchmark table of method.md §8 NB3 (30 rows: model × task × method). */
export function paperBenchmark(): BenchmarkReference[] {
  const rows: BenchmarkReference[] = [];
  for (const model of PAPER_MODELS) {
    for (const task of PAPER_TASKS) {
      BENCHMARK_TEXT[model][task].forEach((text, i) => {
        const [mean, sd, jsd, kappa, pwd, cka, op] = text.split(" ").map(Number);
        rows.push({ model, task, method: PAPER_METHODS[i], mean, sd, jsd, kappa, pwd, cka, op });
      });
    }
  }
  return rows;
}

/** Kendall's τ-b matrices of method.md §8 NB5, lower triangles in SIX order (row i: τ with columns 0..i−1). */
const TAU_TEXT: Record<string, Record<string, number[][]>> = {
  bert: {
    rte: [[], [0.6], [0.8, 0.8], [0.8, 0.8, 1], [0.8, 0.8, 1, 1], [0.8, 0.8, 1, 1, 1]],
    mrpc: [[], [-0.2], [-0.2, 1], [-0.2, 1, 1], [-0.2, 0.6, 0.6, 0.6], [0, 0.4, 0.4, 0.4, 0.8]],
    cola: [[], [0.4], [0.4, 0.6], [0.4, 0.6, 1], [0, 0.6, 0.6, 0.6], [0.2, 0.4, 0.8, 0.8, 0.8]],
  },
  roberta: {
    rte: [[], [0.8], [1, 0.8], [1, 0.8, 1], [1, 0.8, 1, 1], [0.8, 0.6, 0.8, 0.8, 0.8]],
    mrpc: [[], [0.6], [0.6, 1], [0.6, 1, 1], [0.6, 1, 1, 1], [0.6, 1, 1, 1, 1]],
    cola: [[], [-0.2], [-0.2, 1], [-0.2, 1, 1], [-0.2, 0.6, 0.6, 0.6], [-0.2, 0.6, 0.6, 0.6, 1]],
  },
};

/** The 6×6 τ matrix (full, symmetric, diagonal 1) of one reference (model, task). */
export function paperTau(model: string, task: string): number[][] {
  const lower = TAU_TEXT[model]?.[task];
  if (!lower) throw new Error(`paperTau: no reference for ${model}/${task} (models: bert, roberta; tasks: rte, mrpc, cola)`);
  return SIX.map((_, i) => SIX.map((__, j) => (i === j ? 1 : i > j ? lower[i][j] : lower[j][i])));
}

/** method.md §6.1: Pearson r of the layer curves, per model and task: CKA~OP, CKA~SVCCA, OP~SVCCA. */
export const PAPER_CONVERGENT: { model: string; task: string; ckaOp: number; ckaSvcca: number; opSvcca: number }[] = [
  { model: "bert", task: "rte", ckaOp: 0.95, ckaSvcca: 0.86, opSvcca: 0.78 },
  { model: "bert", task: "mrpc", ckaOp: 0.94, ckaSvcca: 0.9, opSvcca: 0.82 },
  { model: "bert", task: "cola", ckaOp: 0.88, ckaSvcca: 0.91, opSvcca: 0.8 },
  { model: "bert", task: "sst2", ckaOp: 0.78, ckaSvcca: -0.24, opSvcca: 0.14 },
  { model: "roberta", task: "rte", ckaOp: 0.96, ckaSvcca: 0.58, opSvcca: 0.49 },
  { model: "roberta", task: "mrpc", ckaOp: 0.98, ckaSvcca: 0.94, opSvcca: 0.96 },
  { model: "roberta", task: "cola", ckaOp: 0.99, ckaSvcca: 0.49, opSvcca: 0.48 },
  { model: "roberta", task: "sst2", ckaOp: 0.94, ckaSvcca: 0.41, opSvcca: 0.51 },
];

/** method.md §3.1: failed runs of 20 at the larger learning rate. */
export const PAPER_FAILED_COUNTS: { model: string; task: string; failed: number; total: number }[] = [
  { model: "bert", task: "rte", failed: 10, total: 20 },
  { model: "bert", task: "mrpc", failed: 11, total: 20 },
  { model: "bert", task: "cola", failed: 13, total: 20 },
  { model: "roberta", task: "rte", failed: 11, total: 20 },
  { model: "roberta", task: "mrpc", failed: 7, total: 20 },
  { model: "roberta", task: "cola", failed: 9, total: 20 },
];

/** method.md §7.3: Pearson r (and p) between SD and the standardised mean bootstrap correlation. */
export const PAPER_SD_AGREEMENT: { model: string; r: number; p: number; points: number }[] = [
  { model: "bert", r: 0.734, p: 1.9e-16, points: 90 },
  { model: "roberta", r: 0.653, p: 2.9e-12, points: 90 },
];

/** method.md §7.2: example bootstrap correlations (random; they vary from draw to draw). */
export const PAPER_BOOTSTRAP_EXAMPLES: { model: string; task: string; method: string; pair: string; r: number | string }[] = [
  { model: "bert", task: "rte", method: "standard", pair: "sd~pwd", r: 0.32 },
  { model: "bert", task: "rte", method: "standard", pair: "sd~cka", r: 0.09 },
  { model: "bert", task: "rte", method: "standard", pair: "jsd~pwd", r: 0.82 },
  { model: "bert", task: "rte", method: "standard", pair: "cka~op", r: 0.95 },
  { model: "bert", task: "cola", method: "standard", pair: "every pair", r: "≥ 0.87" },
  { model: "roberta", task: "rte", method: "standard", pair: "sd~kappa", r: 0.96 },
  { model: "roberta", task: "rte", method: "standard", pair: "cka~op", r: 0.99 },
];

/** method.md §8 NB4: layer-24 rankings of the methods (lowest instability first). */
export const PAPER_LAYER24_RANKINGS: { model: string; task: string; measure: string; order: string }[] = [
  { model: "bert", task: "rte", measure: "cka, op", order: "Re-init < LLRD < Standard < Mixout < WD_pre" },
  { model: "bert", task: "mrpc", measure: "cka, op", order: "Re-init < LLRD < Standard < WD_pre/Mixout" },
  { model: "bert", task: "cola", measure: "cka", order: "LLRD < Mixout/Re-init < WD_pre < Standard" },
  { model: "roberta", task: "rte", measure: "cka", order: "LLRD < Re-init < WD_pre < Mixout < Standard" },
  { model: "roberta", task: "mrpc", measure: "cka, op", order: "Re-init < LLRD < WD_pre < Standard < Mixout" },
  { model: "roberta", task: "cola", measure: "cka, op", order: "Re-init < LLRD < WD_pre < Standard < Mixout" },
];

/** method.md §5.5: I_SVCCA with fewer examples than dimensions (N = 139 < d = 1024). */
export const METHOD_SVCCA_BELOW_WIDTH = { n: 139, d: 1024, independentGaussian: 0.013, noisyRotatedCopies: 0.16, signalRank: 20 } as const;

/** method.md §5.3: the reference pair that shows I_κ = I_pwd·N/(N−1) (uniform-over-items chance). */
export const PAPER_KAPPA_PWD_PAIR = { model: "bert", task: "rte", pwd: 0.13771, kappa: 0.13871, n: 139 } as const;
