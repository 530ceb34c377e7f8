import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertSameQuery,
  CURSOR_TTL_SECONDS,
  CursorError,
  openCursor,
  queryFingerprint,
  signCursor,
} from '#shared/domain/api/cursor.ts';
import { matchRoute, requiredScope } from '#shared/domain/api/routes.ts';
import { parseInstant, resolveRange } from '#shared/domain/api/schemas.ts';
import { TokenBuckets } from '#shared/domain/api/throttle.ts';
import {
  alignRange,
  bucketize,
  netSentiment,
  UnsupportedTimeZoneError,
  wholeHourOffset,
} from '#shared/domain/api/trends.ts';

const key = Buffer.alloc(32, 1);
const NOW = Date.parse('2026-11-30T07:00:00.000Z');
const content = {
  fingerprint: 'abc',
  after: `2026-11-29T10:00:00.000Z#${'0'.repeat(32)}`,
  from: '2026-11-23T07:00:00.000Z',
  to: '2026-11-30T07:00:00.000Z',
};

function problem(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof CursorError) return error.problem;
    throw error;
  }
  return undefined;
}

describe('cursor', () => {
  it('round-trips and expires after its lifetime', () => {
    const token = signCursor(content, key, NOW);
    expect(openCursor(token, key, NOW + (CURSOR_TTL_SECONDS - 1) * 1000)).toMatchObject({
      q: 'abc',
      a: content.after,
      f: content.from,
      t: content.to,
    });
    expect(problem(() => openCursor(token, key, NOW + CURSOR_TTL_SECONDS * 1000))).toBe('expired');
  });

  it('refuses another key, a forged payload, and garbage', () => {
    const token = signCursor(content, key, NOW);
    expect(problem(() => openCursor(token, Buffer.alloc(32, 2), NOW))).toBe('bad-signature');
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ v: 1, q: 'abc', a: content.after, f: '', t: '', exp: 9e9 })).toString('base64url')}.${mac}`;
    expect(problem(() => openCursor(forged, key, NOW))).toBe('bad-signature');
    expect(problem(() => openCursor('x', key, NOW))).toBe('malformed');
    expect(problem(() => openCursor(`${token}.extra`, key, NOW))).toBe('malformed');
  });

  it('refuses a validly signed payload that is not a cursor', () => {
    const body = Buffer.from(JSON.stringify({ hello: 'world' })).toString('base64url');
    const mac = createHmac('sha256', key).update(body).digest('base64url');
    expect(problem(() => openCursor(`${body}.${mac}`, key, NOW))).toBe('malformed');
  });

  it('binds to the query: order of list values does not matter, their content does', () => {
    const a = queryFingerprint({ sentiment: ['NEGATIVE', 'MIXED'], keyword: 'x', topic: undefined });
    const b = queryFingerprint({ keyword: 'x', sentiment: ['MIXED', 'NEGATIVE'] });
    const c = queryFingerprint({ keyword: 'x', sentiment: ['NEGATIVE'] });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const payload = openCursor(signCursor({ ...content, fingerprint: a }, key, NOW), key, NOW);
    expect(() => assertSameQuery(payload, b)).not.toThrow();
    expect(problem(() => assertSameQuery(payload, c))).toBe('other-query');
  });
});

describe('ranges', () => {
  it('defaults to the 7 days before now', () => {
    expect(resolveRange({}, NOW)).toEqual({
      from: '2026-11-23T07:00:00.000Z',
      to: '2026-11-30T07:00:00.000Z',
    });
  });

  it('converts offsets and dates to UTC', () => {
    expect(resolveRange({ from: '2026-11-29', to: '2026-11-30T07:00:00+07:00' }, NOW)).toEqual({
      from: '2026-11-29T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
    });
  });

  it("reads a bare date as local midnight in the regency's zone", () => {
    expect(resolveRange({ from: '2026-11-29', to: '2026-11-30' }, NOW, 'Asia/Jakarta')).toEqual({
      from: '2026-11-28T17:00:00.000Z',
      to: '2026-11-29T17:00:00.000Z',
    });
    expect(resolveRange({ from: '2026-11-29T00:00Z' }, NOW, 'Asia/Jakarta')).toMatchObject({
      from: '2026-11-29T00:00:00.000Z',
    });
  });

  it('bounds instants to 2000-01-01 … now + 366 days', () => {
    expect(resolveRange({ from: '2000-01-01T00:00Z', to: '2000-01-02' }, NOW)).not.toHaveProperty('issues');
    expect(resolveRange({ from: '1999-12-31T23:59Z', to: '2000-01-02' }, NOW)).toEqual({
      issues: [expect.objectContaining({ path: 'query.from', code: 'date_out_of_range' })],
    });
    // In WIB the floor is local midnight: the bare day 2000-01-01 is allowed, 23:59 WIB on 31 December not.
    expect(resolveRange({ from: '2000-01-01', to: '2000-01-02' }, NOW, 'Asia/Jakarta')).not.toHaveProperty(
      'issues',
    );
    expect(resolveRange({ from: '1999-12-31T16:59Z', to: '2000-01-02' }, NOW, 'Asia/Jakarta')).toEqual({
      issues: [expect.objectContaining({ path: 'query.from', code: 'date_out_of_range' })],
    });
    // NOW + 366 days = 2027-12-01T07:00Z (2027 has no 29 February).
    expect(resolveRange({ from: '2027-11-30', to: '2027-12-01T07:00Z' }, NOW)).not.toHaveProperty('issues');
    expect(resolveRange({ from: '2027-11-30', to: '2027-12-01T07:01Z' }, NOW)).toEqual({
      issues: [expect.objectContaining({ path: 'query.to', code: 'date_out_of_range' })],
    });
  });

  it('parses ISO-8601 strictly: real days and times, offsets within ±14:00', () => {
    expect(parseInstant('2026-11-20T00:00Z')).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(parseInstant('2026-11-20T07:30+07:00')).toBe(Date.parse('2026-11-20T00:30:00Z'));
    expect(parseInstant('2026-11-20T00:00:00+14:00')).toBe(Date.parse('2026-11-19T10:00:00Z'));
    expect(parseInstant('2026-11-20T00:00:00-12:00')).toBe(Date.parse('2026-11-20T12:00:00Z'));
    expect(parseInstant('2026-11-20T00:00:00.5Z')).toBe(Date.parse('2026-11-20T00:00:00.500Z'));
    expect(parseInstant('2024-02-29', 'Asia/Jakarta')).toBe(Date.parse('2024-02-28T17:00:00Z'));
    for (const bad of [
      '2026-11-20T00:00:00+14:01',
      '2026-11-20T00:00:00-14:30',
      '2026-11-20T00:00+07:60',
      '2026-02-29',
      '2026-11-31',
      '2026-11-20T24:00Z',
      '2026-11-20T23:60Z',
      '2026-11-20T00:00',
      '2026-11-20 00:00Z',
      '20261120',
      ' 2026-11-20',
    ])
      expect(parseInstant(bad), bad).toBeUndefined();
  });

  it('accepts exactly 92 days and refuses more', () => {
    expect(resolveRange({ from: '2026-01-01', to: '2026-04-03' }, NOW)).not.toHaveProperty('issues');
    expect(resolveRange({ from: '2026-01-01', to: '2026-04-03T00:00:00.001Z' }, NOW)).toHaveProperty(
      'issues',
    );
  });
});

describe('trend buckets', () => {
  it('aligns ranges to hours and days', () => {
    expect(alignRange('2026-11-26T07:30:00.000Z', '2026-11-26T09:00:00.000Z', 'hour')).toEqual({
      from: '2026-11-26T07:00:00.000Z',
      to: '2026-11-26T09:00:00.000Z',
    });
    expect(alignRange('2026-11-26T07:30:00.000Z', '2026-11-27T00:00:01.000Z', 'day')).toEqual({
      from: '2026-11-26T00:00:00.000Z',
      to: '2026-11-28T00:00:00.000Z',
    });
  });

  it('sums hours into days, zero-filled', () => {
    const zero = { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
    const rows = [
      { hour: '2026-11-26T01:00:00.000Z', counts: { ...zero, POSITIVE: 3, NEGATIVE: 1 } },
      { hour: '2026-11-26T23:00:00.000Z', counts: { ...zero, NEGATIVE: 4 } },
      { hour: '2026-11-28T05:00:00.000Z', counts: { ...zero, NEUTRAL: 2 } },
    ];
    const buckets = bucketize(rows, '2026-11-26T00:00:00.000Z', '2026-11-29T00:00:00.000Z', 'day');
    expect(buckets.map((b) => [b.start, b.total, b.netSentiment])).toEqual([
      ['2026-11-26T00:00:00.000Z', 8, -0.25], // (3 − 5) / 8
      ['2026-11-27T00:00:00.000Z', 0, 0],
      ['2026-11-28T00:00:00.000Z', 2, 0],
    ]);
  });

  it('aligns and sums days of the local zone (WIB days start at 17:00Z)', () => {
    expect(alignRange('2026-11-26T16:59:00.000Z', '2026-11-26T17:00:00.000Z', 'day', 'Asia/Jakarta')).toEqual(
      { from: '2026-11-25T17:00:00.000Z', to: '2026-11-26T17:00:00.000Z' },
    );
    expect(alignRange('2026-11-26T17:00:00.000Z', '2026-11-26T17:00:01.000Z', 'day', 'Asia/Jakarta')).toEqual(
      { from: '2026-11-26T17:00:00.000Z', to: '2026-11-27T17:00:00.000Z' },
    );
    const zero = { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
    const rows = [
      { hour: '2026-11-25T17:00:00.000Z', counts: { ...zero, POSITIVE: 1 } }, // 26 Nov 00:00 WIB
      { hour: '2026-11-26T16:00:00.000Z', counts: { ...zero, NEGATIVE: 2 } }, // 26 Nov 23:00 WIB
      { hour: '2026-11-26T17:00:00.000Z', counts: { ...zero, NEUTRAL: 4 } }, // 27 Nov 00:00 WIB
    ];
    const buckets = bucketize(
      rows,
      '2026-11-25T17:00:00.000Z',
      '2026-11-27T17:00:00.000Z',
      'day',
      'Asia/Jakarta',
    );
    expect(buckets.map((b) => [b.date, b.start, b.total, b.netSentiment])).toEqual([
      ['2026-11-26', '2026-11-25T17:00:00.000Z', 3, -0.3333], // (1 − 2) / 3
      ['2026-11-27', '2026-11-26T17:00:00.000Z', 4, 0],
    ]);
  });

  it('states whole-hour offsets and refuses zones that cut hours', () => {
    expect(wholeHourOffset('Asia/Jakarta', NOW)).toBe('+07:00');
    expect(wholeHourOffset('Asia/Jayapura', NOW)).toBe('+09:00');
    expect(wholeHourOffset('America/Sao_Paulo', NOW)).toBe('-03:00');
    expect(() => alignRange('2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z', 'day', 'Asia/Kolkata')).toThrow(
      UnsupportedTimeZoneError,
    );
  });

  it('computes net sentiment as (positive − negative) / total', () => {
    expect(netSentiment({ POSITIVE: 1, NEGATIVE: 2, NEUTRAL: 0, MIXED: 0 })).toBe(-0.3333);
    expect(netSentiment({ POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 })).toBe(0);
  });
});

describe('routes', () => {
  it('decodes path parameters and refuses undecodable ones', () => {
    const match = matchRoute('POST', '/v1/alerts/2026-11-29T06%3A00%3A00.000Z~kw%3Amajalengka/ack');
    expect(match).toMatchObject({ kind: 'found', params: { id: '2026-11-29T06:00:00.000Z~kw:majalengka' } });
    expect(matchRoute('POST', '/v1/alerts/%zz/ack').kind).toBe('not-found');
  });

  it('needs read for unknown paths, nothing for public routes and preflights', () => {
    expect(requiredScope('GET', '/v1/health')).toBeNull();
    expect(requiredScope('OPTIONS', '/v1/mentions')).toBeNull();
    expect(requiredScope('GET', '/v1/secret-admin')).toBe('read');
    expect(requiredScope('POST', '/v1/alerts/x/ack')).toBe('analyst');
    expect(requiredScope('HEAD', '/v1/mentions')).toBe('read');
  });
});

describe('token buckets', () => {
  it('allows a burst, then refills at the rate', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3 });
    expect([1, 2, 3].map(() => buckets.take('k', 0).ok)).toEqual([true, true, true]);
    expect(buckets.take('k', 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('other', 0).ok).toBe(true);
    expect(buckets.take('k', 499).ok).toBe(false);
    expect(buckets.take('k', 1_000).ok).toBe(true);
  });

  it('forgets the least recently used keys beyond maxKeys', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('c', 0);
    expect(buckets.take('a', 0).ok).toBe(true);
    expect(buckets.take('c', 0).ok).toBe(false);
  });
});
