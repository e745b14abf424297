// The names of the representation measures (a leaf module: the measure files and
// representation.ts all import it, and it imports none of them).

/**
 * svcca, op, cka: the paper's three (the default). The others are optional: pwcca (pwcca.ts),
 * cka-rbf and cka-biased (kernelCka.ts: biased-HSIC CKA, RBF or linear kernel), op-angular
 * (procrustesAngle.ts: θ in radians), rsa (rsa.ts), mknn and cknna (knnAlignment.ts: 1 − mutual k-NN
 * alignment and 1 − CKNNA, k nearest neighbours). All are distances, 0 = identical.
 */
export type RepresentationMeasure = "svcca" | "op" | "cka" | "pwcca" | "cka-rbf" | "cka-biased" | "op-angular" | "rsa" | "mknn" | "cknna";
export const REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = ["svcca", "op", "cka"];
export const EXTRA_REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = ["pwcca", "cka-rbf", "cka-biased", "op-angular", "rsa", "mknn", "cknna"];
export const ALL_REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = [...REPRESENTATION_MEASURES, ...EXTRA_REPRESENTATION_MEASURES];

export function isRepresentationMeasure(name: string): name is RepresentationMeasure {
  return (ALL_REPRESENTATION_MEASURES as readonly string[]).includes(name);
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
