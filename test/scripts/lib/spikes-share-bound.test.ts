import { describe, expect, it } from 'vitest';
import {
  binomialNeymanPearson,
  bucketLogLikelihoodRatio,
  burstExtra,
  burstShare,
  caseBound,
  countAlarms,
  logBetaBinomialPmf,
  scanStatistic,
  thresholdForBudget,
} from '../../../scripts/lib/spikes-share-bound.ts';

const HOUR = 3_600_000;

describe('logBetaBinomialPmf', () => {
  it('is uniform for a = b = 1 and matches a pmf computed by hand', () => {
    for (const k of [0, 1, 2]) expect(logBetaBinomialPmf(k, 2, 1, 1)).toBeCloseTo(Math.log(1 / 3), 12);
    // C(3,1)·B(3,3)/B(2,1) = 3 · (1/30) / (1/2) = 0.2
    expect(Math.exp(logBetaBinomialPmf(1, 3, 2, 1))).toBeCloseTo(0.2, 12);
    expect(logBetaBinomialPmf(-1, 3, 2, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBetaBinomialPmf(4, 3, 2, 1)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('burstExtra and burstShare', () => {
  it('recovers the extra negatives the generator added, and the odds-shifted share', () => {
    // m = 3, p0 = 0.1: N + round(0.2·N). 30 → 36 (e = 6); 8 → 10 (e = 2); 9 is not reachable, its lower
    // neighbour 7 → 8 gives e = 2.
    expect(burstExtra(36, 3, 0.1)).toBe(6);
    expect(burstExtra(10, 3, 0.1)).toBe(2);
    expect(burstExtra(9, 3, 0.1)).toBe(2);
    expect(burstExtra(50, 1, 0.1)).toBe(0);
    // odds 0.1/0.9 × 3 = 1/3 → share 0.25
    expect(burstShare(3, 0.1)).toBeCloseTo(0.25, 12);
  });
});

describe('bucketLogLikelihoodRatio', () => {
  it('is the ratio of beta-binomial pmfs under both burst models (hand-computed, p0 = 0.5, κ = 2)', () => {
    // a = b = 1. m = 3 adds round(N) negatives: n = 4 → N = 2, e = 2; x = 3 → BB(1; 2, 1, 1) / BB(3; 4, 1, 1)
    // = (1/3) / (1/5).
    expect(bucketLogLikelihoodRatio(4, 3, 3, 0.5, 2)).toBeCloseTo(Math.log(5 / 3), 12);
    // Fewer negatives than the burst added: impossible under the burst.
    expect(bucketLogLikelihoodRatio(4, 1, 3, 0.5, 2)).toBe(Number.NEGATIVE_INFINITY);
    // odds model: p1 = 0.75, a1 = 1.5, b1 = 0.5; BB(3; 4, 1.5, 0.5) = 4·B(4.5, 1.5)/B(1.5, 0.5)
    // = 4 · (3.28125π/120) / (π/2) = 7/32.
    expect(bucketLogLikelihoodRatio(4, 3, 3, 0.5, 2, 'odds')).toBeCloseTo(Math.log(7 / 32 / 0.2), 12);
  });

  it('sums over the profile in scanStatistic', () => {
    const obs = [
      { total: 4, negative: 3 },
      { total: 4, negative: 3 },
      { total: 4, negative: 4 },
    ];
    const stat = scanStatistic(obs, [3, 3], 0.5, 2);
    expect(stat[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(stat[1]).toBeCloseTo(2 * Math.log(5 / 3), 12);
    // x = 4 of n = 4: BB(2; 2, 1, 1) / BB(4; 4, 1, 1) = (1/3)/(1/5) as well
    expect(stat[2]).toBeCloseTo(2 * Math.log(5 / 3), 12);
  });
});

describe('countAlarms and thresholdForBudget', () => {
  it('merges exceedances within the cooldown and finds the lowest threshold within budget', () => {
    const s = [9, 5, 5, 0, 0, 4, 0, 7, 0, 3];
    expect(countAlarms(s, 5, 0, 1)).toBe(4); // 9, 5, 5, 7
    expect(countAlarms(s, 5, 0, 3)).toBe(2); // 9 (merges 5, 5), 7
    expect(countAlarms(s, 5, 1, 3)).toBe(2); // 5 (merges 5), 7
    // Budget 3 alarms over two runs, cooldown 1: the second run adds alarms at 6 and 4.
    const t = [0, 6, 0, 4];
    // threshold 7 → 2 alarms (9, 7); 6 → 3 (9, 7, 6); 5 → 6 → 6 is the lowest within 3.
    expect(thresholdForBudget([s, t], 3, 0, 1)).toBe(6);
    expect(thresholdForBudget([s, t], 0, 0, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(thresholdForBudget([[Number.NEGATIVE_INFINITY]], 0, 0, 1)).toBe(-Number.MAX_VALUE);
  });
});

describe('binomialNeymanPearson', () => {
  it('matches binomial tails computed by hand', () => {
    // Bin(3, 0.5): P(X ≥ 3) = 1/8; power at 0.9: 0.9³ = 0.729
    const a = binomialNeymanPearson(3, 0.5, 0.9, 0.125);
    expect(a.c).toBe(3);
    expect(a.size).toBeCloseTo(0.125, 12);
    expect(a.power).toBeCloseTo(0.729, 12);
    // Bin(10, 0.1): P(X ≥ 4) = 0.012795 > 0.01, P(X ≥ 5) = 0.001635; Bin(10, 0.25): P(X ≥ 5) = 0.078127
    const b = binomialNeymanPearson(10, 0.1, 0.25, 0.01);
    expect(b.c).toBe(5);
    expect(b.size).toBeCloseTo(0.001635, 6);
    expect(b.power).toBeCloseTo(0.078127, 6);
  });
});

describe('caseBound', () => {
  it('holds the quiet false alarms to one a week and detects 5× bursts at least as often as 3×', () => {
    const n = 8 * 7 * 24;
    const start = Date.UTC(2026, 0, 5);
    const hourly = {
      startMs: Array.from({ length: n }, (_, i) => start + i * HOUR),
      total: Array.from({ length: n }, () => 30),
    };
    const c = { series: 'flat30', baseShare: 0.1, shape: 'step' as const };
    const three = caseBound({ ...c, multiplier: 3 }, hourly, 5, { replicates: 4 });
    const five = caseBound({ ...c, multiplier: 5 }, hourly, 5, { replicates: 4 });
    for (const b of [three, five]) {
      expect(b.falseAlarmsPerWeek).toBeLessThanOrEqual(1);
      expect(b.bursts).toBeGreaterThan(5);
    }
    expect(five.replicateRecall).toBeGreaterThanOrEqual(three.replicateRecall);
    expect(three.replicateRecall).toBeGreaterThan(0.3);
    expect(three.replicateRecall).toBeLessThan(1);
  });
});
