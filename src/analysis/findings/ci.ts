// Bootstrap 95% confidence intervals over seeds: resample a configuration's runs with
// replacement and recompute the statistic. For pair measures a resample averages only its pairs
// of distinct runs (a run paired with its own copy would add a distance of 0 and bias the
// interval low, unlike §7.2's bootstrap, which keeps those pairs on purpose). Percentile
// intervals, B = 1000, seeded by the configuration's name (not its path), so the same runs give the same CI wherever the store lies.
import { Random } from "../../util/random";
import { normalQuantile } from "../stats";

export interface Ci {
  value: number;
  lower: number;
  upper: number;
  /** Runs behind the value. */
  runs: number;
}

export const CI_RESAMPLES = 1000;

/** The 2.5th and 97.5th percentiles of the finite values (NaN when there are none). */
export function percentileInterval(samples: number[]): { lower: number; upper: number } {
  const xs = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return { lower: NaN, upper: NaN };
  const at = (q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.round(q * (xs.length - 1))))];
  return { lower: at(0.025), upper: at(0.975) };
}

/** Draws `resamples` lists of `size` run indices out of `runs`, with replacement. */
export function resampleRuns(runs: ArrayLike<number>, resamples: number, rng: Random): number[][] {
  return Array.from({ length: resamples }, () => Array.from({ length: runs.length }, () => runs[rng.int(runs.length)]));
}

/** CI of any statistic of a list of runs: `stat(all runs)` and its bootstrap percentiles. */
export function seedCi(runs: ArrayLike<number>, stat: (drawn: number[]) => number, seedLabel: string, resamples = CI_RESAMPLES): Ci {
  const all = Array.from(runs);
  const rng = new Random(0).fork(`ci:${seedLabel}`);
  const samples = resampleRuns(all, resamples, rng).map(stat);
  return { value: stat(all), ...percentileInterval(samples), runs: all.length };
}

/** Mean of a pair matrix over the pairs of distinct runs in `drawn` (NaN pairs skipped). */
export function distinctPairMean(matrix: Float64Array, size: number, drawn: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < drawn.length; i++) {
    for (let j = i + 1; j < drawn.length; j++) {
      const a = drawn[i];
      const b = drawn[j];
      if (a === b) continue;
      const v = matrix[a * size + b];
      if (Number.isFinite(v)) (sum += v), count++;
    }
  }
  return count ? sum / count : NaN;
}

/** Mean of the drawn values. */
export function meanOf(values: ArrayLike<number>, drawn: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < drawn.length; i++) s += values[drawn[i]];
  return drawn.length ? s / drawn.length : NaN;
}

/** The 1/√n rule: seeds for a CI half-width `target`, from `halfWidth` measured over `seeds` seeds. */
export function seedsForHalfWidthByRule(halfWidth: number, seeds: number, target: number): number {
  if (!(target > 0)) throw new RangeError(`target half-width ${target}: use a positive number`);
  if (!Number.isFinite(halfWidth)) return NaN;
  return Math.max(2, Math.ceil(seeds * (halfWidth / target) ** 2));
}

/**
 * "The same estimate would need N seeds": the seeds for an estimate `effect`, whose 95% CI from
 * `seeds` seeds has half-width `halfWidth`, to have a CI that excludes 0 (half-width below
 * |effect|), by the 1/√m rule. For a finding whose effect is within noise.
 */
export function seedsToResolve(effect: number, halfWidth: number, seeds: number): number {
  if (effect === 0 || !Number.isFinite(effect)) return Infinity;
  return seedsForHalfWidthByRule(halfWidth, seeds, Math.abs(effect));
}

/**
 * How many runs the same estimate would need for its 95% CI to exclude `zero`, assuming the CI's
 * half-width shrinks as 1/√n (an extrapolation from this bootstrap, not a new measurement):
 * n' = n·(w/|value − zero|)², w the CI's half on the side of `zero`. Infinity when the estimate
 * is `zero` itself; undefined when the CI already excludes it.
 */
export function runsToDecide(ci: Ci, zero = 0): number | undefined {
  if (ci.lower > zero || ci.upper < zero) return undefined;
  const halfWidth = ci.value >= zero ? ci.value - ci.lower : ci.upper - ci.value;
  const n = seedsToResolve(ci.value - zero, halfWidth, ci.runs);
  return Number.isFinite(n) ? Math.max(ci.runs + 1, n) : Infinity;
}

/** "about 40 seeds would decide it at this estimate (1/√n extrapolation)", or why none would. */
export function decideText(ci: Ci, unit = "seeds", zero = 0): string {
  const n = runsToDecide(ci, zero);
  if (n === undefined) return "";
  if (!Number.isFinite(n)) return `the estimate is ${zero}, so no number of ${unit} would decide it`;
  return `about ${n} ${unit} would decide it if the estimate stayed at ${Number(ci.value.toPrecision(2))} (the CI's width scaled by 1/√n from ${ci.runs})`;
}

/**
 * Runs a two-sided test with p-value `p` on `runs` runs would need for p < `alpha` if the effect
 * stayed the same: the z of the effect grows as √n (an extrapolation, said so where shown).
 */
export function runsForSignificance(p: number, runs: number, alpha = 0.05): number | undefined {
  if (p < alpha) return undefined;
  const z = normalQuantile(1 - p / 2);
  if (!(z > 0)) return Infinity;
  return Math.max(runs + 1, Math.ceil(runs * (normalQuantile(1 - alpha / 2) / z) ** 2));
}
