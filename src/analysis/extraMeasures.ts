// The optional representation measures (any registered besides the paper's three, measures/
// registry.ts) for the analyses that can show them beside the paper's three: the
// convergent-validity section only. They
// are measured on the configurations that section reads (the Standard runs), not on every
// configuration of the store, since some cost far more than the paper's three (bench/measures),
// and cached per store and configuration like the store's own measurements.
import { extraRepresentationMeasures, measureNamesProblem, REPRESENTATION_MEASURES, type RepresentationMatrices, type RepresentationMeasure } from "../measures/representation";
import { type Configuration, measureConfiguration, type RunStore } from "./store";

const cache = new WeakMap<RunStore, Map<string, RepresentationMatrices | undefined>>();

/**
 * The extra measures asked for (`measures`, any of allRepresentationMeasures()), without the
 * paper's three (always measured); an unknown or repeated name is an error naming `what`.
 */
export function extraMeasureList(measures: readonly string[] | undefined, what: string): RepresentationMeasure[] {
  if (measures === undefined) return [];
  const problem = measureNamesProblem(measures);
  if (problem) throw new RangeError(`${what} ${JSON.stringify(measures)}: ${problem}; the optional measures are ${extraRepresentationMeasures().join(", ")} (the paper's ${REPRESENTATION_MEASURES.join(", ")} are always there)`);
  return measures.filter((m) => !REPRESENTATION_MEASURES.includes(m));
}

/** The pair matrices of `measures` on configuration `c` (best checkpoints), or undefined without hidden states. */
export function extraMatrices(store: RunStore, c: Configuration, measures: readonly RepresentationMeasure[]): RepresentationMatrices | undefined {
  if (measures.length === 0) return undefined;
  let byConfig = cache.get(store);
  if (!byConfig) cache.set(store, (byConfig = new Map()));
  const key = `${c.dir}\0${measures.join(",")}`;
  // Through the store's loaded runs: the Standard runs' hidden states are kept from their first measuring.
  if (!byConfig.has(key)) byConfig.set(key, measureConfiguration(c, "best", { ...store.options, measures }, store.loaded).representation);
  return byConfig.get(key);
}
