// Bootstrap 95% confidence intervals over seeds: resample a configuration's runs with
// replacement and recompute the statistic. For pair measures a resample averages only its pairs
// of distinct runs (a run paired with its own copy would add a distance of 0 and bias the
// interval low, unlike §7.2's bootstrap, which keeps those pairs on purpose). Percentile
// intervals, B = 1000, seeded by the configuration's name (not its path), so the same runs give the same CI wherever the store lies.
import { Random } from "../../util/random";

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
