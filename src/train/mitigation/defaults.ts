// The mitigation methods' names and hyper-parameter defaults (method.md §4), in one place and
// free of tfjs, so option validation (finetune/config.ts, the CLI, notebooks) can use them
// without loading the training engine. The four method files take their defaults from here.

export const MITIGATIONS = ["none", "mixout", "llrd", "reinit", "wd_pre"] as const;
export type Mitigation = (typeof MITIGATIONS)[number];

/** Validates a method name (from a CLI flag or a config file). */
export function parseMitigation(name: string): Mitigation {
  if ((MITIGATIONS as readonly string[]).includes(name)) return name as Mitigation;
  throw new Error(`unknown mitigation method "${name}"; valid methods: ${MITIGATIONS.join(", ")}`);
}

/** Hyper-parameters of the methods, defaults from the released code (method.md §4). */
export interface MitigationHyperParameters {
  /** AdamW's decoupled weight decay for decayed parameters (all methods but wd_pre). */
  weightDecay: number;
  mixoutP: number;
  llrdEta: number;
  reinitLayers: number;
  reinitStd: number;
  wdPreLambda: number;
}

export const DEFAULT_MITIGATION_HYPERPARAMETERS: Readonly<MitigationHyperParameters> = Object.freeze({
  weightDecay: 0.01,
  mixoutP: 0.1,
  llrdEta: 0.95,
  reinitLayers: 5,
  reinitStd: 0.02,
  wdPreLambda: 0.01,
});

/** The defaults with `overrides` on top, each checked to be a finite number. */
export function resolveMitigationHyperParameters(overrides: Partial<MitigationHyperParameters> = {}): MitigationHyperParameters {
  const hp: MitigationHyperParameters = { ...DEFAULT_MITIGATION_HYPERPARAMETERS, ...overrides };
  for (const [key, value] of Object.entries(hp)) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`mitigation hyper-parameter ${key} must be a finite number, got ${value}`);
  }
  return hp;
}

/**
 * Re-init depth for a model of `layers` blocks when none is given: the paper re-initialises the
 * top 5 of 24 blocks; smaller models keep the same share (at least one block), so the embedded
 * 4-block model re-initialises its top block instead of failing.
 */
export function reinitLayersForDepth(layers: number): number {
  const paperDepth = 24; // the paper's models: BERT-large, RoBERTa-large
  const top = DEFAULT_MITIGATION_HYPERPARAMETERS.reinitLayers;
  return layers >= paperDepth ? top : Math.max(1, Math.round((top * layers) / paperDepth));
}
