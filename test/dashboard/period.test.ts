/**
 * The dashboard's period rule (`dashboard/period.js`), loaded as the browser loads it: "N hari" is the last
 * N WIB calendar days including today (or ending with "Sampai tanggal"), "24 jam" the last 24 whole hours.
 * Expected instants and captions are worked out by hand (WIB = UTC+07:00, so 00:00 WIB is 17:00Z the day
 * before); the API's own alignment (`alignRange`) is the cross-check that the chart asks for the same range.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRange } from '#shared/domain/api/schemas.ts';
import { alignRange, bucketize } from '#shared/domain/api/trends.ts';

interface Range {
  from: string;
  to: string;
  interval: 'hour' | 'day';
}
interface PeriodModule {
  periodRange(days: number, until: string, nowMs: number): Range;
  periodCaption(range: { from: string; to: string }): string;
  wibDate(ms: number): string;
  earliestUntil(days: number): string;
  dateText(date: string): string;
  EARLIEST_DATE: string;
  PeriodTooEarlyError: new (earliestUntil: string) => RangeError & { earliestUntil: string };
}

let period: PeriodModule;
beforeAll(async () => {
  period = (await import(
    pathToFileURL(join(import.meta.dirname, '../../dashboard/period.js')).href
  )) as PeriodModule;
});

/** 1 Dec 2026, 09:19:56 WIB. */
const NOW = Date.parse('2026-12-01T02:19:56Z');

describe('dashboard period', () => {
  it('takes "7 hari" as the last 7 WIB days including today, up to tomorrow 00:00 WIB', () => {
    const r = period.periodRange(7, '', NOW);
    expect(r).toEqual({ from: '2026-11-24T17:00:00.000Z', to: '2026-12-01T17:00:00.000Z', interval: 'day' });
    expect(period.periodCaption(r)).toBe('25 Nov – 1 Des 2026 (WIB)');
  });

  it('uses the WIB date, not the UTC date, for "today"', () => {
    // 01:30 WIB on 1 Dec is still 30 Nov in UTC.
    expect(period.periodRange(7, '', Date.parse('2026-11-30T18:30:00Z'))).toEqual(
      period.periodRange(7, '', NOW),
    );
    const lastMinute = period.periodRange(7, '', Date.parse('2026-11-30T16:59:59.999Z'));
    expect(lastMinute).toEqual({
      from: '2026-11-23T17:00:00.000Z',
      to: '2026-11-30T17:00:00.000Z',
      interval: 'day',
    });
    expect(period.periodCaption(lastMinute)).toBe('24–30 Nov 2026 (WIB)');
  });

  it('ends with "Sampai tanggal" and reads a future end date as today', () => {
    const r = period.periodRange(7, '2026-11-29', NOW);
    expect(r).toEqual({ from: '2026-11-22T17:00:00.000Z', to: '2026-11-29T17:00:00.000Z', interval: 'day' });
    expect(period.periodCaption(r)).toBe('23–29 Nov 2026 (WIB)');
    expect(period.periodRange(7, '2026-12-05', NOW)).toEqual(period.periodRange(7, '', NOW));
    expect(period.periodRange(30, '2026-12-01', NOW)).toEqual(period.periodRange(30, '', NOW));
  });

  it('gives exactly N day buckets that the API does not move, for every period', () => {
    for (const days of [7, 30, 90]) {
      for (const until of ['', '2026-11-29', '2026-03-01']) {
        const r = period.periodRange(days, until, NOW);
        expect(alignRange(r.from, r.to, 'day', 'Asia/Jakarta')).toEqual({ from: r.from, to: r.to });
        expect(bucketize([], r.from, r.to, 'day', 'Asia/Jakarta')).toHaveLength(days);
      }
    }
  });

  it('takes "24 jam" as the last 24 whole hours including the current one, or the 24 hours of the end date', () => {
    const r = period.periodRange(1, '', NOW);
    expect(r).toEqual({ from: '2026-11-30T03:00:00.000Z', to: '2026-12-01T03:00:00.000Z', interval: 'hour' });
    expect(period.periodCaption(r)).toBe('30 Nov 10.00 – 1 Des 2026 10.00 WIB');
    expect(alignRange(r.from, r.to, 'hour', 'Asia/Jakarta')).toEqual({ from: r.from, to: r.to });
    expect(bucketize([], r.from, r.to, 'hour', 'Asia/Jakarta')).toHaveLength(24);

    const day = period.periodRange(1, '2026-11-29', NOW);
    expect(day).toEqual({
      from: '2026-11-28T17:00:00.000Z',
      to: '2026-11-29T17:00:00.000Z',
      interval: 'hour',
    });
    expect(period.periodCaption(day)).toBe('29 Nov 2026 (WIB)');
  });

  it('names both years when the period crosses New Year', () => {
    const r = period.periodRange(7, '2027-01-02', Date.parse('2027-01-10T05:00:00Z'));
    expect(r.from).toBe('2026-12-26T17:00:00.000Z');
    expect(period.periodCaption(r)).toBe('27 Des 2026 – 2 Jan 2027 (WIB)');
  });

  it('refuses a period that is not a whole number of days and an end date that does not exist', () => {
    for (const days of [0, -7, 1.5, Number.NaN]) {
      expect(() => period.periodRange(days, '', NOW)).toThrow(RangeError);
    }
    for (const until of ['2026-02-30', '2026-13-01', '29-11-2026', '+012026-01-01']) {
      expect(() => period.periodRange(7, until, NOW)).toThrow(RangeError);
    }
  });

  it('refuses, before any request, a period the API would refuse for starting before 2000-01-01 (QA second pass)', () => {
    // 1 Jan 2000 + N − 1 days (2000 is a leap year: 31 + 29 days to 1 Mar).
    expect([1, 7, 30, 90].map((days) => period.earliestUntil(days))).toEqual([
      '2000-01-01',
      '2000-01-07',
      '2000-01-30',
      '2000-03-30',
    ]);
    for (const days of [1, 7, 30, 90]) {
      const first = period.earliestUntil(days);
      const r = period.periodRange(days, first, NOW);
      expect(r.from, `${days}`).toBe('1999-12-31T17:00:00.000Z');
      // The API's own bound agrees: the first allowed period passes, one day earlier does not.
      expect(resolveRange(r, NOW, 'Asia/Jakarta', { default: 7, max: 92 })).toEqual({
        from: r.from,
        to: r.to,
      });
      const dayBefore = { from: '1999-12-30T17:00:00.000Z', to: r.to };
      expect(resolveRange(dayBefore, NOW, 'Asia/Jakarta')).toMatchObject({
        issues: [{ code: 'date_out_of_range' }],
      });
    }
    for (const [days, until] of [
      [1, '1999-12-31'],
      [7, '2000-01-06'],
      [7, '0001-01-01'],
      [90, '2000-03-29'],
    ] as const) {
      const error = (() => {
        try {
          period.periodRange(days, until, NOW);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, `${days} ${until}`).toBeInstanceOf(period.PeriodTooEarlyError);
      expect((error as { earliestUntil: string }).earliestUntil).toBe(period.earliestUntil(days));
    }
    expect(period.dateText(period.earliestUntil(7))).toBe('7 Jan 2000');
  });

  it('dates an instant in WIB', () => {
    expect(period.wibDate(Date.parse('2026-11-30T16:59:59.999Z'))).toBe('2026-11-30');
    expect(period.wibDate(Date.parse('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
  });
});
