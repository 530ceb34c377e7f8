import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluateCorpus,
  MAX_TP,
  NAB_PROFILES,
  type NabFile,
  normaliseScore,
  optimiseThreshold,
  probationLength,
  scaledSigmoid,
  scoreFile,
  scoresByThreshold,
  sweepPoints,
} from '#shared/domain/spikes/nab-scorer.ts';
import { loadNabTweets, NUMENTA_RESULTS_DIR, readSeriesCsv } from '../../../../scripts/lib/spikes-data.ts';

const MIN = 60_000;
const T0 = Date.UTC(2015, 2, 1);
const std = NAB_PROFILES.standard;

/** 20 one-minute rows; probation = floor(0.15·20) = 3 rows; one window over rows 10..14 (width 5). */
function file(scoreAt: Record<number, number>, name = 'f'): NabFile {
  const timestampsMs = Array.from({ length: 20 }, (_, i) => T0 + i * MIN);
  const scores = timestampsMs.map((_, i) => scoreAt[i] ?? 0);
  return { name, timestampsMs, scores, windows: [[T0 + 10 * MIN, T0 + 14 * MIN]] };
}

describe('scaled sigmoid and probation', () => {
  it('matches the values in NAB’s docstring', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(MAX_TP).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBe(-1);
    expect(scaledSigmoid(10)).toBe(-1);
  });

  it('is min(floor(15 % of rows), 750)', () => {
    expect(probationLength(20)).toBe(3);
    expect(probationLength(100)).toBe(15);
    expect(probationLength(15_903)).toBe(750);
  });
});

describe('row weights (hand-computed)', () => {
  const points = sweepPoints(file({}), std);

  it('gives 1.0 at the left edge of a window and less later in it', () => {
    expect(points[10]!.weight).toBeCloseTo(1, 12);
    // pos = −(14 − 11 + 1)/5 = −0.8: (2/(1+e^{−4}) − 1)/0.98661 = 0.977107
    expect(points[11]!.weight).toBeCloseTo(0.977107, 6);
    // pos = −1/5: (2/(1+e^{−1}) − 1)/0.98661 = 0.468387
    expect(points[14]!.weight).toBeCloseTo(0.468387, 6);
  });

  it('charges −A_FP before any window and a discounted FP just after one', () => {
    expect(points[5]!.weight).toBeCloseTo(-0.11, 12);
    // |14 − 16| / (5 − 1) = 0.5: (2/(1+e^{2.5}) − 1)·0.11 = −0.093311
    expect(points[16]!.weight).toBeCloseTo(-0.093311, 6);
    expect(points[2]!.window).toBe('probationary');
    expect(points[12]!.window).toBe('f|0');
    expect(points[16]!.window).toBeNull();
  });
});

describe('file score', () => {
  it('counts the earliest detection in a window and every FP outside', () => {
    const f = file({ 5: 0.8, 11: 0.9, 13: 0.95, 16: 0.7 });
    // θ 0.75: rows 5 (−0.11), 11 and 13 in the window (max = row 11, 0.977107)
    expect(scoreFile(f, std, 0.75)).toBeCloseTo(0.977107 - 0.11, 6);
    // θ 0.7 adds the FP after the window
    expect(scoreFile(f, std, 0.7)).toBeCloseTo(0.977107 - 0.11 - 0.093311, 6);
    // θ 0.92: only the late detection at row 13 (pos −0.4): (2/(1+e^{−2}) − 1)/0.98661 = 0.771927
    expect(scoreFile(f, std, 0.92)).toBeCloseTo(0.771927, 6);
    // nothing detected: the window is a miss
    expect(scoreFile(f, std, 0.99)).toBe(-1);
    expect(scoreFile(f, NAB_PROFILES.reward_low_FN, 0.99)).toBe(-2);
  });

  it('ignores detections in probation', () => {
    expect(scoreFile(file({ 1: 1, 2: 1 }), std, 0.5)).toBe(-1);
  });

  it('agrees with the sweep at every threshold', () => {
    const f = file({ 5: 0.8, 11: 0.9, 13: 0.95, 16: 0.7, 18: 0.6 });
    for (const t of scoresByThreshold(sweepPoints(f, std), std)) {
      expect(scoreFile(f, std, t.threshold)).toBeCloseTo(t.score, 12);
    }
  });
});

describe('threshold sweep, normalisation and LOFO', () => {
  it('picks the best threshold, the highest one on ties', () => {
    const best = optimiseThreshold([file({ 11: 0.9, 5: 0.8 })], std);
    expect(best.threshold).toBe(0.9);
    expect(best.score).toBeCloseTo(0.977107, 6);
  });

  it('normalises null to 0 and perfect to 100', () => {
    expect(normaliseScore(-21, 21, std)).toBe(0);
    expect(normaliseScore(21, 21, std)).toBe(100);
    expect(normaliseScore(-42, 21, NAB_PROFILES.reward_low_FN)).toBe(0);
  });

  it('scores each file at the threshold that is best on the others', () => {
    const a = file({ 11: 0.9 }, 'a');
    const b = file({ 12: 0.6, 5: 0.95 }, 'b');
    const c = file({ 11: 0.6 }, 'c');
    const e = evaluateCorpus([a, b, c], std);
    expect(e.windows).toBe(3);
    // Without a: b and c are best at 0.6 (both windows hit, one FP); a at 0.6 hits its window.
    expect(e.lofo.perFile['a']!.threshold).toBe(0.6);
    expect(e.lofo.perFile['a']!.raw).toBeCloseTo(0.977107, 6);
    const sum = Object.values(e.lofo.perFile).reduce((s, v) => s + v.raw, 0);
    expect(e.lofo.raw).toBeCloseTo(sum, 12);
  });
});

const tweets = loadNabTweets();

describe.skipIf(tweets === null)('reproduces NAB’s published Numenta HTM scores', () => {
  const files: NabFile[] = (tweets ?? []).map((s) => {
    const r = readSeriesCsv(path.join(NUMENTA_RESULTS_DIR, `numenta_${s.name}`));
    return {
      name: s.name,
      timestampsMs: r.timestampsMs,
      scores: r.columns['anomaly_score']!,
      windows: s.windows,
    };
  });

  it.each([
    ['standard', 0.692679, 63.4, 5.6292, 59.7],
    ['reward_low_FP', 1.0, 60.18, 4.2761, 57.0],
    ['reward_low_FN', 0.692679, 66.08, -0.3708, 62.0],
  ] as const)('%s', (profile, theta, score, raw, lofo) => {
    const e = evaluateCorpus(files, NAB_PROFILES[profile]);
    expect(e.windows).toBe(21);
    expect(e.inSample.threshold).toBeCloseTo(theta, 6);
    expect(e.inSample.score).toBeCloseTo(score, 2);
    expect(e.inSample.raw).toBeCloseTo(raw, 4);
    expect(e.lofo.score).toBeCloseTo(lofo, 1);
  });
});
