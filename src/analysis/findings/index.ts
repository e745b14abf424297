// The paper's findings as library objects (one per section of method.md §6–§7), each with its
// preconditions, CIs, verdict and sentence, and each finding's section (id, title, compute:
// findingSection.ts). The report's table of sections orders them and renders them
// (report/sectionRegistry.ts); nothing above this module decides a verdict.
export * from "./finding";
export * from "./findingSection";
export * from "./ci";
export * from "./gates";
export { configurationLearning, learningFinding, learningRow, learningSection, type ConfigLearning } from "./learning";
export { layersFinding, layerRise, layersSection } from "./layers";
export { convergentFinding, convergentSection, AGREE_R, MIN_LAYERS_FOR_CORRELATION } from "./convergent";
export { failedFinding, failedSection } from "./failed";
export { kendallFinding, kendallSection, sharedBenchmarks, methodBenchmarks, benchmarkRows, granularityGap, type MethodBenchmark } from "./kendall";
export { resampleSix, type MethodResamples } from "./methodResamples";
export { methodActions, sharedActions, actionRows, actsGate, MIN_ACTION_RATIO, type MethodAction } from "./methodsAct";
export { bootstrapFinding, bootstrapSection, sharedBootstrap, closeMinusFar } from "./bootstrapFinding";
export { agreementFinding, agreementSection, MIN_AGREEMENT_CONFIGURATIONS } from "./agreement";
export { subsamplingFinding, subsamplingSection } from "./subsamplingFinding";
export { benchmarkSection } from "./benchmarkSection";
export { PAPER_CLAIMS } from "./paperClaims";
export { REAL_MODEL_EVIDENCE, structuralSentence } from "./realModelEvidence";
export * as paper from "./paperNumbers";
