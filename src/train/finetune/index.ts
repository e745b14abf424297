// One fine-tuning run of the paper's protocol: the loop, its configuration, evaluation,
// best-checkpoint keeping and failed-run classification.
export { fineTune, type RunResult, type Divergence } from "./fineTune";
export { type FineTuneOptions, type FineTuneHooks, type SetupInfo, type StepInfo, type ResolvedConfig, FINETUNE_DEFAULTS, resolveConfig, checkpointConfigHash, packageVersion } from "./config";
export { type FailedRule, type FailedRunLabel, DEFAULT_FAILED_RULE, parseFailedRule, formatFailedRule, classifyRun, majorityClassAccuracy } from "./failedRun";
export { BestCheckpoint } from "./bestCheckpoint";
export { predict, predictedLabels, scorePredictions, type Predictions } from "./evaluate";
export { encodeExamples, makeBatch, batchIndices, epochBatches, type EncodedExamples, type LabelledBatch } from "./batches";
export { checkOutput } from "./output";
export { type FineTuneSpec, readSpec, resolveSpec, specOptions, specOfConfig } from "./runSpec";
