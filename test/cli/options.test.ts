import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { AnalystNameError } from '../../cli/errors.ts';
import {
  latestDayAnywhere,
  MAX_NOTE_LENGTH,
  parseAnalystName,
  parseDigestDate,
  parseIsoDate,
  parseNote,
  parsePort,
  parseTimeoutMs,
  shortenQuotedValues,
} from '../../cli/options.ts';

describe('parseDigestDate (--date)', () => {
  const noon = Date.parse('2026-11-30T12:00:00Z');

  it('takes the UTC+14 date as the newest day that has begun anywhere', () => {
    // 12:00 UTC + 14 h = 02:00 the next day; 09:59 UTC + 14 h = 23:59 the same day.
    expect(latestDayAnywhere(noon)).toBe('2026-12-01');
    expect(latestDayAnywhere(Date.parse('2026-11-30T09:59:00Z'))).toBe('2026-11-30');
  });

  it('accepts days from 2000-01-01 to the newest day anywhere', () => {
    for (const day of ['2000-01-01', '2010-06-16', '2026-11-29', '2026-12-01'])
      expect(parseDigestDate(day, noon)).toBe(day);
  });

  it('refuses absurd years, future days and days that do not exist, with the same error type', () => {
    for (const day of ['0000-01-01', '0001-01-01', '0099-01-01', '0100-01-01', '1999-12-31'])
      expect(() => parseDigestDate(day, noon)).toThrow(/from 2000-01-01 to 2026-12-01/);
    for (const day of ['2026-12-02', '2099-01-01', '9999-12-31'])
      expect(() => parseDigestDate(day, noon)).toThrow(InvalidArgumentError);
    expect(() => parseDigestDate('2026-02-30', noon)).toThrow(/no day 2026-02-30 in the calendar/);
    expect(() => parseDigestDate('26-11-30', noon)).toThrow(/yyyy-mm-dd/);
  });

  it('leaves plain dates (export-labels) unbounded but still refuses impossible ones', () => {
    expect(parseIsoDate('2100-01-01')).toBe('2100-01-01');
    expect(() => parseIsoDate('2026-02-30')).toThrow(InvalidArgumentError);
  });
});

describe('numeric options', () => {
  it('--timeout takes a whole number of ms from 1 to 120000 and nothing else', () => {
    expect(parseTimeoutMs('1')).toBe(1);
    expect(parseTimeoutMs('15000')).toBe(15_000);
    expect(parseTimeoutMs('120000')).toBe(120_000);
    for (const bad of ['abc', '0', '-1', '', ' ', '1.5', '1e3', '0x10', '120001', '15000ms'])
      expect(() => parseTimeoutMs(bad), bad).toThrow(InvalidArgumentError);
  });

  it('--port takes 0–65535 as plain digits (Number("") would be 0, Number("0x50") 80)', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8787')).toBe(8787);
    expect(parsePort('65535')).toBe(65_535);
    for (const bad of ['', '65536', '-1', '0x50', '80.0', 'http'])
      expect(() => parsePort(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('parseNote (label --note)', () => {
  it('uses the API limit of 2,000 characters: refuses longer notes instead of cutting them', () => {
    expect(MAX_NOTE_LENGTH).toBe(2_000);
    expect(parseNote('a'.repeat(2_000)).note).toHaveLength(2_000);
    expect(() => parseNote('a'.repeat(2_001))).toThrow(/at most 2,000 characters/);
    expect(() => parseNote('a'.repeat(3_000))).toThrow(/got 3,000/);
  });

  it('cleans the note as the API does (white space collapsed, trimmed)', () => {
    expect(parseNote('  bukan\tkeluhan \n warga ')).toEqual({ note: 'bukan keluhan warga' });
  });

  it('names the hidden characters it removed, as the API notice does (QA: never silent)', () => {
    const parsed = parseNote('ok\u202e');
    expect(parsed.note).toBe('ok');
    expect(parsed.notice).toMatch(/^--note: .*U\+202E/);
    expect(parseNote('   ')).toEqual({
      note: '',
      notice: '--note held only blanks or hidden characters: the label is stored without a note',
    });
  });
});

describe('shortenQuotedValues (usage errors)', () => {
  it('names a long value by its first 60 characters and its length instead of echoing it', () => {
    const value = 'x'.repeat(2_500);
    const out = shortenQuotedValues(`error: option '--note <text>' argument '${value}' is invalid.`);
    expect(out).toBe(
      `error: option '--note <text>' argument '${'x'.repeat(60)}…' (2,500 characters) is invalid.`,
    );
  });

  it('leaves short values alone and never splits a surrogate pair', () => {
    const short = "error: option '--port <n>' argument 'abc' is invalid.";
    expect(shortenQuotedValues(short)).toBe(short);
    const emoji = `'${'a'.repeat(59)}😀${'b'.repeat(10)}'`;
    expect(shortenQuotedValues(emoji)).toBe(`'${'a'.repeat(59)}…' (71 characters)`);
  });
});

describe('parseAnalystName (label --by)', () => {
  it('refuses control, format and text-direction characters by code point and position, never dropping them', () => {
    expect(() => parseAnalystName('evil\u202Eadmin')).toThrow(
      new AnalystNameError(
        'label --by contains U+202E at character 5: control, format and text-direction characters are not allowed (as in API key names)',
      ),
    );
    expect(() => parseAnalystName('ana\u200Bsari')).toThrow('contains U+200B at character 4');
    expect(() => parseAnalystName('ana\nsari')).toThrow('contains U+000A at character 4');
    // Counted in characters, not UTF-16 units: the emoji before it is one character.
    expect(() => parseAnalystName('😀\u2066x')).toThrow('contains U+2066 at character 2');
    // A leading byte-order mark is refused too (String#trim would have dropped it silently; QA).
    expect(() => parseAnalystName('\uFEFFanalis@x.id')).toThrow('contains U+FEFF at character 1');
  });

  it('keeps an ordinary name (trimmed, inner blanks as one space) and bounds its length', () => {
    expect(parseAnalystName('  analis@majalengkakab.go.id ')).toBe('analis@majalengkakab.go.id');
    expect(parseAnalystName('Siti  Nurhaliza')).toBe('Siti Nurhaliza');
    expect(parseAnalystName('x'.repeat(200))).toHaveLength(200);
    expect(() => parseAnalystName('x'.repeat(201))).toThrow('label --by is 201 characters long; at most 200');
    expect(() => parseAnalystName('   ')).toThrow(AnalystNameError);
  });
});
