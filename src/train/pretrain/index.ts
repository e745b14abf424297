// Masked-language-model pre-training of the project's embedded model (issue 5).
export { pretrain, runTokenizer, TOKENIZER_DIR, FINAL_MODEL_DIR, type PretrainOptions, type PretrainSettings, type PretrainResult } from "./loop";
export { findCheckpoint, saveCheckpoint, readTrainerState, readOptimizerState, CHECKPOINT_DIR, type TrainerState } from "./checkpoint";
export { evaluateMlm, specialTokenIds, type MlmEvaluation, type MlmEvalOptions } from "./evaluate";
export { isHeldOut, splitHeldOut, tokeniseDocuments, pretrainingEpochBatches, BatchSchedule, HELD_OUT_PER_MILLE } from "./data";
export { maskTokens, type MaskingOptions, type MaskedBatch } from "./masking";
export { packDocuments, padBatch, type SequenceSet, type PaddedBatch } from "./packing";
export { appendLog, readLog, truncateLog } from "./log";
