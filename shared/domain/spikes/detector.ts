/**
 * Pantau's streaming spike detector: one small, JSON-serialisable state per series (a keyword, or all
 * keywords together) updated once per closed bucket. Two tests run on every bucket:
 *
 * - **volume**: the bucket total (and its sum over longer trailing windows) against a seasonal baseline
 *   `level × hourOfDay[h] × dayOfWeek[d]`, with a negative-binomial upper tail (dispersion estimated by
 *   the method of moments for the bucket, fixed at the prior for the windows), each window length
 *   calibrated against the series' own history of that window's surprise, sampled once per window length;
 * - **level shift**: a negative-binomial CUSUM of the bucket totals against a slow (one-week) baseline,
 *   tuned to a doubling and ranked against its own history the same way, so a rise that is too gradual
 *   for any single window (and that the one-day level would absorb) still alerts once;
 * - **share**: negatives out of the total (in the bucket, the last two buckets and the volume windows)
 *   against the baseline negative share, with a beta-binomial upper tail whose overdispersion is estimated
 *   from the data, and a minimum volume.
 *
 * The baseline learns only from quiet buckets and freezes while a test is alarmed (up to a limit, so a
 * lasting level shift is eventually accepted). Alerts pass guards (minimum counts, minimum ratio, distinct
 * authors), then a cooldown that lets a second alert through only if it is worse ("escalation").
 * Statistics and their sources: `docs/spikes.md`.
 */
import { z } from 'zod';
import { type ShareCusumSlice, shareCusumLlr, shareCusumSlice, shareCusumThreshold } from './share-cusum.ts';
import { logBetaBinomialUpperTail, logNegBinUpperTail } from './stats.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
const LN10 = Math.LN10;

/** Sensitivity presets, in the words the dashboard shows (Indonesian: low / medium / high). */
export const SensitivitySchema = z.enum(['rendah', 'sedang', 'tinggi']);
export type Sensitivity = z.infer<typeof SensitivitySchema>;

/** Detector settings. Durations in milliseconds; "surprise" is −log10 of a one-sided p-value. */
export const DetectorParamsSchema = z.object({
  /** Bucket length, ms (3 600 000 for Pantau's hourly counters, 300 000 for NAB). */
  bucketMs: z.number().int().positive(),
  /** Offset of the local clock from UTC in minutes, for hour-of-day/day-of-week (Asia/Jakarta: 420). */
  tzOffsetMinutes: z.number().int().min(-720).max(840),
  /** Trailing window lengths tested besides the single bucket, ms (rounded to whole buckets). */
  windowsMs: z.array(z.number().int().positive()).max(4),
  /** Half-life of the deseasonalised level, ms. */
  levelHalfLifeMs: z.number().positive(),
  /** Half-life of each hour-of-day factor, counted in that slot's own updates (days). */
  hourHalfLifeDays: z.number().positive(),
  /** Half-life of each day-of-week factor, counted in that weekday's own updates (weeks). */
  weekdayHalfLifeWeeks: z.number().positive(),
  /**
   * Negative-binomial dispersion α (variance μ + αμ²). It is the prior of the single-bucket estimate (which
   * moves away from it with `dispersionHalfLifeMs`) and the fixed α of sums over the longer windows. Fixed
   * there rather than estimated: over hours the moment estimate is dominated by baseline misfit (level
   * drift), which would blind the test to sustained rises; the conformal step calibrates the alarm rate.
   */
  priorDispersion: z.number().positive(),
  /** Half-life of the dispersion estimates, ms. */
  dispersionHalfLifeMs: z.number().positive(),
  /** Half-life of the baseline negative share and its overdispersion (decayed sums over time), ms. */
  shareHalfLifeMs: z.number().positive(),
  /** No alert before this much data has been seen, ms. */
  warmupMs: z.number().nonnegative(),
  /** Surprise (−log10 p) at or above which a test alerts. */
  alertSurprise: z.number().positive(),
  /**
   * Alerts also need the surprise to be rarer than once per this long in the series' own history
   * (a conformal p-value ≤ bucketMs/rarityMs over the decayed history of surprises; for a k-bucket window
   * with `volumeCalibration: 'event'` or `'scale'`, ≤ k·bucketMs/rarityMs over that window's history), ms. Nothing alerts
   * before the history holds this much time.
   */
  rarityMs: z.number().positive(),
  /** Half-life of that history of surprises, ms. */
  calibrationHalfLifeMs: z.number().positive(),
  /** Surprise below which an alarmed test is released and its baseline learns again. */
  releaseSurprise: z.number().nonnegative(),
  /** Volume alerts need at least this many mentions in the tested window. */
  minCount: z.number().nonnegative(),
  /** Volume alerts need observed/expected at least this. */
  minRatio: z.number().min(1),
  /** Share alerts need at least this many mentions in the tested window (so 2 of 3 negative never alerts). */
  minVolume: z.number().nonnegative(),
  /** Share alerts need at least this many negative mentions in the tested window. */
  minNegative: z.number().nonnegative(),
  /** Share alerts need observed share / baseline share at least this. */
  minShareRatio: z.number().min(1),
  /** Alerts need at least this many distinct authors when the caller reports them. */
  minDistinctAuthors: z.number().int().nonnegative(),
  /** After an alert of a kind, another of the same kind needs escalation for this long, ms. */
  cooldownMs: z.number().nonnegative(),
  /** Escalation: an alert inside the cooldown needs observed/expected ≥ this × the last alert's ratio. */
  escalationFactor: z.number().min(1),
  /** Longest a baseline stays frozen by one alarm, ms; then it learns the new level. */
  maxFreezeMs: z.number().positive(),
  /** Floor on the expected count per bucket, so an empty history cannot make one mention infinitely rare. */
  minExpected: z.number().positive(),
  /** Prior negative share used until mentions have been seen. */
  priorShare: z.number().gt(0).lt(1),
  /**
   * The multiplicative level shift ρ (μ → ρμ) the CUSUM is tuned to detect; 1 turns the CUSUM off. The
   * CUSUM is the sequentially optimal test for exactly this shift (Moustakides 1986) and stays sensitive to
   * nearby ones; 2 (a doubling) is the round value.
   */
  cusumShift: z.number().min(1),
  /** Half-life of the slow deseasonalised level the CUSUM compares against, ms. */
  slowLevelHalfLifeMs: z.number().positive(),
  /**
   * The odds ratio R of a negative mention (p/(1 − p) → R·p/(1 − p), i.e. negatives × R at the same other
   * mentions) that the share CUSUM is tuned to; 1 turns it off. 3 is the benchmark's smallest burst (3×).
   */
  shareCusumShift: z.number().min(1),
  /**
   * In-control average run length the share CUSUM is held to, ms (the mean time between its false alarms on a
   * stationary series). With `shareCusumThreshold: 'simulated'` the threshold h is the one at which the CUSUM
   * has this run length at the series' own mean volume, baseline share and overdispersion (Monte Carlo table,
   * `share-cusum.ts`); with `'lorden'` it is h = ln(shareCusumArlMs / bucketMs), which only bounds the run
   * length from below (Lorden, _Ann. Math. Statist._ 42, 1971: ARL₀ ≥ e^h).
   */
  shareCusumArlMs: z.number().positive(),
  /**
   * How the share CUSUM's threshold is set from `shareCusumArlMs` (see there). `'lorden'` in every preset:
   * the simulated threshold met its run length on average but not the false-alarm bar on every quiet run
   * (docs/spikes.md, seventh round).
   */
  shareCusumThreshold: z.enum(['simulated', 'lorden']),
  /**
   * What the volume test's conformal history holds. `'scale'` (every preset, twelfth round): the bucket and each
   * window length k have their own history of their own surprise, the window's sampled once per aligned block of
   * k buckets, and the p-value weighs each earlier entry at least as surprising so that one of them blocks an
   * alert for `eventMemoryMs`. `'event'` (thirteenth round; passed its rule, not adopted, an option): as
   * `'scale'`, but a run of consecutive entries at or above `alertSurprise` (an extreme burst lasting several
   * buckets, or several blocks of a window) enters its history once, as the run's maximum when the run ends, and
   * an earlier event weighs at most the longest window in buckets (the number of entries a burst that dominated
   * that window left in the `'bucket'` history at this bucket size). `'bucket'` (until the eleventh round, kept
   * to reproduce its figures): one entry per bucket, the bucket's surprise maximised over the windows, so a burst
   * that dominates the 3-hour window entered ~37 times at 5-minute buckets and a smaller one once.
   * docs/spikes.md, twelfth and thirteenth rounds.
   */
  volumeCalibration: z.enum(['bucket', 'scale', 'event']),
  /**
   * With `volumeCalibration: 'scale'` or `'event'`: how long an earlier event at least as surprising blocks an
   * alert once the history has its full decayed length (earlier, while the allowance grows from 0 at `rarityMs`
   * of history, longer), ms. 1 week in the presets (hourly, fifteenth round); 5 weeks on NAB (twelfth round). Sets the weight w of {@link scaleConstants}; with `'event'` w is also capped at the
   * longest window in buckets, so at hourly buckets (cap 3) one earlier event alone never blocks.
   */
  eventMemoryMs: z.number().positive(),
});
export type DetectorParams = z.infer<typeof DetectorParamsSchema>;

const BASE_PARAMS: DetectorParams = {
  bucketMs: HOUR_MS,
  tzOffsetMinutes: 420,
  windowsMs: [3 * HOUR_MS],
  levelHalfLifeMs: DAY_MS,
  hourHalfLifeDays: 7,
  weekdayHalfLifeWeeks: 4,
  priorDispersion: 0.1,
  dispersionHalfLifeMs: 7 * DAY_MS,
  shareHalfLifeMs: 7 * DAY_MS,
  warmupMs: DAY_MS,
  // p < 1e-3, not NAB's 1e-4 (scripts/lib/spikes-nab.ts): chosen on the hourly volume-burst benchmark, where 76 %
  // of the missed wanted bursts never reached 1e-4 (docs/spikes.md, fifteenth round).
  alertSurprise: 3,
  releaseSurprise: 1.3,
  rarityMs: 3 * DAY_MS,
  calibrationHalfLifeMs: 14 * DAY_MS,
  minCount: 5,
  minRatio: 1.5,
  minVolume: 20,
  minNegative: 5,
  minShareRatio: 1.5,
  minDistinctAuthors: 3,
  cooldownMs: 12 * HOUR_MS,
  escalationFactor: 1.5,
  maxFreezeMs: DAY_MS,
  minExpected: 0.05,
  priorShare: 0.2,
  cusumShift: 2,
  slowLevelHalfLifeMs: 7 * DAY_MS,
  shareCusumShift: 3,
  shareCusumArlMs: WEEK_MS,
  shareCusumThreshold: 'lorden',
  // 'event' (thirteenth round) passed its rule but was not adopted: docs/spikes.md, thirteenth round.
  volumeCalibration: 'scale',
  // 1 week, not NAB's 5 weeks: chosen on the hourly volume-burst benchmark (fifteenth round), where the 5 weeks
  // blocked the repeats a communications team wants.
  eventMemoryMs: WEEK_MS,
};

const PRESETS: Record<Sensitivity, Partial<DetectorParams>> = {
  rendah: {
    alertSurprise: 6,
    minRatio: 2,
    minShareRatio: 2,
    cooldownMs: 24 * HOUR_MS,
    escalationFactor: 2,
    shareCusumArlMs: 4 * WEEK_MS,
  },
  sedang: {},
  tinggi: {
    // Was 3.5; takes `sedang`'s 3 since the fifteenth round so that it stays at least as sensitive.
    alertSurprise: 3,
    minRatio: 1.3,
    minShareRatio: 1.3,
    cooldownMs: 6 * HOUR_MS,
    escalationFactor: 1.3,
    shareCusumArlMs: WEEK_MS / 2,
  },
};

/** Thrown when parameters or an observation are invalid. */
export class DetectorInputError extends Error {
  override name = 'DetectorInputError';
}

/**
 * Detector settings for a sensitivity preset, with overrides merged on top.
 * `rendah` alerts on p < 1e-6 with ratio ≥ 2 and a 24 h cooldown; `sedang` on p < 1e-3, ratio ≥ 1.5, 12 h;
 * `tinggi` on p < 1e-3, ratio ≥ 1.3, 6 h (the surprise bar also holds the share tests and the level-shift
 * CUSUM); all also need the rarity of `rarityMs` (3 days), counted in events per window length: an earlier
 * comparable volume event blocks for `eventMemoryMs` (1 week) on a full history (twelfth round; the thirteenth
 * round's `volumeCalibration: 'event'`, a run of extreme buckets as one event weighing at most the longest window
 * in buckets, is an option, not the default). The p < 1e-3 of `sedang` and `tinggi` and the 1-week memory are
 * chosen on the hourly volume-burst benchmark (fifteenth round: hourly `sedang` wanted-burst recall 0.056 → 0.112,
 * every quiet run ≤ 1 volume false alarm a week); NAB at 5-minute buckets keeps p < 1e-4 and 5 weeks
 * (`nabDetectorParams`), and `tinggi` had p < 3.2e-4 (3.5) before. The share CUSUM's in-control run length is at
 * least 4 weeks / 1 week / 3.5 days (Lorden's bound; the simulated threshold of `shareCusumThreshold: 'simulated'`
 * was measured and not adopted: docs/spikes.md, seventh round). Defaults assume hourly buckets in Asia/Jakarta
 * (UTC+7). Figures: `BENCHMARKS.spikes.md`.
 * @throws DetectorInputError when the merged settings fail {@link DetectorParamsSchema}.
 */
export function detectorParams(
  sensitivity: Sensitivity,
  overrides: Partial<DetectorParams> = {},
): DetectorParams {
  const parsed = DetectorParamsSchema.safeParse({ ...BASE_PARAMS, ...PRESETS[sensitivity], ...overrides });
  if (!parsed.success) throw new DetectorInputError('invalid detector parameters', { cause: parsed.error });
  return parsed.data;
}

const AlarmSchema = z.object({
  /** Decayed histogram of past surprises on a log2(1 + s) scale, 4 bins per unit ({@link CAL_BINS} bins). */
  cal: z.array(z.number()),
  /** Decayed number of buckets in `cal`. */
  calN: z.number(),
  /** Bucket start (epoch ms) of the last alert of this kind, or null. */
  lastAlertMs: z.number().nullable(),
  /** observed/expected of the last alert (the bar an escalation must clear). */
  lastRatio: z.number(),
  /** Bucket start (epoch ms) at which the current freeze began, or null when the baseline is learning. */
  activeSinceMs: z.number().nullable(),
  /** Bucket start (epoch ms) at which a freeze expired (`maxFreezeMs`) before the series calmed, else null. */
  thawedAtMs: z.number().nullable(),
});

/** The level-shift CUSUM of one series, and the history it is ranked against. */
const CusumSchema = z.object({
  /** CUSUM statistic: max(0, previous + log-likelihood ratio of the bucket), natural log units. */
  stat: z.number(),
  /** Mentions, expected mentions (slow baseline) and buckets since the statistic last left 0 (the run). */
  observed: z.number(),
  expected: z.number(),
  buckets: z.number().int().nonnegative(),
  /** Decayed histogram of past statistics, same bins as the volume test's {@link AlarmSchema} `cal`. */
  cal: z.array(z.number()),
  calN: z.number(),
});

/** The share CUSUM of one series (version 3). */
const ShareCusumSchema = z.object({
  /** CUSUM statistic: max(0, previous + log-likelihood ratio of the bucket), natural log units. */
  stat: z.number(),
  /** Negatives, expected negatives (total × baseline share), mentions and buckets of the current run. */
  observed: z.number(),
  expected: z.number(),
  total: z.number(),
  buckets: z.number().int().nonnegative(),
});

/** State fields of format version 1 (stored before the level-shift CUSUM existed). */
const SeriesStateV1Shape = {
  version: z.literal(1),
  /** Start (epoch ms) of the first bucket this state was created for. */
  startMs: z.number(),
  /** Start (epoch ms) of the last bucket stepped, or null before the first. */
  lastBucketStartMs: z.number().nullable(),
  bucketMs: z.number(),
  /** Buckets stepped so far. */
  n: z.number().int().nonnegative(),
  /** Deseasonalised level: expected count per bucket at seasonal factor 1. */
  level: z.number(),
  hour: z.array(z.number()).length(24),
  hourN: z.array(z.number()).length(24),
  weekday: z.array(z.number()).length(7),
  weekdayN: z.array(z.number()).length(7),
  /** Lengths (buckets) of the trailing windows tested besides the single bucket. */
  tests: z.array(z.number().int().positive()),
  /** Single-bucket dispersion α. */
  alpha: z.number(),
  /** Ring of the last totals, negatives and expected counts (length = longest window). */
  ringTotal: z.array(z.number()),
  ringNegative: z.array(z.number()),
  ringExpected: z.array(z.number()),
  /** Decayed sums of negatives and totals (the baseline share is their ratio), half-life `shareHalfLifeMs`. */
  shareNeg: z.number(),
  shareTot: z.number(),
  /**
   * Decayed sums for ρ, the intra-bucket correlation of negatives (Var = np(1−p)(1+(n−1)ρ)); ρ̂ is their
   * ratio shrunk to a prior ({@link shareOverdispersion}). Versions 1–3: the method of moments,
   * Σ ((x − np)² − np(1−p)) over Σ n(n−1)p(1−p). Version 4: the same moment equation with Godambe-optimal
   * weights (see `learnShare`), Σ w·((x − np)²/(np(1−p)) − 1) over Σ w·(n − 1).
   */
  rhoNum: z.number(),
  rhoDen: z.number(),
  volume: AlarmSchema,
  share: AlarmSchema,
};

const SeriesStateV2Shape = {
  ...SeriesStateV1Shape,
  version: z.literal(2),
  /** Slow deseasonalised level (half-life `slowLevelHalfLifeMs`), the CUSUM's baseline. */
  slowLevel: z.number(),
  cusum: CusumSchema,
};

const SeriesStateV3Shape = {
  ...SeriesStateV2Shape,
  version: z.literal(3),
  shareCusum: ShareCusumSchema,
};

/**
 * State format version 4: the fields of version 3 (version 2 plus the share CUSUM), with `rhoNum`/`rhoDen`
 * holding the weighted estimating-equation sums of the tenth round.
 */
const SeriesStateV4Shape = {
  ...SeriesStateV3Shape,
  version: z.literal(4),
};

/**
 * State format version 5 (twelfth round): the fields of version 4, with `volume.cal` holding the single
 * bucket's own surprises, plus one history per trailing window.
 */
const SeriesStateV5Shape = {
  ...SeriesStateV4Shape,
  version: z.literal(5),
  /**
   * Per window of `tests`: decayed histogram of that window's surprise, recorded once per aligned block of the
   * window's length (same bins as `volume.cal`).
   */
  windowCal: z.array(z.array(z.number())),
  /** Per window of `tests`: decayed number of blocks in `windowCal`. */
  windowCalN: z.array(z.number()),
};

/**
 * Persistent state of one series, format version 6 (thirteenth round): the fields of version 5 plus the open
 * run of each volume history. O(1) size: 24 + 7 seasonal factors, rings of the longest window, 64-bin
 * histograms (volume bucket, one per window, CUSUM, share) and a few numbers.
 */
export const SeriesStateSchema = z.object({
  ...SeriesStateV5Shape,
  version: z.literal(6),
  /**
   * Per volume history (index 0 the bucket's, i + 1 that of window i of `tests`): the largest surprise of the
   * current run of consecutive entries at or above `alertSurprise`, not yet in the histogram (0: no open run).
   * With `volumeCalibration: 'event'` the run enters the histogram once, as this value, when it ends.
   */
  calRunMax: z.array(z.number()),
});
export type SeriesState = z.infer<typeof SeriesStateSchema>;

/** Any stored format: version 1–5 states are migrated by {@link parseSeriesState}. */
const StoredSeriesStateSchema = z.discriminatedUnion('version', [
  z.object(SeriesStateV1Shape),
  z.object(SeriesStateV2Shape),
  z.object(SeriesStateV3Shape),
  z.object(SeriesStateV4Shape),
  z.object(SeriesStateV5Shape),
  SeriesStateSchema,
]);

/** One closed bucket of counts. */
export interface Observation {
  /** Bucket start, epoch ms (a multiple of `bucketMs` is expected but not required). */
  bucketStartMs: number;
  /** All mentions in the bucket. */
  total: number;
  /** Negative mentions in the bucket (≤ total). */
  negative: number;
  /** Distinct authors of the bucket's mentions, when known (unknown: the guard is skipped). */
  distinctAuthors?: number;
}

export type AlertKind = 'volume' | 'share';

/** An alert raised on a bucket. */
export interface SpikeAlert {
  kind: AlertKind;
  /** Whether this alert escalates an earlier one inside its cooldown. */
  escalation: boolean;
  /** Start (epoch ms) of the first bucket of the tested window, and its length in buckets. */
  windowStartMs: number;
  windowBuckets: number;
  /** Volume: mentions in the window. Share: negative mentions in the window. */
  observed: number;
  /** Volume: expected mentions. Share: expected negatives (total × baseline share). */
  expected: number;
  /** observed / expected. */
  strength: number;
  /**
   * −log10 of the one-sided p-value. For a level-shift (CUSUM) alert, the log10 likelihood ratio of the
   * run, which bounds the false-alarm rate the same way (at most one per 10^surprise buckets).
   */
  surprise: number;
  /** Share alerts: mentions in the window and the baseline share. */
  total?: number;
  baselineShare?: number;
}

/** Result of {@link stepSeries}. */
export interface StepResult {
  state: SeriesState;
  /**
   * Alert-worthiness in [0, 1]: the largest over the tests of the smaller of
   * 1 − 2^(−surprise/alertSurprise) and 1 − 2^(−rarity/log10(rarityMs/(k·bucketMs))) (k the tested window's
   * buckets with `volumeCalibration: 'event'` or `'scale'`, else 1; the share test has no
   * rarity term; the level-shift CUSUM's surprise is its log10 likelihood ratio), so 0.5 where a test's
   * thresholds are both met; 0 when suppressed.
   */
  score: number;
  /** The same score before guards and cooldown (for charts and for scoring the statistic alone). */
  rawScore: number;
  alert: SpikeAlert | null;
  /** True when the bucket was already stepped (an idempotent re-run): state and outputs are unchanged. */
  duplicate: boolean;
}

function windowLengths(params: DetectorParams): number[] {
  const ks = new Set<number>([1]);
  for (const w of params.windowsMs) ks.add(Math.max(1, Math.round(w / params.bucketMs)));
  return [...ks].sort((a, b) => a - b);
}

/** Bins of the surprise histogram: log2(1 + surprise) from 0 to 16 in quarters. */
export const CAL_BINS = 64;

/** An array of `n` copies of `v`, packed (not holey) so V8 keeps fast elements. */
function packed(n: number, v: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(v);
  return out;
}

function newAlarm(): SeriesState['volume'] {
  return {
    cal: packed(CAL_BINS, 0),
    calN: 0,
    lastAlertMs: null,
    lastRatio: 0,
    activeSinceMs: null,
    thawedAtMs: null,
  };
}

function newCusum(): SeriesState['cusum'] {
  return { stat: 0, observed: 0, expected: 0, buckets: 0, cal: packed(CAL_BINS, 0), calN: 0 };
}

function newShareCusum(): SeriesState['shareCusum'] {
  return { stat: 0, observed: 0, expected: 0, total: 0, buckets: 0 };
}

/**
 * A fresh state for a series whose first bucket starts at `startMs` (epoch ms).
 * @throws DetectorInputError when `params` are invalid.
 */
export function createSeriesState(startMs: number, params: DetectorParams): SeriesState {
  DetectorParamsSchema.parse(params);
  const ks = windowLengths(params);
  const kMax = ks[ks.length - 1]!;
  return {
    version: 6,
    startMs,
    lastBucketStartMs: null,
    bucketMs: params.bucketMs,
    n: 0,
    level: 0,
    hour: packed(24, 1),
    hourN: packed(24, 0),
    weekday: packed(7, 1),
    weekdayN: packed(7, 0),
    tests: ks.filter((k) => k > 1),
    alpha: params.priorDispersion,
    ringTotal: packed(kMax, 0),
    ringNegative: packed(kMax, 0),
    ringExpected: packed(kMax, 0),
    shareNeg: 0,
    shareTot: 0,
    rhoNum: 0,
    rhoDen: 0,
    volume: newAlarm(),
    share: newAlarm(),
    slowLevel: 0,
    cusum: newCusum(),
    shareCusum: newShareCusum(),
    windowCal: ks.filter((k) => k > 1).map(() => packed(CAL_BINS, 0)),
    windowCalN: packed(ks.length - 1, 0),
    calRunMax: packed(ks.length, 0),
  };
}

/**
 * Parses a stored state (e.g. from DynamoDB) into the current format (version 6). Older states are
 * migrated: a version 1 state (stored before the level-shift CUSUM) gets a slow level at the current level
 * and an empty CUSUM, so that test cannot alert until it has `rarityMs` of its own history, as for a new
 * series; a version 1 or 2 state gets an empty share CUSUM (statistic 0), which needs no history because it
 * tests against the baseline share the state already holds; a version 1–3 state's ρ sums (method of
 * moments, another scale) are replaced by the estimate they gave, carried in place of the prior: the
 * migrated state tests with exactly the ρ̂ it had, and that carried value decays toward the prior at the
 * share half-life while the weighted sums learn; a version 1–4 volume history (one entry per bucket, a burst
 * entered up to kMax times, kMax = the longest window in buckets) is read as events: its bins divided by kMax
 * become the bucket history and every window's history, the latter with exposure calN/k blocks; a version 1–5
 * state has no open run in its volume histories (`calRunMax` all 0).
 * @throws DetectorInputError when it is not a valid state of a known version.
 */
export function parseSeriesState(value: unknown): SeriesState {
  const parsed = StoredSeriesStateSchema.safeParse(value);
  if (!parsed.success) throw new DetectorInputError('invalid series state', { cause: parsed.error });
  const st = parsed.data;
  if (st.version === 6) return st;
  // No run is open in a version 5 history (it entered every bucket); the runs start with the next step.
  if (st.version === 5) return { ...st, version: 6, calRunMax: packed(st.tests.length + 1, 0) };
  const v4 = st.version === 4 ? st : migrateToV4(st);
  // A version 1–4 history holds one entry per bucket, the surprise maximised over the windows, so a burst that
  // dominates the longest window (kMax buckets) entered it kMax times: read as events, every bin counts 1/kMax.
  // A k-bucket window's history counts blocks, about calN/k of them (exactly calN·(1 − 2^(−bucket/H))/(1 −
  // 2^(−k·bucket/H)), within 0.3 % at k·bucket ≤ 3 h and H = 14 days; the half-life is not in the state).
  const kMax = v4.ringTotal.length;
  const events = v4.volume.cal.map((w) => unlessNegligible(w / kMax));
  return {
    ...v4,
    version: 6,
    volume: { ...v4.volume, cal: events },
    windowCal: v4.tests.map(() => events.slice()),
    windowCalN: v4.tests.map((k) => v4.volume.calN / k),
    calRunMax: packed(v4.tests.length + 1, 0),
  };
}

function migrateToV4(
  st:
    | z.infer<z.ZodObject<typeof SeriesStateV1Shape>>
    | z.infer<z.ZodObject<typeof SeriesStateV2Shape>>
    | z.infer<z.ZodObject<typeof SeriesStateV3Shape>>,
) {
  const v2 = st.version === 1 ? { ...st, version: 2 as const, slowLevel: st.level, cusum: newCusum() } : st;
  const v3 = v2.version === 2 ? { ...v2, version: 3 as const, shareCusum: newShareCusum() } : v2;
  const rhoV3 = clampRho((v3.rhoNum + RHO_PRIOR * V3_RHO_PRIOR_DEN) / (v3.rhoDen + V3_RHO_PRIOR_DEN));
  return { ...v3, version: 4 as const, rhoNum: RHO_PRIOR_WEIGHT * (rhoV3 - RHO_PRIOR), rhoDen: 0 };
}

/**
 * The intra-bucket correlation ρ̂ of negatives the share tests use (beta-binomial with κ = 1/ρ − 1, i.e.
 * Var(x) = n·p(1−p)·(1 + (n−1)ρ) for x negatives of n mentions): the state's weighted estimating-equation
 * sums shrunk toward the prior 0.01 with the weight of about ten buckets of ten mentions, clamped to
 * [1e-4, 0.5]. Dimensionless. Estimator: docs/spikes.md, tenth round.
 */
export function shareOverdispersion(state: SeriesState): number {
  return clampRho((state.rhoNum + RHO_PRIOR * RHO_PRIOR_WEIGHT) / (state.rhoDen + RHO_PRIOR_WEIGHT));
}

function clampRho(rho: number): number {
  return Math.min(MAX_RHO, Math.max(MIN_RHO, rho));
}

function decay(halfLife: number, step: number): number {
  return 1 - 2 ** (-step / halfLife);
}

const MIN_ALPHA = 1e-3;
const MAX_ALPHA = 4;
const MIN_RHO = 1e-4;
const MAX_RHO = 0.5;
/**
 * Prior weight of the ρ estimate, in the units of the weighted denominator Σ (n − 1)²/(1 + (n − 1)ρ)²: ten
 * buckets of ten mentions at the prior ρ (10 · 81/1.09² = 682). A bucket of 600 mentions at ρ = 0.005
 * weighs about 22,500, so the prior matters for a few days of a quiet series only.
 */
const RHO_PRIOR_WEIGHT = 680;
const RHO_PRIOR = 0.01;
/** The prior weight of versions 1–3 (method of moments, as an equivalent Σ n(n−1)p(1−p)), for migration. */
const V3_RHO_PRIOR_DEN = 200;
/** Buckets by which the share baseline lags the tested bucket (see `advance`). */
const SHARE_LAG = 2;
/** Longest gap filled with empty buckets; beyond it the rings are cleared and time jumps. */
const MAX_GAP_BUCKETS = 24 * 14;
/**
 * Magnitude below which a decayed quantity (levels in mentions per bucket, share and ρ sums in mentions,
 * histogram weights in buckets) is set to exactly 0. Without it a series quiet for about a year halves its
 * level 365 times, to 1e-110 and then into subnormals, which DynamoDB cannot store (its smallest magnitude
 * is 1e-130: "Number underflow"). 1e-100 keeps 30 orders of magnitude from that limit, and is far below
 * anything that changes a decision: expected counts are floored at `minExpected` (0.05) whatever the level,
 * and a histogram weight of 1e-100 moves a conformal p-value by 1e-100. A level of 0 is the state of a new
 * series and is handled as such (the seasonal factors learn again from the next mention).
 */
export const NEGLIGIBLE_MAGNITUDE = 1e-100;

/** `x`, or 0 when its magnitude is below {@link NEGLIGIBLE_MAGNITUDE}. */
function unlessNegligible(x: number): number {
  return x < NEGLIGIBLE_MAGNITUDE && x > -NEGLIGIBLE_MAGNITUDE ? 0 : x;
}

/** Per-parameter constants, computed once per `DetectorParams` object instead of on every step. */
interface Derived {
  aDisp: number;
  aLevel: number;
  aHour: number;
  aDay: number;
  perWeekInDay: number;
  calKeep: number;
  shareKeep: number;
  rarityTarget: number;
  /** `volumeCalibration: 'scale'`, per window length of `windowLengths` (1 first): histogram keep per entry,
   * rarity target (log10) and weight of an earlier comparable event. */
  scaleKeep: number[];
  scaleTarget: number[];
  scaleWeight: number[];
  aSlow: number;
  /** The share CUSUM's threshold table at this ARL₀ (no table: Lorden's h = ln(shareCusumArlMs / bucketMs)). */
  shareCusum: ShareCusumSlice;
}

const DERIVED = new WeakMap<DetectorParams, Derived>();

function derivedOf(params: DetectorParams): Derived {
  let d = DERIVED.get(params);
  if (d === undefined) {
    const perDayInSlot = Math.max(1, HOUR_MS / params.bucketMs);
    const perWeekInDay = Math.max(1, DAY_MS / params.bucketMs);
    d = {
      aDisp: decay(params.dispersionHalfLifeMs, params.bucketMs),
      aLevel: decay(params.levelHalfLifeMs, params.bucketMs),
      aHour: decay(params.hourHalfLifeDays * perDayInSlot, 1),
      aDay: decay(params.weekdayHalfLifeWeeks * perWeekInDay, 1),
      perWeekInDay,
      calKeep: 2 ** (-params.bucketMs / params.calibrationHalfLifeMs),
      shareKeep: 2 ** (-params.bucketMs / params.shareHalfLifeMs),
      rarityTarget: Math.log10(Math.max(2, params.rarityMs / params.bucketMs)),
      ...scaleConstants(params),
      aSlow: decay(params.slowLevelHalfLifeMs, params.bucketMs),
      shareCusum:
        params.shareCusumThreshold === 'simulated'
          ? shareCusumSlice(params.shareCusumArlMs / params.bucketMs, params.shareCusumShift)
          : { lorden: Math.log(Math.max(2, params.shareCusumArlMs / params.bucketMs)), values: null },
    };
    DERIVED.set(params, d);
  }
  return d;
}

/**
 * Per window length k (buckets): the history is sampled once per k buckets, so an entry decays by
 * 2^(−k·bucket/H) and the decayed number of entries tends to N∞ = 1/(1 − 2^(−k·bucket/H)). The target is the
 * shipped one in time: p ≤ k·bucket/rarityMs, i.e. rarity ≥ log10(rarityMs/(k·bucket)). p = (w·C + 1)/(N + 1)
 * with C the decayed count of earlier entries at least as surprising and w chosen so that on a full history
 * (N = N∞) the allowance (N∞ + 1)·k·bucket/rarityMs − 1, counted in events of weight w, equals one event of age
 * `eventMemoryMs`: w = ((N∞ + 1)·k·bucket/rarityMs − 1) / 2^(−eventMemoryMs/H). With `volumeCalibration:
 * 'event'` w is capped at kMax, the longest window in buckets: the number of entries a burst that dominated that
 * window left in the per-bucket history (`'bucket'`) at this bucket length, from which the twelfth round took
 * the 5 weeks (36 at 5-minute buckets: w ≈ 32 stays; 3 at hourly ones: about two earlier comparable events
 * block on a full history, as before the twelfth round, instead of one for 5 weeks).
 */
function scaleConstants(params: DetectorParams): Pick<Derived, 'scaleKeep' | 'scaleTarget' | 'scaleWeight'> {
  const scaleKeep: number[] = [];
  const scaleTarget: number[] = [];
  const scaleWeight: number[] = [];
  const memory = 2 ** (-params.eventMemoryMs / params.calibrationHalfLifeMs);
  const ks = windowLengths(params);
  const cap = params.volumeCalibration === 'event' ? ks[ks.length - 1]! : Number.POSITIVE_INFINITY;
  for (const k of ks) {
    const keep = 2 ** ((-k * params.bucketMs) / params.calibrationHalfLifeMs);
    const perRarity = (k * params.bucketMs) / params.rarityMs;
    const allowance = (1 / (1 - keep) + 1) * perRarity - 1;
    scaleKeep.push(keep);
    scaleTarget.push(Math.log10(Math.max(2, 1 / perRarity)));
    scaleWeight.push(Math.max(1, Math.min(cap, allowance / memory)));
  }
  return { scaleKeep, scaleTarget, scaleWeight };
}

function validate(state: SeriesState, obs: Observation, params: DetectorParams): void {
  if (
    !Number.isFinite(obs.total) ||
    !Number.isFinite(obs.negative) ||
    obs.total < 0 ||
    obs.negative < 0 ||
    obs.negative > obs.total
  ) {
    throw new DetectorInputError(`invalid counts: total ${obs.total}, negative ${obs.negative}`);
  }
  if (state.bucketMs !== params.bucketMs) {
    throw new DetectorInputError(`state has ${state.bucketMs} ms buckets, params ${params.bucketMs} ms`);
  }
}

/**
 * Steps a series by one closed bucket and decides whether to alert. Pure: returns a new state, never
 * mutates `state` (the new state shares only parts a step never writes: the window list, the share
 * test's unused histogram, and each window's calibration histogram until its block ends, when the step
 * replaces it with an updated copy). Re-stepping a bucket at or before `state.lastBucketStartMs` is a no-op with
 * `duplicate: true`, so a retried scheduled run cannot learn a bucket twice or raise a second alert.
 * Buckets skipped since the last step are learned as empty (up to two weeks of them).
 * Cost: O(longest window + 64 histogram bins) per bucket, no allocation besides the new state and the
 * result (figures: `BENCHMARKS.spikes.md`).
 * @throws DetectorInputError when counts are negative, non-finite, or `negative > total`, or the state's
 * bucket length differs from `params.bucketMs`.
 */
export function stepSeries(state: SeriesState, obs: Observation, params: DetectorParams): StepResult {
  validate(state, obs, params);
  if (state.lastBucketStartMs !== null && obs.bucketStartMs <= state.lastBucketStartMs) {
    return { state, score: 0, rawScore: 0, alert: null, duplicate: true };
  }
  return stepOwned(cloneState(state), obs, params);
}

/**
 * {@link stepSeries} that updates `state` in place and returns it as `result.state`: the same results,
 * without copying the state. For callers that own the state and keep no earlier version of it (the NAB
 * evaluation, the benchmarks, a batch replay). Same errors as {@link stepSeries}; an invalid observation
 * throws before anything is changed.
 */
export function stepSeriesInPlace(state: SeriesState, obs: Observation, params: DetectorParams): StepResult {
  validate(state, obs, params);
  if (state.lastBucketStartMs !== null && obs.bucketStartMs <= state.lastBucketStartMs) {
    return { state, score: 0, rawScore: 0, alert: null, duplicate: true };
  }
  return stepOwned(state, obs, params);
}

function stepOwned(s: SeriesState, obs: Observation, params: DetectorParams): StepResult {
  const dv = derivedOf(params);
  if (s.lastBucketStartMs !== null) {
    const missing = Math.floor((obs.bucketStartMs - s.lastBucketStartMs) / s.bucketMs) - 1;
    if (missing > MAX_GAP_BUCKETS) {
      s.ringTotal.fill(0);
      s.ringNegative.fill(0);
      s.ringExpected.fill(0);
      resetCusumRun(s.cusum);
      resetShareCusumRun(s.shareCusum);
    } else {
      for (let g = 1; g <= missing; g++) {
        advance(s, s.lastBucketStartMs + s.bucketMs, 0, 0, undefined, params, dv);
      }
    }
  }
  return advance(s, obs.bucketStartMs, obs.total, obs.negative, obs.distinctAuthors, params, dv);
}

/**
 * Copies what a step writes; the window list and the share histogram (never written) and the windows'
 * histograms (replaced, not written, when a block ends) are shared. Spelled
 * out rather than spread: V8 copies a literal of known shape several times faster, and the key order (that
 * of {@link SeriesStateSchema}) keeps the JSON of a state identical whichever way it was produced.
 */
function cloneState(s: SeriesState): SeriesState {
  return {
    version: s.version,
    startMs: s.startMs,
    lastBucketStartMs: s.lastBucketStartMs,
    bucketMs: s.bucketMs,
    n: s.n,
    level: s.level,
    hour: s.hour.slice(),
    hourN: s.hourN.slice(),
    weekday: s.weekday.slice(),
    weekdayN: s.weekdayN.slice(),
    tests: s.tests,
    alpha: s.alpha,
    ringTotal: s.ringTotal.slice(),
    ringNegative: s.ringNegative.slice(),
    ringExpected: s.ringExpected.slice(),
    shareNeg: s.shareNeg,
    shareTot: s.shareTot,
    rhoNum: s.rhoNum,
    rhoDen: s.rhoDen,
    volume: cloneAlarm(s.volume, true),
    share: cloneAlarm(s.share, false),
    slowLevel: s.slowLevel,
    cusum: {
      stat: s.cusum.stat,
      observed: s.cusum.observed,
      expected: s.cusum.expected,
      buckets: s.cusum.buckets,
      cal: s.cusum.cal.slice(),
      calN: s.cusum.calN,
    },
    shareCusum: {
      stat: s.shareCusum.stat,
      observed: s.shareCusum.observed,
      expected: s.shareCusum.expected,
      total: s.shareCusum.total,
      buckets: s.shareCusum.buckets,
    },
    // Shallow: a window's histogram is written only at its block ends, and then replaced by a copy.
    windowCal: s.windowCal.slice(),
    windowCalN: s.windowCalN.slice(),
    calRunMax: s.calRunMax.slice(),
  };
}

function cloneAlarm(a: SeriesState['volume'], copyCal: boolean): SeriesState['volume'] {
  return {
    cal: copyCal ? a.cal.slice() : a.cal,
    calN: a.calN,
    lastAlertMs: a.lastAlertMs,
    lastRatio: a.lastRatio,
    activeSinceMs: a.activeSinceMs,
    thawedAtMs: a.thawedAtMs,
  };
}

/** Local hour of day (0–23) of `t`. */
function hourOf(t: number, params: DetectorParams): number {
  const local = t + params.tzOffsetMinutes * 60_000;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

/** Local day of week of `t`, 0 = Monday (1970-01-01 was a Thursday). */
function weekdayOf(t: number, params: DetectorParams): number {
  const local = t + params.tzOffsetMinutes * 60_000;
  return (((Math.floor(local / DAY_MS) + 3) % 7) + 7) % 7;
}

/** The best window of one test on one bucket, and its calibrated score. Reused scratch objects. */
interface Candidate {
  k: number;
  surprise: number;
  observed: number;
  expected: number;
  ratio: number;
  total: number;
  share: number;
  guarded: boolean;
  /** −log10 of the calibrated (conformal) p-value; +∞ for the share test, which is not calibrated. */
  rarity: number;
  /** The rarity (log10) an alert needs. */
  target: number;
  score: number;
}

function emptyCandidate(): Candidate {
  return {
    k: 1,
    surprise: 0,
    observed: 0,
    expected: 0,
    ratio: 0,
    total: 0,
    share: 0,
    guarded: true,
    rarity: 0,
    target: 0,
    score: 0,
  };
}

const VOLUME: Candidate = emptyCandidate();
const SHARE: Candidate = emptyCandidate();

/** Offers one tested window to `c`: unguarded windows win over guarded ones, then the higher surprise. */
function offer(
  c: Candidate,
  first: boolean,
  k: number,
  surprise: number,
  observed: number,
  expected: number,
  ratio: number,
  total: number,
  share: number,
  guarded: boolean,
): void {
  if (!first && (guarded === c.guarded ? !(surprise > c.surprise) : guarded)) return;
  setWindow(c, k, surprise, observed, expected, ratio, total, share, guarded);
}

/** Makes `c` the given tested window (its calibrated fields are the caller's to set). */
function setWindow(
  c: Candidate,
  k: number,
  surprise: number,
  observed: number,
  expected: number,
  ratio: number,
  total: number,
  share: number,
  guarded: boolean,
): void {
  c.k = k;
  c.surprise = surprise;
  c.observed = observed;
  c.expected = expected;
  c.ratio = ratio;
  c.total = total;
  c.share = share;
  c.guarded = guarded;
}

/** Mutates `s` (owned by the caller of {@link stepOwned}) by one bucket. */
function advance(
  s: SeriesState,
  t: number,
  total: number,
  negative: number,
  distinctAuthors: number | undefined,
  params: DetectorParams,
  dv: Derived,
): StepResult {
  const h = hourOf(t, params);
  const d = weekdayOf(t, params);
  const warm = s.n > 0 && t - s.startMs >= params.warmupMs;
  const seasonal = s.hour[h]! * s.weekday[d]!;
  const mu = Math.max(params.minExpected, s.level * seasonal);

  const kMax = s.ringTotal.length;
  s.ringTotal.copyWithin(0, 1);
  s.ringNegative.copyWithin(0, 1);
  s.ringExpected.copyWithin(0, 1);
  s.ringTotal[kMax - 1] = total;
  s.ringNegative[kMax - 1] = negative;
  s.ringExpected[kMax - 1] = mu;
  const filled = Math.min(s.n + 1, kMax);

  const p0 = (s.shareNeg + params.priorShare * 10) / (s.shareTot + 10);
  const rho = shareOverdispersion(s);

  // Volume surprises are also calibrated against the series' own history of surprises (conformal), so a
  // series whose bursts are routine stays quiet (NAB's UPS, AAPL). Share surprises are not: the
  // beta-binomial with an estimated overdispersion is already calibrated for a proportion, and a recurring
  // negative burst (a complaint that returns every few days) should alert every time.
  if (params.volumeCalibration !== 'bucket') {
    volumeTestsByScale(s, t, params, dv, filled, warm);
  } else {
    volumeTests(s, params, filled);
    calibrate(VOLUME, s.volume, params, dv, warm);
  }
  shareTests(s, params, filled, p0, rho);
  SHARE.rarity = Number.POSITIVE_INFINITY;
  SHARE.score = toScore(SHARE.surprise, params.alertSurprise);

  const authorsOk = distinctAuthors === undefined || distinctAuthors >= params.minDistinctAuthors;
  const v = decide('volume', VOLUME, s.volume, t, warm, authorsOk, params, VOLUME.target);
  const sh = decide('share', SHARE, s.share, t, warm, authorsOk, params, dv.rarityTarget);
  let alert = v.alert;
  if (sh.alert !== null && (alert === null || sh.alert.surprise > alert.surprise)) alert = sh.alert;
  let score = Math.max(0, v.score, sh.score);
  let rawScore = Math.max(0, VOLUME.score, SHARE.score);
  if (params.shareCusumShift > 1) {
    const c = shareShift(s, t, total, negative, p0, rho, warm, authorsOk, sh.alert !== null, params, dv);
    score = Math.max(score, c.score);
    rawScore = Math.max(rawScore, c.rawScore);
    if (c.alert !== null && (alert === null || alert.kind === 'share')) alert = c.alert;
  }
  if (params.cusumShift > 1) {
    const c = levelShift(s, t, total, seasonal, warm, authorsOk, v.alert !== null, params, dv);
    score = Math.max(score, c.score);
    rawScore = Math.max(rawScore, c.rawScore);
    if (alert === null) alert = c.alert;
  }

  if (s.volume.activeSinceMs === null) {
    learnVolume(s, t, total, dv, h, d, mu);
    learnSlowLevel(s, total, seasonal, mu, dv);
  }
  // Guard band: the share baseline learns the bucket SHARE_LAG back, not this one, so the first buckets of a
  // burst are not yet in the baseline when the two-bucket test sees them, and a burst that alerts (which
  // freezes the baseline) is never learnt.
  if (s.share.activeSinceMs === null) {
    const lag = Math.min(SHARE_LAG, kMax - 1);
    if (s.n >= lag) {
      const j = kMax - 1 - lag;
      learnShare(s, s.ringTotal[j]!, s.ringNegative[j]!, dv, p0, rho);
    }
  }
  s.n += 1;
  s.lastBucketStartMs = t;
  return { state: s, score, rawScore, alert, duplicate: false };
}

/** Applies guards, cooldown and escalation to one test's candidate; updates its alarm bookkeeping. */
function decide(
  kind: AlertKind,
  c: Candidate,
  alarm: SeriesState['volume'],
  t: number,
  warm: boolean,
  authorsOk: boolean,
  params: DetectorParams,
  rarityTarget: number,
): { score: number; alert: SpikeAlert | null } {
  const eligible = warm && authorsOk && !c.guarded;
  const inCooldown = alarm.lastAlertMs !== null && t - alarm.lastAlertMs < params.cooldownMs;
  const escalates = c.ratio >= alarm.lastRatio * params.escalationFactor;
  const allowed = eligible && (!inCooldown || escalates);
  let alert: SpikeAlert | null = null;
  if (allowed && c.surprise >= params.alertSurprise && c.rarity >= rarityTarget) {
    alert = {
      kind,
      escalation: inCooldown,
      windowStartMs: t - (c.k - 1) * params.bucketMs,
      windowBuckets: c.k,
      observed: c.observed,
      expected: c.expected,
      strength: c.ratio,
      surprise: c.surprise,
      ...(kind === 'share' ? { total: c.total, baselineShare: c.share } : {}),
    };
    alarm.lastAlertMs = t;
    alarm.lastRatio = c.ratio;
  }
  updateFreeze(alarm, t, warm && !c.guarded && c.surprise >= params.alertSurprise, c.surprise, params);
  return { score: allowed ? c.score : 0, alert };
}

/**
 * Freeze bookkeeping: an extreme bucket freezes the baseline; it thaws when the test is quiet again
 * (surprise below `releaseSurprise`) or after `maxFreezeMs`, after which the baseline keeps learning,
 * without re-freezing, until the series is quiet again — so a lasting level shift becomes the new normal.
 */
function updateFreeze(
  alarm: SeriesState['volume'],
  t: number,
  extreme: boolean,
  surprise: number,
  params: DetectorParams,
): void {
  if (surprise < params.releaseSurprise) {
    alarm.activeSinceMs = null;
    alarm.thawedAtMs = null;
  } else if (alarm.activeSinceMs !== null && t - alarm.activeSinceMs >= params.maxFreezeMs) {
    alarm.activeSinceMs = null;
    alarm.thawedAtMs = t;
  } else if (extreme && alarm.activeSinceMs === null && alarm.thawedAtMs === null) {
    alarm.activeSinceMs = t;
  }
}

/** Maps a surprise to [0, 1) so that the threshold `target` maps to 0.5. */
function toScore(surprise: number, target: number): number {
  return surprise <= 0 ? 0 : 1 - 2 ** (-surprise / target);
}

function calBin(surprise: number): number {
  return 4 * Math.log2(1 + Math.max(0, surprise));
}

/**
 * Conformal p-value of `surprise` against the decayed history of surprises: (C + 1)/(N + 1), where C is the
 * decayed count of past buckets at least as surprising (linear within a bin). Vovk, Gammerman & Shafer,
 * *Algorithmic Learning in a Random World* (2005), ch. 2; as an anomaly score, Laxhammar & Falkman (2015).
 */
function conformalP(cal: readonly number[], calN: number, surprise: number): number {
  const u = calBin(surprise);
  const b = Math.min(CAL_BINS - 1, Math.floor(u));
  let c = cal[b]! * Math.max(0, 1 - (u - b));
  for (let i = b + 1; i < CAL_BINS; i++) c += cal[i]!;
  return (c + 1) / (calN + 1);
}

/** Decays the histogram, adds one surprise, returns the new decayed count. */
function recordSurprise(cal: number[], calN: number, surprise: number, keep: number): number {
  for (let i = 0; i < CAL_BINS; i++) {
    const w = cal[i]! * keep;
    cal[i] = w < NEGLIGIBLE_MAGNITUDE ? 0 : w;
  }
  cal[Math.min(CAL_BINS - 1, Math.floor(calBin(surprise)))]! += 1;
  return calN * keep + 1;
}

/** Ranks the volume candidate's surprise against the series' history (conformal) and records it. */
function calibrate(
  c: Candidate,
  alarm: SeriesState['volume'],
  params: DetectorParams,
  dv: Derived,
  warm: boolean,
): void {
  c.target = dv.rarityTarget;
  c.rarity = -Math.log10(conformalP(alarm.cal, alarm.calN, c.surprise));
  c.score = Math.min(toScore(c.surprise, params.alertSurprise), toScore(c.rarity, dv.rarityTarget));
  if (warm) alarm.calN = recordSurprise(alarm.cal, alarm.calN, c.surprise, dv.calKeep);
}

/** One volume window's test, written by {@link volumeWindow} (one scratch object: no allocation per step). */
const WINDOW = { k: 0, x: 0, m: 0, surprise: 0, ratio: 0, guarded: false };

/**
 * Negative-binomial test of the bucket (`i` = −1, estimated α) or of trailing window `i` (α fixed at the
 * prior) into {@link WINDOW}: observed x and expected m over its k buckets, surprise −log10 P(X ≥ x), ratio x/m,
 * and whether the minimum-count or minimum-ratio guard holds it back.
 * @returns false when the window is longer than the buckets filled so far (nothing written).
 */
function volumeWindow(s: SeriesState, i: number, params: DetectorParams, filled: number): boolean {
  const kMax = s.ringTotal.length;
  const k = i < 0 ? 1 : s.tests[i]!;
  if (k > filled) return false;
  const alpha = i < 0 ? Math.max(MIN_ALPHA, s.alpha) : params.priorDispersion;
  let x = 0;
  let m = 0;
  for (let j = kMax - k; j < kMax; j++) {
    x += s.ringTotal[j]!;
    m += s.ringExpected[j]!;
  }
  WINDOW.k = k;
  WINDOW.x = x;
  WINDOW.m = m;
  WINDOW.surprise = x > m ? -logNegBinUpperTail(x, m, alpha) / LN10 : 0;
  WINDOW.ratio = x / m;
  WINDOW.guarded = x < params.minCount || WINDOW.ratio < params.minRatio;
  return true;
}

/** Negative-binomial test of the bucket (estimated α) and of each trailing window (α fixed at the prior). */
function volumeTests(s: SeriesState, params: DetectorParams, filled: number): void {
  for (let i = -1; i < s.tests.length; i++) {
    if (!volumeWindow(s, i, params, filled)) continue;
    const { k, x, m, surprise, ratio, guarded } = WINDOW;
    offer(VOLUME, i < 0, k, surprise, x, m, ratio, x, 0, guarded);
  }
}

/** Decayed count of history entries at least as surprising as `surprise` (linear within a bin). */
function conformalCount(cal: readonly number[], surprise: number): number {
  const u = calBin(surprise);
  const b = Math.min(CAL_BINS - 1, Math.floor(u));
  let c = cal[b]! * Math.max(0, 1 - (u - b));
  for (let i = b + 1; i < CAL_BINS; i++) c += cal[i]!;
  return c;
}

/**
 * `volumeCalibration: 'scale'` or `'event'`: the bucket and each trailing window are tested as in
 * {@link volumeTests}, and each is ranked against its own history (the bucket's every bucket, a k-bucket
 * window's once per aligned block of k buckets), p = (w·C + 1)/(N + 1) (see {@link scaleConstants}). The
 * candidate is, among unguarded scales that meet both thresholds, the most surprising; failing that the best
 * calibrated score (unguarded first). With `'event'` the entries are de-clustered ({@link recordRun}).
 */
function volumeTestsByScale(
  s: SeriesState,
  t: number,
  params: DetectorParams,
  dv: Derived,
  filled: number,
  warm: boolean,
): void {
  const nTests = s.tests.length;
  const blockIndex = Math.floor(t / params.bucketMs) + 1;
  const events = params.volumeCalibration === 'event';
  for (let i = -1; i < nTests; i++) {
    if (!volumeWindow(s, i, params, filled)) continue;
    const { k, x, m, surprise, ratio, guarded } = WINDOW;
    const cal = i < 0 ? s.volume.cal : s.windowCal[i]!;
    const calN = i < 0 ? s.volume.calN : s.windowCalN[i]!;
    const target = dv.scaleTarget[i + 1]!;
    // At surprise 0 (about half the buckets) the score is 0 whatever the rarity, so the bin scan is skipped.
    const rarity =
      surprise > 0
        ? -Math.log10((dv.scaleWeight[i + 1]! * conformalCount(cal, surprise) + 1) / (calN + 1))
        : 0;
    const score = Math.min(toScore(surprise, params.alertSurprise), toScore(rarity, target));
    const c = VOLUME;
    // Unguarded before guarded; then a scale that meets both thresholds before one that does not; among
    // those that meet them the most surprising (the window an alert names, as before), otherwise the best
    // score.
    const meets = !guarded && surprise >= params.alertSurprise && rarity >= target;
    const cMeets = !c.guarded && c.surprise >= params.alertSurprise && c.rarity >= c.target;
    const better =
      guarded !== c.guarded
        ? !guarded
        : meets !== cMeets
          ? meets
          : meets
            ? surprise > c.surprise
            : score > c.score;
    if (i < 0 || better) {
      setWindow(c, k, surprise, x, m, ratio, x, 0, guarded);
      c.rarity = rarity;
      c.target = target;
      c.score = score;
    }
    if (warm && i < 0) {
      s.volume.calN = events
        ? recordRun(s.calRunMax, 0, cal, calN, surprise, params.alertSurprise, dv.scaleKeep[0]!)
        : recordSurprise(cal, calN, surprise, dv.scaleKeep[0]!);
    } else if (warm && blockIndex % k === 0) {
      // Copy-on-write: the histogram may be shared with the state `stepSeries` was given (see cloneState).
      const next = cal.slice();
      s.windowCalN[i] = events
        ? recordRun(s.calRunMax, i + 1, next, calN, surprise, params.alertSurprise, dv.scaleKeep[i + 1]!)
        : recordSurprise(next, calN, surprise, dv.scaleKeep[i + 1]!);
      s.windowCal[i] = next;
    }
  }
}

/**
 * Runs de-clustering of one volume history (`volumeCalibration: 'event'`): an entry at or above `floor` (the
 * preset's `alertSurprise`: an extreme bucket, the same bar that freezes the baseline) opens or extends a run
 * and only adds exposure; the first entry below it closes the run, whose maximum then enters the histogram once,
 * beside the entry itself. So a burst of d hours enters the bucket history once, not d times, and every
 * earlier event weighs alike whatever its length, which the event weight w assumes (runs de-clustering: Coles,
 * _An Introduction to Statistical Modeling of Extreme Values_, 2001, §5.3.2). Entries below the floor are
 * recorded as before; they count for an extreme candidate only within the floor's own histogram bin. Decays
 * `cal` in place, updates `runMax[j]`, returns the new decayed count (every entry counts in the exposure).
 */
function recordRun(
  runMax: number[],
  j: number,
  cal: number[],
  calN: number,
  surprise: number,
  floor: number,
  keep: number,
): number {
  if (surprise < floor) {
    const open = runMax[j]!;
    const n = recordSurprise(cal, calN, surprise, keep);
    if (open > 0) {
      cal[Math.min(CAL_BINS - 1, Math.floor(calBin(open)))]! += 1;
      runMax[j] = 0;
    }
    return n;
  }
  for (let i = 0; i < CAL_BINS; i++) {
    const w = cal[i]! * keep;
    cal[i] = w < NEGLIGIBLE_MAGNITUDE ? 0 : w;
  }
  if (surprise > runMax[j]!) runMax[j] = surprise;
  return calN * keep + 1;
}

/** Beta-binomial test of the negatives in the bucket and in each trailing window. */
function shareTests(s: SeriesState, params: DetectorParams, filled: number, p0: number, rho: number): void {
  const kMax = s.ringTotal.length;
  const kappa = 1 / rho - 1;
  const a = p0 * kappa;
  const b = (1 - p0) * kappa;
  const nTests = s.tests.length;
  // Besides the bucket and the volume windows, the sum of the last two buckets: a burst must be caught
  // within two buckets, and at low counts two buckets of evidence are often what makes it detectable.
  const withPair = kMax >= 2 && s.tests[0] !== 2;
  for (let i = -2; i < nTests; i++) {
    const k = i === -2 ? 1 : i === -1 ? 2 : s.tests[i]!;
    if (k > filled || (i === -1 && !withPair)) continue;
    let n = 0;
    let neg = 0;
    for (let j = kMax - k; j < kMax; j++) {
      n += s.ringTotal[j]!;
      neg += s.ringNegative[j]!;
    }
    const surprise = n > 0 ? -logBetaBinomialUpperTail(neg, n, a, b) / LN10 : 0;
    const expected = n * p0;
    const ratio = expected > 0 ? neg / expected : 0;
    const guarded = n < params.minVolume || neg < params.minNegative || ratio < params.minShareRatio;
    offer(SHARE, i === -2, k, surprise, neg, expected, ratio, n, p0, guarded);
  }
}

function resetShareCusumRun(c: SeriesState['shareCusum']): void {
  c.stat = 0;
  c.observed = 0;
  c.expected = 0;
  c.total = 0;
  c.buckets = 0;
}

/**
 * One step of the share CUSUM: a CUSUM (Page 1954) of the log-likelihood ratio of the bucket's negatives under
 * the odds of a negative multiplied by R = `shareCusumShift` against the baseline share p0, both
 * beta-binomial with the share test's overdispersion (a = p·κ, b = (1 − p)·κ, κ = 1/ρ − 1):
 * LLR = ln BB(x; n, p1κ, (1 − p1)κ) − ln BB(x; n, p0κ, (1 − p0)κ), p1 = R·p0/(1 − p0 + R·p0). With κ → ∞
 * this is the Bernoulli CUSUM of Steiner, Cook, Farewell & Treasure (_Biostatistics_ 1, 2000), x·ln R −
 * n·ln(1 − p0 + R·p0); the CUSUM is the optimal detector of a known shift (Moustakides 1986; for Bernoulli
 * data, Reynolds & Stoumbos, _J. Qual. Technol._ 31, 1999). An empty bucket adds 0. It alerts (kind
 * `share`, window = the run since the statistic left 0) when the statistic reaches h: with `shareCusumThreshold`
 * `'simulated'`, the h at which the in-control CUSUM has a run length of ARL₀ at the series' mean volume (its
 * deseasonalised level), p0 and ρ (Monte Carlo table, {@link shareCusumThreshold}; never above Lorden's
 * ln ARL₀); with `'lorden'`, h = ln(ARL₀ in buckets), which holds the run length at ARL₀ or more (Lorden 1971);
 * subject to the share guards, the share cooldown and escalation; it then restarts, as it does after a share-test alert.
 * Its alert freezes the share baseline like the share test's. Surprise = statistic / ln 10.
 */
function shareShift(
  s: SeriesState,
  t: number,
  total: number,
  negative: number,
  p0: number,
  rho: number,
  warm: boolean,
  authorsOk: boolean,
  shareAlerted: boolean,
  params: DetectorParams,
  dv: Derived,
): { score: number; rawScore: number; alert: SpikeAlert | null } {
  const c = s.shareCusum;
  const llr = shareCusumLlr(total, negative, p0, rho, params.shareCusumShift);
  if (!warm || c.stat + llr <= 0) {
    resetShareCusumRun(c);
  } else {
    c.stat += llr;
    c.observed += negative;
    c.expected += total * p0;
    c.total += total;
    c.buckets += 1;
  }
  const h = shareCusumThreshold(dv.shareCusum, s.level, p0, rho);
  const surprise = c.stat / LN10;
  const rawScore = toScore(c.stat, h);
  const ratio = c.expected > 0 ? c.observed / c.expected : 0;
  const guarded =
    c.total < params.minVolume || c.observed < params.minNegative || ratio < params.minShareRatio;
  const alarm = s.share;
  const inCooldown = alarm.lastAlertMs !== null && t - alarm.lastAlertMs < params.cooldownMs;
  const allowed =
    warm && authorsOk && !guarded && (!inCooldown || ratio >= alarm.lastRatio * params.escalationFactor);
  let alert: SpikeAlert | null = null;
  if (allowed && !shareAlerted && c.stat >= h) {
    alert = {
      kind: 'share',
      escalation: inCooldown,
      windowStartMs: t - (c.buckets - 1) * params.bucketMs,
      windowBuckets: c.buckets,
      observed: c.observed,
      expected: c.expected,
      strength: ratio,
      surprise,
      total: c.total,
      baselineShare: c.total > 0 ? c.expected / c.total : p0,
    };
    alarm.lastAlertMs = t;
    alarm.lastRatio = ratio;
    if (alarm.activeSinceMs === null && alarm.thawedAtMs === null) alarm.activeSinceMs = t;
    resetShareCusumRun(c);
  } else if (shareAlerted) {
    resetShareCusumRun(c);
  }
  return { score: allowed ? rawScore : 0, rawScore, alert };
}

function resetCusumRun(c: SeriesState['cusum']): void {
  c.stat = 0;
  c.observed = 0;
  c.expected = 0;
  c.buckets = 0;
}

/**
 * One step of the level-shift test: a CUSUM (Page, "Continuous inspection schemes", _Biometrika_ 41, 1954)
 * of the negative-binomial log-likelihood ratio of mean ρμ against μ, μ from the slow level:
 * LLR(x) = x·ln(ρ(r + μ)/(r + ρμ)) − r·ln((r + ρμ)/(r + μ)), r = 1/α (Hawkins & Olwell, _Cumulative Sum
 * Charts and Charting for Quality Improvement_, 1998, §5.4), with the bucket's estimated α and x winsorised
 * at μ + 4σ so that one bot burst (the count test's job) cannot carry it. It alerts when S/ln 10 ≥
 * `alertSurprise` — a likelihood ratio that bounds the in-control false-alarm rate by one per
 * 10^alertSurprise buckets (Lorden, _Ann. Math. Statist._ 42, 1971) — and, like the count test, when S is
 * rarer than once per `rarityMs` in its own decayed history (conformal). It shares the volume cooldown. After an alert the run restarts and
 * the slow level jumps to the run's level (observed/expected), so a lasting shift alerts once, not every
 * cooldown until a one-week average has caught up; a count alert also restarts the run (same event).
 */
function levelShift(
  s: SeriesState,
  t: number,
  total: number,
  seasonal: number,
  warm: boolean,
  authorsOk: boolean,
  countAlerted: boolean,
  params: DetectorParams,
  dv: Derived,
): { score: number; rawScore: number; alert: SpikeAlert | null } {
  const c = s.cusum;
  // The CUSUM starts with the alerts (after `warmupMs`): the weekday factors' week-1 start-up (held at 1,
  // then a one-day prior; see learnVolume) no longer biases the slow baseline in the first week.
  const ready = warm;
  const mu = Math.max(params.minExpected, s.slowLevel * seasonal);
  const alpha = Math.max(MIN_ALPHA, s.alpha);
  const r = 1 / alpha;
  const rho = params.cusumShift;
  const x = Math.min(total, mu + 4 * Math.sqrt(mu + alpha * mu * mu) + 1);
  const llr = x * Math.log((rho * (r + mu)) / (r + rho * mu)) - r * Math.log((r + rho * mu) / (r + mu));
  if (!ready || c.stat + llr <= 0) {
    resetCusumRun(c);
  } else {
    c.stat += llr;
    c.observed += total;
    c.expected += mu;
    c.buckets += 1;
  }
  const surprise = c.stat / LN10;
  // At 0 (most buckets) every past statistic is at least as large: p = 1, so the bin scan is skipped.
  const rarity = c.stat > 0 ? -Math.log10(conformalP(c.cal, c.calN, c.stat)) : 0;
  if (ready) c.calN = recordSurprise(c.cal, c.calN, c.stat, dv.calKeep);
  const rawScore = Math.min(toScore(surprise, params.alertSurprise), toScore(rarity, dv.rarityTarget));
  const ratio = c.expected > 0 ? c.observed / c.expected : 0;
  const guarded = c.observed < params.minCount || ratio < params.minRatio;
  const alarm = s.volume;
  const inCooldown = alarm.lastAlertMs !== null && t - alarm.lastAlertMs < params.cooldownMs;
  const allowed =
    ready && authorsOk && !guarded && (!inCooldown || ratio >= alarm.lastRatio * params.escalationFactor);
  let alert: SpikeAlert | null = null;
  if (allowed && !countAlerted && surprise >= params.alertSurprise && rarity >= dv.rarityTarget) {
    alert = {
      kind: 'volume',
      escalation: inCooldown,
      windowStartMs: t - (c.buckets - 1) * params.bucketMs,
      windowBuckets: c.buckets,
      observed: c.observed,
      expected: c.expected,
      strength: ratio,
      surprise,
    };
    alarm.lastAlertMs = t;
    alarm.lastRatio = ratio;
    s.slowLevel *= ratio;
    resetCusumRun(c);
  } else if (countAlerted) {
    resetCusumRun(c);
  }
  return { score: allowed ? rawScore : 0, rawScore, alert };
}

/** The slow level learns like the fast one (quiet buckets, winsorised at μ + 4σ of the fast baseline). */
function learnSlowLevel(s: SeriesState, total: number, seasonal: number, mu: number, dv: Derived): void {
  const x = Math.min(total, mu + 4 * Math.sqrt(mu + s.alpha * mu * mu) + 1);
  const a = Math.max(dv.aSlow, 1 / (s.n + 1));
  s.slowLevel = unlessNegligible(s.slowLevel + a * (x / seasonal - s.slowLevel));
}

function learnVolume(
  s: SeriesState,
  t: number,
  total: number,
  dv: Derived,
  h: number,
  d: number,
  mu: number,
): void {
  const sd = Math.sqrt(mu + s.alpha * mu * mu);
  const x = Math.min(total, mu + 4 * sd + 1);

  // Single-bucket dispersion, method of moments: E[(X − μ)² − X] = αμ² (on the winsorised X).
  if (s.n > 0 && s.level > 0)
    s.alpha = clampAlpha(s.alpha + dv.aDisp * (((x - mu) ** 2 - x) / (mu * mu) - s.alpha));

  const season = s.hour[h]! * s.weekday[d]!;
  const aLevel = Math.max(dv.aLevel, 1 / (s.n + 1));
  s.level = unlessNegligible(s.level + aLevel * (x / season - s.level));
  if (s.level <= 0) return;

  const aHour = Math.max(dv.aHour, 1 / (s.hourN[h]! + 1));
  const hourTarget = x / (s.level * s.weekday[d]!);
  s.hour[h] = Math.max(0.02, s.hour[h]! + aHour * (hourTarget - s.hour[h]!));
  s.hourN[h]! += 1;
  // Within one day the level and a weekday factor cannot be told apart, so a weekday factor learnt from
  // its first buckets carries the level's start-up error (a single night bucket set one to 0.27). The
  // factors therefore stay at 1 for the first week, then learn as a running mean that starts from one day
  // of pseudo-observations at 1 (a one-day prior), so a weekday's first few buckets cannot swing it.
  if (t - s.startMs >= WEEK_MS) {
    const aDay = Math.max(dv.aDay, 1 / (s.weekdayN[d]! + dv.perWeekInDay + 1));
    const dayTarget = x / (s.level * s.hour[h]!);
    s.weekday[d] = Math.max(0.1, s.weekday[d]! + aDay * (dayTarget - s.weekday[d]!));
    s.weekdayN[d]! += 1;
  }
  normalise(s.hour, s);
  normalise(s.weekday, s);
}

function normalise(factors: number[], s: SeriesState): void {
  let sum = 0;
  for (let i = 0; i < factors.length; i++) sum += factors[i]!;
  const mean = sum / factors.length;
  if (mean <= 0) return;
  for (let i = 0; i < factors.length; i++) factors[i] = factors[i]! / mean;
  s.level = unlessNegligible(s.level * mean);
  s.slowLevel = unlessNegligible(s.slowLevel * mean);
}

function clampAlpha(a: number): number {
  return Math.min(MAX_ALPHA, Math.max(MIN_ALPHA, a));
}

function learnShare(
  s: SeriesState,
  total: number,
  negative: number,
  dv: Derived,
  p0: number,
  rho: number,
): void {
  const n = total;
  const v = p0 * (1 - p0);
  const sd = Math.sqrt(n * v * (1 + Math.max(0, n - 1) * rho));
  const neg = Math.min(negative, n * p0 + 4 * sd + 1);
  const keep = dv.shareKeep;
  s.shareNeg = unlessNegligible(s.shareNeg * keep + neg);
  s.shareTot = unlessNegligible(s.shareTot * keep + n);
  s.rhoNum *= keep;
  s.rhoDen *= keep;
  if (n >= 2) {
    // r = (x − np)²/(np(1−p)) has mean 1 + (n−1)ρ, so g = r − 1 − (n−1)ρ is an unbiased estimating function
    // for ρ (p known: p0 is learnt two buckets back, without this bucket). Its variance is about
    // 2(1 + (n−1)ρ)² (r is about (1 + (n−1)ρ)·χ²₁), so the optimal weights are E[∂g/∂ρ]/Var g ∝
    // (n−1)/(1 + (n−1)ρ)² (Godambe, Ann. Math. Statist. 31, 1960), evaluated at the current ρ̂ (the one-step
    // form of Williams' iteration, Applied Statistics 31, 1982). The unweighted sums of versions 1–3 weighted
    // a bucket by n(n−1)p(1−p), so a few of the busiest hours made the estimate (ρ̂ 1.5–7× low on AAPL).
    const w0 = 1 / (1 + (n - 1) * rho);
    const w = (n - 1) * w0 * w0;
    s.rhoNum += (w * ((neg - n * p0) ** 2 - n * v)) / (n * v);
    s.rhoDen += w * (n - 1);
  }
  s.rhoNum = unlessNegligible(s.rhoNum);
  s.rhoDen = unlessNegligible(s.rhoDen);
}
