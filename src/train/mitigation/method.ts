// What a mitigation method is to the rest of the code: its names, its hyper-parameters (each with
// its flag, default, range and help) and the function that sets it up on a run's parameters.
// Types only (tfjs types are erased), so the registry built from them stays tfjs-free.
import type * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random";
import type { ParameterGroup } from "../parameterGroups";

export interface HyperParameter {
  /** Its name in FineTuneOptions.mitigationHyperParameters and in config.json. */
  key: string;
  /** The command-line flag of `finetune` and `sweep` ("--mixout-p"); none: set from code only. */
  flag?: string;
  /** The value's placeholder in the usage text ("P"). */
  metavar?: string;
  default: number;
  /** The accepted range, both ends included. */
  min: number;
  max: number;
  integer?: boolean;
  /** One line for the usage text, without the default. */
  help: string;
  /** How the usage text states the default, when the number alone would mislead. */
  defaultText?: string;
}

/** Every method's hyper-parameters resolved (defaults filled in), by key. */
export type MitigationHyperParameters = Record<string, number>;

export interface MitigationContext {
  /** The model's parameters, after loading and head initialisation. Re-init mutates them. */
  params: Map<string, tf.Variable>;
  /** The run's seeded generator; forked here per purpose ("mixout", "reinit"). */
  rng: Random;
  /** Input-feature axis of in-memory linear weights (the model's helper); needed by mixout. */
  inputAxis?: number | ((name: string, shape: readonly number[]) => number);
  hyperParameters?: Partial<MitigationHyperParameters>;
}

export interface MitigationSetup {
  /** The method's store name. */
  mitigation: string;
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

/** A method's names and hyper-parameters: plain data, in methods/<name>.ts. */
export interface MitigationMethodData {
  /** `--mitigation` value and configuration-folder prefix (runs/storeLayout). */
  store: string;
  /** Key in analysis results (runs/methods.ts). */
  key: string;
  /** The paper's name (runs/names.ts METHOD_LABELS, plain form). */
  paper: string;
  /** What it does, for usage texts. */
  label: string;
  hyperParameters: readonly HyperParameter[];
}

/**
 * A method as the registry holds it. `configure` turns Standard's set-up (`base`: AdamW's usual
 * groups, no hooks) into the method's; the registry loads the method's tfjs code only when called.
 */
export interface MitigationMethod extends MitigationMethodData {
  configure(base: MitigationSetup, ctx: MitigationContext, hp: MitigationHyperParameters): MitigationSetup;
}
