/**
 * Semi-synthetic hourly volume-burst benchmark with labelled wanted events (issue 4): real hourly mention
 * volumes (NAB realTweets, 5-minute counts summed per hour), as they are and binomially thinned to a small
 * regency's counts, get injected volume bursts of known size, shape and start, repeated 1, 3 and 7 days later or
 * daily at the same hour; each burst is labelled wanted or not, and the detector's volume alerts are scored for
 * recall, delay, and false alarms per week on the same series without bursts. Design and the reasons for each
 * label: `BENCHMARKS.spikes.md`, "Hourly volume-burst benchmark". Deterministic (seeded mulberry32).
 */

import { mulberry32 } from '#shared/domain/random.ts';
import {
  createSeriesState,
  type DetectorParams,
  detectorParams,
  type Sensitivity,
  stepSeriesInPlace,
} from '#shared/domain/spikes/detector.ts';
import { toHourly } from './spikes-bench.ts';
import type { LabelledSeries } from './spikes-data.ts';

const HOUR = 3_600_000;
const DAY_BUCKETS = 24;
const WEEK = 7 * 24 * HOUR;

/** Volume calibrations of the detector the benchmark compares (`DetectorParams['volumeCalibration']`). */
export type VolumeCalibration = DetectorParams['volumeCalibration'];

/** Count level of a series: as recorded, or thinned to a median of {@link LEVEL_MEDIANS} mentions/hour. */
export type VolumeLevel = 'real' | 'tens' | 'units';

/** Median mentions per hour the thinned levels are scaled to. */
export const LEVEL_MEDIANS: Record<Exclude<VolumeLevel, 'real'>, number> = { tens: 20, units: 3 };

/** Burst shapes: a short spike, a lasting step, and a gradual ramp. */
export type VolumeShape = 'spike' | 'step' | 'ramp';

/** `recurring`: the same burst again 1, 3 and 7 days later, cycling; `daily`: the same hour on consecutive days. */
export type VolumeScenario = 'recurring' | 'daily';

/** Fewer extra mentions than this in a burst's peak hour is not a story a team acts on ("too small"). */
export const MIN_WANTED_EXCESS = 5;

/** Occurrences of a daily run from this one on (1-based) are routine, not wanted. */
export const ROUTINE_FROM = 3;

/** Days between bursts of a `recurring` schedule, cycled. */
export const RECURRING_GAPS_DAYS = [1, 3, 7] as const;

/** A `daily` schedule: bursts per daily run, and days off between the two runs. */
export const DAILY_RUN = 8;
export const DAILY_PAUSE_DAYS = 10;

/** Days of the same hour averaged into the local expected count. */
export const EXPECTED_DAYS = 7;

/** Buckets after the peak within which an alert still counts (the share benchmark's rule). */
export const HORIZON = 2;

/**
 * Binomial thinning: each mention of each bucket kept with probability `p` (0 ≤ p ≤ 1), so the thinned series
 * keeps the real one's shape with the counting noise of smaller counts.
 * @returns a new array of whole counts, each ≤ the input's.
 */
export function thinCounts(total: readonly number[], p: number, u: () => number): number[] {
  return total.map((n) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (u() < p) k += 1;
    return k;
  });
}

/**
 * The local expected count of bucket `i` of an hourly series: the median of the same hour on the `days`
 * previous days (`i − 24`, …, `i − 24·days`; those before the series start are left out; an even number of days
 * takes the mean of the middle two). A median, so a real surge at that hour earlier in the week does not set
 * the burst's size (on AAPL a labelled surge in the first week made the mean 2.6× that hour's count on the burst day).
 * @throws RangeError when no earlier day exists (`i < 24`).
 */
export function expectedAt(total: readonly number[], i: number, days = EXPECTED_DAYS): number {
  const xs: number[] = [];
  for (let d = 1; d <= days && i - d * DAY_BUCKETS >= 0; d++) xs.push(total[i - d * DAY_BUCKETS]!);
  if (xs.length === 0) throw new RangeError(`bucket ${i} has no earlier day to average`);
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * Multiplier of the local expected count in each bucket of a burst of size `m`: `spike` and `step` hold `m` for
 * `length` buckets (1–2 and 6–12 in the benchmark); `ramp` rises linearly over `length` buckets to `m`
 * (1 + (m − 1)·j/length, j = 1…length) and holds `m` for 2 more.
 */
export function volumeBurstProfile(shape: VolumeShape, m: number, length: number): number[] {
  if (shape === 'ramp') {
    return [...Array.from({ length }, (_, j) => 1 + ((m - 1) * (j + 1)) / length), m, m];
  }
  return Array.from({ length }, () => m);
}

/** One scheduled burst: its start bucket, days since the previous one, and its place in a daily run. */
export interface ScheduledBurst {
  start: number;
  /** Days since the previous burst of the case (rounded), or null for the first. */
  gapDays: number | null;
  /** 1-based occurrence in its daily run at the same hour (1 for every `recurring` burst). */
  occurrence: number;
}

/**
 * Burst starts for a case of `n` hourly buckets, the first at `firstStart`; none whose `span` buckets would pass
 * the end. `recurring`: gaps cycle {@link RECURRING_GAPS_DAYS} days ± 2 hours (`u` draws the jitter);
 * `daily`: {@link DAILY_RUN} bursts 24 h apart, {@link DAILY_PAUSE_DAYS} days off, {@link DAILY_RUN} again.
 */
export function scheduleBursts(
  scenario: VolumeScenario,
  n: number,
  firstStart: number,
  span: number,
  u: () => number,
): ScheduledBurst[] {
  const out: ScheduledBurst[] = [];
  const push = (start: number, occurrence: number) => {
    if (start + span > n) return false;
    const prev = out[out.length - 1];
    out.push({
      start,
      gapDays: prev === undefined ? null : Math.round((start - prev.start) / DAY_BUCKETS),
      occurrence,
    });
    return true;
  };
  if (scenario === 'daily') {
    for (let run = 0; run < 2; run++) {
      const runStart = firstStart + run * (DAILY_RUN - 1 + DAILY_PAUSE_DAYS) * DAY_BUCKETS;
      for (let k = 0; k < DAILY_RUN; k++) if (!push(runStart + k * DAY_BUCKETS, k + 1)) return out;
    }
    return out;
  }
  let start = firstStart;
  for (let k = 0; push(start, 1); k++) {
    const gap = RECURRING_GAPS_DAYS[k % RECURRING_GAPS_DAYS.length]!;
    start += gap * DAY_BUCKETS + Math.floor(u() * 5) - 2;
  }
  return out;
}

/** Why a burst is or is not scored: wanted, or left out as routine, too small, or in a labelled NAB window. */
export type BurstLabel = 'wanted' | 'routine' | 'small' | 'window';

/**
 * The label of one burst. Precedence: `window` (its scoring span `[start, start + peakAt + HORIZON)` overlaps
 * a labelled real event), then `small` (peak excess < {@link MIN_WANTED_EXCESS}), then `routine` (occurrence ≥
 * {@link ROUTINE_FROM} of a daily run), else `wanted`.
 */
export function labelBurst(burst: { occurrence: number; peakExcess: number; inWindow: boolean }): BurstLabel {
  if (burst.inWindow) return 'window';
  if (burst.peakExcess < MIN_WANTED_EXCESS) return 'small';
  if (burst.occurrence >= ROUTINE_FROM) return 'routine';
  return 'wanted';
}

/** Whether any hour of buckets `[from, to)` (hourly, starting at `startMs[i]`) overlaps an inclusive window. */
export function overlapsWindow(
  startMs: readonly number[],
  from: number,
  to: number,
  windows: readonly (readonly [number, number])[],
): boolean {
  for (let i = Math.max(0, from); i < Math.min(to, startMs.length); i++) {
    const h = startMs[i]!;
    if (windows.some(([a, b]) => h <= b && h + HOUR > a)) return true;
  }
  return false;
}

/** A quiet hourly series the bursts are injected into (one series at one level and thinning draw). */
export interface QuietRun {
  series: string;
  level: VolumeLevel;
  /** Thinning draw (0 for `real`). */
  draw: number;
  startMs: number[];
  total: number[];
  /** Labelled NAB windows, epoch ms, inclusive. */
  windows: [number, number][];
}

/** One burst as injected and labelled. */
export interface InjectedBurst extends ScheduledBurst {
  /** Extra mentions in the burst's largest bucket. */
  peakExcess: number;
  label: BurstLabel;
}

/** A generated case: the bursty totals, its bursts, and the bucket offset where each reaches its peak. */
export interface VolumeCase {
  multiplier: number;
  shape: VolumeShape;
  scenario: VolumeScenario;
  /** Burst length drawn for the case (spike 1–2, step 6–12, ramp rise 3–6 buckets). */
  length: number;
  profile: number[];
  peakAt: number;
  bursty: number[];
  bursts: InjectedBurst[];
}

/**
 * Generates one case on `quiet` from `seed`: draws the burst length and the first start (7 days + a random
 * hour), schedules the bursts ({@link scheduleBursts}), adds round((m_j − 1)·E) mentions to each burst bucket
 * (E = {@link expectedAt} on the quiet series) and labels each burst ({@link labelBurst}).
 */
export function generateVolumeCase(
  quiet: QuietRun,
  c: { multiplier: number; shape: VolumeShape; scenario: VolumeScenario },
  seed: number,
): VolumeCase {
  const u = mulberry32(seed);
  const length =
    c.shape === 'spike'
      ? 1 + Math.floor(u() * 2)
      : c.shape === 'step'
        ? 6 + Math.floor(u() * 7)
        : 3 + Math.floor(u() * 4);
  const profile = volumeBurstProfile(c.shape, c.multiplier, length);
  const peakAt = profile.indexOf(Math.max(...profile));
  const span = Math.max(profile.length, peakAt + HORIZON);
  const firstStart = 7 * DAY_BUCKETS + Math.floor(u() * DAY_BUCKETS);
  const schedule = scheduleBursts(c.scenario, quiet.total.length, firstStart, span, u);
  const bursty = [...quiet.total];
  const bursts = schedule.map((b) => {
    let peakExcess = 0;
    for (const [j, m] of profile.entries()) {
      const extra = Math.round((m - 1) * expectedAt(quiet.total, b.start + j));
      bursty[b.start + j]! += extra;
      peakExcess = Math.max(peakExcess, extra);
    }
    const inWindow = overlapsWindow(quiet.startMs, b.start, b.start + peakAt + HORIZON, quiet.windows);
    return { ...b, peakExcess, label: labelBurst({ occurrence: b.occurrence, peakExcess, inWindow }) };
  });
  return { ...c, length, profile, peakAt, bursty, bursts };
}

/**
 * Steps a fresh detector through hourly `total` counts (no negatives, so only volume alerts can fire).
 * @returns per bucket whether it raised an alert.
 */
export function volumeAlerts(
  startMs: readonly number[],
  total: readonly number[],
  params: DetectorParams,
): boolean[] {
  const state = createSeriesState(startMs[0]!, params);
  return total.map(
    (t, i) =>
      stepSeriesInPlace(state, { bucketStartMs: startMs[i]!, total: t, negative: 0 }, params).alert !== null,
  );
}

/** Whether a burst starting at `start` is detected (an alert in `[start, start + peakAt + horizon)`) and when. */
export function scoreBurst(
  alerts: readonly boolean[],
  start: number,
  peakAt: number,
  horizon = HORIZON,
): { detected: boolean; delayBuckets: number | null } {
  for (let j = 0; j < peakAt + horizon && start + j < alerts.length; j++) {
    if (alerts[start + j]) return { detected: true, delayBuckets: j };
  }
  return { detected: false, delayBuckets: null };
}

/**
 * Volume false alarms of a quiet run: alerts at or after `warmStartMs` in hours that overlap no labelled window,
 * over the weeks of such hours.
 */
export function quietFalseAlarms(
  alerts: readonly boolean[],
  startMs: readonly number[],
  windows: readonly (readonly [number, number])[],
  warmStartMs: number,
): { alerts: number; falseAlarms: number; weeks: number; perWeek: number } {
  let all = 0;
  let falseAlarms = 0;
  let hours = 0;
  for (const [i, h] of startMs.entries()) {
    if (h < warmStartMs) continue;
    const inWindow = windows.some(([a, b]) => h <= b && h + HOUR > a);
    if (alerts[i]) all += 1;
    if (inWindow) continue;
    hours += 1;
    if (alerts[i]) falseAlarms += 1;
  }
  const weeks = (hours * HOUR) / WEEK;
  return { alerts: all, falseAlarms, weeks, perWeek: weeks > 0 ? falseAlarms / weeks : 0 };
}

/** Thinning draws per series and thinned level. */
export const THINNING_DRAWS = 3;

/**
 * The quiet runs of the benchmark: each series hourly as recorded, and {@link THINNING_DRAWS} binomial thinnings
 * to each of {@link LEVEL_MEDIANS} (probability median target / the series' hourly median, at most 1).
 */
export function quietRuns(tweets: readonly LabelledSeries[], seedOffset = 0): QuietRun[] {
  const out: QuietRun[] = [];
  for (const [si, s] of tweets.entries()) {
    const hourly = toHourly(s);
    const base = {
      series: s.name.replace('Twitter_volume_', '').replace('.csv', ''),
      startMs: hourly.startMs,
    };
    out.push({ ...base, level: 'real', draw: 0, total: hourly.total, windows: s.windows });
    const med = [...hourly.total].sort((a, b) => a - b)[Math.floor(hourly.total.length / 2)]!;
    for (const [li, level] of (['tens', 'units'] as const).entries()) {
      const p = Math.min(1, LEVEL_MEDIANS[level] / Math.max(1, med));
      for (let draw = 0; draw < THINNING_DRAWS; draw++) {
        const u = mulberry32(90_001 + seedOffset + 1_000 * si + 100 * li + draw);
        out.push({ ...base, level, draw, total: thinCounts(hourly.total, p, u), windows: s.windows });
      }
    }
  }
  return out;
}

/** The grid of burst cases run on every series and level. */
export const VOLUME_GRID = {
  multipliers: [2, 3, 5],
  shapes: ['spike', 'step', 'ramp'] as VolumeShape[],
  scenarios: ['recurring', 'daily'] as VolumeScenario[],
};

/** One scored burst of one case. */
export interface ScoredBurst {
  series: string;
  level: VolumeLevel;
  multiplier: number;
  shape: VolumeShape;
  scenario: VolumeScenario;
  gapDays: number | null;
  occurrence: number;
  label: BurstLabel;
  detected: boolean;
  delayBuckets: number | null;
}

/** Results of one sensitivity × calibration. */
export interface VolumeBenchResult {
  sensitivity: Sensitivity;
  mode: VolumeCalibration;
  bursts: ScoredBurst[];
  quiet: (Omit<QuietRun, 'startMs' | 'total' | 'windows'> & ReturnType<typeof quietFalseAlarms>)[];
}

/**
 * Runs the benchmark for each calibration in `modes` at `sensitivity` (hourly buckets, UTC): every quiet run, and
 * every case of {@link VOLUME_GRID} on every series and level (thinned levels cycle through their draws). Case
 * seeds are fixed by the case's position in that order plus `seedOffset`, so two modes see the same bursts.
 * `overrides` are merged over the preset (for measuring candidate settings; the calibration is the mode's).
 */
export function runVolumeBenchmark(
  tweets: readonly LabelledSeries[],
  sensitivity: Sensitivity,
  modes: readonly VolumeCalibration[],
  seedOffset = 0,
  runs: QuietRun[] = quietRuns(tweets, seedOffset),
  overrides: Partial<DetectorParams> = {},
): VolumeBenchResult[] {
  const cases: { quiet: QuietRun; c: VolumeCase }[] = [];
  let seed = 1 + seedOffset;
  let k = 0;
  for (const series of new Set(runs.map((r) => r.series))) {
    for (const level of ['real', 'tens', 'units'] as const) {
      const draws = runs.filter((r) => r.series === series && r.level === level);
      if (draws.length === 0) continue;
      for (const multiplier of VOLUME_GRID.multipliers)
        for (const shape of VOLUME_GRID.shapes)
          for (const scenario of VOLUME_GRID.scenarios) {
            const quiet = draws[k++ % draws.length]!;
            cases.push({ quiet, c: generateVolumeCase(quiet, { multiplier, shape, scenario }, seed++) });
          }
    }
  }
  return modes.map((mode) => {
    const params = detectorParams(sensitivity, { ...overrides, tzOffsetMinutes: 0, volumeCalibration: mode });
    const bursts: ScoredBurst[] = [];
    for (const { quiet, c } of cases) {
      const alerts = volumeAlerts(quiet.startMs, c.bursty, params);
      for (const b of c.bursts) {
        bursts.push({
          series: quiet.series,
          level: quiet.level,
          multiplier: c.multiplier,
          shape: c.shape,
          scenario: c.scenario,
          gapDays: b.gapDays,
          occurrence: b.occurrence,
          label: b.label,
          ...scoreBurst(alerts, b.start, c.peakAt),
        });
      }
    }
    const quiet = runs.map((r) => ({
      series: r.series,
      level: r.level,
      draw: r.draw,
      ...quietFalseAlarms(
        volumeAlerts(r.startMs, r.total, params),
        r.startMs,
        r.windows,
        r.startMs[0]! + WEEK,
      ),
    }));
    return { sensitivity, mode, bursts, quiet };
  });
}

/** Recall, detections and count of `bursts` (NaN recall when empty). */
export function recallOf(bursts: readonly ScoredBurst[]): { recall: number; hit: number; n: number } {
  const hit = bursts.filter((b) => b.detected).length;
  return { recall: hit / bursts.length, hit, n: bursts.length };
}

/** Mean delay of the detected `bursts`, buckets (NaN when none). */
export function meanDelay(bursts: readonly ScoredBurst[]): number {
  const d = bursts.filter((b) => b.detected);
  return d.reduce((a, b) => a + b.delayBuckets!, 0) / d.length;
}

/** The position of a burst for the tables: first, a repeat after its gap in days, or routine. */
export function positionOf(b: Pick<ScoredBurst, 'gapDays' | 'label'>): string {
  if (b.label === 'routine') return 'routine';
  return b.gapDays === null ? 'first' : `+${b.gapDays} d`;
}

/** Summary of one sensitivity × calibration run (wanted-burst recall, delay, routine alerts, quiet false alarms). */
export interface VolumeSummary {
  sensitivity: Sensitivity;
  mode: VolumeCalibration;
  wanted: { recall: number; hit: number; n: number };
  /** Mean delay of detected wanted bursts from the burst start, buckets. */
  delayBuckets: number;
  routine: { recall: number; hit: number; n: number };
  /** Largest quiet-run false alarms per week, and the run it was on (`series/level/draw`). */
  maxFalseAlarms: number;
  worstRun: string;
  meanFalseAlarms: number;
  /** Quiet runs above one false alarm per week. */
  runsOverBudget: number;
  quietRuns: number;
}

/** Summarises one {@link runVolumeBenchmark} result. */
export function summarise(r: VolumeBenchResult): VolumeSummary {
  const wanted = r.bursts.filter((b) => b.label === 'wanted');
  const worst = r.quiet.reduce((a, q) => (q.perWeek > a.perWeek ? q : a), r.quiet[0]!);
  return {
    sensitivity: r.sensitivity,
    mode: r.mode,
    wanted: recallOf(wanted),
    delayBuckets: meanDelay(wanted),
    routine: recallOf(r.bursts.filter((b) => b.label === 'routine')),
    maxFalseAlarms: worst.perWeek,
    worstRun: `${worst.series}/${worst.level}/${worst.draw}`,
    meanFalseAlarms: r.quiet.reduce((a, q) => a + q.perWeek, 0) / r.quiet.length,
    runsOverBudget: r.quiet.filter((q) => q.perWeek > FALSE_ALARM_BUDGET).length,
    quietRuns: r.quiet.length,
  };
}

/** The rule's budget: volume false alarms per series per week on every quiet run at `sedang`. */
export const FALSE_ALARM_BUDGET = 1;

/** What {@link applyVolumeRule} decided, with the figures it decided on. */
export interface VolumeVerdict {
  /** Per draw (seed offset order as given): the eligible modes, and the preferred one (null when none). */
  draws: { eligible: VolumeCalibration[]; preferred: VolumeCalibration | null }[];
  /** The mode the rule recommends, or null when no mode is eligible on the first draw. */
  recommended: VolumeCalibration | null;
  reason: string;
}

/**
 * The rule of `BENCHMARKS.spikes.md` (written before the comparison): per draw, a mode is eligible when every
 * quiet run has ≤ {@link FALSE_ALARM_BUDGET} false alarm a week, and the eligible mode with the highest wanted
 * recall is preferred; the first draw's preference stands only if every further draw prefers the same mode,
 * else `shipped` stays; if no mode is eligible on the first draw, none is recommended.
 * @param draws per draw (the benchmark's own first, then further seed offsets), one summary per mode at `sedang`.
 */
export function applyVolumeRule(
  draws: readonly (readonly VolumeSummary[])[],
  shipped: VolumeCalibration = 'scale',
): VolumeVerdict {
  const perDraw = draws.map((summaries) => {
    const eligible = summaries.filter((s) => s.runsOverBudget === 0);
    const best = eligible.reduce<VolumeSummary | null>(
      (a, s) => (a === null || s.wanted.recall > a.wanted.recall ? s : a),
      null,
    );
    return { eligible: eligible.map((s) => s.mode), preferred: best?.mode ?? null };
  });
  const first = perDraw[0]?.preferred ?? null;
  if (first === null) {
    return { draws: perDraw, recommended: null, reason: 'no mode keeps every quiet run within the budget' };
  }
  const other = perDraw.find((d) => d.preferred !== first);
  if (other !== undefined) {
    return {
      draws: perDraw,
      recommended: shipped,
      reason:
        `\`${first}\` is preferred on the first draw and ${other.preferred === null ? 'no mode' : `\`${other.preferred}\``} ` +
        `on a further one: no stable preference, so the shipped \`${shipped}\` stays`,
    };
  }
  return {
    draws: perDraw,
    recommended: first,
    reason:
      perDraw[0]!.eligible.length === 1
        ? `\`${first}\` is the only mode within the budget on every draw`
        : `\`${first}\` is within the budget and has the highest wanted recall on every draw`,
  };
}

/** One cell of the hourly settings grid: overrides of `sedang`, the first cell being the shipped settings. */
export interface SettingsCell {
  alertSurprise: number;
  eventMemoryMs: number;
}

/**
 * The grid of hourly `sedang` settings of the fifteenth round (`BENCHMARKS.spikes.md`, fixed before any candidate
 * was measured): `alertSurprise` 4 / 3 / 2.5 × `eventMemoryMs` 5 / 2 / 1 weeks, the shipped cell (4, 5 weeks) first.
 */
export const SETTINGS_GRID: readonly SettingsCell[] = [4, 3, 2.5].flatMap((alertSurprise) =>
  [5, 2, 1].map((weeks) => ({ alertSurprise, eventMemoryMs: weeks * WEEK })),
);

/** One grid cell measured on each draw (the benchmark's own first), at `sedang` with `'scale'`. */
export interface SettingsResult {
  cell: SettingsCell;
  draws: VolumeSummary[];
}

/** What {@link applySettingsRule} chose, with the reason. */
export interface SettingsVerdict {
  /** Cells within the budget on every draw, in grid order. */
  eligible: SettingsCell[];
  /** Eligible cells in the order the rule tries them (highest draw-0 wanted recall first, grid order on ties). */
  order: SettingsCell[];
  /** The first cell of `order` that is ahead of the shipped cell on every draw and passes `passesShare`, or null. */
  chosen: SettingsCell | null;
  reason: string;
}

/**
 * The fifteenth round's rule (`BENCHMARKS.spikes.md`): a cell is eligible when every quiet run of every draw has
 * ≤ {@link FALSE_ALARM_BUDGET} volume false alarm a week; eligible cells are tried by wanted recall on the first
 * draw; a cell is chosen when its wanted recall is above the shipped cell's (`results[0]`) on every draw and
 * `passesShare` accepts it (the negative-share check, run only on the cells tried). The shipped cell itself is
 * never "chosen": choosing it means nothing changes (`chosen` null).
 */
export function applySettingsRule(
  results: readonly SettingsResult[],
  passesShare: (cell: SettingsCell) => boolean,
): SettingsVerdict {
  const shipped = results[0]!;
  const eligible = results.filter((r) => r.draws.every((d) => d.runsOverBudget === 0));
  const order = [...eligible].sort((a, b) => b.draws[0]!.wanted.recall - a.draws[0]!.wanted.recall);
  const cells = (rs: readonly SettingsResult[]) => rs.map((r) => r.cell);
  for (const r of order) {
    if (r === shipped) {
      return {
        eligible: cells(eligible),
        order: cells(order),
        chosen: null,
        reason: 'the shipped cell has the highest wanted recall of the cells tried: nothing changes',
      };
    }
    if (!r.draws.every((d, i) => d.wanted.recall > shipped.draws[i]!.wanted.recall)) continue;
    if (!passesShare(r.cell)) continue;
    return {
      eligible: cells(eligible),
      order: cells(order),
      chosen: r.cell,
      reason: 'within the budget on every draw, ahead of the shipped cell on every draw, share check passed',
    };
  }
  return {
    eligible: cells(eligible),
    order: cells(order),
    chosen: null,
    reason: 'no eligible cell is ahead of the shipped cell on every draw and passes the share check',
  };
}
