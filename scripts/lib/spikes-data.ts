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

/** Thrown when a CSV or label file cannot be read as expected. */
export class SpikeDataError extends Error {
  override name = 'SpikeDataError';
}

/** A series read from a CSV: epoch-ms timestamps, values, and any extra numeric columns by name. */
export interface Series {
  name: string;
  timestampsMs: number[];
  values: number[];
  columns: Record<string, number[]>;
}

/** Parses NAB's `2015-03-03 04:37:53[.000000]` (or ISO-8601 with `T`/`Z`) as UTC epoch ms. */
export function parseNabTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?Z?$/.exec(s.trim());
  if (m === null) throw new SpikeDataError(`not a timestamp: ${JSON.stringify(s)}`);
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] === undefined ? 0 : +m[6]) + ms;
}

/** Formats epoch ms the way NAB writes timestamps (`YYYY-MM-DD HH:MM:SS`, UTC). */
export function formatNabTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Reads a CSV with a header whose first two columns are a timestamp and a value.
 * @throws SpikeDataError on a malformed row or out-of-order timestamps.
 */
export function readSeriesCsv(file: string, name = path.basename(file)): Series {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  if (header.length < 2) throw new SpikeDataError(`${file}: expected a header with timestamp,value`);
  const timestampsMs: number[] = [];
  const values: number[] = [];
  const columns: Record<string, number[]> = {};
  for (const h of header.slice(2)) columns[h] = [];
  for (const [i, line] of lines.entries()) {
    const cells = line.split(',');
    const t = parseNabTimestamp(cells[0] ?? '');
    const v = Number(cells[1]);
    if (!Number.isFinite(v)) throw new SpikeDataError(`${file}:${i + 2}: value ${JSON.stringify(cells[1])}`);
    if (timestampsMs.length > 0 && t <= timestampsMs[timestampsMs.length - 1]!) {
      throw new SpikeDataError(`${file}:${i + 2}: timestamps must increase`);
    }
    timestampsMs.push(t);
    values.push(v);
    for (const [j, h] of header.slice(2).entries()) columns[h]!.push(Number(cells[j + 2]));
  }
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
