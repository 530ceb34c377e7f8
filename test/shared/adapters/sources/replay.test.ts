import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSource } from '#shared/adapters/sources/factory.ts';
import {
  createReplaySource,
  parseReplayLines,
  ReplayFileError,
  replayFileSource,
} from '#shared/adapters/sources/replay.ts';
import { ReplaySourceSchema } from '#shared/domain/config.ts';
import { IsoUtcSchema } from '#shared/domain/mention.ts';
import { fixedClock } from '#shared/ports/clock.ts';

const replay = (path: string, baseDir?: string) =>
  createSource(
    ReplaySourceSchema.parse({ id: 'replay-test', kind: 'replay', path }),
    baseDir ? { baseDir } : {},
  );

describe('replay: text with no visible character', () => {
  it('rejects a title and text of only zero-width joiners and spaces as no-text, as classify refuses them', () => {
    const line = (title: string) =>
      JSON.stringify({ url: 'https://a.example.id/x', title, publishedAt: '2026-01-02' });
    const parsed = parseReplayLines(`${line('\u200d\u200d \u200d')}\n${line('Majalengka\u200d')}\n`);
    expect(parsed.rejected.map((r) => r.reason)).toEqual(['no-text']);
    expect(parsed.items.map((i) => i.url)).toEqual(['https://a.example.id/x']);
  });
});

describe('replay of a small file with bad lines', () => {
  it('keeps good lines and reports each bad one with its line number', async () => {
    const result = await replay('test/fixtures/feeds/replay-small.jsonl').fetch({});
    expect(result.items).toHaveLength(4);
    expect(result.rejected.map((r) => [r.reason, r.detail?.split(':')[0]])).toEqual([
      ['invalid-json', 'line 4'],
      ['invalid-line', 'line 6'],
      ['invalid-url', 'line 7'],
      ['no-text', 'line 8'],
      ['invalid-date', 'line 9'],
      ['invalid-line', 'line 11'],
    ]);
    expect(result.rejected[1]?.detail).toContain('url');
  });

  it('parses each date precision and flags the coarse ones', async () => {
    const { items } = await replay('test/fixtures/feeds/replay-small.jsonl').fetch({});
    expect(items.slice(0, 3).map((i) => [i.publishedAt, i.publishedAtEstimated])).toEqual([
      ['2018-06-26T16:25:00.000Z', false],
      ['2015-06-09T05:00:00.000Z', true],
      ['2012-02-01T05:00:00.000Z', true],
    ]);
  });

  it('maps fields: source → outlet, text over excerpt, lang subtag, unknown fields ignored', async () => {
    const { items } = await replay('test/fixtures/feeds/replay-small.jsonl').fetch({});
    expect(items[0]).toEqual({
      url: 'https://radarcirebon.disway.id/read/1/jalan-rusak',
      title: 'RSUD Majalengka Membeludak',
      text: '',
      author: {},
      outlet: 'radarcirebon.disway.id',
      publishedAt: '2018-06-26T16:25:00.000Z',
      publishedAtEstimated: false,
      lang: 'id',
    });
    expect(items[1]?.lang).toBe('id');
    expect(items[3]).toEqual({
      url: 'https://blog.example/kertajati',
      text: 'Bandara Kertajati ramai lagi',
      author: {},
      outlet: 'blog.example',
      publishedAt: '2024-03-05T10:00:00.000Z',
      publishedAtEstimated: false,
      lang: 'en',
    });
  });

  it('resolves a relative path against baseDir', async () => {
    const result = await replay('feeds/replay-small.jsonl', resolve('test/fixtures')).fetch({});
    expect(result.items).toHaveLength(4);
  });

  it('throws ReplayFileError naming the source when the file is missing', async () => {
    await expect(replay('test/fixtures/feeds/nope.jsonl').fetch({})).rejects.toSatisfy(
      (e) => e instanceof ReplayFileError && e.sourceId === 'replay-test' && /ENOENT/.test(e.message),
    );
  });

  it('accepts CRLF line endings and a BOM', () => {
    const text =
      '\uFEFF{"url":"https://a.example/1","title":"A"}\r\n{"url":"https://a.example/2","title":"B"}\r\n';
    expect(parseReplayLines(text).items.map((i) => i.title)).toEqual(['A', 'B']);
  });
});

describe('replay of bytes that are not UTF-8 (QA 5)', () => {
  const good = (n: number) => Buffer.from(`{"url":"https://ex.id/${n}","title":"Majalengka ${n}"}`);
  const join0a = (...parts: Buffer[]) =>
    Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('\n'), p])));

  it('rejects a line holding invalid UTF-8 as invalid-utf8 and keeps the others, counts adding up', () => {
    // \xff\xfe never occur in UTF-8: QA's line was stored as "Majalengka \uFFFD\uFFFD bad utf8".
    const bad = Buffer.concat([
      Buffer.from('{"url":"https://ex.id/2","text":"Majalengka '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' bad utf8"}'),
    ]);
    const { items, rejected } = parseReplayLines(join0a(good(1), bad, good(3)));
    expect(items.map((i) => i.url)).toEqual(['https://ex.id/1', 'https://ex.id/3']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBe('invalid-utf8');
    // 44 = the length of '{"url":"https://ex.id/2","text":"Majalengka ' (ASCII), where 0xff starts.
    expect(rejected[0]?.detail).toBe('line 2: not valid UTF-8 at byte 44 (ff fe 20 62)');
    expect(items.length + rejected.length).toBe(3);
  });

  it('rejects a truncated multi-byte sequence and a UTF-8-encoded surrogate, and keeps real multi-byte text', () => {
    const cut = Buffer.concat([
      Buffer.from('{"url":"https://ex.id/2","title":"Majalengka '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('"}'),
    ]);
    // CESU-style U+D800 (ED A0 80) is not UTF-8.
    const surrogate = Buffer.concat([
      Buffer.from('{"url":"https://ex.id/3","title":"Majalengka '),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    const emoji = Buffer.from('{"url":"https://ex.id/4","title":"Majalengka 😡 € ñ مجالنكا"}');
    const { items, rejected } = parseReplayLines(join0a(good(1), cut, surrogate, emoji));
    expect(rejected.map((r) => [r.reason, r.detail?.split(':')[0]])).toEqual([
      ['invalid-utf8', 'line 2'],
      ['invalid-utf8', 'line 3'],
    ]);
    expect(items.map((i) => i.title)).toEqual(['Majalengka 1', 'Majalengka 😡 € ñ مجالنكا']);
  });

  it('points past a U+FFFD the line really holds to the first byte that is not UTF-8', () => {
    // "€" is 3 bytes and "\uFFFD" (EF BF BD) 3 more: the stray 0x80 is at 3 + 3 + 1 = 7.
    const line = Buffer.concat([Buffer.from('€\uFFFD '), Buffer.from([0x80]), Buffer.from('x')]);
    expect(parseReplayLines(line).rejected[0]?.detail).toBe('line 1: not valid UTF-8 at byte 7 (80 78)');
  });

  it('accepts a leading BOM and CRLF in bytes as in text, and skips blank lines', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      good(1),
      Buffer.from('\r\n\r\n'),
      good(2),
      Buffer.from('\r\n'),
    ]);
    const { items, rejected } = parseReplayLines(bytes);
    expect(rejected).toEqual([]);
    expect(items.map((i) => i.title)).toEqual(['Majalengka 1', 'Majalengka 2']);
  });

  it('the source reads the file as bytes, so a bad line in a file is named too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replay-utf8-'));
    const path = join(dir, 'bad.jsonl');
    const bad = Buffer.concat([
      Buffer.from('{"url":"https://ex.id/2","text":"Majalengka '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    await writeFile(path, join0a(good(1), bad, good(3)));
    const result = await createReplaySource(replayFileSource(path)).fetch({});
    expect(result.items).toHaveLength(2);
    expect(result.rejected.map((r) => r.reason)).toEqual(['invalid-utf8']);
    expect(result.items.some((i) => `${i.title}${i.text}`.includes('\uFFFD'))).toBe(false);
    await rm(dir, { recursive: true });
  });
});

describe('replay dates: one range with the API (from 2000-01-01 local) and the feeds (no future)', () => {
  const NOW = Date.parse('2026-11-30T07:00:00.000Z');
  const line = (n: number, publishedAt: string) =>
    JSON.stringify({ url: `https://ex.id/${n}`, title: `Berita Majalengka ${n}`, publishedAt });

  it('rejects dates before 2000-01-01 WIB as date-out-of-range, not invalid-date', () => {
    const text = [
      line(1, '1900-01-01'),
      line(2, '1999-12-31'),
      // 23:59 WIB on 31 December 1999 is 16:59Z, a minute before the floor (17:00Z).
      line(3, '1999-12-31T23:59:00+07:00'),
      line(4, '2000-01-01T00:00:00+07:00'),
      line(5, '2000-01-01'),
      line(6, 'kemarin'),
    ].join('\n');
    const { items, rejected } = parseReplayLines(text, { nowMs: NOW });
    expect(rejected.map((r) => [r.reason, r.detail?.split(':')[0]])).toEqual([
      ['date-out-of-range', 'line 1'],
      ['date-out-of-range', 'line 2'],
      ['date-out-of-range', 'line 3'],
      ['invalid-date', 'line 6'],
    ]);
    expect(rejected[0]?.detail).toContain('before 2000-01-01 (00:00 Asia/Jakarta)');
    expect(items.map((i) => i.publishedAt)).toEqual(['1999-12-31T17:00:00.000Z', '2000-01-01T05:00:00.000Z']);
  });

  it('keeps a line dated after the poll without its date, and names it in a warning', () => {
    const text = [
      line(1, '2026-11-30T07:05:00Z'),
      line(2, '2026-11-30T07:05:01Z'),
      line(3, '2999-01-01'),
    ].join('\n');
    const { items, rejected, warnings } = parseReplayLines(text, { nowMs: NOW });
    expect(rejected).toEqual([]);
    expect(items.map((i) => i.publishedAt)).toEqual(['2026-11-30T07:05:00.000Z', undefined, undefined]);
    expect(warnings).toEqual([
      '2 lines dated more than 5 minutes after the poll (lines 2, 3): kept without the date, so stored at fetch time and flagged estimated',
    ]);
  });

  it('the source checks against its clock and passes the warning on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replay-future-'));
    const path = join(dir, 'future.jsonl');
    await writeFile(path, `${line(1, '2026-12-01')}\n`);
    const source = createReplaySource(replayFileSource(path), { clock: fixedClock(NOW) });
    const result = await source.fetch({});
    expect(result.items[0]?.publishedAt).toBeUndefined();
    expect(result.warnings?.[0]).toMatch(/^1 line dated .* \(line 1\)/);
    const later = createReplaySource(replayFileSource(path), { clock: fixedClock(Date.parse('2026-12-02')) });
    expect((await later.fetch({})).items[0]?.publishedAt).toBe('2026-12-01T05:00:00.000Z');
    await rm(dir, { recursive: true });
  });
});

describe('replayFileSource: a feed unless declared the results of a search', () => {
  it('declares no keywords by default, and the given ones on request', () => {
    expect(replayFileSource('/tmp/x.jsonl')).toEqual({
      id: 'replay',
      kind: 'replay',
      path: '/tmp/x.jsonl',
      enabled: true,
      everyMinutes: 15,
      keywords: [],
    });
    expect(replayFileSource('x.jsonl', { searchKeywords: ['majalengka'] })).toMatchObject({
      path: resolve('x.jsonl'),
      keywords: ['majalengka'],
    });
    expect(ReplaySourceSchema.parse(replayFileSource('x.jsonl'))).toEqual(replayFileSource('x.jsonl'));
    expect(createReplaySource(replayFileSource('x.jsonl')).keywords).toEqual([]);
  });
});

const REAL = resolve('../shared/data/replay/majalengka-real/mentions.jsonl');
describe.skipIf(!existsSync(REAL))('replay of the real Majalengka file (../shared/data)', () => {
  it('accepts all 110 lines, every item dated', async () => {
    const result = await replay(REAL).fetch({});
    expect(result.rejected).toEqual([]);
    expect(result.items).toHaveLength(110);
    for (const item of result.items) {
      expect(IsoUtcSchema.safeParse(item.publishedAt).success).toBe(true);
      expect(item.title).toBeTruthy();
      expect(item.outlet).toBeTruthy();
    }
    // README: 17 full timestamps with +07:00, 84 date-only, 9 month-only → 93 estimated.
    expect(result.items.filter((i) => i.publishedAtEstimated).length).toBe(93);
    expect(result.items.filter((i) => i.lang === 'en').length).toBe(6);
  });
});
if (!existsSync(REAL)) console.warn(`skipping real replay test: ${REAL} not found`);
