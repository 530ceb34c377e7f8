import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#shared/domain/random.ts';
import { detectorParams } from '#shared/domain/spikes/detector.ts';
import type { LabelledSeries } from '../../../scripts/lib/spikes-data.ts';
import {
  applySettingsRule,
  applyVolumeRule,
  DAILY_PAUSE_DAYS,
  DAILY_RUN,
  expectedAt,
  generateVolumeCase,
  labelBurst,
  MIN_WANTED_EXCESS,
  meanDelay,
  overlapsWindow,
  positionOf,
  type QuietRun,
  quietFalseAlarms,
  recallOf,
  runVolumeBenchmark,
  type ScoredBurst,
  SETTINGS_GRID,
  type SettingsResult,
  scheduleBursts,
  scoreBurst,
  thinCounts,
  type VolumeSummary,
  volumeAlerts,
  volumeBurstProfile,
} from '../../../scripts/lib/spikes-volume-bench.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

/** A uniform source that returns `xs` in order, then repeats the last one. */
function sequence(xs: number[]): () => number {
  let i = 0;
  return () => xs[Math.min(i++, xs.length - 1)]!;
}

function hours(n: number): number[] {
  return Array.from({ length: n }, (_, i) => T0 + i * HOUR);
}

function quiet(total: number[], windows: [number, number][] = []): QuietRun {
  return { series: 'X', level: 'real', draw: 0, startMs: hours(total.length), total, windows };
}

describe('thinCounts', () => {
  it('keeps a mention when its uniform draw is below p', () => {
    // bucket 1 (3 mentions): 0.1 kept, 0.9 dropped, 0.4 kept; bucket 2 (1 mention): 0.7 dropped.
    expect(thinCounts([3, 1], 0.5, sequence([0.1, 0.9, 0.4, 0.7]))).toEqual([2, 0]);
  });

  it('keeps everything at p = 1 and nothing at p = 0', () => {
    const u = mulberry32(1);
    expect(thinCounts([5, 0, 7], 1, u)).toEqual([5, 0, 7]);
    expect(thinCounts([5, 0, 7], 0, u)).toEqual([0, 0, 0]);
  });
});

describe('expectedAt', () => {
  it('is the median of the same hour on the 7 previous days, not moved by one surge', () => {
    const total = new Array<number>(8 * 24).fill(0);
    // Hour 5 of days 0..6: 1, 100, 2, 3, 4, 5, 6 → sorted 1 2 3 4 5 6 100, median 4 (the mean would be 17.3).
    [1, 100, 2, 3, 4, 5, 6].forEach((v, d) => {
      total[d * 24 + 5] = v;
    });
    total[7 * 24 + 5] = 999;
    expect(expectedAt(total, 7 * 24 + 5)).toBe(4);
  });

  it('uses the days that exist, the mean of the middle two for an even number', () => {
    const total = new Array<number>(3 * 24).fill(0);
    total[5] = 2;
    total[24 + 5] = 10;
    expect(expectedAt(total, 24 + 5)).toBe(2);
    expect(expectedAt(total, 2 * 24 + 5)).toBe(6);
    expect(() => expectedAt(total, 5)).toThrow(RangeError);
  });
});

describe('volumeBurstProfile', () => {
  it('holds m for spikes and steps', () => {
    expect(volumeBurstProfile('spike', 5, 2)).toEqual([5, 5]);
    expect(volumeBurstProfile('step', 3, 6)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('ramps linearly to m over the length, then holds m for 2 buckets', () => {
    // m = 3 over 4 buckets: 1 + 2·j/4 for j = 1..4.
    expect(volumeBurstProfile('ramp', 3, 4)).toEqual([1.5, 2, 2.5, 3, 3, 3]);
  });
});

describe('scheduleBursts', () => {
  it('daily: two runs of 8 at the same hour, 10 days apart, with occurrences and gaps', () => {
    const s = scheduleBursts('daily', 60 * 24, 170, 3, mulberry32(1));
    expect(s).toHaveLength(2 * DAILY_RUN);
    expect(s.slice(0, DAILY_RUN).map((b) => b.start)).toEqual([170, 194, 218, 242, 266, 290, 314, 338]);
    expect(s.map((b) => b.occurrence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    // The second run starts 10 days after the first run's last burst: 338 + 240 = 578.
    expect(s[DAILY_RUN]!.start).toBe(578);
    expect(s.map((b) => b.gapDays)).toEqual([
      null,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      DAILY_PAUSE_DAYS,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
    ]);
  });

  it('recurring: gaps of 1, 3 and 7 days cycle, jittered by the draw, and stop before the end', () => {
    // u = 0.5 → jitter floor(2.5) − 2 = 0 h: starts 100, 124, 196, 364, 388, 460.
    const even = scheduleBursts('recurring', 470, 100, 5, () => 0.5);
    expect(even.map((b) => b.start)).toEqual([100, 124, 196, 364, 388, 460]);
    expect(even.map((b) => b.gapDays)).toEqual([null, 1, 3, 7, 1, 3]);
    expect(even.every((b) => b.occurrence === 1)).toBe(true);
    // u = 0 → jitter −2 h: 100, 122 (22 h, a 1-day gap), 192 (70 h, 3 days).
    expect(
      scheduleBursts('recurring', 200, 100, 5, () => 0)
        .map((b) => [b.start, b.gapDays])
        .slice(0, 3),
    ).toEqual([
      [100, null],
      [122, 1],
      [192, 3],
    ]);
    // A burst whose span would pass the end (460 + 11 > 470) is left out.
    expect(scheduleBursts('recurring', 470, 100, 11, () => 0.5).map((b) => b.start)).toEqual([
      100, 124, 196, 364, 388,
    ]);
  });
});

describe('labelBurst', () => {
  it('applies window, then small, then routine', () => {
    expect(labelBurst({ occurrence: 1, peakExcess: 20, inWindow: false })).toBe('wanted');
    expect(labelBurst({ occurrence: 2, peakExcess: 20, inWindow: false })).toBe('wanted');
    expect(labelBurst({ occurrence: 3, peakExcess: 20, inWindow: false })).toBe('routine');
    expect(labelBurst({ occurrence: 3, peakExcess: MIN_WANTED_EXCESS - 1, inWindow: false })).toBe('small');
    expect(labelBurst({ occurrence: 1, peakExcess: MIN_WANTED_EXCESS, inWindow: false })).toBe('wanted');
    expect(labelBurst({ occurrence: 1, peakExcess: 1, inWindow: true })).toBe('window');
  });
});

describe('overlapsWindow', () => {
  const startMs = hours(10);
  it('counts an hour as overlapping when any instant of it is in the inclusive window', () => {
    // Window 03:30–03:40 lies inside hour 3; window ending exactly at 05:00 touches hour 5.
    expect(overlapsWindow(startMs, 3, 4, [[T0 + 3.5 * HOUR, T0 + 3.6 * HOUR]])).toBe(true);
    expect(overlapsWindow(startMs, 5, 6, [[T0, T0 + 5 * HOUR]])).toBe(true);
    expect(overlapsWindow(startMs, 5, 6, [[T0 + 6 * HOUR, T0 + 7 * HOUR]])).toBe(false);
    expect(overlapsWindow(startMs, 0, 3, [[T0 + 3 * HOUR, T0 + 4 * HOUR]])).toBe(false);
  });
});

describe('generateVolumeCase', () => {
  it('adds round((m − 1)·E) to every burst bucket of a flat series and labels daily repeats', () => {
    const q = quiet(new Array<number>(40 * 24).fill(10));
    const c = generateVolumeCase(q, { multiplier: 3, shape: 'step', scenario: 'daily' }, 5);
    expect(c.length).toBeGreaterThanOrEqual(6);
    expect(c.length).toBeLessThanOrEqual(12);
    // E = 10 everywhere, so each burst bucket gets (3 − 1)·10 = 20 extra mentions.
    const extra = c.bursty.reduce((a, x) => a + x, 0) - 40 * 24 * 10;
    expect(extra).toBe(20 * c.length * c.bursts.length);
    expect(c.bursts.every((b) => b.peakExcess === 20)).toBe(true);
    expect(c.bursts.map((b) => b.label)).toEqual(
      c.bursts.map((b) => (b.occurrence >= 3 ? 'routine' : 'wanted')),
    );
    expect(c.bursts[0]!.start).toBeGreaterThanOrEqual(7 * 24);
    expect(c.bursts[0]!.start).toBeLessThan(8 * 24);
  });

  it('labels bursts too small at low counts, and those in a labelled window', () => {
    // E = 2 at 2×: 2 extra mentions < 5 → small.
    const small = generateVolumeCase(
      quiet(new Array<number>(30 * 24).fill(2)),
      {
        multiplier: 2,
        shape: 'spike',
        scenario: 'recurring',
      },
      1,
    );
    expect(small.bursts.every((b) => b.label === 'small' && b.peakExcess === 2)).toBe(true);
    const whole: [number, number][] = [[T0, T0 + 30 * 24 * HOUR]];
    const inWindow = generateVolumeCase(
      quiet(new Array<number>(30 * 24).fill(10), whole),
      {
        multiplier: 5,
        shape: 'ramp',
        scenario: 'recurring',
      },
      1,
    );
    expect(inWindow.bursts.every((b) => b.label === 'window')).toBe(true);
  });

  it('is deterministic in its seed', () => {
    const q = quiet(Array.from({ length: 30 * 24 }, (_, i) => 5 + (i % 24)));
    const c = { multiplier: 5, shape: 'ramp', scenario: 'recurring' } as const;
    expect(generateVolumeCase(q, c, 9)).toEqual(generateVolumeCase(q, c, 9));
  });
});

describe('scoreBurst', () => {
  it('detects an alert from the start to 2 buckets after the peak, with its delay', () => {
    const alerts = new Array<boolean>(20).fill(false);
    alerts[13] = true;
    // Start 10, peak at offset 2: the span is buckets 10..13, so the alert at 13 counts with delay 3.
    expect(scoreBurst(alerts, 10, 2)).toEqual({ detected: true, delayBuckets: 3 });
    // Peak at offset 1: the span ends at 12.
    expect(scoreBurst(alerts, 10, 1)).toEqual({ detected: false, delayBuckets: null });
  });
});

describe('quietFalseAlarms', () => {
  it('counts alerts after the warm-up outside labelled windows, per week outside them', () => {
    const n = 3 * 168;
    const startMs = hours(n);
    const alerts = new Array<boolean>(n).fill(false);
    alerts[10] = true; // in the warm-up week: not counted
    alerts[200] = true; // in the window: an alert but not a false alarm
    alerts[300] = true;
    alerts[400] = true;
    const windows: [number, number][] = [[T0 + 190 * HOUR, T0 + 210 * HOUR - 1]];
    const r = quietFalseAlarms(alerts, startMs, windows, T0 + 168 * HOUR);
    // After the warm-up: 336 hours, 20 of them in the window → 316 hours = 316/168 weeks; 2 false alarms.
    expect(r.alerts).toBe(3);
    expect(r.falseAlarms).toBe(2);
    expect(r.weeks).toBeCloseTo(316 / 168, 12);
    expect(r.perWeek).toBeCloseTo((2 * 168) / 316, 12);
  });
});

describe('recallOf, meanDelay, positionOf', () => {
  const b = (detected: boolean, delay: number | null, gapDays: number | null, label = 'wanted') =>
    ({ detected, delayBuckets: delay, gapDays, label }) as ScoredBurst;
  it('summarise hits and delays', () => {
    const xs = [b(true, 0, null), b(true, 3, 1), b(false, null, 3)];
    expect(recallOf(xs)).toEqual({ recall: 2 / 3, hit: 2, n: 3 });
    expect(meanDelay(xs)).toBe(1.5);
    expect(xs.map(positionOf)).toEqual(['first', '+1 d', '+3 d']);
    expect(positionOf(b(true, 0, 1, 'routine'))).toBe('routine');
  });
});

describe('applyVolumeRule', () => {
  const s = (mode: VolumeSummary['mode'], recall: number, over: number): VolumeSummary => ({
    sensitivity: 'sedang',
    mode,
    wanted: { recall, hit: 0, n: 0 },
    delayBuckets: 0,
    routine: { recall: 0, hit: 0, n: 0 },
    maxFalseAlarms: over > 0 ? 1.5 : 0.5,
    worstRun: '',
    meanFalseAlarms: 0,
    runsOverBudget: over,
    quietRuns: 42,
  });

  it('prefers the eligible mode with the higher recall when every draw agrees', () => {
    const v = applyVolumeRule([
      [s('scale', 0.1, 0), s('event', 0.2, 0)],
      [s('scale', 0.1, 0), s('event', 0.15, 0)],
    ]);
    expect(v.recommended).toBe('event');
    expect(v.draws.map((d) => d.preferred)).toEqual(['event', 'event']);
  });

  it('drops a mode over the budget on any quiet run, however high its recall', () => {
    const v = applyVolumeRule([[s('scale', 0.05, 0), s('event', 0.5, 1)]]);
    expect(v.recommended).toBe('scale');
    expect(v.draws[0]!.eligible).toEqual(['scale']);
  });

  it('keeps the shipped mode when a further draw prefers another, and names none when none is eligible', () => {
    const unstable = applyVolumeRule([
      [s('scale', 0.1, 0), s('event', 0.2, 0)],
      [s('scale', 0.1, 0), s('event', 0.2, 2)],
    ]);
    expect(unstable.recommended).toBe('scale');
    expect(applyVolumeRule([[s('scale', 0.1, 1), s('event', 0.2, 3)]]).recommended).toBeNull();
  });
});

describe('volumeAlerts and runVolumeBenchmark', () => {
  const poissonSeries = (lambda: number, n: number, seed: number) => {
    const u = mulberry32(seed);
    return Array.from({ length: n }, () => {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = 1;
      do {
        k += 1;
        p *= u();
      } while (p > l);
      return k - 1;
    });
  };

  it('alerts on the first 5× spike of a steady series', () => {
    const q = quiet(poissonSeries(100, 30 * 24, 3));
    const c = generateVolumeCase(q, { multiplier: 5, shape: 'spike', scenario: 'recurring' }, 2);
    const params = detectorParams('sedang', { tzOffsetMinutes: 0 });
    const alerts = volumeAlerts(q.startMs, c.bursty, params);
    expect(scoreBurst(alerts, c.bursts[0]!.start, c.peakAt).detected).toBe(true);
  });

  it('gives every mode the same bursts and labels, and the same results on a second call', () => {
    // 20 days of 5-minute counts, about 24 an hour, no windows.
    const u = mulberry32(4);
    const n = 20 * 288;
    const series: LabelledSeries = {
      name: 'Twitter_volume_T.csv',
      timestampsMs: Array.from({ length: n }, (_, i) => T0 + i * 300_000),
      values: Array.from({ length: n }, () => Math.floor(u() * 5)),
      columns: {},
      windows: [],
    };
    const [a, b] = runVolumeBenchmark([series], 'sedang', ['scale', 'event']);
    const shape = (r: typeof a) =>
      r!.bursts.map((x) => [x.level, x.multiplier, x.shape, x.scenario, x.gapDays, x.label]);
    expect(shape(a)).toEqual(shape(b));
    expect(a!.quiet).toHaveLength(7);
    expect(runVolumeBenchmark([series], 'sedang', ['scale'])[0]).toEqual(a);
    // Overrides reach the detector: a ratio guard of 1,000 holds every alert back; the same bursts are scored.
    const [strict] = runVolumeBenchmark([series], 'sedang', ['scale'], 0, undefined, { minRatio: 1_000 });
    expect(shape(strict)).toEqual(shape(a));
    expect(strict!.bursts.filter((x) => x.detected)).toEqual([]);
  });
});

describe('SETTINGS_GRID and applySettingsRule (fifteenth round)', () => {
  const WEEK = 7 * 24 * HOUR;
  const sum = (recall: number, over = 0): VolumeSummary => ({
    sensitivity: 'sedang',
    mode: 'scale',
    wanted: { recall, hit: 0, n: 0 },
    delayBuckets: 0,
    routine: { recall: 0, hit: 0, n: 0 },
    maxFalseAlarms: over > 0 ? 1.2 : 0.5,
    worstRun: '',
    meanFalseAlarms: 0,
    runsOverBudget: over,
    quietRuns: 42,
  });
  const cell = (alertSurprise: number, weeks: number) => ({ alertSurprise, eventMemoryMs: weeks * WEEK });
  const shipped: SettingsResult = { cell: cell(4, 5), draws: [sum(0.05), sum(0.06), sum(0.06)] };

  it('is the 3 × 3 grid fixed in advance, the shipped cell first', () => {
    expect(SETTINGS_GRID).toHaveLength(9);
    expect(SETTINGS_GRID[0]).toEqual(cell(4, 5));
    expect(new Set(SETTINGS_GRID.map((c) => c.alertSurprise))).toEqual(new Set([4, 3, 2.5]));
    expect(new Set(SETTINGS_GRID.map((c) => c.eventMemoryMs / WEEK))).toEqual(new Set([5, 2, 1]));
  });

  it('takes the eligible cell with the highest first-draw recall that is ahead on every draw', () => {
    const over: SettingsResult = { cell: cell(2.5, 1), draws: [sum(0.2), sum(0.2), sum(0.2, 1)] };
    const best: SettingsResult = { cell: cell(3, 1), draws: [sum(0.11), sum(0.12), sum(0.12)] };
    const lower: SettingsResult = { cell: cell(3, 5), draws: [sum(0.09), sum(0.09), sum(0.09)] };
    const tried: number[] = [];
    const v = applySettingsRule([shipped, over, lower, best], (c) => {
      tried.push(c.alertSurprise);
      return true;
    });
    expect(v.chosen).toEqual(cell(3, 1));
    expect(v.eligible).toEqual([cell(4, 5), cell(3, 5), cell(3, 1)]);
    expect(tried).toEqual([3]);
  });

  it('skips a cell behind the shipped one on some draw or failing the share check, then stops at the shipped cell', () => {
    const behind: SettingsResult = { cell: cell(3, 2), draws: [sum(0.2), sum(0.05), sum(0.2)] };
    const share: SettingsResult = { cell: cell(3, 1), draws: [sum(0.1), sum(0.1), sum(0.1)] };
    const next: SettingsResult = { cell: cell(4, 1), draws: [sum(0.07), sum(0.07), sum(0.07)] };
    const v = applySettingsRule([shipped, behind, share, next], (c) => c.alertSurprise !== 3);
    expect(v.chosen).toEqual(cell(4, 1));
    const none = applySettingsRule([shipped, behind, share], (c) => c.alertSurprise !== 3);
    expect(none.chosen).toBeNull();
    expect(none.reason).toContain('shipped');
  });
});
