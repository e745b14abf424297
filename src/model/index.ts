// Public API of src/model: the BERT/RoBERTa encoder on tfjs, HF checkpoints, the fast ops.
export { initBackend, describeBackend, type BackendName } from "./backend";
export { setThreads, threads, kernelThreads, cores } from "./threads";
export { type EncoderConfig, type ModelType, makeConfig, parseConfig, configToJson } from "./config";
export {
  EncoderModel,
  positionIds,
  type Batch,
  type ForwardOptions,
  type DropoutRates,
  type EncoderOutput,
  type ClassifierOutput,
  type MlmOutput,
  type LastLayerRows,
} from "./encoder";
export { createRandomModel, defaultHeads } from "./init";
export { loadModel, saveModel, exportWeights, initializationReport, TOKENIZER_FILES, type LoadOptions, type SaveOptions } from "./checkpoint";
export { readSafetensors, writeSafetensors, type NamedArray } from "./safetensors";
export { weightSpecs, type Heads, type WeightSpec } from "./weights";
export { lossAndGrads, type LossAndGrads } from "./train-step";
export { linear } from "./ops/linear";
export { matMul } from "./ops/matmul";
export { gatherRows } from "./ops/embedding";
export { layerNorm } from "./ops/layer-norm";
export { gelu } from "./ops/gelu";
export { dropout, dropoutMask } from "./ops/dropout";
export { multiHeadAttention, additiveAttentionMask } from "./ops/attention";
export { crossEntropy } from "./ops/cross-entropy";
export { pullModel, HubError, type PullOptions } from "./hub";
export { defaultModelDir, packageRoot, DEFAULT_MODEL_NAME } from "./defaultModel";
