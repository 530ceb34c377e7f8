/**
 * `npm run eval:spikes` — scores Pantau's spike detector on NAB realTweets (three profiles, in-sample and
 * leave-one-file-out) beside the published anchors, and checks the scorer port on Numenta HTM's outputs.
 *
 *   npm run eval:spikes                       table of Pantau vs anchors
 *   npm run eval:spikes -- --json             one JSON object {"lofo": {...}, "inSample": {...}}
 *   npm run eval:spikes -- --diagnose         per file, at its LOFO threshold (standard): every window (hit?
 *                                             when, weight, which test) and every detection outside windows
 *   npm run eval:spikes -- --input <dir> --out <dir>
 *                                             run the detector (settings fixed) over every `timestamp,value`
 *                                             CSV in <dir>, write NAB result files `timestamp,value,anomaly_score`
 *
 * Data is read from `../shared/data/spikes`; when it is absent the script says so and exits 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { NabProfileName } from '#shared/domain/spikes/nab-scorer.ts';
import {
  formatNabTimestamp,
  listCsv,
  loadNabTweets,
  NUMENTA_RESULTS_DIR,
  readSeriesCsv,
} from './lib/spikes-data.ts';
import { diagnoseNab, formatDiagnosis } from './lib/spikes-diagnose.ts';
import {
  evaluateDetectorOnNab,
  evaluateScoredFiles,
  nabDetectorParams,
  scoreSeries,
} from './lib/spikes-nab.ts';

/** Published LOFO scores on the six series (`docs/spikes.md`). */
export const ANCHORS: { name: string; lofo: Record<NabProfileName, number> }[] = [
  { name: 'ARTime', lofo: { standard: 80.6, reward_low_FP: 72.0, reward_low_FN: 85.5 } },
  { name: 'earthgecko Skyline', lofo: { standard: 69.8, reward_low_FP: 48.6, reward_low_FN: 78.2 } },
  { name: 'CAD-OSE', lofo: { standard: 64.4, reward_low_FP: 63.4, reward_low_FN: 66.4 } },
  { name: 'Random Cut Forest', lofo: { standard: 60.0, reward_low_FP: 53.8, reward_low_FN: 65.3 } },
  { name: 'Numenta HTM', lofo: { standard: 59.7, reward_low_FP: 57.0, reward_low_FN: 62.0 } },
  { name: 'Twitter ADVec', lofo: { standard: 54.7, reward_low_FP: 32.4, reward_low_FN: 63.5 } },
  { name: 'Windowed Gaussian', lofo: { standard: 53.8, reward_low_FP: 21.3, reward_low_FN: 66.0 } },
  { name: 'random', lofo: { standard: 17.8, reward_low_FP: 8.5, reward_low_FN: 28.3 } },
];

const PROFILES: NabProfileName[] = ['standard', 'reward_low_FP', 'reward_low_FN'];

/** The `--json` shape: normalised scores per profile. */
export interface EvalJson {
  lofo: Record<NabProfileName, number>;
  inSample: Record<NabProfileName, number>;
}

/**
 * Writes one NAB result file per CSV of `inputDir` into `outDir` (same file name, prefixed `pantau_`).
 * @returns the file names written.
 */
export function writeResults(inputDir: string, outDir: string): string[] {
  const params = nabDetectorParams();
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const f of listCsv(inputDir)) {
    const series = readSeriesCsv(path.join(inputDir, f), f);
    const scores = scoreSeries(series, params);
    const rows = series.timestampsMs.map(
      (t, i) => `${formatNabTimestamp(t)},${series.values[i]},${scores[i]}`,
    );
    const name = `pantau_${f}`;
    writeFileSync(path.join(outDir, name), `timestamp,value,anomaly_score\n${rows.join('\n')}\n`);
    written.push(name);
  }
  return written;
}

/** Runs the NAB evaluation; `null` when the data is absent. */
export function runEvaluation(): { json: EvalJson; report: ReturnType<typeof evaluateDetectorOnNab> } | null {
  const tweets = loadNabTweets();
  if (tweets === null) return null;
  const report = evaluateDetectorOnNab(tweets, nabDetectorParams());
  const json: EvalJson = { lofo: {} as EvalJson['lofo'], inSample: {} as EvalJson['inSample'] };
  for (const p of PROFILES) {
    json.lofo[p] = round(report[p].lofo.score);
    json.inSample[p] = round(report[p].inSample.score);
  }
  return { json, report };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function numentaCheck(): string | null {
  const tweets = loadNabTweets();
  if (tweets === null) return null;
  try {
    const files = tweets.map((s) => {
      const r = readSeriesCsv(path.join(NUMENTA_RESULTS_DIR, `numenta_${s.name}`));
      return {
        name: s.name,
        timestampsMs: r.timestampsMs,
        scores: r.columns['anomaly_score'] ?? [],
        windows: s.windows,
      };
    });
    const rep = evaluateScoredFiles(files);
    return PROFILES.map(
      (p) =>
        `${p}: θ ${rep[p].inSample.threshold.toFixed(6)} in-sample ${rep[p].inSample.score.toFixed(2)} ` +
        `(raw ${rep[p].inSample.raw.toFixed(4)}), LOFO ${rep[p].lofo.score.toFixed(1)}`,
    ).join('\n  ');
  } catch {
    return null;
  }
}

function main(argv: string[]): void {
  const program = new Command()
    .name('eval-spikes')
    .option('--json', 'print one JSON object with the normalised scores')
    .option('--diagnose', 'list windows and detections outside windows per file (standard profile, LOFO θ)')
    .option('--input <dir>', 'folder of timestamp,value CSVs to run the detector over')
    .option('--out <dir>', 'folder for NAB result files (with --input)')
    .parse(argv);
  const opts = program.opts<{ json?: boolean; diagnose?: boolean; input?: string; out?: string }>();
  if (opts.diagnose) {
    const tweets = loadNabTweets();
    process.stdout.write(
      tweets === null
        ? 'skipped: ../shared/data/spikes is absent\n'
        : `${formatDiagnosis(diagnoseNab(tweets, nabDetectorParams())).join('\n')}\n`,
    );
    return;
  }
  if (opts.input !== undefined) {
    const out = opts.out ?? path.join(process.cwd(), 'results-pantau');
    const written = writeResults(opts.input, out);
    process.stdout.write(`wrote ${written.length} result files to ${out}\n`);
    return;
  }
  const t0 = performance.now();
  const result = runEvaluation();
  if (result === null) {
    process.stdout.write(
      opts.json
        ? '{"skipped":"../shared/data/spikes absent"}\n'
        : 'skipped: ../shared/data/spikes is absent\n',
    );
    return;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result.json)}\n`);
    return;
  }
  const { report } = result;
  const lines = [
    'NAB realTweets (six series, 21 windows); Pantau detector, sedang preset at 5-minute buckets, settings fixed',
    '',
    '| detector | LOFO standard | LOFO low-FP | LOFO low-FN | in-sample standard | low-FP | low-FN |',
    '|---|---|---|---|---|---|---|',
    `| **Pantau** | **${report.standard.lofo.score.toFixed(1)}** | **${report.reward_low_FP.lofo.score.toFixed(1)}** | ` +
      `**${report.reward_low_FN.lofo.score.toFixed(1)}** | ${report.standard.inSample.score.toFixed(1)} (θ ${report.standard.inSample.threshold.toFixed(3)}) | ` +
      `${report.reward_low_FP.inSample.score.toFixed(1)} (θ ${report.reward_low_FP.inSample.threshold.toFixed(3)}) | ` +
      `${report.reward_low_FN.inSample.score.toFixed(1)} (θ ${report.reward_low_FN.inSample.threshold.toFixed(3)}) |`,
    ...ANCHORS.map(
      (a) => `| ${a.name} | ${a.lofo.standard} | ${a.lofo.reward_low_FP} | ${a.lofo.reward_low_FN} | | | |`,
    ),
    '',
    'LOFO per file (standard): ' +
      Object.entries(report.standard.lofo.perFile)
        .map(
          ([f, v]) =>
            `${f.replace('Twitter_volume_', '').replace('.csv', '')} θ ${v.threshold.toFixed(3)} raw ${v.raw.toFixed(2)}`,
        )
        .join('; '),
  ];
  const check = numentaCheck();
  if (check !== null)
    lines.push(
      '',
      'Scorer check on Numenta HTM outputs (expected 63.40/5.6292/59.7, 60.18/57.0, 66.08/62.0):',
      `  ${check}`,
    );
  lines.push('', `(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv);
