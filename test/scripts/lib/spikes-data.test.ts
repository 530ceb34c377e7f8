import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  listCsv,
  NAB_TWEETS_DIR,
  parseNabTimestamp,
  readSeriesCsv,
  SpikeDataError,
} from '../../../scripts/lib/spikes-data.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pantau-spikes-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function csv(text: string): string {
  const file = path.join(dir, `f${n++}.csv`);
  writeFileSync(file, text);
  return file;
}

/** The error `fn` throws, for asserting its fields. */
function thrown(fn: () => unknown): SpikeDataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SpikeDataError);
    return error as SpikeDataError;
  }
  throw new Error('expected a SpikeDataError');
}

describe('parseNabTimestamp', () => {
  it('reads NAB and ISO-8601 forms as UTC, a fraction exactly in ms', () => {
    // 2015-03-03 = 16 497 days after 1970-01-01; 04:37:53 = 16 673 s.
    const ms = (16_497 * 86_400 + 16_673) * 1000;
    expect(parseNabTimestamp('2015-03-03 04:37:53')).toBe(ms);
    expect(parseNabTimestamp('2015-03-03T04:37:53Z')).toBe(ms);
    expect(parseNabTimestamp('2015-03-03 04:37:53.000000')).toBe(ms);
    expect(parseNabTimestamp('2015-03-03 04:37:53.25')).toBe(ms + 250);
    expect(parseNabTimestamp('2015-03-03 04:37')).toBe(ms - 53_000);
  });

  it('accepts 29 February only in a leap year', () => {
    expect(parseNabTimestamp('2024-02-29 00:00:00')).toBe(
      parseNabTimestamp('2024-03-01 00:00:00') - 86_400_000,
    );
    expect(() => parseNabTimestamp('2026-02-29 00:00:00')).toThrow(/no such date/);
  });

  it.each([
    '2026-11-31 00:00:00',
    '2026-13-45 00:00:00',
    '2026-00-10 00:00:00',
    '2026-11-00 00:00:00',
    '2026-11-01 24:00:00',
    '2026-11-01 00:60:00',
    '2026-11-01 00:00:60',
  ])('refuses %s instead of rolling it over', (s) => {
    expect(() => parseNabTimestamp(s)).toThrow(/no such date or time/);
  });

  it.each(['not-a-date', '', ' 2026-11-01 00:00:00', '2026-11-01', '2026-11-01 00:00:00+07:00'])(
    'refuses %j as not a timestamp',
    (s) => {
      expect(() => parseNabTimestamp(s)).toThrow(/not a timestamp/);
    },
  );

  it('refuses sub-millisecond precision rather than rounding it', () => {
    expect(() => parseNabTimestamp('2026-11-01 00:00:00.0005')).toThrow(/finer than a millisecond/);
  });
});

describe('readSeriesCsv', () => {
  const HEAD = 'timestamp,value\n';
  const T0 = Date.UTC(2026, 10, 1);

  it('reads timestamps, values and extra numeric columns; BOM, CRLF and blank lines are fine', () => {
    const s = readSeriesCsv(
      csv(
        '\uFEFFtimestamp,value,anomaly_score\r\n2026-11-01 00:00:00,3,0.5\r\n\r\n2026-11-01 00:05:00,-1.5e2,1\r\n',
      ),
      'x',
    );
    expect(s).toEqual({
      name: 'x',
      timestampsMs: [T0, T0 + 300_000],
      values: [3, -150],
      columns: { anomaly_score: [0.5, 1] },
    });
  });

  it('reports an empty value on its real line, blank lines counted (not coerced to 0)', () => {
    const file = csv(`${HEAD}2026-11-01 00:00:00,3\n\n\n2026-11-01 00:05:00,\n`);
    const e = thrown(() => readSeriesCsv(file));
    expect(e.file).toBe(file);
    expect(e.line).toBe(5);
    expect(e.message).toBe(`${file}:5: value "" is not a number`);
  });

  it.each(['0x10', ' 5', 'Infinity', 'NaN', '5 ', '1,5'])('refuses the value %j', (v) => {
    const file = csv(`${HEAD}2026-11-01 00:00:00,${v}\n`);
    expect(thrown(() => readSeriesCsv(file)).line).toBe(2);
  });

  it('names file and line for a bad timestamp, keeping the parser error as the cause', () => {
    const file = csv(`${HEAD}2026-11-01 00:00:00,1\nnot-a-date,3\n`);
    const e = thrown(() => readSeriesCsv(file));
    expect(e.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not a timestamp`),
    );
    expect(e.cause).toBeInstanceOf(SpikeDataError);
  });

  it('checks the header', () => {
    expect(thrown(() => readSeriesCsv(csv('value,timestamp\n3,2026-11-01 00:00:00\n'))).line).toBe(1);
    expect(thrown(() => readSeriesCsv(csv('2026-11-01 00:00:00,3\n'))).message).toMatch(/header/);
  });

  it('refuses an empty file, a header without rows, and rows with the wrong number of cells', () => {
    expect(thrown(() => readSeriesCsv(csv(''))).message).toMatch(/empty file/);
    expect(thrown(() => readSeriesCsv(csv('\n\n'))).message).toMatch(/empty file/);
    expect(thrown(() => readSeriesCsv(csv(HEAD))).message).toMatch(/no data rows/);
    expect(thrown(() => readSeriesCsv(csv(`${HEAD}2026-11-01 00:00:00,3,4\n`))).message).toMatch(
      /3 cells, header has 2/,
    );
  });

  it('requires strictly increasing timestamps', () => {
    const e = thrown(() => readSeriesCsv(csv(`${HEAD}2026-11-01 00:05:00,1\n2026-11-01 00:05:00,2\n`)));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/strictly increase/);
  });

  it('with counts, refuses negative and fractional values', () => {
    for (const v of ['-3', '2.5', '3.0', '1e3']) {
      const file = csv(`${HEAD}2026-11-01 00:00:00,${v}\n`);
      expect(() => readSeriesCsv(file)).not.toThrow();
      expect(thrown(() => readSeriesCsv(file, 'x', { counts: true })).message).toMatch(/whole count/);
    }
    expect(readSeriesCsv(csv(`${HEAD}2026-11-01 00:00:00,0\n`), 'x', { counts: true }).values).toEqual([0]);
  });

  it('with stepMs, refuses a gap or another spacing and names the line', () => {
    const gap = csv(`${HEAD}2026-11-01 00:00:00,1\n2026-11-01 00:05:00,1\n2026-11-01 00:15:00,1\n`);
    expect(readSeriesCsv(gap).values).toHaveLength(3);
    const e = thrown(() => readSeriesCsv(gap, 'x', { stepMs: 300_000 }));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/10 min after line 3; rows must be exactly 5 min apart/);
  });

  it('wraps an unreadable file', () => {
    const e = thrown(() => readSeriesCsv(path.join(dir, 'missing.csv')));
    expect(e.message).toMatch(/missing\.csv: cannot read: ENOENT/);
  });
});

describe.skipIf(!existsSync(NAB_TWEETS_DIR))(
  'NAB realTweets (skipped when ../shared/data/spikes is absent)',
  () => {
    it('every file passes the strict count reader at 5-minute steps', () => {
      const csvDir = path.join(NAB_TWEETS_DIR, 'realTweets');
      const files = listCsv(csvDir);
      expect(files).toHaveLength(6);
      for (const f of files) {
        const s = readSeriesCsv(path.join(csvDir, f), f, { counts: true, stepMs: 300_000 });
        expect(s.values.length).toBeGreaterThan(15_000);
      }
    });
  },
);
