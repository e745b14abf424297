// Picking runs and pairs out of a configuration's cached pair matrices.
import type { RepresentationMatrices, RepresentationMeasure } from "../../measures/representation";
import type { ConfigMeasures } from "./configMeasures";

/** Indices of the runs with the `count` smallest seeds (the paper's "seeds 0–9"). */
export function firstSeeds(m: Pick<ConfigMeasures, "seeds">, count: number): number[] {
  return m.seeds
    .map((s, i) => [s, i])
    .sort((a, b) => a[0] - b[0])
    .slice(0, count)
    .map(([, i]) => i);
}

/** The values of a pair matrix over the distinct pairs i < j of `runs` (run indices). */
export function pairValues(matrix: Float64Array, size: number, runs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) out.push(matrix[runs[i] * size + runs[j]]);
  return out;
}

/** Pair values at every layer: pairs × layers, for bands over pairs. */
export function pairCurves(rep: RepresentationMatrices, measure: RepresentationMeasure, runs: ArrayLike<number>): number[][] {
  const perLayer = rep.matrices[measure].map((m) => pairValues(m, rep.runs, runs));
  return perLayer[0].map((_, p) => perLayer.map((layer) => layer[p]));
}
