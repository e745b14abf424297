// Seed planning for a run set (`instability seeds`): each quantity's CI half-width against the
// number of seeds, the seeds a target half-width needs, and with a second run set the seeds per
// configuration that tell the two apart at 80% power (analysis/seedPlanning.ts computes).
import type { RunSet } from "../../runs/runFolder";
import { seedCurve, seedsForHalfWidth, seedsToTellApart, type SeedCurvePoint } from "../seedPlanning";
import { runSetStatistics, type RunSetStatistics, type StatisticsOptions } from "./runSetStatistics";

export interface PlannedQuantity {
  name: string;
  value: number;
  curve: SeedCurvePoint[];
  /** With a target: the seeds it needs, and whether that is the 1/√m rule's answer. */
  forTarget?: { seeds: number; extrapolated: boolean };
}

export interface SeedPlan {
  dir: string;
  seeds: number;
  metric: string;
  block?: number;
  resamples: number;
  target?: number;
  quantities: PlannedQuantity[];
  /** What the curve's two parts are. */
  note: string;
}

export interface SeedPlanOptions extends StatisticsOptions {
  target?: number;
  resamples?: number;
  /** Extrapolate up to this many seeds (default max(2n, 20), and far enough for the target). */
  maxSeeds?: number;
}

export function computeSeedPlan(set: RunSet | RunSetStatistics, o: SeedPlanOptions = {}): SeedPlan {
  if (o.target !== undefined && !(o.target > 0)) throw new RangeError(`target half-width ${o.target}: use a positive number`);
  const stats = "quantities" in set ? set : runSetStatistics(set, o);
  const n = stats.runs.length;
  const resamples = o.resamples ?? 200;
  const quantities = stats.quantities.map((q) => {
    const curve = seedCurve(n, q.stat, { resamples, maxSeeds: o.maxSeeds ?? Math.max(2 * n, 20), seed: 0 });
    return { name: q.name, value: q.value, curve, ...(o.target !== undefined ? { forTarget: seedsForHalfWidth(curve, o.target) } : {}) };
  });
  return {
    dir: stats.dir,
    seeds: n,
    metric: stats.metric,
    ...(stats.block !== undefined ? { block: stats.block } : {}),
    resamples,
    ...(o.target !== undefined ? { target: o.target } : {}),
    quantities,
    note: `2…${n} seeds: ${resamples} bootstrap resamples of the ${n} seeds each; beyond ${n}: extrapolated by the 1/√n rule`,
  };
}

export interface SeedComparison {
  name: string;
  a: number;
  b: number;
  difference: number;
  /** Seeds per configuration for 80% power at two-sided α = 0.05. */
  seeds: number;
  extrapolated: boolean;
}

/** Per quantity both plans have: the difference and the seeds per configuration that detect it. */
export function compareSeedPlans(a: SeedPlan, b: SeedPlan): SeedComparison[] {
  return a.quantities.flatMap((qa) => {
    const qb = b.quantities.find((q) => q.name === qa.name);
    if (!qb) return [];
    const difference = qa.value - qb.value;
    return [{ name: qa.name, a: qa.value, b: qb.value, difference, ...seedsToTellApart(difference, qa.curve, qb.curve) }];
  });
}
