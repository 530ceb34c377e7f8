import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#shared/domain/random.ts';
import {
  CAL_BINS,
  type DetectorParams,
  detectorParams,
  type Observation,
  parseSeriesState,
  type SeriesState,
  stepSeries,
} from '#shared/domain/spikes/detector.ts';
import { runSeries } from '../../../helpers/spikes.ts';

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

/** Decayed mass of a histogram in the bins of surprises ≥ 2^(bin/4) − 1 (bin 8: surprise ≥ 3). */
function massFrom(cal: readonly number[], bin: number): number {
  return cal.slice(bin).reduce((a, b) => a + b, 0);
}

/** NAB's `sedang` values (`scripts/lib/spikes-nab.ts`), hourly `sedang` until the fifteenth round. */
const NAB_SEDANG = { alertSurprise: 4, eventMemoryMs: 5 * WEEK };
// Count test only: no level-shift CUSUM, no share CUSUM, so every alert below is the count test's. At the values
// the twelfth and thirteenth rounds' figures below were computed with.
const countOnly = detectorParams('sedang', { cusumShift: 1, shareCusumShift: 1, ...NAB_SEDANG });
/** The twelfth round's calibration (per window length, uncapped event weight, one entry per bucket or block). */
const twelfth = { ...countOnly, volumeCalibration: 'scale' as const };
/** The thirteenth round's calibration (an option since it was not adopted). */
const thirteenth = { ...countOnly, volumeCalibration: 'event' as const };
const KEEP = 2 ** (-1 / (14 * 24)); // one hour of the 14-day calibration half-life

describe('volume calibration per window length (twelfth round)', () => {
  it('enters a one-bucket burst once in the bucket history and once in the 3-hour history', () => {
    const quiet = flat(2 * 24 * 7, 1);
    const burstAt = quiet.length;
    const after = [
      { bucketStartMs: START + burstAt * HOUR, total: 300, negative: 0 },
      ...flat(5, 2, burstAt + 1),
    ];
    const before = runSeries(quiet, twelfth).state;
    const s = runSeries(after, twelfth, before).state;
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
    const oldBefore = runSeries(quiet, old).state;
    const oldAfter = runSeries(after, old, oldBefore).state;
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
      runSeries(obs, params).results.flatMap((r, i) => (r.alert === null ? [] : [obs[i]!.total]));
    // With w = 32.5 (the weight of one earlier event; N∞ = 485 hours) B's rarity is −log10((32.5·2^(−weeks/2)
    // + 1)/(N + 1)): at 4 weeks (N ≈ 453 hours) 1.70, under the target log10(72) = 1.86, so B is blocked; at
    // 6 weeks (N ≈ 469) 1.97, and B alerts.
    expect(alerts(series(4), twelfth)).toEqual([300]);
    expect(alerts(series(6), twelfth)).toEqual([300, 200]);
    // The version 4 history allowed N/72 − 1 ≈ 5.3 bucket-entries here, and A had left 3 × 0.25 of them.
    expect(alerts(series(4), { ...countOnly, volumeCalibration: 'bucket' })).toEqual([300, 200]);
    // A 3-week memory (w = 16.3) lets B through at 4 weeks: rarity 1.95.
    expect(alerts(series(4), { ...twelfth, eventMemoryMs: 3 * WEEK })).toEqual([300, 200]);
  });

  it('migrates a version 4 state: its per-bucket history read as events, shared by the window', () => {
    const { state } = runSeries(flat(2 * 24 * 7, 5), countOnly);
    const { windowCal: _c, windowCalN: _n, ...rest } = JSON.parse(JSON.stringify(state));
    const cal = Array.from({ length: CAL_BINS }, () => 0);
    cal[10] = 6;
    cal[40] = 3;
    const v4 = { ...rest, version: 4, volume: { ...rest.volume, cal, calN: 300 } };
    const migrated = parseSeriesState(v4);
    expect(migrated.version).toBe(6);
    // Longest window 3 buckets: bins ÷ 3 (6 → 2, 3 → 1); the window's exposure 300/3 = 100 blocks.
    const events = Array.from({ length: CAL_BINS }, (_, i) => (i === 10 ? 2 : i === 40 ? 1 : 0));
    expect(migrated.volume.cal).toEqual(events);
    expect(migrated.volume.calN).toBe(300);
    expect(migrated.windowCal).toEqual([events]);
    expect(migrated.windowCalN).toEqual([100]);
    expect(migrated.calRunMax).toEqual([0, 0]);
    const next = stepSeries(migrated, flat(1, 6, 2 * 24 * 7)[0]!, countOnly);
    expect(next.duplicate).toBe(false);
    expect(parseSeriesState(JSON.parse(JSON.stringify(next.state)))).toEqual(next.state);
  });
});

describe('one entry per event, weighed at most the longest window (thirteenth round)', () => {
  /** Decayed mass of surprises ≥ 3 (bin 8) in the bucket and the 3-hour histories. */
  const highMass = (s: SeriesState) => [massFrom(s.volume.cal, 8), massFrom(s.windowCal[0]!, 8)];

  it('enters a four-hour burst once in each history, as its maximum, when the run ends', () => {
    const lead = flat(2 * 24 * 7, 1);
    const b = lead.length;
    const burst = [300, 300, 300, 300].map((total, j) => ({
      bucketStartMs: START + (b + j) * HOUR,
      total,
      negative: 0,
    }));
    const tail = flat(5, 2, b + 4);
    // The blocks of the 3-hour history end at hours ≡ 2 (mod 3) since the epoch: here at the burst's first and
    // fourth hour, then at the third hour after it (the block that holds no burst hour closes the run).
    const blockEnds = [...burst, ...tail].flatMap((o, j) =>
      (Math.floor(o.bucketStartMs / HOUR) + 1) % 3 === 0 ? [j] : [],
    );
    expect(blockEnds).toEqual([0, 3, 6]);
    const before = runSeries(lead, thirteenth).state;
    // The flat fortnight never reaches surprise 3 (bin 8) and leaves no run open.
    expect(highMass(before)).toEqual([0, 0]);
    expect(before.calRunMax).toEqual([0, 0]);

    const during = runSeries(burst, thirteenth, before).state;
    // Inside the run only the exposure grows: nothing of the burst is in either histogram yet.
    expect(highMass(during)).toEqual([0, 0]);
    expect(during.volume.calN).toBeCloseTo(before.volume.calN * KEEP ** 4 + (1 - KEEP ** 4) / (1 - KEEP), 9);
    expect(during.calRunMax[0]).toBeGreaterThan(4);
    expect(during.calRunMax[1]).toBeGreaterThan(4);

    const s = runSeries(tail, thirteenth, during).state;
    // The run closed at the first quiet hour (entry weight 1, then four more hours: KEEP⁴) and at the block
    // ending six hours after the burst began (weight 1, no later block): one entry each.
    const [bucketMass, windowMass] = highMass(s);
    expect(bucketMass).toBeCloseTo(KEEP ** 4, 9);
    expect(windowMass).toBeCloseTo(1, 9);
    expect(s.calRunMax).toEqual([0, 0]);

    // The twelfth round's histories took every burst hour (KEEP⁵ + … + KEEP⁸) and both burst blocks
    // (KEEP³ + KEEP⁶, the second recorded at the block three hours later).
    const old = runSeries(
      tail,
      twelfth,
      runSeries(burst, twelfth, runSeries(lead, twelfth).state).state,
    ).state;
    const [oldBucket, oldWindow] = highMass(old);
    expect(oldBucket).toBeCloseTo(KEEP ** 5 + KEEP ** 6 + KEEP ** 7 + KEEP ** 8, 9);
    expect(oldWindow).toBeCloseTo(KEEP ** 3 + KEEP ** 6, 9);
  });

  it('lets a second burst through three days later and blocks a third one day after that', () => {
    // After four weeks of flat history, bursts of 300 (A), 200 (B, 72 hours later) and 150 (C, 24 hours after B),
    // each more surprising than the next and in a lower histogram bin.
    const lead = flat(4 * 7 * 24 + 12, 3);
    const a = lead.length;
    const at = (h: number, total: number) => ({ bucketStartMs: START + h * HOUR, total, negative: 0 });
    const obs = [
      ...lead,
      at(a, 300),
      ...flat(71, 4, a + 1),
      at(a + 72, 200),
      ...flat(23, 5, a + 73),
      at(a + 96, 150),
      ...flat(24, 6, a + 97),
    ];
    const alerts = (params: DetectorParams) =>
      runSeries(obs, params).results.flatMap((r, i) => (r.alert === null ? [] : [obs[i]!.total]));
    // Bucket history at B: A's entry (recorded when its run closed, 71 hours earlier) weighs 2^(−71/336) = 0.864;
    // N ≈ 485.2·(1 − 2^(−732/336)) = 378 (30.5 days recorded). With w = 3: rarity −log10((3·0.864 + 1)/379)
    // = 2.02 ≥ log10(72) = 1.86, so B alerts; with the twelfth round's w = 32.5: −log10(29.1/379) = 1.11.
    // At C: A weighs 2^(−95/336) = 0.822 and B 2^(−23/336) = 0.954, N ≈ 383: −log10((3·1.776 + 1)/384) = 1.78
    // < 1.86, so two comparable events in four days block C (and its 3-hour window, target log10(24) = 1.38:
    // N ≈ 89 blocks, −log10((3·1.78 + 1)/90) ≈ 1.15).
    expect(alerts(thirteenth)).toEqual([300, 200]);
    expect(alerts(twelfth)).toEqual([300]);
  });

  it('keeps the twelfth round’s weight at 5-minute buckets, where it is below the cap of 36', () => {
    // Five-minute buckets of 2–4 mentions; a one-bucket burst A (200) after four weeks, B (150) three weeks later.
    const five = 300_000;
    const quietCount = (i: number) => 2 + (i % 3);
    const a = 4 * 7 * 288;
    const b = a + 3 * 7 * 288;
    const obs = Array.from({ length: b + 12 }, (_, i) => ({
      bucketStartMs: START + i * five,
      total: i === a ? 200 : i === b ? 150 : quietCount(i),
      negative: 0,
    }));
    const alerts = (overrides: Partial<DetectorParams>) => {
      const params = detectorParams('sedang', {
        bucketMs: five,
        cusumShift: 1,
        shareCusumShift: 1,
        volumeCalibration: 'event',
        ...NAB_SEDANG,
        ...overrides,
      });
      return runSeries(obs, params).results.flatMap((r, i) => (r.alert === null ? [] : [obs[i]!.total]));
    };
    // N∞ = 1/(1 − 2^(−5 min/14 days)) = 5,815 buckets; at B N ≈ 5,815·(1 − 2^(−48/14)) = 5,275 and A weighs
    // 2^(−21/14) = 0.354. The weight is 32.4 (< 36, the 3-hour window in buckets), so B's rarity is
    // −log10((32.4·0.354 + 1)/5,276) = 2.63 < log10(864) = 2.94: blocked, as in the twelfth round (and on the
    // 3-hour scale: w = 21.1, −log10((21.1·0.354 + 1)/103) = 1.08 < 1.38).
    expect(alerts({})).toEqual([200]);
    expect(alerts({ volumeCalibration: 'scale' })).toEqual([200]);
    // Without the 3-hour window the longest window is one bucket, the cap is 1: −log10(1.354/5,276) = 3.59.
    expect(alerts({ windowsMs: [] })).toEqual([200, 150]);
  });

  it('migrates a version 5 state with no open run', () => {
    const { state } = runSeries(flat(2 * 24 * 7, 7), thirteenth);
    const { calRunMax: _r, ...rest } = JSON.parse(JSON.stringify(state));
    const migrated = parseSeriesState({ ...rest, version: 5 });
    expect(migrated).toEqual({ ...state, calRunMax: [0, 0] });
    const next = stepSeries(migrated, flat(1, 8, 2 * 24 * 7)[0]!, thirteenth);
    expect(next.state.version).toBe(6);
    expect(parseSeriesState(JSON.parse(JSON.stringify(next.state)))).toEqual(next.state);
  });
});

describe('hourly sedang settings chosen on the hourly volume-burst benchmark (fifteenth round)', () => {
  const hourly = detectorParams('sedang', { cusumShift: 1, shareCusumShift: 1 });
  const alertedTotals = (obs: Observation[], params: DetectorParams) =>
    runSeries(obs, params).results.flatMap((r, i) => (r.alert === null ? [] : [obs[i]!.total]));

  it('alerts on an hour at p between 1e-4 and 1e-3, which the NAB threshold (p < 1e-4) misses', () => {
    // Two weeks of 15–25 mentions an hour (expected ≈ 20, variance ≈ 30 with the bucket's estimated α ≈ 0.03),
    // then one hour of 41, about 2×: some 3.8 standard deviations up, p between 1e-4 and 1e-3 (the NB tail is
    // heavier than the normal one). The diagnosis found 76 % of the missed wanted bursts below surprise 4
    // (BENCHMARKS.spikes.md, fifteenth round).
    const obs = [
      ...flat(2 * 7 * 24, 21),
      { bucketStartMs: START + 2 * 7 * 24 * HOUR, total: 41, negative: 0 },
    ];
    const { results } = runSeries(obs, hourly);
    const alert = results.at(-1)!.alert;
    expect(alert?.kind).toBe('volume');
    expect(alert!.surprise).toBeGreaterThanOrEqual(3);
    expect(alert!.surprise).toBeLessThan(4);
    expect(results.slice(0, -1).some((r) => r.alert !== null)).toBe(false);
    expect(alertedTotals(obs, { ...hourly, ...NAB_SEDANG })).toEqual([]);
  });

  it('lets a comparable burst two weeks later alert with the 1-week event memory, not with 5 weeks', () => {
    // Burst A (300) after four weeks, burst B (200) at the same hour two weeks later (B's index 684 + 336).
    // Bucket history at B: A weighs 2^(−336/336) = 0.5; N ≈ 485.2·(1 − 2^(−996/336)) = 423 (recorded from the end
    // of the 1-day warm-up); the allowance on a full history is 486.2/72 − 1 = 5.75. With 1 week w = 5.75/2^(−1/2)
    // = 8.14: rarity −log10((8.14·0.5 + 1)/424) = 1.92 ≥ log10(72) = 1.86, B alerts. With 5 weeks w = 32.5:
    // −log10(17.3/424) = 1.39, and on the 3-hour scale (w = 32.8, N ≈ 141 blocks) −log10(17.4/142) = 0.91 < 1.38:
    // blocked.
    const lead = flat(4 * 7 * 24 + 12, 3);
    const gap = flat(2 * 7 * 24 - 1, 4, lead.length + 1);
    const obs = [
      ...lead,
      { bucketStartMs: START + lead.length * HOUR, total: 300, negative: 0 },
      ...gap,
      { bucketStartMs: START + (lead.length + 1 + gap.length) * HOUR, total: 200, negative: 0 },
    ];
    expect(alertedTotals(obs, hourly)).toEqual([300, 200]);
    expect(alertedTotals(obs, { ...hourly, eventMemoryMs: 5 * WEEK })).toEqual([300]);
  });
});
