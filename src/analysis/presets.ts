// The protocols of `instability reproduce`, as plain data: which sweeps to run and how big the
// analyses are. `paper` is method.md §3–§7; `quick` is a cut-down version that finishes in
// about 10 minutes on a 2-core laptop with the embedded model. Tune the numbers here.

/** A learning rate, or one per model family (the failed-run LR differs for BERT and RoBERTa). */
export type LearningRate = number | { bert?: number; roberta?: number; default: number };

export interface SweepPart {
  /** What the part is for (shown in the report). */
  name: string;
  /** Store names of the methods: none, mixout, llrd, reinit, wd_pre. */
  mitigations: string[];
  learningRate: LearningRate;
  seeds: number[];
  /** Also keep the final models (RUN_DIR/final): the failed-run analysis uses them. */
  saveFinal?: boolean;
  /** Tasks left out of this part (e.g. SST-2 has Standard runs only). */
  excludeTasks?: string[];
}

export interface ReproducePreset {
  name: string;
  description: string;
  /** Tasks without GLUE (the embedded tasks) and with --glue-dir. */
  tasks: { embedded: string[]; glue: string[] };
  parts: SweepPart[];
  /** Passed to every `instability finetune`; undefined keeps the engine's default (method.md §3). */
  finetune: { epochs?: number; batch?: number; maxTrainExamples?: number; maxLength?: number; reinitLayers?: number };
  analysis: { bootstrapResamples: number; subsamplingRates: number[]; subsamplingRepetitions: number; permutations: number };
  /** What this preset leaves out compared with the paper, in words (shown in the report). */
  cuts: string[];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const IMMS = ["mixout", "llrd", "reinit", "wd_pre"];

export const PAPER_PRESET: ReproducePreset = {
  name: "paper",
  description: "The full protocol of method.md: Standard 20 seeds, each mitigation method 10 seeds, 20 failed-run seeds at the larger learning rate with final models, 5 epochs.",
  tasks: { embedded: ["sotu-party", "sotu-pair"], glue: ["rte", "mrpc", "cola", "sst2"] },
  parts: [
    { name: "Standard", mitigations: ["none"], learningRate: 2e-5, seeds: range(20) },
    { name: "mitigation methods", mitigations: IMMS, learningRate: 2e-5, seeds: range(10), excludeTasks: ["sst2"] },
    { name: "failed runs", mitigations: ["none"], learningRate: { bert: 5e-5, roberta: 3e-5, default: 5e-5 }, seeds: range(20), saveFinal: true, excludeTasks: ["sst2"] },
  ],
  finetune: { epochs: 5 },
  analysis: { bootstrapResamples: 1000, subsamplingRates: [0.1, 0.5], subsamplingRepetitions: 4, permutations: 1000 },
  cuts: [],
};

export const QUICK_PRESET: ReproducePreset = {
  name: "quick",
  description: "A small grid that finishes in about 10 minutes on 2 idle cores with the embedded model: one task, few seeds, a train subset and 2 epochs. It checks the pipeline; its numbers are not findings.",
  tasks: { embedded: ["sotu-party"], glue: ["rte"] },
  parts: [
    // The embedded model is tiny and trains for few steps here, so it needs larger learning
    // rates than the paper's 2e-5 to move away from its initialisation at all.
    { name: "Standard", mitigations: ["none"], learningRate: 5e-4, seeds: range(5) },
    { name: "mitigation methods", mitigations: IMMS, learningRate: 5e-4, seeds: range(3) },
    { name: "failed runs", mitigations: ["none"], learningRate: 5e-3, seeds: range(6), saveFinal: true },
  ],
  // 23 runs. Measured (13:10, finetune branch, a 4-block width-128 checkpoint, sotu-party,
  // 96 examples × 2 epochs, --max-length 64): 34 s of CPU per run, of which evaluating 400
  // validation examples per epoch and the 400 test examples (best and final) is the larger part.
  // With 128 examples: about 40 s of CPU, so 23 runs on 2 idle cores take about 8 minutes, plus
  // about a minute of analyses. A machine shared with other jobs takes proportionally longer.
  // In 16 steps the embedded model barely learns (test accuracy ≈ 0.5): quick checks the
  // pipeline end to end; raise maxTrainExamples/epochs for findings.
  finetune: { epochs: 2, maxTrainExamples: 128, maxLength: 64 },
  analysis: { bootstrapResamples: 1000, subsamplingRates: [0.1, 0.5], subsamplingRepetitions: 4, permutations: 1000 },
  cuts: [
    "one task (sotu-party, or RTE with --glue-dir) instead of RTE, MRPC, CoLA and SST-2",
    "Standard 5 seeds, each mitigation method 3 seeds, failed runs 6 seeds (paper: 20, 10, 20)",
    "128 training examples, 2 epochs and 64 tokens per run (paper: the full train set, 5 epochs, 128 tokens)",
    "learning rates 5e-4 (Standard and methods) and 5e-3 (failed runs) for the tiny embedded model (paper: 2e-5, and 5e-5/3e-5)",
  ],
};

export const PRESETS: Record<string, ReproducePreset> = { quick: QUICK_PRESET, paper: PAPER_PRESET };

/** The learning rate of a part for a model family ("bert", "roberta", or anything else). */
export function learningRateFor(lr: LearningRate, family: string | undefined): number {
  if (typeof lr === "number") return lr;
  const byFamily = family === "bert" || family === "roberta" ? lr[family] : undefined;
  return byFamily ?? lr.default;
}
