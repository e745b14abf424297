// The representation measures by id, read from the measure registry (registry.ts): which exist,
// which are the paper's, and the checks and words every caller uses for a list of them.
import type { MeasureDefinition, RepresentationKernel } from "./measureDefinition";
import { measureDefinition, paperMeasures, registeredMeasures } from "./registry";

/**
 * The id of a registered representation measure. Built in: svcca, op, cka (the paper's three, the
 * default), pwcca, cka-rbf, cka-biased, op-angular, rsa, mknn, cknna; registerMeasure adds more.
 * All are distances, 0 = identical.
 */
export type RepresentationMeasure = string;

/** The paper's three, coarse to fine: svcca, op, cka. */
export const REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = paperMeasures().filter((m) => m.representation).map((m) => m.id);

function representationDefinitions(): MeasureDefinition[] {
  return registeredMeasures().filter((m) => m.representation);
}

/** The representation measures besides the paper's three, in registry order. */
export function extraRepresentationMeasures(): RepresentationMeasure[] {
  return representationDefinitions().filter((m) => !m.paper).map((m) => m.id);
}

/** The paper's three, then the others. */
export function allRepresentationMeasures(): RepresentationMeasure[] {
  return [...REPRESENTATION_MEASURES, ...extraRepresentationMeasures()];
}

export function isRepresentationMeasure(name: string): name is RepresentationMeasure {
  return measureDefinition(name)?.representation !== undefined;
}

/** How measure `id` is computed; an unknown id is an error listing the valid ones. */
export function representationKernel(id: string): RepresentationKernel {
  const kernel = measureDefinition(id)?.representation;
  if (!kernel) throw new RangeError(`unknown representation measure '${id}': use ${allRepresentationMeasures().join(", ")}`);
  return kernel;
}

/**
 * What is wrong with a list of measure names (a CLI flag's, a notebook option's), or undefined:
 * each must be known and appear once. Callers name the input and list the choices.
 */
export function measureNamesProblem(names: readonly string[]): string | undefined {
  if (names.length === 0) return "no measure named";
  const bad = names.find((m) => !isRepresentationMeasure(m));
  if (bad !== undefined) return `unknown measure '${bad}'`;
  if (new Set(names).size !== names.length) return "each measure once";
  return undefined;
}

/** The paper's three followed by `extra` (the report's and findings' measure set: the three are always there). */
export function withPaperMeasures(extra: readonly RepresentationMeasure[]): RepresentationMeasure[] {
  return [...REPRESENTATION_MEASURES, ...extra.filter((m) => !REPRESENTATION_MEASURES.includes(m))];
}

/** The optional measures for usage texts: "pwcca (projection-weighted CCA), cka-rbf (…), …". */
export function describeExtraMeasures(): string {
  return extraRepresentationMeasures().map((id) => `${id} (${measureDefinition(id)!.help})`).join(", ");
}
