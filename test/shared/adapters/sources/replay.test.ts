import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { parseReplayLines, ReplayFileError } from '#shared/adapters/sources/replay.ts';
import { ReplaySourceSchema } from '#shared/domain/config.ts';
import { IsoUtcSchema } from '#shared/domain/mention.ts';

const replay = (path: string, baseDir?: string) =>
  createSource(
    ReplaySourceSchema.parse({ id: 'replay-test', kind: 'replay', path }),
    baseDir ? { baseDir } : {},
  );

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
