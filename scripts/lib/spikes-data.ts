/**
 * File I/O for the spike evaluation: NAB-style `timestamp,value` CSVs, NAB result files
 * (`timestamp,value,anomaly_score,…`) and `combined_windows.json`. Timestamps are NAB's naive
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` strings, read as UTC.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** `../shared/data/spikes` seen from the repo root. */
export const SPIKES_DATA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/spikes',
);
export const NAB_TWEETS_DIR = path.join(SPIKES_DATA_DIR, 'nab-realtweets');
export const NUMENTA_RESULTS_DIR = path.join(SPIKES_DATA_DIR, 'nab-results', 'numenta');

/**
 * Thrown when a CSV or label file cannot be read as expected. `file` and `line` (1-based, counting every
 * line of the file, blank ones included) say where, when known; the message already names them.
 */
export class SpikeDataError extends Error {
  override name = 'SpikeDataError';
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, options: { cause?: unknown; file?: string; line?: number } = {}) {
    const where =
      options.file === undefined
        ? ''
        : `${options.file}${options.line === undefined ? '' : `:${options.line}`}: `;
    super(`${where}${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
    this.line = options.line;
  }
}

/** A series read from a CSV: epoch-ms timestamps, values, and any extra numeric columns by name. */
export interface Series {
  name: string;
  timestampsMs: number[];
  values: number[];
  columns: Record<string, number[]>;
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?Z?$/;

/**
 * Parses NAB's `2015-03-03 04:37:53[.000000]` (or ISO-8601 with `T`/`Z`) as UTC epoch ms. Every field is
 * range-checked instead of letting `Date.UTC` roll over (`2026-11-31` is refused, not read as 1 December),
 * and a fraction must be exact in ms (NAB writes `.000000`), so nothing is rounded.
 * @throws SpikeDataError when `s` is not such a timestamp or names a date or time that does not exist.
 */
export function parseNabTimestamp(s: string): number {
  const m = TIMESTAMP_RE.exec(s);
  if (m === null) {
    throw new SpikeDataError(`not a timestamp: ${JSON.stringify(s)} (want YYYY-MM-DD HH:MM:SS, UTC)`);
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] ?? '';
  if (/[1-9]/.test(fraction.slice(3))) {
    throw new SpikeDataError(`timestamp ${JSON.stringify(s)} is finer than a millisecond`);
  }
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC gives day 0 of the next month = the last day of this one.
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw new SpikeDataError(`no such date or time: ${JSON.stringify(s)}`);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** Formats epoch ms the way NAB writes timestamps (`YYYY-MM-DD HH:MM:SS`, UTC). */
export function formatNabTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

// Plain decimal numbers only: `Number()` would also take '' (0), ' 5', '0x10', 'Infinity'.
const NUMBER_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function parseNumber(cell: string | undefined, column: string, file: string, line: number): number {
  if (cell === undefined || !NUMBER_RE.test(cell)) {
    throw new SpikeDataError(`${column} ${JSON.stringify(cell ?? '')} is not a number`, { file, line });
  }
  return Number(cell);
}

/** What {@link readSeriesCsv} checks beyond the format. */
export interface SeriesCsvOptions {
  /** Values must be whole counts ≥ 0 (a count series such as NAB realTweets). @default false */
  counts?: boolean;
  /**
   * Every timestamp must follow the previous one by exactly this many ms (no gaps, no other spacing).
   * @default undefined (only strictly increasing)
   */
  stepMs?: number;
}

/**
 * Reads a CSV whose header starts `timestamp,value` (further columns are read as numbers by name).
 * Nothing is coerced: an empty or malformed cell, a date that does not exist, a row with the wrong number
 * of cells or a header that is not `timestamp,value,…` is an error naming the file and line. Blank lines
 * are skipped but still counted, so line numbers match an editor's.
 * @param file path of the CSV (UTF-8, `\n` or `\r\n` line ends, no quoting, an optional BOM).
 * @param name the series name; @default the file's base name.
 * @throws SpikeDataError (with `file` and `line`) when the file cannot be read, has no data rows, a row is
 * malformed, timestamps do not strictly increase, or an {@link SeriesCsvOptions} check fails.
 */
export function readSeriesCsv(
  file: string,
  name = path.basename(file),
  options: SeriesCsvOptions = {},
): Series {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SpikeDataError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file,
      cause: error,
    });
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0)
    throw new SpikeDataError('empty file (want a header timestamp,value and data rows)', { file });
  const header = lines[headerIndex]!.split(',').map((h) => h.trim());
  if (header[0] !== 'timestamp' || header[1] !== 'value') {
    throw new SpikeDataError(
      `header ${JSON.stringify(lines[headerIndex])} does not start with timestamp,value`,
      { file, line: headerIndex + 1 },
    );
  }
  const extra = header.slice(2);
  const timestampsMs: number[] = [];
  const values: number[] = [];
  const columns: Record<string, number[]> = {};
  for (const h of extra) columns[h] = [];
  let previousLine = 0;
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = raw.split(',');
    if (cells.length !== header.length) {
      throw new SpikeDataError(`${cells.length} cells, header has ${header.length}`, { file, line });
    }
    let t: number;
    try {
      t = parseNabTimestamp(cells[0]!);
    } catch (error) {
      throw new SpikeDataError((error as Error).message, { file, line, cause: error });
    }
    const v = parseNumber(cells[1], 'value', file, line);
    if (options.counts === true && !(Number.isSafeInteger(v) && v >= 0 && /^\d+$/.test(cells[1]!))) {
      throw new SpikeDataError(`value ${JSON.stringify(cells[1])} is not a whole count ≥ 0`, { file, line });
    }
    const last = timestampsMs[timestampsMs.length - 1];
    if (last !== undefined) {
      if (t <= last) {
        throw new SpikeDataError(
          `timestamp ${cells[0]} is not after ${formatNabTimestamp(last)} (line ${previousLine}); timestamps must strictly increase`,
          { file, line },
        );
      }
      if (options.stepMs !== undefined && t - last !== options.stepMs) {
        throw new SpikeDataError(
          `timestamp ${cells[0]} is ${(t - last) / 60_000} min after line ${previousLine}; rows must be exactly ` +
            `${options.stepMs / 60_000} min apart (no gaps)`,
          { file, line },
        );
      }
    }
    timestampsMs.push(t);
    values.push(v);
    for (const [j, h] of extra.entries()) columns[h]!.push(parseNumber(cells[j + 2], h, file, line));
    previousLine = line;
  }
  if (timestampsMs.length === 0) throw new SpikeDataError('no data rows after the header', { file });
  return { name, timestampsMs, values, columns };
}

/** Lists `*.csv` files of a folder, sorted. */
export function listCsv(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort();
}

const WindowsFileSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));

/** Reads `combined_windows.json` into `{ '<dir>/<file>.csv': [[startMs, endMs], …] }`. */
export function readWindows(file: string): Record<string, [number, number][]> {
  const parsed = WindowsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new SpikeDataError(`${file}: not a NAB windows file`, { cause: parsed.error });
  const out: Record<string, [number, number][]> = {};
  for (const [k, ws] of Object.entries(parsed.data)) {
    out[k] = ws.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as [number, number]);
  }
  return out;
}

/** A labelled NAB series. */
export interface LabelledSeries extends Series {
  windows: [number, number][];
}

/** Reads the six realTweets series with their windows; `null` when the data folder is absent. */
export function loadNabTweets(dir = NAB_TWEETS_DIR): LabelledSeries[] | null {
  const windowsFile = path.join(dir, 'combined_windows.json');
  const csvDir = path.join(dir, 'realTweets');
  if (!existsSync(windowsFile) || !existsSync(csvDir)) return null;
  const windows = readWindows(windowsFile);
  return listCsv(csvDir).map((f) => ({
    ...readSeriesCsv(path.join(csvDir, f), f),
    windows: windows[`realTweets/${f}`] ?? [],
  }));
}
