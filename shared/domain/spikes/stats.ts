/**
 * Small numerical toolkit for the spike detector: log-gamma, the regularised incomplete beta function and
 * the upper tails of the negative binomial and beta-binomial distributions, all in log space so that
 * p-values far below 1e-300 stay finite. Pure functions, no allocation on the hot path.
 *
 * Sources: Lanczos approximation (g = 7, n = 9 coefficients, as in Press et al., *Numerical Recipes*, 3rd
 * ed., §6.1, and Godfrey's coefficient set); continued fraction for the incomplete beta function (Numerical
 * Recipes §6.4, modified Lentz); negative-binomial tail identity P(X ≥ k) = I_{μ/(r+μ)}(k, r) (Johnson,
 * Kemp & Kotz, *Univariate Discrete Distributions*, 3rd ed., §5.6); beta-binomial pmf (ibid. §6.2.2).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (relative error ≈ 1e-15). Reflection is not needed: callers pass positive x only. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const CF_EPS = 1e-14;
const CF_TINY = 1e-300;
const CF_MAX_ITER = 300;

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes `betacf`). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS) break;
  }
  return h;
}

/**
 * ln I_x(a, b), the log of the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
 * Accurate in the lower tail (tiny values); in the upper part it is computed as ln(1 − I_{1−x}(b, a)).
 */
export function logRegIncBeta(x: number, a: number, b: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  if (x >= 1) return 0;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return logFront + Math.log(betaContinuedFraction(x, a, b) / a);
  const upper = Math.exp(logFront + Math.log(betaContinuedFraction(1 - x, b, a) / b));
  return Math.log1p(-Math.min(upper, 1));
}

/**
 * ln P(X ≥ k) for X ~ NegBin(mean μ, dispersion α), variance μ + α·μ² (size r = 1/α).
 * Uses P(X ≥ k) = I_{μ/(r+μ)}(k, r). Returns 0 (p = 1) for k ≤ 0, −∞ when μ = 0 and k > 0.
 */
export function logNegBinUpperTail(k: number, mean: number, alpha: number): number {
  if (k <= 0) return 0;
  if (mean <= 0) return Number.NEGATIVE_INFINITY;
  const r = 1 / alpha;
  return logRegIncBeta(mean / (r + mean), k, r);
}

/**
 * ln P(X ≥ k) for X ~ BetaBinomial(n, a, b) (mean n·a/(a+b)). Only the upper tail beyond the mean is
 * computed exactly, by summing the pmf from k upwards with its term ratio until the terms stop mattering;
 * for k at or below the mean it returns 0 (p treated as 1: not surprising, and cheap).
 */
export function logBetaBinomialUpperTail(k: number, n: number, a: number, b: number): number {
  if (k <= 0) return 0;
  if (k > n) return Number.NEGATIVE_INFINITY;
  if (k <= (n * a) / (a + b)) return 0;
  const logPk =
    logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + logBeta(k + a, n - k + b) - logBeta(a, b);
  let term = 1;
  let sum = 1;
  for (let j = k; j < n; j++) {
    term *= ((n - j) * (j + a)) / ((j + 1) * (n - j - 1 + b));
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return Math.min(0, logPk + Math.log(sum));
}
