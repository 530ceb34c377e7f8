/**
 * The attainable ceiling of the negative-share benchmark (`spikes-bench.ts`): for each case, the recall of
 * the Neyman–Pearson (likelihood-ratio) test that knows everything the generator knows — the baseline share
 * p0, the concentration κ of the hourly share, the burst's size and shape, and where a burst would start —
 * with its threshold set so that the same test run over the series without bursts raises one false alarm per
 * week. No detector that has to estimate p0 and does not know the burst can do better (Neyman & Pearson,
 * "On the problem of the most efficient tests of statistical hypotheses", _Phil. Trans. R. Soc. A_ 231,
 * 1933: the likelihood-ratio test is the most powerful at its size).
 *
 * The statistic for a burst starting at bucket s with multipliers m_0 … m_{J−1} (J buckets: up to the peak
 * plus the 2-bucket horizon) is Σ_j ln P(x_j | burst) − ln P(x_j | no burst), where under no burst
 * x ~ BetaBinomial(n, p0·κ, (1 − p0)·κ) (the generator's Beta share with binomial negatives) and under the
 * burst the generator added e = round((m − 1)·p0·N) negatives (and mentions) to a bucket of N mentions, so
 * x − e ~ BetaBinomial(n − e, p0·κ, (1 − p0)·κ). The totals themselves are not used as evidence: e is taken
 * from the largest N with N + round((m − 1)·p0·N) ≤ n, exact for every total the generator can produce.
 */
import type { Observation } from '#shared/domain/spikes/detector.ts';
import { logGamma } from '#shared/domain/spikes/stats.ts';
import {
  type BenchCase,
  type GeneratedCase,
  generateCase,
  SHARE_KAPPA,
  warmStartMs,
} from './spikes-bench.ts';

/** ln of the BetaBinomial(n, a, b) pmf at k (−∞ outside 0 … n). Johnson, Kemp & Kotz (2005), §6.2.2. */
export function logBetaBinomialPmf(k: number, n: number, a: number, b: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return (
    logGamma(n + 1) -
    logGamma(k + 1) -
    logGamma(n - k + 1) +
    logGamma(k + a) +
    logGamma(n - k + b) -
    logGamma(n + a + b) -
    (logGamma(a) + logGamma(b) - logGamma(a + b))
  );
}

/**
 * Negatives the generator added to a bucket that now holds `n` mentions, for burst multiplier `m` and base
 * share `p0`: e = n − N for the largest N with N + round((m − 1)·p0·N) ≤ n (0 when m ≤ 1).
 */
export function burstExtra(n: number, m: number, p0: number): number {
  const c = (m - 1) * p0;
  if (c <= 0) return 0;
  let big = Math.min(n, Math.floor(n / (1 + c)) + 2);
  while (big > 0 && big + Math.round(c * big) > n) big -= 1;
  return n - big;
}

/**
 * ln of the likelihood ratio of one bucket (n mentions, x negative) under "a burst of multiplier m" against
 * "no burst", base share p0 and share concentration κ known. −∞ when x is below the burst's extra negatives.
 */
export function bucketLogLikelihoodRatio(
  n: number,
  x: number,
  m: number,
  p0: number,
  kappa: number,
  model: BurstModel = 'generator',
): number {
  const a = p0 * kappa;
  const b = (1 - p0) * kappa;
  if (model === 'odds') {
    const p1 = burstShare(m, p0);
    return logBetaBinomialPmf(x, n, p1 * kappa, (1 - p1) * kappa) - logBetaBinomialPmf(x, n, a, b);
  }
  const e = burstExtra(n, m, p0);
  return logBetaBinomialPmf(x - e, n - e, a, b) - logBetaBinomialPmf(x, n, a, b);
}

/**
 * The share of a bucket whose negatives were multiplied by m (and nothing else changed): the odds
 * p/(1 − p) times m, i.e. m·p0/(1 − p0 + m·p0).
 */
export function burstShare(m: number, p0: number): number {
  return (m * p0) / (1 - p0 + m * p0);
}

/**
 * How the oracle models a burst: `generator` as the benchmark makes it (a fixed number of extra negatives,
 * which quiet data with fewer negatives than that rules out), `odds` as the odds of a negative multiplied by
 * m with the same Beta spread (what a real burst, with random extra negatives, looks like).
 */
export type BurstModel = 'generator' | 'odds';

/**
 * The oracle's statistic at every bucket t: the log likelihood ratio of a burst with multipliers `profile`
 * whose last bucket is t (so its first is t − J + 1, J = profile.length); −∞ for t < J − 1.
 */
export function scanStatistic(
  obs: readonly Pick<Observation, 'total' | 'negative'>[],
  profile: readonly number[],
  p0: number,
  kappa: number,
  model: BurstModel = 'generator',
): number[] {
  const J = profile.length;
  const perMultiplier = profile.map((m) =>
    obs.map((o) => bucketLogLikelihoodRatio(o.total, o.negative, m, p0, kappa, model)),
  );
  return obs.map((_, t) => {
    if (t < J - 1) return Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let j = 0; j < J; j++) sum += perMultiplier[j]![t - J + 1 + j]!;
    return sum;
  });
}

/**
 * Alarms raised by thresholding `stat` at `threshold`, counting buckets from `from` on, with exceedances less
 * than `cooldownBuckets` after the last counted alarm merged into it (the detector's cooldown).
 */
export function countAlarms(
  stat: readonly number[],
  threshold: number,
  from: number,
  cooldownBuckets: number,
): number {
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let t = from; t < stat.length; t++) {
    if (stat[t]! >= threshold && t - last >= cooldownBuckets) {
      count += 1;
      last = t;
    }
  }
  return count;
}

/**
 * The lowest threshold at which the quiet runs raise at most `budget` alarms in total (the alarms of each run
 * counted by {@link countAlarms} from `from`). A threshold at an observed value, found by bisection over the
 * sorted values (the count is non-increasing in the threshold up to cooldown merging, which can only make the
 * result conservative by one value).
 */
export function thresholdForBudget(
  quietStats: readonly (readonly number[])[],
  budget: number,
  from: number,
  cooldownBuckets: number,
): number {
  const values = [
    ...new Set(quietStats.flatMap((s) => s.slice(from).filter((v) => Number.isFinite(v)))),
  ].sort((a, b) => a - b);
  const alarms = (th: number) =>
    quietStats.reduce((acc, s) => acc + countAlarms(s, th, from, cooldownBuckets), 0);
  // Where bursts make the quiet data impossible (x below the extra negatives everywhere), every finite
  // statistic can alarm: the threshold is then the lowest finite number.
  if (values.length === 0 || alarms(values[0]!) <= budget) return -Number.MAX_VALUE;
  let lo = 1;
  let hi = values.length;
  // Smallest index i with alarms(values[i]) ≤ budget; above every value there are no alarms.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (alarms(values[mid]!) <= budget) hi = mid;
    else lo = mid + 1;
  }
  return lo < values.length ? values[lo]! : Number.POSITIVE_INFINITY;
}

/**
 * Power of the non-randomised Neyman–Pearson test of Binomial(n, p0) against Binomial(n, p1), p1 > p0, at
 * size at most `size`: it rejects for X ≥ c, c the smallest count with P0(X ≥ c) ≤ size, and returns
 * { c, size: P0(X ≥ c), power: P1(X ≥ c) }. The closed-form case of the bound, for checking it by hand.
 */
export function binomialNeymanPearson(
  n: number,
  p0: number,
  p1: number,
  size: number,
): { c: number; size: number; power: number } {
  const tail = (c: number, p: number) => {
    let s = 0;
    for (let k = c; k <= n; k++) {
      s += Math.exp(
        logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p),
      );
    }
    return s;
  };
  let c = 0;
  // The tolerance keeps a tail equal to `size` (up to rounding in the log-gamma terms) inside it.
  while (c <= n && tail(c, p0) > size * (1 + 1e-9)) c += 1;
  return { c, size: tail(c, p0), power: tail(c, p1) };
}

/** Bound of one benchmark case. */
export interface CaseBound extends BenchCase {
  /** Bursts (of the benchmark's own seed) the oracle detects within the horizon, and how many there are. */
  detected: number;
  bursts: number;
  /** Recall of the oracle over the bursts of all replicates (the same generator with other seeds). */
  replicateRecall: number;
  replicateBursts: number;
  /** The oracle's threshold (natural log likelihood ratio) for one false alarm per week. */
  threshold: number;
  /** False alarms per week of the oracle at that threshold over all quiet replicates (≤ 1). */
  falseAlarmsPerWeek: number;
}

/** Options of {@link caseBound}. */
export interface BoundOptions {
  /**
   * Quiet runs the threshold is set on: the benchmark's own (seed `seed`) and `replicates − 1` more with seeds
   * seed + 100 000·r, so that "one per week" is a rate over many weeks rather than the 7th-largest of seven.
   * @default 10
   */
  replicates?: number;
  /** Exceedances closer than this to the last counted one are the same alarm, buckets. @default 12 (`sedang`'s cooldown) */
  cooldownBuckets?: number;
  /** Detection horizon after the burst reaches its peak, buckets (the benchmark's). @default 2 */
  horizon?: number;
  /** False alarms allowed per week. @default 1 */
  perWeek?: number;
  /** How the oracle models the burst. @default 'generator' */
  model?: BurstModel;
}

/**
 * The oracle bound for one case of the benchmark ({@link generateCase} with the benchmark's `seed`): the
 * likelihood-ratio scan over the first peakAt + horizon buckets of the burst profile, thresholded for
 * `perWeek` false alarms per week on quiet runs (counted from one week in, as the benchmark does), and the
 * bursts it detects: the statistic reaches the threshold at some bucket from the burst start to the end of
 * the horizon (the benchmark's detection rule). The same rule over the replicates' bursts gives a less noisy
 * figure (`replicateRecall`).
 */
export function caseBound(
  c: BenchCase,
  hourly: { startMs: number[]; total: number[] },
  seed: number,
  options: BoundOptions = {},
): CaseBound {
  const replicates = options.replicates ?? 10;
  const cooldown = options.cooldownBuckets ?? 12;
  const horizon = options.horizon ?? 2;
  const perWeek = options.perWeek ?? 1;
  const model = options.model ?? 'generator';
  const own = generateCase(c, hourly, seed);
  const profile = own.profile.slice(0, own.peakAt + horizon);
  const from = hourly.startMs.findIndex((t) => t >= warmStartMs(hourly));
  const n = hourly.total.length;
  const weeks = (hourly.startMs[n - 1]! - warmStartMs(hourly) + 3_600_000) / (7 * 24 * 3_600_000);
  const generated: GeneratedCase[] = [own];
  for (let r = 1; r < replicates; r++) generated.push(generateCase(c, hourly, seed + 100_000 * r));
  const quietStats = generated.map((g) => scanStatistic(g.quiet, profile, c.baseShare, SHARE_KAPPA, model));
  const budget = Math.floor(perWeek * weeks * replicates);
  const threshold = thresholdForBudget(quietStats, budget, from, cooldown);
  const alarms = quietStats.reduce((acc, s) => acc + countAlarms(s, threshold, from, cooldown), 0);
  const detectedIn = (g: GeneratedCase) => {
    const stat = scanStatistic(g.bursty, profile, c.baseShare, SHARE_KAPPA, model);
    let hits = 0;
    for (const b of g.burstStarts) {
      let hit = false;
      for (let t = b; t < b + profile.length && t < n; t++) if (stat[t]! >= threshold) hit = true;
      if (hit) hits += 1;
    }
    return hits;
  };
  let allDetected = 0;
  let allBursts = 0;
  for (const g of generated) {
    allDetected += detectedIn(g);
    allBursts += g.burstStarts.length;
  }
  return {
    ...c,
    detected: detectedIn(own),
    bursts: own.burstStarts.length,
    replicateRecall: allDetected / allBursts,
    replicateBursts: allBursts,
    threshold,
    falseAlarmsPerWeek: alarms / (weeks * replicates),
  };
}
