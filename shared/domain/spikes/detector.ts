/**
 * Pantau's streaming spike detector: one small, JSON-serialisable state per series (a keyword, or all
 * keywords together) updated once per closed bucket. Two tests run on every bucket:
 *
 * - **volume**: the bucket total (and its sum over longer trailing windows) against a seasonal baseline
 *   `level × hourOfDay[h] × dayOfWeek[d]`, with a negative-binomial upper tail whose dispersion is
 *   estimated per window length by the method of moments;
 * - **share**: negatives out of the total against the baseline negative share, with a beta-binomial
 *   upper tail whose overdispersion is estimated from the data, and a minimum volume.
 *
 * The baseline learns only from quiet buckets and freezes while a test is alarmed (up to a limit, so a
 * lasting level shift is eventually accepted). Alerts pass guards (minimum counts, minimum ratio, distinct
 * authors), then a cooldown that lets a second alert through only if it is worse ("escalation").
 * Statistics and their sources: `docs/spikes.md`.
 */
import { z } from 'zod';
import { logBetaBinomialUpperTail, logNegBinUpperTail } from './stats.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
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
   * (a conformal p-value ≤ bucketMs/rarityMs over the decayed history of surprises), ms.
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
  alertSurprise: 4,
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
};

const PRESETS: Record<Sensitivity, Partial<DetectorParams>> = {
  rendah: { alertSurprise: 6, minRatio: 2, minShareRatio: 2, cooldownMs: 24 * HOUR_MS, escalationFactor: 2 },
  sedang: {},
  tinggi: {
    alertSurprise: 3.5,
    minRatio: 1.3,
    minShareRatio: 1.3,
    cooldownMs: 6 * HOUR_MS,
    escalationFactor: 1.3,
  },
};

/** Thrown when parameters or an observation are invalid. */
export class DetectorInputError extends Error {
  override name = 'DetectorInputError';
}

/**
 * Detector settings for a sensitivity preset, with overrides merged on top.
 * `rendah` alerts on p < 1e-6 with ratio ≥ 2 and a 24 h cooldown; `sedang` on p < 1e-4, ratio ≥ 1.5, 12 h;
 * `tinggi` on p < 1e-3, ratio ≥ 1.3, 6 h; all also need the rarity of `rarityMs` (3 days). Defaults assume hourly buckets in Asia/Jakarta (UTC+7).
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

/** Persistent state of one series. O(1) size: 24 + 7 seasonal factors and rings of the longest window. */
export const SeriesStateSchema = z.object({
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
  /** Decayed method-of-moments sums for ρ, the intra-bucket correlation of negatives (Var = np(1−p)(1+(n−1)ρ)). */
  rhoNum: z.number(),
  rhoDen: z.number(),
  volume: AlarmSchema,
  share: AlarmSchema,
});
export type SeriesState = z.infer<typeof SeriesStateSchema>;

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
  /** −log10 of the one-sided p-value. */
  surprise: number;
  /** Share alerts: mentions in the window and the baseline share. */
  total?: number;
  baselineShare?: number;
}

/** Result of {@link stepSeries}. */
export interface StepResult {
  state: SeriesState;
  /**
   * Alert-worthiness in [0, 1]: the smaller of 1 − 2^(−surprise/alertSurprise) and
   * 1 − 2^(−rarity/log10(rarityMs/bucketMs)), so 0.5 where both thresholds are met; 0 when suppressed.
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

function newAlarm(): SeriesState['volume'] {
  return {
    cal: new Array(CAL_BINS).fill(0),
    calN: 0,
    lastAlertMs: null,
    lastRatio: 0,
    activeSinceMs: null,
    thawedAtMs: null,
  };
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
    version: 1,
    startMs,
    lastBucketStartMs: null,
    bucketMs: params.bucketMs,
    n: 0,
    level: 0,
    hour: new Array(24).fill(1),
    hourN: new Array(24).fill(0),
    weekday: new Array(7).fill(1),
    weekdayN: new Array(7).fill(0),
    tests: ks.filter((k) => k > 1),
    alpha: params.priorDispersion,
    ringTotal: new Array(kMax).fill(0),
    ringNegative: new Array(kMax).fill(0),
    ringExpected: new Array(kMax).fill(0),
    shareNeg: 0,
    shareTot: 0,
    rhoNum: 0,
    rhoDen: 0,
    volume: newAlarm(),
    share: newAlarm(),
  };
}

/** Parses a stored state (e.g. from DynamoDB). @throws DetectorInputError when it is not a valid state. */
export function parseSeriesState(value: unknown): SeriesState {
  const parsed = SeriesStateSchema.safeParse(value);
  if (!parsed.success) throw new DetectorInputError('invalid series state', { cause: parsed.error });
  return parsed.data;
}

function decay(halfLife: number, step: number): number {
  return 1 - 2 ** (-step / halfLife);
}

const MIN_ALPHA = 1e-3;
const MAX_ALPHA = 4;
const MIN_RHO = 1e-4;
const MAX_RHO = 0.5;
/** Prior weight of the ρ estimate, as an equivalent Σ n(n−1)p(1−p) (about 10 buckets of 10 mentions). */
const RHO_PRIOR_DEN = 200;
const RHO_PRIOR = 0.01;
/** Longest gap filled with empty buckets; beyond it the rings are cleared and time jumps. */
const MAX_GAP_BUCKETS = 24 * 14;

interface Candidate extends TestResult {
  /** −log10 of the calibrated (conformal, Bonferroni-adjusted) p-value. */
  rarity: number;
  score: number;
}

/**
 * Steps a series by one closed bucket and decides whether to alert. Pure: returns a new state, never
 * mutates `state`. Re-stepping a bucket at or before `state.lastBucketStartMs` is a no-op with
 * `duplicate: true`, so a retried scheduled run cannot learn a bucket twice or raise a second alert.
 * Buckets skipped since the last step are learned as empty (up to two weeks of them).
 * Cost: O(longest window + 64 histogram bins) per bucket; 20–50 µs measured (`BENCHMARKS.spikes.md`).
 * @throws DetectorInputError when counts are negative, non-finite, or `negative > total`, or the state's
 * bucket length differs from `params.bucketMs`.
 */
export function stepSeries(state: SeriesState, obs: Observation, params: DetectorParams): StepResult {
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
  if (state.lastBucketStartMs !== null && obs.bucketStartMs <= state.lastBucketStartMs) {
    return { state, score: 0, rawScore: 0, alert: null, duplicate: true };
  }
  const s = cloneState(state);
  if (s.lastBucketStartMs !== null) {
    const missing = Math.floor((obs.bucketStartMs - s.lastBucketStartMs) / s.bucketMs) - 1;
    if (missing > MAX_GAP_BUCKETS) {
      s.ringTotal.fill(0);
      s.ringNegative.fill(0);
      s.ringExpected.fill(0);
    } else {
      for (let g = 1; g <= missing; g++) {
        advance(s, { bucketStartMs: s.lastBucketStartMs + s.bucketMs, total: 0, negative: 0 }, params);
      }
    }
  }
  return advance(s, obs, params);
}

function cloneState(state: SeriesState): SeriesState {
  return {
    ...state,
    hour: state.hour.slice(),
    hourN: state.hourN.slice(),
    weekday: state.weekday.slice(),
    weekdayN: state.weekdayN.slice(),
    tests: state.tests.slice(),
    ringTotal: state.ringTotal.slice(),
    ringNegative: state.ringNegative.slice(),
    ringExpected: state.ringExpected.slice(),
    volume: { ...state.volume, cal: state.volume.cal.slice() },
    share: { ...state.share, cal: state.share.cal.slice() },
  };
}

function slotOf(t: number, params: DetectorParams): { h: number; d: number } {
  const local = t + params.tzOffsetMinutes * 60_000;
  const h = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  // 1970-01-01 was a Thursday; d = 0 is Monday.
  const d = (((Math.floor(local / DAY_MS) + 3) % 7) + 7) % 7;
  return { h, d };
}

/** Mutates `s` (a private clone) by one bucket. */
function advance(s: SeriesState, obs: Observation, params: DetectorParams): StepResult {
  const t = obs.bucketStartMs;
  const { h, d } = slotOf(t, params);
  const warm = s.n > 0 && t - s.startMs >= params.warmupMs;
  const seasonal = s.hour[h]! * s.weekday[d]!;
  const mu = Math.max(params.minExpected, s.level * seasonal);

  const kMax = s.ringTotal.length;
  s.ringTotal.copyWithin(0, 1);
  s.ringNegative.copyWithin(0, 1);
  s.ringExpected.copyWithin(0, 1);
  s.ringTotal[kMax - 1] = obs.total;
  s.ringNegative[kMax - 1] = obs.negative;
  s.ringExpected[kMax - 1] = mu;
  const filled = Math.min(s.n + 1, kMax);

  const p0 = (s.shareNeg + params.priorShare * 10) / (s.shareTot + 10);
  const rho = Math.min(
    MAX_RHO,
    Math.max(MIN_RHO, (s.rhoNum + RHO_PRIOR * RHO_PRIOR_DEN) / (s.rhoDen + RHO_PRIOR_DEN)),
  );

  const calKeep = 2 ** (-params.bucketMs / params.calibrationHalfLifeMs);
  const rarityTarget = Math.log10(Math.max(2, params.rarityMs / params.bucketMs));
  // Volume surprises are also calibrated against the series' own history of surprises (conformal), so a
  // series whose bursts are routine stays quiet (NAB's UPS, AAPL). Share surprises are not: the
  // beta-binomial with an estimated overdispersion is already calibrated for a proportion, and a recurring
  // negative burst (a complaint that returns every few days) should alert every time.
  const volume = bestCandidate(
    volumeTests(s, params, filled),
    s.volume,
    params,
    rarityTarget,
    warm,
    calKeep,
    true,
  );
  const share = bestCandidate(
    shareTests(s, params, filled, p0, rho),
    s.share,
    params,
    rarityTarget,
    warm,
    calKeep,
    false,
  );

  const authorsOk = obs.distinctAuthors === undefined || obs.distinctAuthors >= params.minDistinctAuthors;

  let alert: SpikeAlert | null = null;
  let score = 0;
  let rawScore = 0;
  for (const [kind, c] of [
    ['volume', volume],
    ['share', share],
  ] as const) {
    const alarm = s[kind];
    const kindScore = c.score;
    const rarity = c.rarity;
    rawScore = Math.max(rawScore, kindScore);
    const eligible = warm && authorsOk && !c.guarded;
    const inCooldown = alarm.lastAlertMs !== null && t - alarm.lastAlertMs < params.cooldownMs;
    const escalates = c.ratio >= alarm.lastRatio * params.escalationFactor;
    const allowed = eligible && (!inCooldown || escalates);
    if (allowed) score = Math.max(score, kindScore);
    const extreme = c.surprise >= params.alertSurprise && rarity >= rarityTarget;
    if (allowed && extreme) {
      const candidate: SpikeAlert = {
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
      if (alert === null || candidate.surprise > alert.surprise) alert = candidate;
    }
    updateFreeze(alarm, t, warm && !c.guarded && c.surprise >= params.alertSurprise, c.surprise, params);
  }

  if (s.volume.activeSinceMs === null) learnVolume(s, obs, params, h, d, mu);
  if (s.share.activeSinceMs === null) learnShare(s, obs, params, p0, rho);
  s.n += 1;
  s.lastBucketStartMs = t;
  return { state: s, score, rawScore, alert, duplicate: false };
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
  const p = (c + 1) / (calN + 1);
  return p;
}

/** Decays the histogram, adds one surprise, returns the new decayed count. */
function recordSurprise(cal: number[], calN: number, surprise: number, keep: number): number {
  for (let i = 0; i < CAL_BINS; i++) cal[i]! *= keep;
  cal[Math.min(CAL_BINS - 1, Math.floor(calBin(surprise)))]! += 1;
  return calN * keep + 1;
}

/** One tested window: its length, counts, expectation and model surprise. */
interface TestResult {
  k: number;
  surprise: number;
  observed: number;
  expected: number;
  ratio: number;
  total: number;
  share: number;
  guarded: boolean;
}

function volumeTests(s: SeriesState, params: DetectorParams, filled: number): (TestResult | null)[] {
  const kMax = s.ringTotal.length;
  return [
    { k: 1, alpha: Math.max(MIN_ALPHA, s.alpha) },
    ...s.tests.map((k) => ({ k, alpha: params.priorDispersion })),
  ].map((test) => {
    if (test.k > filled) return null;
    let x = 0;
    let m = 0;
    for (let j = kMax - test.k; j < kMax; j++) {
      x += s.ringTotal[j]!;
      m += s.ringExpected[j]!;
    }
    const surprise = x > m ? -logNegBinUpperTail(x, m, test.alpha) / LN10 : 0;
    const ratio = x / m;
    const guarded = x < params.minCount || ratio < params.minRatio;
    return { k: test.k, surprise, observed: x, expected: m, ratio, total: x, share: 0, guarded };
  });
}

function shareTests(
  s: SeriesState,
  params: DetectorParams,
  filled: number,
  p0: number,
  rho: number,
): (TestResult | null)[] {
  const kMax = s.ringTotal.length;
  const kappa = 1 / rho - 1;
  const a = p0 * kappa;
  const b = (1 - p0) * kappa;
  return [1, ...s.tests].map((k) => {
    if (k > filled) return null;
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
    return { k, surprise, observed: neg, expected, ratio, total: n, share: p0, guarded };
  });
}

/**
 * Picks the window to report (unguarded windows first, then the highest surprise) and calibrates its
 * surprise against the history of such maxima (conformal p-value), then records it.
 */
function bestCandidate(
  tests: (TestResult | null)[],
  alarm: SeriesState['volume'],
  params: DetectorParams,
  rarityTarget: number,
  warm: boolean,
  calKeep: number,
  calibrate: boolean,
): Candidate {
  let best: TestResult | null = null;
  for (const r of tests) {
    if (r === null) continue;
    if (best === null || (r.guarded === best.guarded ? r.surprise > best.surprise : !r.guarded)) best = r;
  }
  if (best === null) {
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
      score: 0,
    };
  }
  if (!calibrate)
    return { ...best, rarity: Number.POSITIVE_INFINITY, score: toScore(best.surprise, params.alertSurprise) };
  const rarity = -Math.log10(conformalP(alarm.cal, alarm.calN, best.surprise));
  const score = Math.min(toScore(best.surprise, params.alertSurprise), toScore(rarity, rarityTarget));
  if (warm) alarm.calN = recordSurprise(alarm.cal, alarm.calN, best.surprise, calKeep);
  return { ...best, rarity, score };
}

function learnVolume(
  s: SeriesState,
  obs: Observation,
  params: DetectorParams,
  h: number,
  d: number,
  mu: number,
): void {
  const sd = Math.sqrt(mu + s.alpha * mu * mu);
  const x = Math.min(obs.total, mu + 4 * sd + 1);

  // Single-bucket dispersion, method of moments: E[(X − μ)² − X] = αμ² (on the winsorised X).
  const aDisp = decay(params.dispersionHalfLifeMs, params.bucketMs);
  if (s.n > 0 && s.level > 0)
    s.alpha = clampAlpha(s.alpha + aDisp * (((x - mu) ** 2 - x) / (mu * mu) - s.alpha));

  const season = s.hour[h]! * s.weekday[d]!;
  const aLevel = Math.max(decay(params.levelHalfLifeMs, params.bucketMs), 1 / (s.n + 1));
  s.level += aLevel * (x / season - s.level);
  if (s.level <= 0) return;

  const perDayInSlot = Math.max(1, HOUR_MS / params.bucketMs);
  const aHour = Math.max(decay(params.hourHalfLifeDays * perDayInSlot, 1), 1 / (s.hourN[h]! + 1));
  const hourTarget = x / (s.level * s.weekday[d]!);
  s.hour[h] = Math.max(0.02, s.hour[h]! + aHour * (hourTarget - s.hour[h]!));
  s.hourN[h]! += 1;
  // The weekday factors start after one full day, once the level is a full-day mean; before that they
  // would carry the start-up error of the level for weeks (their half-life is long).
  if (obs.bucketStartMs - s.startMs >= DAY_MS) {
    const perWeekInDay = Math.max(1, DAY_MS / params.bucketMs);
    const aDay = Math.max(decay(params.weekdayHalfLifeWeeks * perWeekInDay, 1), 1 / (s.weekdayN[d]! + 1));
    const dayTarget = x / (s.level * s.hour[h]!);
    s.weekday[d] = Math.max(0.1, s.weekday[d]! + aDay * (dayTarget - s.weekday[d]!));
    s.weekdayN[d]! += 1;
  }
  normalise(s.hour, s);
  normalise(s.weekday, s);
}

function normalise(factors: number[], s: SeriesState): void {
  let sum = 0;
  for (const f of factors) sum += f;
  const mean = sum / factors.length;
  if (mean <= 0) return;
  for (let i = 0; i < factors.length; i++) factors[i] = factors[i]! / mean;
  s.level *= mean;
}

function clampAlpha(a: number): number {
  return Math.min(MAX_ALPHA, Math.max(MIN_ALPHA, a));
}

function learnShare(s: SeriesState, obs: Observation, params: DetectorParams, p0: number, rho: number): void {
  const n = obs.total;
  const v = p0 * (1 - p0);
  const sd = Math.sqrt(n * v * (1 + Math.max(0, n - 1) * rho));
  const neg = Math.min(obs.negative, n * p0 + 4 * sd + 1);
  const keep = 2 ** (-params.bucketMs / params.shareHalfLifeMs);
  s.shareNeg = s.shareNeg * keep + neg;
  s.shareTot = s.shareTot * keep + n;
  s.rhoNum *= keep;
  s.rhoDen *= keep;
  if (n >= 2) {
    s.rhoNum += (neg - n * p0) ** 2 - n * v;
    s.rhoDen += n * (n - 1) * v;
  }
}
