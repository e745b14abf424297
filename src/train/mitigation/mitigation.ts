// The one place that turns a mitigation method's name and hyper-parameters into what the
// training loop needs: AdamW parameter groups, a dropout override, the forward pass's weight
// transform, an after-step hook, and the list of re-initialised parameters. Which method does
// what is the registry's (registry.ts); this file builds Standard's set-up and hands it over.
import { standardGroups } from "../parameterGroups";
import type { MitigationContext, MitigationSetup } from "./method";
import { mitigationMethod, resolveMitigationHyperParameters } from "./registry";

export { MITIGATIONS, parseMitigation, DEFAULT_MITIGATION_HYPERPARAMETERS, reinitLayersForDepth, resolveMitigationHyperParameters } from "./defaults";
export type { Mitigation, MitigationHyperParameters } from "./defaults";
export type { MitigationContext, MitigationSetup } from "./method";

/**
 * Sets up a method on freshly loaded parameters. Call once per run, after loading and head
 * initialisation and before creating the optimizer: re-init happens here, and Mixout's targets
 * and WD_pre's θ₀ are captured here.
 */
export function configureMitigation(name: string, ctx: MitigationContext): MitigationSetup {
  const method = mitigationMethod(name);
  const hp = resolveMitigationHyperParameters(ctx.hyperParameters);
  const base: MitigationSetup = {
    mitigation: method.store,
    hyperParameters: hp,
    groups: standardGroups(ctx.params.keys(), hp.weightDecay),
    dropoutOverride: null,
    afterStep: () => {},
    reinitialized: [],
    dispose: () => {},
  };
  return method.configure(base, ctx, hp);
}
