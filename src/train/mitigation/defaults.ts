// The mitigation methods' names and hyper-parameter defaults (method.md §4), free of tfjs, so
// option validation (finetune/config.ts, the CLI, notebooks) can use them without loading the
// training engine. They come from the registry (registry.ts); this file keeps the names callers use.
import { REINIT } from "./methods/reinit";
import { defaultHyperParameters, mitigationMethod } from "./registry";

export { MITIGATIONS, resolveMitigationHyperParameters } from "./registry";
export type { MitigationHyperParameters } from "./method";

/** A registered method's store name ("none", "mixout", …). */
export type Mitigation = string;

/** Validates a method name (from a CLI flag or a config file). */
export function parseMitigation(name: string): Mitigation {
  return mitigationMethod(name).store;
}

/** The registered methods' defaults, from the release code (method.md §4). */
export const DEFAULT_MITIGATION_HYPERPARAMETERS = Object.freeze(defaultHyperParameters());

/**
 * Re-init depth for a model of `layers` blocks when none is given: the paper re-initialises the
 * top 5 of 24 blocks; smaller models keep the same share (at least one block), so the embedded
 * 4-block model re-initialises its top block instead of failing.
 */
export function reinitLayersForDepth(layers: number): number {
  const paperDepth = 24; // the paper's models: BERT-large, RoBERTa-large
  const top = REINIT.hyperParameters.find((h) => h.key === "reinitLayers")!.default;
  return layers >= paperDepth ? top : Math.max(1, Math.round((top * layers) / paperDepth));
}
