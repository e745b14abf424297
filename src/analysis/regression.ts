// Simple linear regression with its t test: the line, r and p that validity analyses report and
// that scatter figures draw, computed in one place so a figure and its table always agree.

/** Means and centred sums of squares and products of paired values: what r and a line need. */
export function centredSums(x: ArrayLike<number>, y: ArrayLike<number>): { mx: number; my: number; sxx: number; syy: number; sxy: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) (mx += x[i]), (my += y[i]);
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return { mx, my, sxx, syy, sxy };
}

/** Least-squares line y = intercept + slope·x and Pearson's r with its two-sided p (t test, n−2 df). */
export function linearFit(x: number[], y: number[]): { slope: number; intercept: number; r: number; p: number; n: number } {
  const n = x.length;
  if (n !== y.length) throw new Error(`linearFit: x has ${n} values and y has ${y.length}`);
  if (n < 3) throw new Error(`linearFit: needs at least 3 points, got ${n}`);
  const { mx, my, sxx, syy, sxy } = centredSums(x, y);
  if (sxx === 0) throw new Error("linearFit: all x values are equal; a regression line is undefined");
  const slope = sxy / sxx;
  const r = syy === 0 ? 0 : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  const df = n - 2;
  const p = Math.abs(r) === 1 ? 0 : betaIncReg(df / 2, 0.5, df / (df + (r * r * df) / (1 - r * r)));
  return { slope, intercept: my - slope * mx, r, p, n };
}

/** Regularised incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes §6.4). */
export function betaIncReg(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betacf(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betacf(b, a, 1 - x)) / b;
}

function betacf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** log Γ(z) by the Lanczos approximation (g = 7, 9 terms), accurate to ~1e-15 for z > 0. */
export function lgamma(z: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  z -= 1;
  let a = g[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
