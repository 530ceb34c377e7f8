import { describe, expect, it } from 'vitest';
import {
  logBetaBinomialUpperTail,
  logGamma,
  logNegBinUpperTail,
  logRegIncBeta,
} from '#shared/domain/spikes/stats.ts';

function negBinPmf(k: number, mean: number, alpha: number): number {
  const r = 1 / alpha;
  const p = r / (r + mean);
  return Math.exp(logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(p) + k * Math.log(1 - p));
}

function betaBinPmf(k: number, n: number, a: number, b: number): number {
  const lb = (x: number, y: number) => logGamma(x) + logGamma(y) - logGamma(x + y);
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + lb(k + a, n - k + b) - lb(a, b));
}

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3_628_800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe('logRegIncBeta', () => {
  it('is I_x(1, 1) = x and satisfies I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    expect(Math.exp(logRegIncBeta(0.3, 1, 1))).toBeCloseTo(0.3, 12);
    const lhs = Math.exp(logRegIncBeta(0.2, 3, 5));
    const rhs = 1 - Math.exp(logRegIncBeta(0.8, 5, 3));
    expect(lhs).toBeCloseTo(rhs, 12);
  });
});

describe('negative-binomial upper tail', () => {
  it.each([
    [5, 2, 0.5],
    [30, 10, 0.1],
    [3, 0.4, 1],
  ])('P(X ≥ %d | μ=%d, α=%d) equals 1 − Σ pmf below', (k, mean, alpha) => {
    let below = 0;
    for (let j = 0; j < k; j++) below += negBinPmf(j, mean, alpha);
    expect(Math.exp(logNegBinUpperTail(k, mean, alpha))).toBeCloseTo(1 - below, 10);
  });

  it('stays finite far in the tail and approaches Poisson as α → 0', () => {
    expect(logNegBinUpperTail(5_000, 10, 0.1)).toBeLessThan(-300 * Math.LN10);
    expect(Number.isFinite(logNegBinUpperTail(5_000, 10, 0.1))).toBe(true);
    // Poisson(2): P(X ≥ 5) = 1 − e^{−2}(1 + 2 + 2 + 4/3 + 2/3) = 0.052653
    expect(Math.exp(logNegBinUpperTail(5, 2, 1e-5))).toBeCloseTo(0.052653, 4);
  });
});

describe('beta-binomial upper tail', () => {
  it('equals Σ pmf from k to n', () => {
    const [n, a, b] = [40, 2, 8];
    for (const k of [9, 15, 30, 40]) {
      let tail = 0;
      for (let j = k; j <= n; j++) tail += betaBinPmf(j, n, a, b);
      expect(Math.exp(logBetaBinomialUpperTail(k, n, a, b))).toBeCloseTo(tail, 10);
    }
  });

  it('treats counts at or below the mean as unsurprising and k > n as impossible', () => {
    expect(logBetaBinomialUpperTail(8, 40, 2, 8)).toBe(0);
    expect(logBetaBinomialUpperTail(41, 40, 2, 8)).toBe(Number.NEGATIVE_INFINITY);
  });
});
