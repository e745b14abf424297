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
import { parseMitigation, resolveMitigationHyperParameters, type Mitigation, type MitigationHyperParameters } from "./defaults";

export { MITIGATIONS, parseMitigation, DEFAULT_MITIGATION_HYPERPARAMETERS, reinitLayersForDepth, resolveMitigationHyperParameters } from "./defaults";
export type { Mitigation, MitigationHyperParameters } from "./defaults";

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
  const hp = resolveMitigationHyperParameters(ctx.hyperParameters);
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
