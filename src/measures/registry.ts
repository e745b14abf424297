// The one table of measures. Every list of measure ids, labels and usage text in the CLI, the
// report, the notebooks and the analyses is read from here, so a new measure is its own file
// (a MeasureDefinition beside its numeric code) plus one line in BUILT_IN below, or, from
// outside the package, one registerMeasure() call.
import { registerMeasureName } from "../runs/names";
import { JSD_MEASURE } from "./jensenShannon";
import { CKA_BIASED_MEASURE, CKA_RBF_MEASURE } from "./kernelCka";
import { CKNNA_MEASURE, MKNN_MEASURE } from "./knnAlignment";
import { CKA_MEASURE } from "./linearCka";
import type { MeasureDefinition, MeasureOption } from "./measureDefinition";
import { OP_MEASURE } from "./orthogonalProcrustes";
import { KAPPA_MEASURE } from "./fleissKappa";
import { PWD_MEASURE } from "./pairwiseDisagreement";
import { OP_ANGULAR_MEASURE } from "./procrustesAngle";
import { PWCCA_MEASURE } from "./pwcca";
import { RSA_MEASURE } from "./rsa";
import { SD_MEASURE } from "./standardDeviation";
import { SVCCA_MEASURE } from "./svcca";

const table = new Map<string, MeasureDefinition>();

/**
 * Adds a measure: its id becomes a valid choice of `measure --measures`, `reproduce --measures`
 * and the notebooks' `measures` options, and its label spells it in every table and figure.
 * Registering the same object again does nothing; another measure with a taken id is an error.
 */
export function registerMeasure(def: MeasureDefinition): void {
  if (table.get(def.id) === def) return;
  if (!/^[a-z][a-z0-9-]*$/.test(def.id)) throw new RangeError(`registerMeasure: id '${def.id}': use lower-case letters, digits and '-' (ids are typed in comma-separated lists)`);
  if (table.has(def.id)) throw new RangeError(`registerMeasure: a measure '${def.id}' is already registered; choose another id`);
  table.set(def.id, def);
  registerMeasureName(def.id, def.label, def.aliases);
}

/** The measure registered as `id`, or undefined. */
export function measureDefinition(id: string): MeasureDefinition | undefined {
  return table.get(id);
}

/** Every registered measure, in the order registered. */
export function registeredMeasures(): MeasureDefinition[] {
  return [...table.values()];
}

/** The paper's seven, coarse to fine (method.md §5): sd, pwd, kappa, jsd, svcca, op, cka. */
export function paperMeasures(): MeasureDefinition[] {
  return registeredMeasures().filter((m) => m.paper).sort((a, b) => a.paper!.rank - b.paper!.rank);
}

/** The settings users may give for `measures` (each once, in registry order). */
export function measureOptions(measures: readonly MeasureDefinition[] = registeredMeasures()): MeasureOption[] {
  return [...new Set(measures.flatMap((m) => m.options ?? []))];
}

/**
 * The modules a worker thread must load to know `ids` besides the built-in measures
 * (parallelLayers.ts), or undefined when one of them was registered without a module.
 */
export function workerModules(ids: readonly string[]): string[] | undefined {
  const added = ids.map((id) => table.get(id)).filter((m): m is MeasureDefinition => m !== undefined && !BUILT_IN.includes(m));
  if (added.some((m) => m.module === undefined)) return undefined;
  return [...new Set(added.map((m) => m.module!))];
}

// The built-in measures, one line each: the paper's seven, then the representation measures
// people compare them with. The order is the order of lists and usage texts.
const BUILT_IN: readonly MeasureDefinition[] = [
  SD_MEASURE, PWD_MEASURE, KAPPA_MEASURE, JSD_MEASURE, SVCCA_MEASURE, OP_MEASURE, CKA_MEASURE,
  PWCCA_MEASURE,
  CKA_RBF_MEASURE,
  CKA_BIASED_MEASURE,
  OP_ANGULAR_MEASURE,
  RSA_MEASURE,
  MKNN_MEASURE,
  CKNNA_MEASURE,
];
for (const m of BUILT_IN) registerMeasure(m);
