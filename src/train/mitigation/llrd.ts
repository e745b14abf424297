// Layer-wise learning-rate decay (method.md §4.2), η = 0.95: the head at the base LR without
// decay, block L−i at lr·η^(i+1), the embeddings at lr·η^(L+1). The grouping itself lives in
// parameterGroups.ts beside the standard split; this file fixes the paper's defaults.
import { ParameterGroup, llrdGroups } from "../parameterGroups";
import type { MitigationContext, MitigationHyperParameters, MitigationSetup } from "./method";
import { defaultOf } from "./methods/defaultOf";
import { LLRD } from "./methods/llrd";
import { STANDARD } from "./methods/none";

export interface LlrdConfig {
  /** η (0.95 in the paper). */
  eta?: number;
  /** λ for decayed parameters in blocks and embeddings (0.01). */
  weightDecay?: number;
  /** L; counted from the names by default. */
  numLayers?: number;
}

export function llrdParameterGroups(names: Iterable<string>, config: LlrdConfig = {}): ParameterGroup[] {
  return llrdGroups(names, { decay: config.eta ?? defaultOf(LLRD, "llrdEta"), weightDecay: config.weightDecay ?? defaultOf(STANDARD, "weightDecay"), numLayers: config.numLayers });
}

/** The registry's configure of LLRD: its parameter groups instead of the usual ones. */
export function configureLlrd(base: MitigationSetup, ctx: MitigationContext, hp: MitigationHyperParameters): MitigationSetup {
  return { ...base, groups: llrdParameterGroups(ctx.params.keys(), { eta: hp.llrdEta, weightDecay: hp.weightDecay }) };
}
