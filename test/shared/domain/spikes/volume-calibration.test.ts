import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#shared/domain/random.ts';
import {
  CAL_BINS,
  createSeriesState,
  type DetectorParams,
  detectorParams,
  type Observation,
  parseSeriesState,
  type SeriesState,
  type StepResult,
  stepSeries,
} from '#shared/domain/spikes/detector.ts';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** Monday 2026-01-05 00:00 WIB. */
const START = Date.UTC(2026, 0, 4, 17);

/** Flat hourly counts around 20 (Poisson-like spread from a seeded generator), no negatives. */
function flat(hours: number, seed: number, from = 0): Observation[] {
  const u = mulberry32(seed);
  return Array.from({ length: hours }, (_, i) => ({
    bucketStartMs: START + (from + i) * HOUR,
    total: 15 + Math.floor(11 * u()),
    negative: 0,
  }));
}

function run(obs: Observation[], params: DetectorParams, state?: SeriesState) {
  let s = state ?? createSeriesState(obs[0]!.bucketStartMs, params);
  const results: StepResult[] = [];
  for (const o of obs) {
    const r = stepSeries(s, o, params);
    results.push(r);
    s = r.state;
  }
  return { state: s, results };
}

/** Decayed mass of a histogram in the bins of surprises ≥ 2^(bin/4) − 1 (bin 8: surprise ≥ 3). */
function massFrom(cal: readonly number[], bin: number): number {
  return cal.slice(bin).reduce((a, b) => a + b, 0);
}

// Count test only: no level-shift CUSUM, no share CUSUM, so every alert below is the count test's.
const countOnly = detectorParams('sedang', { cusumShift: 1, shareCusumShift: 1 });
const KEEP = 2 ** (-1 / (14 * 24)); // one hour of the 14-day calibration half-life

describe('volume calibration per window length (twelfth round)', () => {
  it('enters a one-bucket burst once in the bucket history and once in the 3-hour history', () => {
    const quiet = flat(2 * 24 * 7, 1);
    const burstAt = quiet.length;
    const after = [
      { bucketStartMs: START + burstAt * HOUR, total: 300, negative: 0 },
      ...flat(5, 2, burstAt + 1),
    ];
    const before = run(quiet, countOnly).state;
    const s = run(after, countOnly, before).state;
    // Six steps decay the old mass by KEEP^6; the burst's own entry was recorded at the first of them.
    const bucketGain = massFrom(s.volume.cal, 8) - massFrom(before.volume.cal, 8) * KEEP ** 6;
    expect(bucketGain).toBeCloseTo(KEEP ** 5, 6);
    // The 3-hour history is sampled at the blocks ending at hours ≡ 2 (mod 3) since the epoch (here the burst's
    // own hour and three hours later); the first holds the burst: one entry, decayed by one block (KEEP³).
    // The flat hours before never reach surprise 3 (bin 8) on either history.
    const blocksAfter = [0, 1, 2, 3, 4, 5].filter(
      (j) => (Math.floor(after[j]!.bucketStartMs / HOUR) + 1) % 3 === 0,
    );
    expect(blocksAfter).toHaveLength(2);
    const windowGain =
      massFrom(s.windowCal[0]!, 8) - massFrom(before.windowCal[0]!, 8) * KEEP ** (3 * blocksAfter.length);
    expect(windowGain).toBeCloseTo(KEEP ** (3 * (blocksAfter.length - 1)), 6);
    expect(s.windowCalN[0]).toBeCloseTo(before.windowCalN[0]! * KEEP ** 6 + KEEP ** 3 + 1, 9);

    // The history of version 4 (`'bucket'`) took the burst three times: once per bucket its window held it.
    const old = { ...countOnly, volumeCalibration: 'bucket' as const };
    const oldBefore = run(quiet, old).state;
    const oldAfter = run(after, old, oldBefore).state;
    const oldGain = massFrom(oldAfter.volume.cal, 8) - massFrom(oldBefore.volume.cal, 8) * KEEP ** 6;
    expect(oldGain).toBeCloseTo(KEEP ** 5 + KEEP ** 4 + KEEP ** 3, 6);
  });

  it('blocks a second, smaller burst for eventMemoryMs (5 weeks), and lets it alert after', () => {
    // Burst A (300 mentions) after four weeks of history (so the bucket's dispersion α has settled and A is
    // the more surprising of the two), then a quiet gap, then burst B (200) at the same hour.
    const series = (gapWeeks: number) => {
      const lead = flat(4 * 7 * 24 + 12, 3);
      const gap = flat(gapWeeks * 7 * 24 - 1, 4, lead.length + 1);
      const bAt = lead.length + 1 + gap.length;
      return [
        ...lead,
        { bucketStartMs: START + lead.length * HOUR, total: 300, negative: 0 },
        ...gap,
        { bucketStartMs: START + bAt * HOUR, total: 200, negative: 0 },
      ];
    };
    const alerts = (obs: Observation[], params: DetectorParams) =>
      run(obs, params).results.flatMap((r, i) => (r.alert === null ? [] : [obs[i]!.total]));
    // With w = 32.5 (the weight of one earlier event; N∞ = 485 hours) B's rarity is −log10((32.5·2^(−weeks/2)
    // + 1)/(N + 1)): at 4 weeks (N ≈ 453 hours) 1.70, under the target log10(72) = 1.86, so B is blocked; at
    // 6 weeks (N ≈ 469) 1.97, and B alerts.
    expect(alerts(series(4), countOnly)).toEqual([300]);
    expect(alerts(series(6), countOnly)).toEqual([300, 200]);
    // The version 4 history allowed N/72 − 1 ≈ 5.3 bucket-entries here, and A had left 3 × 0.25 of them.
    expect(alerts(series(4), { ...countOnly, volumeCalibration: 'bucket' })).toEqual([300, 200]);
    // A 3-week memory (w = 16.3) lets B through at 4 weeks: rarity 1.95.
    expect(alerts(series(4), { ...countOnly, eventMemoryMs: 3 * WEEK })).toEqual([300, 200]);
  });

  it('migrates a version 4 state: its per-bucket history read as events, shared by the window', () => {
    const { state } = run(flat(2 * 24 * 7, 5), countOnly);
    const { windowCal: _c, windowCalN: _n, ...rest } = JSON.parse(JSON.stringify(state));
    const cal = Array.from({ length: CAL_BINS }, () => 0);
    cal[10] = 6;
    cal[40] = 3;
    const v4 = { ...rest, version: 4, volume: { ...rest.volume, cal, calN: 300 } };
    const migrated = parseSeriesState(v4);
    expect(migrated.version).toBe(5);
    // Longest window 3 buckets: bins ÷ 3 (6 → 2, 3 → 1); the window's exposure 300/3 = 100 blocks.
    const events = Array.from({ length: CAL_BINS }, (_, i) => (i === 10 ? 2 : i === 40 ? 1 : 0));
    expect(migrated.volume.cal).toEqual(events);
    expect(migrated.volume.calN).toBe(300);
    expect(migrated.windowCal).toEqual([events]);
    expect(migrated.windowCalN).toEqual([100]);
    const next = stepSeries(migrated, flat(1, 6, 2 * 24 * 7)[0]!, countOnly);
    expect(next.duplicate).toBe(false);
    expect(parseSeriesState(JSON.parse(JSON.stringify(next.state)))).toEqual(next.state);
  });
});
