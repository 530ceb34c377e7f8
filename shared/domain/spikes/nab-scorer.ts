/**
 * A TypeScript port of the Numenta Anomaly Benchmark scorer (numenta/NAB `nab/sweeper.py`, `optimizer.py`,
 * `normalizer.py`, v1.1): probation, anomaly windows, the scaled sigmoid, application profiles, the
 * threshold sweep and score normalisation, plus the leave-one-file-out (LOFO) variant Pantau reports as
 * its honest figure. Rules and the anchors the port is checked against: `docs/spikes.md` and
 * Lavin & Ahmad, "Evaluating Real-time Anomaly Detection Algorithms – the Numenta Anomaly Benchmark",
 * IEEE ICMLA 2015 (arXiv:1510.03336).
 */

/** Weights of one NAB application profile (NAB `config/profiles.json`, `CostMatrix`). */
export interface NabProfile {
  tpWeight: number;
  fnWeight: number;
  fpWeight: number;
}

/** The three NAB profiles, keyed by the names Pantau prints. */
export const NAB_PROFILES = {
  standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 },
  reward_low_FP: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22 },
  reward_low_FN: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11 },
} as const satisfies Record<string, NabProfile>;
export type NabProfileName = keyof typeof NAB_PROFILES;
export const NAB_PROFILE_NAMES = Object.keys(NAB_PROFILES) as NabProfileName[];

/** One scored series: rows in time order, the detector's score per row and the labelled windows. */
export interface NabFile {
  name: string;
  /** Row timestamps, epoch ms, strictly increasing. */
  timestampsMs: readonly number[];
  /** Detector score per row, in [0, 1], computed causally. */
  scores: readonly number[];
  /** Anomaly windows `[startMs, endMs]`, inclusive, in time order, non-overlapping. */
  windows: readonly (readonly [number, number])[];
}

/** A row as the sweep sees it: its score, its weight if it were a detection, and its window (or none). */
export interface SweepPoint {
  score: number;
  weight: number;
  /** `file|windowIndex` for rows inside a window, `null` outside, `'probationary'` inside probation. */
  window: string | null;
}

/** Raw NAB score at one threshold (detections are rows with score ≥ threshold). */
export interface ThresholdScore {
  threshold: number;
  score: number;
}

/** Thrown when a window cannot be placed on a file's rows. */
export class NabWindowError extends Error {
  override name = 'NabWindowError';
}

/**
 * NAB's scaled sigmoid: `-1` for p ≥ 3, else `2/(1 + e^{5p}) − 1`. p = −1 is a window's left edge
 * (0.98661), p = 0 its right edge (0), p > 0 a false positive p window-widths after it.
 * (`sweeper.py` uses `>= 3`; `docs/spikes.md` writes `> 3`; they differ by 6e-7 at exactly 3.)
 */
export function scaledSigmoid(p: number): number {
  if (p >= 3) return -1;
  return 2 / (1 + Math.exp(5 * p)) - 1;
}

/** Largest true-positive weight, S(−1) ≈ 0.98661; NAB divides in-window weights by it so a left-edge hit is 1. */
export const MAX_TP = scaledSigmoid(-1);

/** Rows not scored at the start of a file: `min(floor(0.15·n), 0.15·5000)` (NAB `_getProbationaryLength`). */
export function probationLength(numRows: number, probationPercent = 0.15): number {
  return Math.min(Math.floor(probationPercent * numRows), probationPercent * 5000);
}

/**
 * Row indices `[l, r]` of each window. NAB matches window limits to rows by exact timestamp; a limit that
 * falls between rows (never the case in NAB's own labels) is snapped inwards to the nearest row.
 * @throws NabWindowError when a window holds no row.
 */
export function windowIndices(file: Pick<NabFile, 'name' | 'timestampsMs' | 'windows'>): [number, number][] {
  const ts = file.timestampsMs;
  const out: [number, number][] = [];
  for (const [startMs, endMs] of file.windows) {
    let l = lowerBound(ts, startMs);
    let r = lowerBound(ts, endMs);
    if (r >= ts.length || ts[r] !== endMs) r -= 1;
    if (l >= ts.length || r < l)
      throw new NabWindowError(`window [${startMs}, ${endMs}] holds no row in ${file.name}`);
    if (l < 0) l = 0;
    out.push([l, r]);
  }
  return out;
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Weight of every row as if it were a detection (NAB `Sweeper.calcSweepScore`): inside a window of width w
 * ending at row r, `S(−(r − i + 1)/w)·A_TP/maxTP`; outside before any window, `−A_FP`; after a window
 * ending at row R with width W, `S(|R − i|/(W − 1))·A_FP`. Rows in probation are labelled `'probationary'`.
 */
export function sweepPoints(file: NabFile, profile: NabProfile, probationPercent = 0.15): SweepPoint[] {
  const n = file.timestampsMs.length;
  if (file.scores.length !== n)
    throw new RangeError(`${file.name}: ${file.scores.length} scores for ${n} rows`);
  const windows = windowIndices(file);
  const probation = probationLength(n, probationPercent);
  const points: SweepPoint[] = new Array(n);
  let next = 0;
  let cur: [number, number] | undefined;
  let curName: string | null = null;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const upcoming = windows[next];
    if (cur === undefined && upcoming !== undefined && i === upcoming[0]) {
      cur = upcoming;
      curName = `${file.name}|${next}`;
      next += 1;
    }
    let weight: number;
    if (cur !== undefined) {
      const width = cur[1] - cur[0] + 1;
      weight = (scaledSigmoid(-(cur[1] - i + 1) / width) * profile.tpWeight) / MAX_TP;
    } else {
      const position = prevRight < 0 ? 3 : Math.abs(prevRight - i) / (prevWidth - 1);
      weight = scaledSigmoid(position) * profile.fpWeight;
    }
    points[i] = { score: file.scores[i]!, weight, window: i >= probation ? curName : 'probationary' };
    if (cur !== undefined && i === cur[1]) {
      prevRight = i;
      prevWidth = cur[1] - cur[0] + 1;
      cur = undefined;
      curName = null;
    }
  }
  return points;
}

/**
 * Raw score at every distinct threshold, highest first (NAB `Sweeper.calcScoreByThreshold`). The first
 * entry (threshold 1.1) has no detections: every window scores `−A_FN`.
 */
export function scoresByThreshold(points: readonly SweepPoint[], profile: NabProfile): ThresholdScore[] {
  const scorable = points.filter((p) => p.window !== 'probationary').sort((a, b) => b.score - a.score);
  const windowScore = new Map<string, number>();
  for (const p of scorable) if (p.window !== null) windowScore.set(p.window, -profile.fnWeight);
  let windowSum = -profile.fnWeight * windowScore.size;
  let fpSum = 0;
  const out: ThresholdScore[] = [];
  let threshold = 1.1;
  for (const p of scorable) {
    if (p.score !== threshold) {
      out.push({ threshold, score: fpSum + windowSum });
      threshold = p.score;
    }
    if (p.window === null) fpSum += p.weight;
    else {
      const before = windowScore.get(p.window)!;
      if (p.weight > before) {
        windowScore.set(p.window, p.weight);
        windowSum += p.weight - before;
      }
    }
  }
  out.push({ threshold, score: fpSum + windowSum });
  return out;
}

/** Best threshold for a set of files scored together; ties go to the highest threshold (Python `max`). */
export function optimiseThreshold(files: readonly NabFile[], profile: NabProfile): ThresholdScore {
  const points = files.flatMap((f) => sweepPoints(f, profile));
  let best: ThresholdScore | undefined;
  for (const t of scoresByThreshold(points, profile))
    if (best === undefined || t.score > best.score) best = t;
  return best!;
}

/** Raw score of one file at threshold θ (detections: rows with score ≥ θ; NAB `Sweeper.scoreDataSet`). */
export function scoreFile(file: NabFile, profile: NabProfile, threshold: number): number {
  const windowScore = new Map<string, number>();
  let fp = 0;
  for (const p of sweepPoints(file, profile)) {
    if (p.window === 'probationary') continue;
    if (p.window !== null && !windowScore.has(p.window)) windowScore.set(p.window, -profile.fnWeight);
    if (p.score < threshold) continue;
    if (p.window === null) fp += p.weight;
    else windowScore.set(p.window, Math.max(windowScore.get(p.window)!, p.weight));
  }
  let total = fp;
  for (const v of windowScore.values()) total += v;
  return total;
}

/** Number of windows that are scored (at least one row after probation). */
export function scoredWindowCount(file: NabFile): number {
  const probation = probationLength(file.timestampsMs.length);
  return windowIndices(file).filter(([, r]) => r >= probation).length;
}

/**
 * NAB normalisation `100·(S − S_null)/(S_perfect − S_null)` with `S_perfect = #windows·A_TP` and
 * `S_null = −#windows·A_FN` (NAB `normalizer.py`, where the null and perfect detectors score exactly so).
 */
export function normaliseScore(raw: number, windows: number, profile: NabProfile): number {
  const perfect = windows * profile.tpWeight;
  const nul = -windows * profile.fnWeight;
  return (100 * (raw - nul)) / (perfect - nul);
}

/** Result of {@link evaluateCorpus} for one profile. */
export interface CorpusEvaluation {
  windows: number;
  inSample: { threshold: number; raw: number; score: number; perFile: Record<string, number> };
  lofo: { raw: number; score: number; perFile: Record<string, { threshold: number; raw: number }> };
}

/**
 * Scores a corpus the NAB way (one threshold for all files, chosen to maximise the summed raw score) and
 * the leave-one-file-out way (each file scored at the threshold that is best on the other files).
 */
export function evaluateCorpus(files: readonly NabFile[], profile: NabProfile): CorpusEvaluation {
  const windows = files.reduce((s, f) => s + scoredWindowCount(f), 0);
  const best = optimiseThreshold(files, profile);
  const inPerFile: Record<string, number> = {};
  for (const f of files) inPerFile[f.name] = scoreFile(f, profile, best.threshold);
  const lofoPerFile: Record<string, { threshold: number; raw: number }> = {};
  let lofoRaw = 0;
  for (const f of files) {
    const others = files.filter((g) => g !== f);
    const threshold = others.length > 0 ? optimiseThreshold(others, profile).threshold : best.threshold;
    const raw = scoreFile(f, profile, threshold);
    lofoPerFile[f.name] = { threshold, raw };
    lofoRaw += raw;
  }
  return {
    windows,
    inSample: {
      threshold: best.threshold,
      raw: best.score,
      score: normaliseScore(best.score, windows, profile),
      perFile: inPerFile,
    },
    lofo: { raw: lofoRaw, score: normaliseScore(lofoRaw, windows, profile), perFile: lofoPerFile },
  };
}
