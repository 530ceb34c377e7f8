/**
 * Where the NAB points are lost: for each realTweets file, at the threshold LOFO uses for it, each window
 * (hit or missed, first detection, its weight) and each detection outside the windows (time, the test that
 * fired, its surprise, its cost). Used by `npm run eval:spikes -- --diagnose`; the figures behind the fifth
 * round of `docs/spikes.md`.
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

/** Which test raised an alert: the count test (bucket or trailing window) or the level-shift CUSUM. */
export type FiredBy = 'count' | 'cusum' | 'share' | 'none';

/** One row's detector output, with what is needed to say why it scored. */
export interface DiagnosedRow {
  score: number;
  firedBy: FiredBy;
  surprise: number;
  strength: number;
  windowBuckets: number;
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
    };
  });
}

/** Per-file loss report at the LOFO threshold of one profile. */
export interface FileDiagnosis {
  name: string;
  threshold: number;
  raw: number;
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
    return { name: f.name, threshold, raw, windows, falsePositives };
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
