/**
 * `npm run eval:spikes` — scores Pantau's spike detector on NAB realTweets (three profiles, in-sample and
 * leave-one-file-out) beside the published anchors, and checks the scorer port on Numenta HTM's outputs.
 *
 *   npm run eval:spikes                       table of Pantau vs anchors
 *   npm run eval:spikes -- --json             one JSON object {"lofo": {...}, "inSample": {...}}
 *   npm run eval:spikes -- --diagnose         per file, at its LOFO threshold (standard): every window (hit?
 *                                             when, weight, which test), every detection outside windows, and
 *                                             the level-shift CUSUM's runs that reach its alert bar
 *   npm run eval:spikes -- --input <dir> --out <dir>
 *                                             run the detector (settings fixed) over every `timestamp,value`
 *                                             CSV in <dir>, write NAB result files `timestamp,value,anomaly_score`
 *                                             (both options required; rules in `docs/spikes.md`, Evaluation)
 *   npm run eval:spikes -- --nested [--wide | --memory] [--json]
 *                                             nested LOFO (parameters and θ both chosen on the other five
 *                                             files) over the calibration grid (9 cells, ≈ 30 s) or, with
 *                                             --wide, also the CUSUM's grid (81 cells, ≈ 2.5 min CPU),
 *                                             or, with --memory, the event-memory grid (9 cells)
 *   npm run eval:spikes -- --help
 *
 * Data is read from `../shared/data/spikes`; when it is absent the script says so and exits 0. User errors
 * (options, folders, malformed input) print one message and exit 2.
 */
import { existsSync, mkdirSync, realpathSync, type Stats, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { NabProfileName } from '#shared/domain/spikes/nab-scorer.ts';
import {
  formatNabTimestamp,
  listCsv,
  loadNabTweets,
  NUMENTA_RESULTS_DIR,
  readSeriesCsv,
  SpikeDataError,
} from './lib/spikes-data.ts';
import { diagnoseNab, formatDiagnosis } from './lib/spikes-diagnose.ts';
import {
  evaluateDetectorOnNab,
  evaluateScoredFiles,
  nabDetectorParams,
  scoreSeries,
} from './lib/spikes-nab.ts';
import {
  CALIBRATION_GRID,
  evaluateNested,
  formatNested,
  MEMORY_GRID,
  median,
  WIDE_GRID,
} from './lib/spikes-nested.ts';

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
 * A problem the caller can fix with other arguments or folders: bad options, a missing or wrong
 * `--input`/`--out` folder, an input folder without CSVs, an output that cannot be written. The CLI prints
 * the message without a stack trace and exits 2.
 */
export class EvalUsageError extends Error {
  override name = 'EvalUsageError';
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EvalUsageError(`cannot read ${p}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
}

/**
 * Checks the `--input`/`--out` pair before anything is read or written: `inputDir` must be an existing
 * folder; `outDir` must be a folder or not exist yet (it is created), and must not be `inputDir` itself
 * (compared after resolving symlinks), because `pantau_*.csv` written next to the inputs would be read as
 * inputs by the next run.
 * @returns both paths, absolute.
 * @throws EvalUsageError naming the option and the path.
 */
export function checkIoFolders(inputDir: string, outDir: string): { inputDir: string; outDir: string } {
  const input = path.resolve(inputDir);
  const out = path.resolve(outDir);
  const inStat = statOrNull(input);
  if (inStat === null) throw new EvalUsageError(`--input ${inputDir}: no such folder`);
  if (!inStat.isDirectory()) throw new EvalUsageError(`--input ${inputDir}: is a file, not a folder`);
  const outStat = statOrNull(out);
  if (outStat !== null && !outStat.isDirectory()) {
    throw new EvalUsageError(`--out ${outDir}: is a file, not a folder`);
  }
  if (outStat !== null && realpathSync(out) === realpathSync(input)) {
    throw new EvalUsageError(
      `--out ${outDir} is the --input folder; choose another folder (result files pantau_*.csv next to the ` +
        'inputs would be read as inputs by the next run)',
    );
  }
  return { inputDir: input, outDir: out };
}

/**
 * Writes one NAB result file (`timestamp,value,anomaly_score`) per `*.csv` of `inputDir` into `outDir`
 * (same file name, prefixed `pantau_`; `outDir` is created if needed, existing result files are replaced).
 * Each input must be a NAB count series: header `timestamp,value`, UTC timestamps exactly one detector
 * bucket apart (5 min, from {@link nabDetectorParams}: the detector would learn a gap as empty buckets and
 * has no other bucket size to go by), values whole counts ≥ 0. Every input is read and checked before the
 * first file is written, so a bad file leaves no partial results.
 * @returns the file names written, sorted.
 * @throws EvalUsageError for the folder problems of {@link checkIoFolders}, an input folder without CSVs,
 * or a failed write; SpikeDataError (with file and line) for a malformed input file.
 */
export function writeResults(inputDir: string, outDir: string): string[] {
  const dirs = checkIoFolders(inputDir, outDir);
  const params = nabDetectorParams();
  const files = listCsv(dirs.inputDir);
  if (files.length === 0) throw new EvalUsageError(`--input ${inputDir}: no *.csv files in this folder`);
  const outputs = files.map((f) => {
    const series = readSeriesCsv(path.join(dirs.inputDir, f), f, { counts: true, stepMs: params.bucketMs });
    const scores = scoreSeries(series, params);
    const rows = series.timestampsMs.map(
      (t, i) => `${formatNabTimestamp(t)},${series.values[i]},${scores[i]}`,
    );
    return { name: `pantau_${f}`, text: `timestamp,value,anomaly_score\n${rows.join('\n')}\n` };
  });
  let target = dirs.outDir;
  try {
    mkdirSync(dirs.outDir, { recursive: true });
    for (const o of outputs) {
      target = path.join(dirs.outDir, o.name);
      writeFileSync(target, o.text);
    }
  } catch (error) {
    throw new EvalUsageError(
      `cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  return outputs.map((o) => o.name);
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

/** The scorer check on Numenta HTM's published result files; `null` when they (or NAB) are absent. */
function numentaCheck(): string | null {
  const tweets = loadNabTweets();
  if (tweets === null || !existsSync(NUMENTA_RESULTS_DIR)) return null;
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
}

/** The grids `--nested` can search: calibration (default), `--wide`, `--memory`. */
export type NestedGridName = 'calibration' | 'wide' | 'memory';

/** Parsed command line of `eval-spikes`. */
export type EvalSpikesCli =
  | { mode: 'help' }
  | { mode: 'evaluate'; json: boolean }
  | { mode: 'diagnose' }
  | { mode: 'nested'; grid: NestedGridName; json: boolean }
  | { mode: 'write'; input: string; out: string };

/**
 * Parses the command line (`argv` without the node and script entries). `--input` and `--out` go together
 * (no default output folder) and exclude `--json`/`--diagnose`/`--nested`; `--diagnose` excludes `--json` and
 * `--nested`; `--wide` and `--memory` need `--nested` and exclude each other.
 * @param write receives commander's help text (`--help`).
 * @throws EvalUsageError for an unknown option, a missing option value, a stray argument or a combination
 * above.
 */
export function parseCli(
  args: readonly string[],
  write: (text: string) => void = (t) => process.stdout.write(t),
): EvalSpikesCli {
  const program = new Command()
    .name('npm run eval:spikes --')
    .description(
      'Score the spike detector on NAB realTweets (../shared/data/spikes), or run it over your own CSVs.',
    )
    .option('--json', 'print one JSON object with the normalised scores')
    .option(
      '--diagnose',
      'list windows, detections outside windows and CUSUM runs at the alert bar per file (standard profile, LOFO θ)',
    )
    .option('--nested', 'nested LOFO: detector parameters and θ chosen on the other files (calibration grid)')
    .option('--wide', 'with --nested: also the level-shift CUSUM grid (81 cells, minutes)')
    .option(
      '--memory',
      'with --nested: the event-memory grid (eventMemoryMs × calibration half-life, 9 cells)',
    )
    .option('--input <dir>', 'folder of timestamp,value CSVs to run the detector over (needs --out)')
    .option(
      '--out <dir>',
      'folder for the NAB result files pantau_<name>.csv (needs --input; not the input folder)',
    )
    .addHelpText(
      'after',
      '\nInput CSVs: header timestamp,value; UTC timestamps YYYY-MM-DD HH:MM:SS exactly 5 minutes apart;\n' +
        'values whole counts >= 0. Errors name the file and line and exit with code 2.\n',
    )
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => {} });
  try {
    program.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') return { mode: 'help' };
    if (error instanceof CommanderError) {
      throw new EvalUsageError(error.message.replace(/^error: /, ''), { cause: error });
    }
    throw error;
  }
  const opts = program.opts<{
    json?: boolean;
    diagnose?: boolean;
    nested?: boolean;
    wide?: boolean;
    memory?: boolean;
    input?: string;
    out?: string;
  }>();
  if (opts.wide && !opts.nested) throw new EvalUsageError('--wide needs --nested');
  if (opts.memory && !opts.nested) throw new EvalUsageError('--memory needs --nested');
  if (opts.wide && opts.memory)
    throw new EvalUsageError('--wide and --memory are different grids; choose one');
  if (opts.input !== undefined || opts.out !== undefined) {
    if (opts.input === undefined) throw new EvalUsageError('--out needs --input <dir>');
    if (opts.out === undefined) throw new EvalUsageError('--input needs --out <dir> (there is no default)');
    if (opts.json || opts.diagnose || opts.nested)
      throw new EvalUsageError('--input/--out cannot be combined with --json, --diagnose or --nested');
    return { mode: 'write', input: opts.input, out: opts.out };
  }
  if (opts.diagnose) {
    if (opts.json) throw new EvalUsageError('--diagnose prints text; it cannot be combined with --json');
    if (opts.nested) throw new EvalUsageError('--diagnose cannot be combined with --nested');
    return { mode: 'diagnose' };
  }
  if (opts.nested) {
    const grid = opts.wide ? 'wide' : opts.memory ? 'memory' : 'calibration';
    return { mode: 'nested', grid, json: opts.json === true };
  }
  return { mode: 'evaluate', json: opts.json === true };
}

/** `wrote 1 result file …`, `wrote 6 result files …`. */
export function wroteLine(count: number, outDir: string): string {
  return `wrote ${count} result file${count === 1 ? '' : 's'} to ${outDir}`;
}

function main(args: readonly string[]): void {
  try {
    run(args);
  } catch (error) {
    if (error instanceof EvalUsageError || error instanceof SpikeDataError) {
      process.stderr.write(`eval:spikes: ${error.message}\n`);
      if (error instanceof EvalUsageError)
        process.stderr.write('(npm run eval:spikes -- --help for usage)\n');
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

/** The `--nested --json` shape: nested LOFO and the grid's median plain LOFO, per profile. */
export interface NestedJson {
  grid: NestedGridName;
  cells: number;
  nested: Record<NabProfileName, number>;
  gridMedian: Record<NabProfileName, number>;
}

const GRIDS = { calibration: CALIBRATION_GRID, wide: WIDE_GRID, memory: MEMORY_GRID };

function runNested(grid: NestedGridName, json: boolean): void {
  const tweets = loadNabTweets();
  if (tweets === null) {
    process.stdout.write(
      json ? '{"skipped":"../shared/data/spikes absent"}\n' : 'skipped: ../shared/data/spikes is absent\n',
    );
    return;
  }
  const t0 = performance.now();
  const ev = evaluateNested(tweets, GRIDS[grid]);
  if (json) {
    const out: NestedJson = {
      grid,
      cells: ev.grid.length,
      nested: {} as NestedJson['nested'],
      gridMedian: {} as NestedJson['gridMedian'],
    };
    for (const p of PROFILES) {
      out.nested[p] = round(ev.nested[p].score);
      out.gridMedian[p] = round(median(ev.cells.map((r) => r[p].lofo.score)));
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const lines = [
    `Nested LOFO on NAB realTweets, ${grid} grid (${ev.grid.length} cells): for each file, ` +
      'the cell and θ best on the other five files',
    '',
    ...formatNested(ev),
    '',
    `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function run(args: readonly string[]): void {
  const cli = parseCli(args);
  if (cli.mode === 'help') return;
  if (cli.mode === 'diagnose') {
    const tweets = loadNabTweets();
    process.stdout.write(
      tweets === null
        ? 'skipped: ../shared/data/spikes is absent\n'
        : `${formatDiagnosis(diagnoseNab(tweets, nabDetectorParams())).join('\n')}\n`,
    );
    return;
  }
  if (cli.mode === 'nested') {
    runNested(cli.grid, cli.json);
    return;
  }
  if (cli.mode === 'write') {
    const written = writeResults(cli.input, cli.out);
    process.stdout.write(`${wroteLine(written.length, cli.out)}\n`);
    return;
  }
  const opts = { json: cli.json };
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
