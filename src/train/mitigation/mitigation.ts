// The one place that turns a mitigation method's name and hyper-parameters into what the
// training loop needs: AdamW parameter groups, a dropout override, the forward pass's weight
// transform, an after-step hook, and the list of re-initialised parameters.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../util/random";
import { ParameterGroup, standardGroups } from "../parameterGroups";
import { llrdParameterGroups } from "./llrd";
import { InputAxis, Mixout } from "./mixout";
import { reinitTopLayers } from "./reinit";
import { WeightDecayTowardPretrained, wdPreGroups } from "./wdPre";

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

/**
 * Re-init depth for a model of `layers` blocks when none is given: the paper re-initialises the
 * top 5 of 24 blocks; smaller models keep the same share (at least one block), so the embedded
 * 4-block model re-initialises its top block instead of failing.
 */
export function reinitLayersForDepth(layers: number): number {
  return layers >= 24 ? DEFAULT_MITIGATION_HYPERPARAMETERS.reinitLayers : Math.max(1, Math.round((5 * layers) / 24));
}

export interface MitigationContext {
  /** The model's parameters, after loading and head initialisation. Re-init mutates them. */
  params: Map<string, tf.Variable>;
  /** The run's seeded generator; forked here per purpose ("mixout", "reinit"). */
  rng: Random;
  /** Input-feature axis of in-memory linear weights (the model's helper); needed by mixout. */
  inputAxis?: InputAxis;
  hyperParameters?: Partial<MitigationHyperParameters>;
}

export interface MitigationSetup {
  mitigation: Mitigation;
  hyperParameters: MitigationHyperParameters;
  /** Pass to new AdamW(params, groups, { lr }). */
  groups: ParameterGroup[];
  /** When not null, every dropout probability of the model must be set to this (mixout: 0). */
  dropoutOverride: number | null;
  /** Pass to the model's training forward passes (mixout), undefined otherwise. */
  weightTransform?: (name: string, w: tf.Tensor2D) => tf.Tensor2D;
  /** Call after every AdamW step with the step's scheduled LR lr·f(k−1) (wd_pre; a no-op otherwise). */
  afterStep(lrT: number): void;
  /** Parameters re-initialised by this call (reinit), empty otherwise. */
  reinitialized: string[];
  /** Frees snapshots this method holds (mixout targets, wd_pre anchors). */
  dispose(): void;
}

/**
 * Sets up a method on freshly loaded parameters. Call once per run, after loading and head
 * initialisation and before creating the optimizer: re-init happens here, and Mixout's targets
 * and WD_pre's θ₀ are captured here.
 */
export function configureMitigation(method: Mitigation | string, ctx: MitigationContext): MitigationSetup {
  const mitigation = parseMitigation(method);
  const hp: MitigationHyperParameters = { ...DEFAULT_MITIGATION_HYPERPARAMETERS, ...ctx.hyperParameters };
  for (const [key, value] of Object.entries(hp)) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`mitigation hyper-parameter ${key} must be a finite number, got ${value}`);
  }
  const names = [...ctx.params.keys()];
  const base: MitigationSetup = {
    mitigation,
    hyperParameters: hp,
    groups: standardGroups(names, hp.weightDecay),
    dropoutOverride: null,
    afterStep: () => {},
    reinitialized: [],
    dispose: () => {},
  };
  switch (mitigation) {
    case "none":
      return base;
    case "mixout": {
      if (ctx.inputAxis === undefined) throw new Error("mixout needs the model's input-feature axis of linear weights (MitigationContext.inputAxis)");
      const mixout = new Mixout(ctx.params, { p: hp.mixoutP, rng: ctx.rng.fork("mixout"), inputAxis: ctx.inputAxis });
      return { ...base, dropoutOverride: 0, weightTransform: mixout.weightTransform, dispose: () => mixout.dispose() };
    }
    case "llrd":
      return { ...base, groups: llrdParameterGroups(names, { eta: hp.llrdEta, weightDecay: hp.weightDecay }) };
    case "reinit": {
      const reinitialized = reinitTopLayers(ctx.params, { layers: hp.reinitLayers, std: hp.reinitStd, rng: ctx.rng.fork("reinit") });
      return { ...base, reinitialized };
    }
    case "wd_pre": {
      const wd = new WeightDecayTowardPretrained(ctx.params, { lambda: hp.wdPreLambda });
      return { ...base, groups: wdPreGroups(names), afterStep: (lrT) => wd.apply(lrT), dispose: () => wd.dispose() };
    }
  }
}
