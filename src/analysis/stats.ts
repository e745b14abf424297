// The statistics the analyses report: correlations (Pearson, Spearman, Kendall's τ-b), effect
// sizes and Welch's t test. Undefined values (a constant input) come back as NaN, never as a
// made-up 0 or 1: identical runs give constant measures, and the report must say "undefined".
import { betaIncReg, centredSums, linearFit } from "./regression";

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Population SD (divide by n), as the paper's SD and z-scores use. */
export function populationSd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / xs.length);
}

function checkPaired(what: string, x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new RangeError(`${what}: x has ${x.length} values and y has ${y.length}`);
}

/** Pearson's r; NaN when either input is constant or has fewer than 2 values. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired("pearson", x, y);
  const n = x.length;
  if (n < 2) return NaN;
  const { mx, my, sxx, syy, sxy } = centredSums(x, y);
  // Relative tolerance: a "constant" series that differs only by rounding has no correlation.
  const tol = 1e-24 * n;
  if (sxx <= tol * (mx * mx + 1) || syy <= tol * (my * my + 1)) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Pearson's r with its two-sided p (t test, n − 2 df); r and p are NaN when undefined. */
export function pearsonTest(x: number[], y: number[]): { r: number; p: number; n: number } {
  const r = pearson(x, y);
  if (!Number.isFinite(r) || x.length < 3) return { r, p: NaN, n: x.length };
  return { r, p: linearFit(x, y).p, n: x.length };
}

/** Average ranks (1-based), ties sharing the mean of their positions. */
export function ranks(xs: ArrayLike<number>): number[] {
  const idx = Array.from({ length: xs.length }, (_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) out[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's ρ: Pearson's r of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired("spearman", x, y);
  return pearson(ranks(x), ranks(y));
}

/**
 * Kendall's τ-b = (C − D) / √((n0 − n1)(n0 − n2)), n0 = n(n−1)/2, n1 and n2 the pairs tied in x
 * and in y. Pairs tied in both count in n1 and n2 but not in C or D. NaN when x or y is constant
 * or holds a NaN (a measure that could not be computed ranks nothing).
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired("kendallTauB", x, y);
  const n = x.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i]) || Number.isNaN(y[i])) return NaN;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[j] - x[i]);
      const dy = Math.sign(y[j] - y[i]);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}

/** Cohen's d = (mean(a) − mean(b)) / pooled SD (n − 1 in each group); NaN when undefined. */
export function cohensD(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return NaN;
  const ma = mean(a);
  const mb = mean(b);
  let ss = 0;
  for (let i = 0; i < na; i++) ss += (a[i] - ma) ** 2;
  for (let i = 0; i < nb; i++) ss += (b[i] - mb) ** 2;
  const pooled = Math.sqrt(ss / (na + nb - 2));
  if (pooled === 0) return ma === mb ? 0 : Math.sign(ma - mb) * Infinity;
  return (ma - mb) / pooled;
}

/**
 * Welch's two-sample t test (unequal variances): t, the Welch–Satterthwaite degrees of freedom
 * and the two-sided p. NaN when undefined (fewer than 2 values in a group, or both groups
 * constant): seeds that all collapse to one class have no spread to test against.
 */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): { t: number; df: number; p: number } {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return { t: NaN, df: NaN, p: NaN };
  const ma = mean(a);
  const mb = mean(b);
  let ssa = 0;
  let ssb = 0;
  for (let i = 0; i < na; i++) ssa += (a[i] - ma) ** 2;
  for (let i = 0; i < nb; i++) ssb += (b[i] - mb) ** 2;
  const va = ssa / (na - 1) / na;
  const vb = ssb / (nb - 1) / nb;
  if (va + vb === 0) return { t: NaN, df: NaN, p: NaN };
  const t = (ma - mb) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1));
  return { t, df, p: betaIncReg(df / 2, 0.5, df / (df + t * t)) };
}

/**
 * Rank-biserial correlation of a vs b: P(a > b) − P(a < b) over all cross pairs, in [−1, 1];
 * +1 when every a exceeds every b. Robust to the outliers a collapsed run produces.
 */
export function rankBiserial(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) s += Math.sign(a[i] - b[j]);
  return s / (a.length * b.length);
}

/** z-scores with the population SD; all NaN when the values are constant. */
export function zScores(xs: number[]): number[] {
  const m = mean(xs);
  const sd = populationSd(xs);
  return xs.map((x) => (sd > 0 ? (x - m) / sd : NaN));
}

/** Least-squares slope of y on x (NaN when x is constant). */
export function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired("slope", x, y);
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

/** Pearson correlation matrix of the columns of `columns` (k series of equal length). */
export function correlationMatrix(columns: ArrayLike<number>[]): number[][] {
  return columns.map((a, i) => columns.map((b, j) => (i === j ? (Number.isFinite(pearson(a, a)) ? 1 : NaN) : pearson(a, b))));
}

/** The standard normal quantile Φ⁻¹(q), 0 < q < 1 (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(q: number): number {
  if (!(q > 0 && q < 1)) return q === 0 ? -Infinity : q === 1 ? Infinity : NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (t: number) => (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
  if (q < 0.02425) return tail(Math.sqrt(-2 * Math.log(q)));
  if (q > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - q)));
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
}
