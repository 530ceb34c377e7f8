import { describe, expect, it } from 'vitest';
import {
  EARLIEST_PUBLICATION_DATE,
  earliestPublicationMs,
  FUTURE_TOLERANCE_MS,
  isImplausiblyFuture,
  parseDate,
  publicationDateProblem,
  resolvePublishedAt,
} from '#shared/domain/dates.ts';

describe('parseDate', () => {
  // Expected instants are computed by hand: WIB = UTC+7, WITA = UTC+8, WIT = UTC+9.
  it.each([
    ['Mon, 30 Nov 2026 14:05:00 +0700', '2026-11-30T07:05:00.000Z', 'second'],
    ['Mon, 30 Nov 2026 14:05:00+0700', '2026-11-30T07:05:00.000Z', 'second'],
    ['Mon, 30 Nov 2026 07:05:00 GMT', '2026-11-30T07:05:00.000Z', 'second'],
    ['Mon, 30 Nov 2026 14:05:00 +0700 (WIB)', '2026-11-30T07:05:00.000Z', 'second'],
    ['Tue, 10 Jun 03 04:00:00 EST', '2003-06-10T09:00:00.000Z', 'second'],
    ['Senin, 30 Nov 2026 14:05 WIB', '2026-11-30T07:05:00.000Z', 'minute'],
    ['Senin, 30 Nov 2026 14:05 WITA', '2026-11-30T06:05:00.000Z', 'minute'],
    ['Senin, 30 Nov 2026 14:05 WIT', '2026-11-30T05:05:00.000Z', 'minute'],
    ['Senin, 30 November 2026 14:05 (WIB)', '2026-11-30T07:05:00.000Z', 'minute'],
    ['Rabu, 2 Des 2026 pukul 07.00 WIB', '2026-12-02T00:00:00.000Z', 'minute'],
    ['Kamis, 1 Okt 2026 - 00:30 WIB', '2026-09-30T17:30:00.000Z', 'minute'],
    ['5 Mei 2026 19.45 WIB', '2026-05-05T12:45:00.000Z', 'minute'],
    ["Jum'at, 14 Agt 2026 13:00:00 WIB", '2026-08-14T06:00:00.000Z', 'second'],
    ['Sel, 4 Agu 2026 09.30 WIB', '2026-08-04T02:30:00.000Z', 'minute'],
    ['Nov 30, 2026 2:05 PM GMT+7', '2026-11-30T07:05:00.000Z', 'minute'],
    ['2026-11-30T14:05:00+07:00', '2026-11-30T07:05:00.000Z', 'second'],
    ['2026-11-30T14:05:00.123456+0700', '2026-11-30T07:05:00.123Z', 'second'],
    ['2026-11-30T07:05:00Z', '2026-11-30T07:05:00.000Z', 'second'],
    ['2026-11-30t07:05z', '2026-11-30T07:05:00.000Z', 'minute'],
    ['2026-11-30 14:05 WIB', '2026-11-30T07:05:00.000Z', 'minute'],
  ])('%s → %s', (input, iso, precision) => {
    const parsed = parseDate(input);
    expect(parsed).toMatchObject({ iso, precision, zoneAssumed: false, estimated: false });
    expect(parsed?.epochMs).toBe(Date.parse(iso));
  });

  it('ignores a wrong day name (17 Aug 2025 was a Sunday, not a Saturday)', () => {
    expect(parseDate('Sabtu, 17 Agu 2025 08:00 WIB')?.iso).toBe('2025-08-17T01:00:00.000Z');
  });

  it.each([
    ['2026-11-30T14:05:00', '2026-11-30T07:05:00.000Z', 'second'],
    ['2026-11-30 14:05', '2026-11-30T07:05:00.000Z', 'minute'],
    ['Senin, 30 Nov 2026 14:05', '2026-11-30T07:05:00.000Z', 'minute'],
    ['30/11/2026 14.05', '2026-11-30T07:05:00.000Z', 'minute'],
  ])('assumes Asia/Jakarta for %s and flags it', (input, iso, precision) => {
    expect(parseDate(input)).toMatchObject({ iso, precision, zoneAssumed: true, estimated: true });
  });

  it.each([
    ['2025-06-16', '2025-06-16T05:00:00.000Z', 'day'],
    ['30 Desember 2025', '2025-12-30T05:00:00.000Z', 'day'],
    ['Selasa, 30 Des 2025', '2025-12-30T05:00:00.000Z', 'day'],
    ['2012-02', '2012-02-01T05:00:00.000Z', 'month'],
    ['Mei 2026', '2026-05-01T05:00:00.000Z', 'month'],
    ['Oktober 2024', '2024-10-01T05:00:00.000Z', 'month'],
  ])('places the coarse date %s at 12:00 WIB and flags it estimated', (input, iso, precision) => {
    expect(parseDate(input)).toMatchObject({ iso, precision, estimated: true });
  });

  it('assumes the given zone when told (Asia/Makassar = WITA, UTC+8)', () => {
    expect(parseDate('2025-06-16', { timeZone: 'Asia/Makassar' })?.iso).toBe('2025-06-16T04:00:00.000Z');
    expect(parseDate('2025-06-16T10:00:00', { timeZone: 'Asia/Jayapura' })?.iso).toBe(
      '2025-06-16T01:00:00.000Z',
    );
  });

  it('applies daylight saving for zones that have it', () => {
    // New York is UTC-4 in July (EDT) and UTC-5 in January (EST).
    expect(parseDate('2026-07-01T12:00:00', { timeZone: 'America/New_York' })?.iso).toBe(
      '2026-07-01T16:00:00.000Z',
    );
    expect(parseDate('2026-01-01T12:00:00', { timeZone: 'America/New_York' })?.iso).toBe(
      '2026-01-01T17:00:00.000Z',
    );
  });

  it.each([
    [undefined],
    [null],
    [''],
    ['   '],
    ['kemarin sore'],
    ['31 Feb 2026'],
    ['2026-02-30'],
    ['2026-13-01'],
    ['2026-11-30T25:00:00Z'],
    ['2026-11-30T10:61:00Z'],
    ['Mon, 30 Foo 2026 10:00 WIB'],
    ['30 Nov 2026 14:05 XYZ'],
    ['0999-01-01'],
    ['2026'],
    ['12345'],
  ])('returns undefined for %s', (input) => {
    expect(parseDate(input)).toBeUndefined();
  });

  it('rejects an invalid time zone option', () => {
    expect(() => parseDate('2026-01-01', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('future dates', () => {
  const now = Date.parse('2026-12-01T00:00:00.000Z');

  it('tolerates clock skew up to FUTURE_TOLERANCE_MS', () => {
    expect(isImplausiblyFuture(now + FUTURE_TOLERANCE_MS, now)).toBe(false);
    expect(isImplausiblyFuture(now + FUTURE_TOLERANCE_MS + 1, now)).toBe(true);
  });

  it('drops a date beyond the tolerance (local time mislabelled +0000)', () => {
    expect(resolvePublishedAt('Tue, 01 Dec 2026 07:00:00 +0000', { nowMs: now })).toEqual({
      issue: 'future',
    });
    expect(resolvePublishedAt('Tue, 01 Dec 2026 00:04:00 +0000', { nowMs: now })).toEqual({
      publishedAt: '2026-12-01T00:04:00.000Z',
      publishedAtEstimated: false,
    });
  });

  it('reports missing and unparseable dates', () => {
    expect(resolvePublishedAt(undefined, { nowMs: now })).toEqual({ issue: 'missing' });
    expect(resolvePublishedAt('  ', { nowMs: now })).toEqual({ issue: 'missing' });
    expect(resolvePublishedAt('kemarin', { nowMs: now })).toEqual({ issue: 'unparseable' });
  });

  it('passes the estimated flag through', () => {
    expect(resolvePublishedAt('2025-06-16', { nowMs: now })).toEqual({
      publishedAt: '2025-06-16T05:00:00.000Z',
      publishedAtEstimated: true,
    });
  });
});

describe('publication date range (before 2000-01-01 local, or in the future)', () => {
  const now = Date.parse('2026-12-01T00:00:00.000Z');

  it('reads any four-digit year, so range and readability are separate questions', () => {
    // (Zone-less 1900 dates would use Batavia mean time, +07:07:12, so this one carries its offset.)
    expect(parseDate('1900-01-01T12:00:00+07:00')?.iso).toBe('1900-01-01T05:00:00.000Z');
    expect(parseDate('2999-01-01')?.iso).toBe('2999-01-01T05:00:00.000Z');
  });

  it('the floor is 00:00 of 2000-01-01 in the regency zone (WIB = UTC+7 → 1999-12-31T17:00Z)', () => {
    expect(EARLIEST_PUBLICATION_DATE).toBe('2000-01-01');
    expect(new Date(earliestPublicationMs('Asia/Jakarta')).toISOString()).toBe('1999-12-31T17:00:00.000Z');
    expect(new Date(earliestPublicationMs('UTC')).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(new Date(earliestPublicationMs('Asia/Jayapura')).toISOString()).toBe('1999-12-31T15:00:00.000Z');
  });

  it.each([
    ['1900-01-01', 'too-early'],
    ['1999-12-31', 'too-early'],
    ['1999-12-31T23:59:59+07:00', 'too-early'],
    ['2000-01-01T00:00:00+07:00', undefined],
    ['2000-01-01', undefined],
    ['2026-12-01T00:05:00Z', undefined],
    ['2026-12-01T00:05:01Z', 'future'],
    ['2999-01-01', 'future'],
  ])('%s → %s', (text, problem) => {
    const parsed = parseDate(text);
    expect(parsed).toBeDefined();
    expect(
      publicationDateProblem(parsed?.epochMs ?? Number.NaN, { nowMs: now, timeZone: 'Asia/Jakarta' }),
    ).toBe(problem);
  });
});
