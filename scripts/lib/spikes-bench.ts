/**
 * Semi-synthetic negative-share benchmark: real hourly mention volumes (NAB realTweets, 5-minute counts
 * summed per hour) get a synthetic baseline of negative mentions and injected negative bursts of known size,
 * shape and start. Reports recall within a delay budget, detection delay and false alarms per week on the
 * same series without bursts. Deterministic (seeded).
 */

import { mulberry32 } from '#shared/domain/random.ts';
import {
  createSeriesState,
  type DetectorParams,
  type Observation,
  type StepResult,
  stepSeries,
} from '#shared/domain/spikes/detector.ts';
import type { Series } from './spikes-data.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Seedable PRNG for the synthetic benchmark (mulberry32). */
export const seededRandom = mulberry32;

function binomial(n: number, p: number, u: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (u() < p) k += 1;
  return k;
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape ≥ 1), for beta draws. */
function gamma(shape: number, u: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = u() || 1e-12;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Sums a 5-minute series into hourly buckets aligned to the hour (UTC). */
export function toHourly(series: Series): { startMs: number[]; total: number[] } {
  const startMs: number[] = [];
  const total: number[] = [];
  for (const [i, t] of series.timestampsMs.entries()) {
    const h = Math.floor(t / HOUR) * HOUR;
    if (startMs.length === 0 || startMs[startMs.length - 1] !== h) {
      startMs.push(h);
      total.push(0);
    }
    total[total.length - 1]! += Math.max(0, Math.round(series.values[i]!));
  }
  return { startMs, total };
}

export type BurstShape = 'step' | 'ramp' | 'spike';

/** Multiplier of the baseline negatives in each bucket of a burst of peak `m`. */
export function burstProfile(shape: BurstShape, m: number): number[] {
  if (shape === 'step') return [m, m, m, m];
  if (shape === 'ramp') return [1 + (m - 1) / 3, 1 + (2 * (m - 1)) / 3, m, m];
  return [m, 1 + (m - 1) / 2, 1 + (m - 1) / 4];
}

export interface BenchCase {
  series: string;
  baseShare: number;
  multiplier: number;
  shape: BurstShape;
}

export interface BurstOutcome {
  detected: boolean;
  /** Buckets from the burst start to the first alert (share or volume), when detected in time. */
  delayBuckets: number | null;
  shareDetected: boolean;
}

export interface CaseResult extends BenchCase {
  bursts: BurstOutcome[];
  /** Share alerts per week on the same series without bursts. */
  quietShareAlertsPerWeek: number;
  /** Volume alerts per week on the same series without bursts (these are real volume events, not synthetic). */
  quietVolumeAlertsPerWeek: number;
  weeks: number;
  steps: number;
  stepNs: number;
}

/** The series one case generates: the quiet run, the same run with bursts, and where the bursts are. */
export interface GeneratedCase {
  quiet: Observation[];
  bursty: Observation[];
  /** Bucket index where each burst starts. */
  burstStarts: number[];
  /** Multiplier of the baseline negatives per burst bucket ({@link burstProfile}). */
  profile: number[];
  /** Bucket offset (from the start) at which the burst first reaches its peak multiplier. */
  peakAt: number;
}

/** Concentration κ of the hourly share draws, Beta(p0·κ, (1 − p0)·κ). */
export const SHARE_KAPPA = 200;

/**
 * Generates one case deterministically from `seed`: every hour's share is drawn from
 * Beta(p0·κ, (1 − p0)·κ), κ = {@link SHARE_KAPPA}, and its negatives from Binomial(total, share); then a
 * burst every 4–5 days after one week, each adding round((m − 1)·p0·total) negatives (and as many
 * mentions) to the bucket, m from {@link burstProfile}.
 */
export function generateCase(
  c: BenchCase,
  hourly: { startMs: number[]; total: number[] },
  seed: number,
): GeneratedCase {
  const u = seededRandom(seed);
  const kappa = SHARE_KAPPA;
  const n = hourly.total.length;
  const quiet: Observation[] = hourly.total.map((total, i) => {
    const share = gamma(c.baseShare * kappa, u);
    const p = share / (share + gamma((1 - c.baseShare) * kappa, u));
    return { bucketStartMs: hourly.startMs[i]!, total, negative: binomial(total, p, u) };
  });
  const burstStarts: number[] = [];
  for (let i = Math.ceil(WEEK / HOUR) + Math.floor(u() * 24); i + 6 < n; i += 4 * 24 + Math.floor(u() * 24)) {
    burstStarts.push(i);
  }
  const bursty = quiet.map((o) => ({ ...o }));
  const profile = burstProfile(c.shape, c.multiplier);
  for (const b of burstStarts) {
    for (const [j, m] of profile.entries()) {
      const o = bursty[b + j]!;
      const extra = Math.round((m - 1) * c.baseShare * hourly.total[b + j]!);
      bursty[b + j] = { ...o, total: o.total + extra, negative: o.negative + extra };
    }
  }
  return { quiet, bursty, burstStarts, profile, peakAt: profile.indexOf(Math.max(...profile)) };
}

/** First bucket (epoch ms) counted for false alarms: one week after the series starts. */
export function warmStartMs(hourly: { startMs: number[] }): number {
  return hourly.startMs[0]! + WEEK;
}

/**
 * Runs one case: quiet run (no bursts) and burst run (a burst every 4 days after one week of warm-up).
 * A burst is detected when an alert (of either kind) falls within `horizon` buckets of the bucket where it
 * first reaches its peak multiplier (the start, except for ramps, which peak in their third bucket).
 */
export function runCase(
  c: BenchCase,
  hourly: { startMs: number[]; total: number[] },
  params: DetectorParams,
  seed: number,
  horizon = 2,
): CaseResult {
  const n = hourly.total.length;
  const { quiet, bursty, burstStarts, peakAt } = generateCase(c, hourly, seed);
  const quietRun = run(quiet, params);
  const burstRun = run(bursty, params);
  const bursts = burstStarts.map((b) => {
    let delay: number | null = null;
    let share = false;
    for (let j = 0; j < peakAt + horizon && b + j < n; j++) {
      const a = burstRun.results[b + j]!.alert;
      if (a !== null && delay === null) delay = j;
      if (a?.kind === 'share') share = true;
    }
    return { detected: delay !== null, delayBuckets: delay, shareDetected: share };
  });
  const warmStart = warmStartMs(hourly);
  const countAfterWarm = (kind: 'share' | 'volume') =>
    quietRun.results.filter((r, i) => r.alert?.kind === kind && quiet[i]!.bucketStartMs >= warmStart).length;
  const weeks = (hourly.startMs[n - 1]! - warmStart + HOUR) / WEEK;
  return {
    ...c,
    bursts,
    quietShareAlertsPerWeek: countAfterWarm('share') / weeks,
    quietVolumeAlertsPerWeek: countAfterWarm('volume') / weeks,
    weeks,
    steps: 2 * n,
    stepNs: (quietRun.ns + burstRun.ns) / (2 * n),
  };
}

function run(obs: Observation[], params: DetectorParams): { results: StepResult[]; ns: number } {
  let s = createSeriesState(obs[0]!.bucketStartMs, params);
  const results: StepResult[] = [];
  const t0 = process.hrtime.bigint();
  for (const o of obs) {
    const r = stepSeries(s, o, params);
    results.push(r);
    s = r.state;
  }
  return { results, ns: Number(process.hrtime.bigint() - t0) };
}
