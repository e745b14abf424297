// The names of the representation measures (a leaf module: the measure files and
// representation.ts all import it, and it imports none of them).

/**
 * svcca, op, cka: the paper's three (the default). The others are optional: pwcca (pwcca.ts),
 * cka-rbf and cka-biased (kernelCka.ts: biased-HSIC CKA, RBF or linear kernel), op-angular
 * (procrustesAngle.ts: θ in radians) and rsa (rsa.ts). All are distances, 0 = identical.
 */
export type RepresentationMeasure = "svcca" | "op" | "cka" | "pwcca" | "cka-rbf" | "cka-biased" | "op-angular" | "rsa";
export const REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = ["svcca", "op", "cka"];
export const EXTRA_REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = ["pwcca", "cka-rbf", "cka-biased", "op-angular", "rsa"];
export const ALL_REPRESENTATION_MEASURES: readonly RepresentationMeasure[] = [...REPRESENTATION_MEASURES, ...EXTRA_REPRESENTATION_MEASURES];

export function isRepresentationMeasure(name: string): name is RepresentationMeasure {
  return (ALL_REPRESENTATION_MEASURES as readonly string[]).includes(name);
}
