// How many seeds an estimate needs. From n seeds, the bootstrap 95% CI half-width of a statistic
// at m seeds is measured by drawing m of the n seeds with replacement (m = 2 … n); beyond n it is
// extrapolated with the 1/√m rule (half-width(m) = half-width(n)·√(n/m)), which assumes the
// statistic averages independent seeds, and every extrapolated point says so. The same rule gives
// the seeds a target half-width needs, and, with the normal approximation, the seeds per
// configuration that tell two configurations apart (two-sided α = 0.05) with 80% power.
// Pure computation over seed indices: the findings and the exploring views both call it.
import { Random } from "../util/random";
import { distinctPairMean, meanOf, percentileInterval, seedsForHalfWidthByRule, seedsToResolve } from "./findings/ci";

export { seedsForHalfWidthByRule, seedsToResolve };

export { distinctPairMean, meanOf };

/** z of a two-sided 95% interval, and of 80% power. */
export const Z_95 = 1.959963984540054;
export const Z_POWER_80 = 0.8416212335729143;

export interface SeedCurvePoint {
  seeds: number;
  /** Half the width of the 95% percentile interval. */
  halfWidth: number;
  /** Standard deviation of the resampled statistic (its standard error). */
  se: number;
  /** True beyond the seeds measured: the 1/√m rule, not a resample. */
  extrapolated: boolean;
}

export interface SeedCurveOptions {
  /** Resamples per number of seeds (default 200). */
  resamples?: number;
  /** Extrapolate up to this many seeds (default 2n). */
  maxSeeds?: number;
  /** Seed of the resampling stream (default 0). */
  seed?: number;
}

/**
 * The CI half-width of `stat` (a statistic of a list of seed indices, repeats allowed) against the
 * number of seeds: resampled for 2 … n (`seeds` = n), extrapolated by 1/√m up to maxSeeds.
 */
export function seedCurve(seeds: number, stat: (drawn: number[]) => number, o: SeedCurveOptions = {}): SeedCurvePoint[] {
  if (!Number.isInteger(seeds) || seeds < 2) throw new RangeError(`seed planning needs at least 2 seeds, got ${seeds}`);
  const resamples = o.resamples ?? 200;
  const rng = new Random(o.seed ?? 0).fork("seed-curve");
  const drawn: number[] = [];
  const curve: SeedCurvePoint[] = [];
  const samples = new Array<number>(resamples);
  for (let m = 2; m <= seeds; m++) {
    drawn.length = m;
    for (let b = 0; b < resamples; b++) {
      for (let i = 0; i < m; i++) drawn[i] = rng.int(seeds);
      samples[b] = stat(drawn);
    }
    const { lower, upper } = percentileInterval(samples);
    curve.push({ seeds: m, halfWidth: (upper - lower) / 2, se: finiteSd(samples), extrapolated: false });
  }
  const last = curve[curve.length - 1];
  for (let m = seeds + 1; m <= (o.maxSeeds ?? 2 * seeds); m++) {
    const f = Math.sqrt(seeds / m);
    curve.push({ seeds: m, halfWidth: last.halfWidth * f, se: last.se * f, extrapolated: true });
  }
  return curve;
}

function finiteSd(xs: number[]): number {
  const v = xs.filter(Number.isFinite);
  if (v.length < 2) return NaN;
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
}

/** The 1/√m rule: seeds for a half-width of `target` when n seeds gave `halfWidth`. */

/** Fewest seeds whose half-width is at most `target`: the measured points first, then the 1/√m rule. */
export function seedsForHalfWidth(curve: readonly SeedCurvePoint[], target: number): { seeds: number; extrapolated: boolean } {
  const measured = curve.filter((p) => !p.extrapolated);
  const hit = measured.find((p) => p.halfWidth <= target);
  if (hit) return { seeds: hit.seeds, extrapolated: false };
  const last = measured[measured.length - 1];
  return { seeds: seedsForHalfWidthByRule(last.halfWidth, last.seeds, target), extrapolated: true };
}


/**
 * Seeds per configuration to detect `difference` between two configurations with 80% power at
 * two-sided α = 0.05: the fewest m with |difference| ≥ (z_0.975 + z_0.8)·√(se_A(m)² + se_B(m)²),
 * se(m) from each curve (measured, else the 1/√m rule beyond it).
 */
export function seedsToTellApart(difference: number, a: readonly SeedCurvePoint[], b: readonly SeedCurvePoint[]): { seeds: number; extrapolated: boolean } {
  if (difference === 0 || !Number.isFinite(difference)) return { seeds: Infinity, extrapolated: true };
  const z = Z_95 + Z_POWER_80;
  const lastA = a.filter((p) => !p.extrapolated).pop()!;
  const lastB = b.filter((p) => !p.extrapolated).pop()!;
  const se = (c: readonly SeedCurvePoint[], last: SeedCurvePoint, m: number) => (m <= last.seeds ? c[m - 2].se : last.se * Math.sqrt(last.seeds / m));
  const measuredUpTo = Math.max(lastA.seeds, lastB.seeds);
  for (let m = 2; m <= measuredUpTo; m++) {
    if (Math.abs(difference) >= z * Math.hypot(se(a, lastA, m), se(b, lastB, m))) return { seeds: m, extrapolated: m > Math.min(lastA.seeds, lastB.seeds) };
  }
  // Beyond both: se(m)² = se(n)²·n/m for each, solved for m.
  const m = Math.ceil((z * z * (lastA.se ** 2 * lastA.seeds + lastB.se ** 2 * lastB.seeds)) / difference ** 2);
  return { seeds: Math.max(measuredUpTo + 1, m), extrapolated: true };
}
