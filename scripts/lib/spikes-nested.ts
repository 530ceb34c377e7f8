/**
 * Nested leave-one-file-out on NAB: an estimate of the score on a series the detector has not seen. Plain
 * LOFO chooses only the threshold θ on the other files; the detector's own parameters were chosen while
 * looking at all six files' scores. Nested LOFO chooses both on the other files: for each held-out file,
 * every cell of a parameter grid is scored on the remaining files at its best θ there, the best cell and
 * its θ are kept, and the held-out file is scored with them (Varma & Simon, "Bias in error estimation when
 * using cross-validation for model selection", _BMC Bioinformatics_ 7:91, 2006; Cawley & Talbot, "On
 * over-fitting in model selection and subsequent selection bias in performance evaluation", _JMLR_ 11,
 * 2010). Used by `npm run eval:spikes -- --nested` (docs/spikes.md, eleventh and twelfth rounds).
 */
import type { DetectorParams } from '#shared/domain/spikes/detector.ts';
import {
  NAB_PROFILE_NAMES,
  NAB_PROFILES,
  type NabFile,
  type NabProfile,
  type NabProfileName,
  normaliseScore,
  optimiseThreshold,
  scoredWindowCount,
  scoreFile,
} from '#shared/domain/spikes/nab-scorer.ts';
import type { LabelledSeries } from './spikes-data.ts';
import { evaluateScoredFiles, type NabReport, nabDetectorParams, scoreSeries } from './spikes-nab.ts';

const DAY_MS = 86_400_000;

/** One point of a parameter grid: a label for tables and the overrides it passes to the detector. */
export interface GridCell {
  label: string;
  overrides: Partial<DetectorParams>;
}

/** The cross product of named value lists, first list outermost; labels read `name=value …`. */
function product(axes: readonly GridAxis[]): GridCell[] {
  let cells: GridCell[] = [{ label: '', overrides: {} }];
  for (const axis of axes) {
    cells = cells.flatMap((c) =>
      axis.values.map(([shown, v]) => ({
        label: `${c.label}${c.label === '' ? '' : ' '}${axis.name}=${shown}`,
        overrides: { ...c.overrides, [axis.key]: v },
      })),
    );
  }
  return cells;
}

/** A grid axis: a detector parameter and the values it takes, each with its label. */
interface GridAxis {
  readonly name: string;
  readonly key: keyof DetectorParams;
  readonly values: readonly [string, number][];
}

/** `calibrationHalfLifeMs` 7 / 14 / 28 days: the second axis of the calibration and event-memory grids. */
const CALIBRATION_HALF_LIFE_AXIS: GridAxis = {
  name: 'calHL',
  key: 'calibrationHalfLifeMs',
  values: [
    ['7d', 7 * DAY_MS],
    ['14d', 14 * DAY_MS],
    ['28d', 28 * DAY_MS],
  ],
};

/** Puts the cell whose overrides equal the shipped defaults first, so a tie goes to the shipped detector. */
function shippedFirst(cells: GridCell[], shipped: Partial<DetectorParams>): GridCell[] {
  const isShipped = (c: GridCell) =>
    Object.entries(c.overrides).every(([k, v]) => shipped[k as keyof DetectorParams] === v);
  return [...cells.filter(isShipped), ...cells.filter((c) => !isShipped(c))];
}

/**
 * The calibration grid of the ninth round: `rarityMs` 2 / 3 / 4 days × `calibrationHalfLifeMs` 7 / 14 / 28
 * days (9 cells; the shipped 3 / 14 first).
 */
export const CALIBRATION_GRID: readonly GridCell[] = shippedFirst(
  product([
    {
      name: 'rarity',
      key: 'rarityMs',
      values: [
        ['2d', 2 * DAY_MS],
        ['3d', 3 * DAY_MS],
        ['4d', 4 * DAY_MS],
      ],
    },
    CALIBRATION_HALF_LIFE_AXIS,
  ]),
  { rarityMs: 3 * DAY_MS, calibrationHalfLifeMs: 14 * DAY_MS },
);

/**
 * The calibration grid × the level-shift CUSUM's grid of the third round (`cusumShift` 1.5 / 2 / 3 ×
 * `slowLevelHalfLifeMs` 3 / 7 / 14 days): 81 cells, every parameter docs/spikes.md reports a sensitivity grid
 * for. The shipped cell first.
 */
export const WIDE_GRID: readonly GridCell[] = shippedFirst(
  CALIBRATION_GRID.flatMap((c) =>
    product([
      {
        name: 'rho',
        key: 'cusumShift',
        values: [
          ['1.5', 1.5],
          ['2', 2],
          ['3', 3],
        ],
      },
      {
        name: 'slowHL',
        key: 'slowLevelHalfLifeMs',
        values: [
          ['3d', 3 * DAY_MS],
          ['7d', 7 * DAY_MS],
          ['14d', 14 * DAY_MS],
        ],
      },
    ]).map((d) => ({ label: `${c.label} ${d.label}`, overrides: { ...c.overrides, ...d.overrides } })),
  ),
  {
    rarityMs: 3 * DAY_MS,
    calibrationHalfLifeMs: 14 * DAY_MS,
    cusumShift: 2,
    slowLevelHalfLifeMs: 7 * DAY_MS,
  },
);

/**
 * The event-memory grid of the twelfth round: `eventMemoryMs` 4 / 5 / 6 weeks × `calibrationHalfLifeMs` 7 / 14 /
 * 28 days (9 cells; the shipped 5 weeks / 14 days first), the analogue of {@link CALIBRATION_GRID} for the
 * parameter that sets how long an earlier comparable event blocks an alert.
 */
export const MEMORY_GRID: readonly GridCell[] = shippedFirst(
  product([
    {
      name: 'memory',
      key: 'eventMemoryMs',
      values: [
        ['4w', 28 * DAY_MS],
        ['5w', 35 * DAY_MS],
        ['6w', 42 * DAY_MS],
      ],
    },
    CALIBRATION_HALF_LIFE_AXIS,
  ]),
  { eventMemoryMs: 35 * DAY_MS, calibrationHalfLifeMs: 14 * DAY_MS },
);

/** What nested LOFO chose for one held-out file. */
export interface NestedFold {
  file: string;
  /** Index of the chosen grid cell. */
  cell: number;
  /** θ chosen with that cell on the other files. */
  threshold: number;
  /** Raw NAB score of the held-out file at that cell and θ. */
  raw: number;
}

/** Nested LOFO under one profile: summed raw score, its normalised score, and each fold's choice. */
export interface NestedResult {
  raw: number;
  score: number;
  folds: NestedFold[];
}

/**
 * Nested LOFO over precomputed detector outputs. `filesByCell[c][f]` is file f scored with grid cell c
 * (every cell lists the same files in the same order). For each file f: for each cell, the best θ on the
 * other files and their summed raw score at it (NAB's own in-sample optimisation, restricted to those
 * files); the cell with the highest such score (ties: the lower index) and its θ score file f.
 * @returns the summed raw score over the held-out files, normalised with the corpus's window count.
 * @throws RangeError when the cells do not list the same number of files, or there are fewer than two files.
 */
export function nestedLofo(filesByCell: readonly (readonly NabFile[])[], profile: NabProfile): NestedResult {
  const first = filesByCell[0];
  if (first === undefined || first.length < 2)
    throw new RangeError('nested LOFO needs ≥ 1 cell and ≥ 2 files');
  if (filesByCell.some((files) => files.length !== first.length))
    throw new RangeError('every grid cell must score the same files');
  const folds: NestedFold[] = [];
  let raw = 0;
  for (let f = 0; f < first.length; f++) {
    let best: { cell: number; threshold: number; score: number } | null = null;
    for (let c = 0; c < filesByCell.length; c++) {
      const others = filesByCell[c]!.filter((_, i) => i !== f);
      const t = optimiseThreshold(others, profile);
      if (best === null || t.score > best.score) best = { cell: c, threshold: t.threshold, score: t.score };
    }
    const held = filesByCell[best!.cell]![f]!;
    const r = scoreFile(held, profile, best!.threshold);
    folds.push({ file: held.name, cell: best!.cell, threshold: best!.threshold, raw: r });
    raw += r;
  }
  const windows = first.reduce((s, file) => s + scoredWindowCount(file), 0);
  return { raw, score: normaliseScore(raw, windows, profile), folds };
}

/** Plain evaluation of every cell and nested LOFO over the grid, per profile. */
export interface NestedEvaluation {
  grid: readonly GridCell[];
  /** Plain in-sample and LOFO figures of every cell (same order as `grid`). */
  cells: NabReport[];
  nested: Record<NabProfileName, NestedResult>;
}

/**
 * Runs the detector once per grid cell over the labelled series (`nabDetectorParams({...base, ...cell})`)
 * and evaluates nested LOFO under all three profiles. Cost: one detector pass per cell (≈ 2–3 s each on the
 * six realTweets files) plus the threshold sweeps.
 */
export function evaluateNested(
  series: readonly LabelledSeries[],
  grid: readonly GridCell[],
  base: Partial<DetectorParams> = {},
): NestedEvaluation {
  const filesByCell: NabFile[][] = grid.map((cell) => {
    const params = nabDetectorParams({ ...base, ...cell.overrides });
    return series.map((s) => ({
      name: s.name,
      timestampsMs: s.timestampsMs,
      scores: scoreSeries(s, params),
      windows: s.windows,
    }));
  });
  const nested = {} as Record<NabProfileName, NestedResult>;
  for (const p of NAB_PROFILE_NAMES) nested[p] = nestedLofo(filesByCell, NAB_PROFILES[p]);
  return { grid, cells: filesByCell.map((files) => evaluateScoredFiles(files)), nested };
}

/** Median of a non-empty list (mean of the middle two for an even length). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Text report: each cell's plain LOFO, the grid median, and the nested figure with each fold's choice. */
export function formatNested(ev: NestedEvaluation): string[] {
  const f2 = (x: number) => x.toFixed(2);
  const lines = ['| cell | LOFO standard / low-FP / low-FN | in-sample standard |', '|---|---|---|'];
  ev.grid.forEach((cell, i) => {
    const r = ev.cells[i]!;
    lines.push(
      `| ${cell.label} | ${f2(r.standard.lofo.score)} / ${f2(r.reward_low_FP.lofo.score)} / ${f2(r.reward_low_FN.lofo.score)} | ${f2(r.standard.inSample.score)} |`,
    );
  });
  const med = (p: NabProfileName) => f2(median(ev.cells.map((r) => r[p].lofo.score)));
  lines.push(
    '',
    `grid median LOFO: ${med('standard')} / ${med('reward_low_FP')} / ${med('reward_low_FN')}`,
    `nested LOFO: ${f2(ev.nested.standard.score)} / ${f2(ev.nested.reward_low_FP.score)} / ${f2(ev.nested.reward_low_FN.score)}`,
  );
  for (const p of NAB_PROFILE_NAMES) {
    lines.push(
      `  ${p}: ${ev.nested[p].folds
        .map(
          (fold) =>
            `${fold.file.replace('Twitter_volume_', '').replace('.csv', '')} [${ev.grid[fold.cell]!.label}] θ ${fold.threshold.toFixed(3)} raw ${f2(fold.raw)}`,
        )
        .join('; ')}`,
    );
  }
  return lines;
}
