// The paper's findings as library objects (one per section of method.md §6–§7), each with its
// preconditions, CIs, verdict and sentence. The report and the notebooks render these; nothing
// above this module decides a verdict.
import { computeSdAgreement } from "../agreement";
import { computeBootstrap, type BootstrapOptions } from "../bootstrap";
import { computeSuccessfulVsFailed, type FailureOptions } from "../failedRuns";
import type { RunStore } from "../store";
import { computeSubsampling, type SubsamplingOptions } from "../subsampling";
import { agreementFinding } from "./agreement";
import { bootstrapFinding } from "./bootstrapFinding";
import { convergentFinding } from "./convergent";
import { failedFinding } from "./failed";
import type { Finding } from "./finding";
import { kendallFinding } from "./kendall";
import { layersFinding } from "./layers";
import { learningFinding } from "./learning";
import { subsamplingFinding } from "./subsamplingFinding";
import type { ConvergentOptions } from "../validity";

export * from "./finding";
export * from "./ci";
export * from "./gates";
export { configurationLearning, learningFinding, learningRow, type ConfigLearning } from "./learning";
export { layersFinding, layerRise } from "./layers";
export { convergentFinding, AGREE_R, MIN_LAYERS_FOR_CORRELATION } from "./convergent";
export { failedFinding } from "./failed";
export { kendallFinding, methodBenchmarks, benchmarkRows, granularityGap, type MethodBenchmark } from "./kendall";
export { resampleSix, type MethodResamples } from "./methodResamples";
export { methodActions, actionRows, actsGate, MIN_ACTION_RATIO, type MethodAction } from "./methodsAct";
export { bootstrapFinding, closeMinusFar } from "./bootstrapFinding";
export { agreementFinding, MIN_AGREEMENT_CONFIGURATIONS } from "./agreement";
export { subsamplingFinding } from "./subsamplingFinding";
export { PAPER_CLAIMS } from "./paperClaims";
export { REAL_MODEL_EVIDENCE, structuralSentence } from "./realModelEvidence";
export * as paper from "./paperNumbers";

export interface FindingsOptions {
  /** Extra measures in the convergent-validity finding (default the paper's three only). */
  convergent?: ConvergentOptions;
  bootstrap?: BootstrapOptions;
  failure?: FailureOptions;
  subsampling?: SubsamplingOptions;
}

/** Every finding of the paper on one store, in the paper's order. */
export function computeFindings(store: RunStore, o: FindingsOptions = {}): Finding[] {
  const boot = computeBootstrap(store, { chance: store.options.chance, ...o.bootstrap });
  return [
    learningFinding(store),
    layersFinding(store),
    convergentFinding(store, o.convergent),
    failedFinding(store, o.failure, computeSuccessfulVsFailed(store, o.failure)),
    kendallFinding(store),
    bootstrapFinding(store, boot),
    agreementFinding(computeSdAgreement(boot)),
    subsamplingFinding(store, computeSubsampling(store, o.subsampling)),
  ];
}
