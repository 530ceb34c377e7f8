import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedParseError, SourceHttpError, SourceTimeoutError } from '#shared/adapters/sources/errors.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import type { FeedFetchResult } from '#shared/adapters/sources/rss.ts';
import { RssSourceSchema } from '#shared/domain/config.ts';
import { mentionId } from '#shared/domain/mention.ts';
import { canonicalUrl } from '#shared/domain/url.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { type FixtureServer, startFixtureServer } from '../../../helpers/fixture-server.ts';

const FEEDS = 'test/fixtures/feeds';
const clock = fixedClock(Date.parse('2026-12-01T00:00:00.000Z'));
const retry = { retries: 2, minDelayMs: 5, maxDelayMs: 20, jitter: false };
const rss = { 'content-type': 'application/rss+xml' };

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function source(id: string, path: string, extra: { timeoutMs?: number } = {}) {
  const config = RssSourceSchema.parse({ id, kind: 'rss', url: `${server?.url}${path}`, keywords: [] });
  return createSource(config, { retry, clock, ...extra });
}

async function poll(id: string, path: string, cursor?: { token?: string }): Promise<FeedFetchResult> {
  return (await source(id, path).fetch(cursor ? { cursor } : {})) as FeedFetchResult;
}

describe('RSS source over HTTP', () => {
  it('returns clean items, rejections, status and the outlet', async () => {
    server = await startFixtureServer({ '/rss': { file: `${FEEDS}/rss-basic.xml`, headers: rss } });
    const result = await poll('rss-radar', '/rss');
    expect(result.httpStatus).toBe(200);
    expect(result.items).toHaveLength(6);
    expect(result.rejected.map((r) => r.reason)).toEqual(['no-link', 'no-link', 'no-text']);
    expect(result.items.every((i) => i.outlet === 'radarmajalengka.example')).toBe(true);
    expect(result.items.every((i) => i.outletDomain === 'radarmajalengka.example')).toBe(true);
    expect(result.charset).toEqual({ name: 'utf-8', source: 'prolog' });
  });

  it.each([
    ['rss-windows-1252.xml', 'Bupati: “Jalan Cikijing” – Selesai 2026', 'Kafe élégant di Majalengka — ramai'],
    ['rss-iso-8859-1.xml', 'Café Jatiwangi Dibuka', 'Pemilik’s kafe: © 2026, sélamat datang'],
  ])('decodes %s from the charset in its prolog', async (file, title, text) => {
    server = await startFixtureServer({ '/rss': { file: `${FEEDS}/${file}`, headers: rss } });
    const result = await poll('rss-lama', '/rss');
    expect(result.charset).toEqual({ name: 'windows-1252', source: 'prolog' });
    expect(result.items[0]).toMatchObject({ title, text, publishedAt: '2026-08-04T02:30:00.000Z' });
  });

  it('lets a UTF-8 Content-Type win over a Latin-1 prolog', async () => {
    server = await startFixtureServer({
      '/rss': {
        file: `${FEEDS}/rss-utf8-mislabelled-prolog.xml`,
        headers: { 'content-type': 'application/rss+xml; charset=UTF-8' },
      },
    });
    const result = await poll('rss-lama', '/rss');
    expect(result.charset).toEqual({ name: 'utf-8', source: 'header' });
    expect(result.items[0]).toMatchObject({
      title: 'Kafé “Situ Cipanten” Ramai',
      text: 'Pengunjung – ramai 😀',
    });
  });

  it('recovers windows-1252 bytes served as UTF-8', async () => {
    server = await startFixtureServer({
      '/rss': {
        file: `${FEEDS}/rss-windows-1252.xml`,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      },
    });
    const result = await poll('rss-lama', '/rss');
    expect(result.charset).toEqual({ name: 'windows-1252', source: 'fallback' });
    expect(result.items[0]?.title).toBe('Bupati: “Jalan Cikijing” – Selesai 2026');
  });

  it('reads Atom feeds', async () => {
    server = await startFixtureServer({ '/atom.xml': { file: `${FEEDS}/atom.xml`, headers: rss } });
    const result = await poll('rss-kertajati', '/atom.xml');
    expect(result.items.map((i) => i.outlet)).toEqual([
      'kabarkertajati.example',
      'kabarkertajati.example',
      'kabarkertajati.example',
    ]);
  });

  it('retries a 500 and then throws SourceHttpError naming the source', async () => {
    server = await startFixtureServer({ '/rss': { status: 500 } });
    await expect(poll('rss-down', '/rss')).rejects.toSatisfy(
      (e) => e instanceof SourceHttpError && e.sourceId === 'rss-down' && e.status === 500,
    );
    expect(server.hits).toHaveLength(3);
  });

  it('throws SourceTimeoutError when the feed hangs', async () => {
    server = await startFixtureServer({ '/rss': { file: `${FEEDS}/rss-basic.xml`, delayMs: 1_000 } });
    const slow = source('rss-slow', '/rss', { timeoutMs: 80 });
    await expect(slow.fetch({})).rejects.toBeInstanceOf(SourceTimeoutError);
    expect(server.hits).toHaveLength(3);
  });

  it('throws FeedParseError naming the source for malformed XML', async () => {
    server = await startFixtureServer({ '/rss': { file: `${FEEDS}/malformed.xml`, headers: rss } });
    await expect(poll('rss-rusak', '/rss')).rejects.toSatisfy(
      (e) =>
        e instanceof FeedParseError &&
        e.sourceId === 'rss-rusak' &&
        /^rss-rusak: malformed XML/.test(e.message),
    );
    expect(server.hits).toHaveLength(1);
  });

  it('uses a conditional GET with the cursor token and returns nothing on 304', async () => {
    const body = readFileSync(`${FEEDS}/rss-dupe-a.xml`);
    server = await startFixtureServer({
      '/rss': ({ req }) =>
        req.headers['if-none-match'] === '"rev-7"'
          ? { status: 304, headers: { etag: '"rev-7"' } }
          : { body, headers: { ...rss, etag: '"rev-7"' } },
    });
    const first = await poll('rss-a', '/rss');
    expect(first.items).toHaveLength(1);
    expect(first.cursor.token).toBeDefined();
    const second = await poll('rss-a', '/rss', first.cursor);
    expect(second).toMatchObject({ items: [], rejected: [], httpStatus: 304, cursor: first.cursor });
    expect(server.hits[1]?.headers['if-none-match']).toBe('"rev-7"');
  });

  it('gives the same canonical URL and mentionId to one article in two feeds', async () => {
    server = await startFixtureServer({
      '/a': { file: `${FEEDS}/rss-dupe-a.xml`, headers: rss },
      '/b': { file: `${FEEDS}/rss-dupe-b.xml`, headers: rss },
    });
    const [a, b] = await Promise.all([poll('rss-a', '/a'), poll('rss-b', '/b')]);
    const urlA = a.items[0]?.url ?? '';
    const urlB = b.items[0]?.url ?? '';
    expect(urlA).not.toBe(urlB);
    expect(canonicalUrl(urlA)).toBe('https://radarmajalengka.example/berita/2001');
    expect(canonicalUrl(urlB)).toBe(canonicalUrl(urlA));
    expect(mentionId(canonicalUrl(urlB))).toBe(mentionId(canonicalUrl(urlA)));
  });
});
