// Public API of src/train. Re-export what users and other layers may call.
//
// Order of one fine-tuning run (method.md §3–4):
//   load model, initialise the new head from the seed
//   setup = configureMitigation(method, { params, rng, inputAxis })   // re-init happens here
//   optimizer = new AdamW(params, setup.groups, { lr })
//   schedule = new LinearWarmupSchedule({ trainExamples, batchSize, epochs })
//   per batch: grads from the model (training forward with setup.weightTransform and
//   setup.dropoutOverride) → applyUpdate(optimizer, schedule, grads, { afterStep: setup.afterStep })
//   → stop and record divergence when the result says diverged.
export * from "./schedule";
export * from "./adamw";
export * from "./clipGradients";
export * from "./parameterGroups";
export * from "./update";
export * from "./mitigation";
export * from "./finetune";
export { benchTrainStep, profileStep, randomBatch, benchModel, type BenchShape, type BenchResult } from "./benchStep";
