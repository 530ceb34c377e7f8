/**
 * Where the NAB points are lost: for each realTweets file, at the threshold LOFO uses for it, each window
 * (hit or missed, first detection, its weight) and each detection outside the windows (time, the test that
 * fired, its surprise, its cost), and how often the level-shift CUSUM's runs reach the alert bar. Used by
 * `npm run eval:spikes -- --diagnose`; the figures behind the fifth and fourteenth rounds of `docs/spikes.md`.
 */
import { createSeriesState, type DetectorParams, stepSeriesInPlace } from '#shared/domain/spikes/detector.ts';
import {
  evaluateCorpus,
  NAB_PROFILES,
  type NabFile,
  type NabProfileName,
  probationLength,
  sweepPoints,
} from '#shared/domain/spikes/nab-scorer.ts';
import { formatNabTimestamp, type LabelledSeries } from './spikes-data.ts';
import { median } from './spikes-nested.ts';

/** Which test raised an alert: the count test (bucket or trailing window) or the level-shift CUSUM. */
export type FiredBy = 'count' | 'cusum' | 'share' | 'none';

/** One row's detector output, with what is needed to say why it scored. */
export interface DiagnosedRow {
  score: number;
  firedBy: FiredBy;
  surprise: number;
  strength: number;
  windowBuckets: number;
  /** The level-shift CUSUM's statistic after the step (natural log units; 0 between runs and after an alert). */
  cusumStat: number;
}

/** Runs the detector over a series and records, per row, its score and which test alerted (if any). */
export function diagnoseSeries(series: LabelledSeries, params: DetectorParams): DiagnosedRow[] {
  const ts = series.timestampsMs;
  if (ts.length === 0) return [];
  const state = createSeriesState(ts[0]!, params);
  return ts.map((t, i) => {
    const total = Math.max(0, Math.round(series.values[i]!));
    // A CUSUM alert's window is the CUSUM run, which extends the run held in the state before the step.
    // A one-bucket run cannot alert (the winsorised log-likelihood ratio of one bucket stays well under
    // alertSurprise·ln 10), so a one-bucket window on an empty run is the count test's.
    const runBuckets = state.cusum.buckets;
    const runObserved = state.cusum.observed;
    const r = stepSeriesInPlace(state, { bucketStartMs: t, total, negative: 0 }, params);
    const a = r.alert;
    let firedBy: FiredBy = 'none';
    if (a !== null) {
      if (a.kind === 'share') firedBy = 'share';
      else if (runBuckets > 0 && a.windowBuckets === runBuckets + 1 && a.observed === runObserved + total)
        firedBy = 'cusum';
      else firedBy = 'count';
    }
    return {
      score: r.score,
      firedBy,
      surprise: a?.surprise ?? 0,
      strength: a?.strength ?? 0,
      windowBuckets: a?.windowBuckets ?? 0,
      cusumStat: state.cusum.stat,
    };
  });
}

/** How often a file's CUSUM runs reach the alert bar, and how long they stay there. */
export interface CusumRunSummary {
  /** Runs (excursions of the statistic from 0) whose statistic reached the bar. */
  runs: number;
  /** The same per week of the file (first to last row). */
  perWeek: number;
  /** Buckets whose statistic was at or above the bar: the entries those runs left in a per-bucket history. */
  bucketsAtBar: number;
  /** Median over those runs of their buckets at or above the bar (0 without runs). */
  medianBucketsPerRun: number;
}

/**
 * Runs of the level-shift CUSUM that reached `bar` (its alert bar, `alertSurprise`·ln 10 in natural log units),
 * read from each row's statistic after the step: a run ends at the first row back at 0 or at its own alert
 * (which restarts it, so its alerting bucket counts at the bar). A run that a count alert restarts is seen up
 * to the row before. The fourteenth round of `docs/spikes.md` compares runs with the buckets they leave in a
 * per-bucket history.
 */
export function cusumRunsAtBar(
  rows: readonly Pick<DiagnosedRow, 'cusumStat' | 'firedBy'>[],
  timestampsMs: readonly number[],
  bar: number,
): CusumRunSummary {
  const perRun: number[] = [];
  let atBar = 0;
  let reached = false;
  let bucketsAtBar = 0;
  for (const row of rows) {
    const cusumAlert = row.firedBy === 'cusum';
    if (cusumAlert || row.cusumStat >= bar) {
      atBar += 1;
      bucketsAtBar += 1;
      reached = true;
    }
    if (cusumAlert || row.cusumStat === 0) {
      if (reached) perRun.push(atBar);
      atBar = 0;
      reached = false;
    }
  }
  if (reached) perRun.push(atBar);
  const spanMs = timestampsMs.length > 1 ? timestampsMs[timestampsMs.length - 1]! - timestampsMs[0]! : 0;
  return {
    runs: perRun.length,
    perWeek: spanMs > 0 ? (perRun.length * 7 * 86_400_000) / spanMs : 0,
    bucketsAtBar,
    medianBucketsPerRun: perRun.length > 0 ? median(perRun) : 0,
  };
}

/** Per-file loss report at the LOFO threshold of one profile. */
export interface FileDiagnosis {
  name: string;
  threshold: number;
  raw: number;
  cusum: CusumRunSummary;
  windows: {
    startMs: number;
    endMs: number;
    hitMs: number | null;
    weight: number;
    firedBy: FiredBy | null;
    score: number;
    surprise: number;
    strength: number;
    windowBuckets: number;
  }[];
  falsePositives: {
    atMs: number;
    weight: number;
    firedBy: FiredBy;
    score: number;
    surprise: number;
    strength: number;
    windowBuckets: number;
  }[];
}

/**
 * Scores the series, picks each file's LOFO threshold (best on the other files) and lists every window and
 * every detection outside the windows (rows in probation are skipped, as NAB does).
 */
export function diagnoseNab(
  series: readonly LabelledSeries[],
  params: DetectorParams,
  profileName: NabProfileName = 'standard',
): FileDiagnosis[] {
  const profile = NAB_PROFILES[profileName];
  const rows = series.map((s) => diagnoseSeries(s, params));
  const files: NabFile[] = series.map((s, k) => ({
    name: s.name,
    timestampsMs: s.timestampsMs,
    scores: rows[k]!.map((r) => r.score),
    windows: s.windows,
  }));
  const lofo = evaluateCorpus(files, profile).lofo.perFile;
  return files.map((f, k) => {
    const { threshold, raw } = lofo[f.name]!;
    const points = sweepPoints(f, profile);
    const probation = probationLength(f.timestampsMs.length);
    const windows: FileDiagnosis['windows'] = f.windows.map(([startMs, endMs]) => ({
      startMs,
      endMs,
      hitMs: null,
      weight: -profile.fnWeight,
      firedBy: null,
      score: 0,
      surprise: 0,
      strength: 0,
      windowBuckets: 0,
    }));
    const falsePositives: FileDiagnosis['falsePositives'] = [];
    for (let i = probation; i < points.length; i++) {
      const p = points[i]!;
      const row = rows[k]![i]!;
      if (p.score < threshold) continue;
      if (p.window === null) {
        falsePositives.push({
          atMs: f.timestampsMs[i]!,
          weight: p.weight,
          firedBy: row.firedBy,
          score: row.score,
          surprise: row.surprise,
          strength: row.strength,
          windowBuckets: row.windowBuckets,
        });
      } else if (p.window !== 'probationary') {
        const w = windows[Number(p.window.split('|')[1])]!;
        if (w.hitMs === null)
          Object.assign(w, {
            hitMs: f.timestampsMs[i]!,
            weight: p.weight,
            firedBy: row.firedBy,
            score: row.score,
            surprise: row.surprise,
            strength: row.strength,
            windowBuckets: row.windowBuckets,
          });
      }
    }
    const cusum = cusumRunsAtBar(rows[k]!, f.timestampsMs, params.alertSurprise * Math.LN10);
    return { name: f.name, threshold, raw, cusum, windows, falsePositives };
  });
}

/** The diagnosis as Markdown lines. */
export function formatDiagnosis(files: readonly FileDiagnosis[]): string[] {
  const fmt = (ms: number) => formatNabTimestamp(ms).slice(5, 16);
  const out: string[] = [];
  let fpCost = 0;
  let missCost = 0;
  let hitLoss = 0;
  for (const f of files) {
    out.push(`${f.name} (LOFO θ ${f.threshold.toFixed(3)}, raw ${f.raw.toFixed(2)})`);
    out.push(
      `  CUSUM runs at the alert bar: ${f.cusum.runs} (${f.cusum.perWeek.toFixed(2)} a week), ` +
        `${f.cusum.bucketsAtBar} buckets at or above it (median ${f.cusum.medianBucketsPerRun} per run)`,
    );
    for (const w of f.windows) {
      if (w.hitMs === null) {
        missCost += 1;
        out.push(`  window ${fmt(w.startMs)} – ${fmt(w.endMs)}: MISSED`);
      } else {
        hitLoss += 1 - w.weight;
        out.push(
          `  window ${fmt(w.startMs)} – ${fmt(w.endMs)}: hit ${fmt(w.hitMs)} by ${w.firedBy}, surprise ${w.surprise.toFixed(1)}, ` +
            `${w.strength.toFixed(2)}× over ${w.windowBuckets} buckets, score ${w.score.toFixed(3)}, weight ${w.weight.toFixed(2)}`,
        );
      }
    }
    for (const p of f.falsePositives) {
      fpCost -= p.weight;
      out.push(
        `  outside ${fmt(p.atMs)}: ${p.firedBy}, surprise ${p.surprise.toFixed(1)}, ${p.strength.toFixed(2)}× over ${p.windowBuckets} buckets, score ${p.score.toFixed(3)}, weight ${p.weight.toFixed(3)}`,
      );
    }
  }
  out.push(
    '',
    `Raw points lost against a perfect detector (A_TP = 1 per window): ${missCost} missed windows ` +
      `(each 1 + A_FN), late hits ${hitLoss.toFixed(2)}, detections outside windows ${fpCost.toFixed(2)}`,
  );
  return out;
}
