import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceHttpError, SourceResponseError } from '#shared/adapters/sources/errors.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { compareStatusIds, prevMinId } from '#shared/adapters/sources/mastodon.ts';
import { SourceConfigSchema } from '#shared/domain/config.ts';
import type { SourceFetchResult } from '#shared/ports/mention-source.ts';
import {
  type FixtureRequest,
  type FixtureServer,
  startFixtureServer,
} from '../../../helpers/fixture-server.ts';

const PAGE = 'test/fixtures/sources/mastodon-tag-majalengka.json';
const template = (JSON.parse(readFileSync(PAGE, 'utf8')) as Record<string, unknown>[])[0] as Record<
  string,
  unknown
>;

/** A status shaped like the fixture's first one, with its own id. */
function status(id: number): Record<string, unknown> {
  return {
    ...template,
    id: String(id),
    uri: `https://mastodon.social/users/wargamjl/statuses/${id}`,
    url: `https://mastodon.social/@wargamjl/${id}`,
    content: `<p>Kabar Majalengka nomor ${id}</p>`,
  };
}

/** Ids 101…(100+n) on the "server"; answers `min_id` pages like Mastodon (newest first within a page). */
function timeline(n: number) {
  const all = Array.from({ length: n }, (_, i) => 101 + i);
  return ({ req }: FixtureRequest) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const limit = Number(url.searchParams.get('limit'));
    const minId = url.searchParams.get('min_id');
    const page = minId ? all.filter((id) => id > Number(minId)).slice(0, limit) : all.slice(-limit);
    const newest = page.at(-1);
    return {
      headers: {
        'content-type': 'application/json',
        ...(newest
          ? { link: `<http://x/api/v1/timelines/tag/majalengka?min_id=${newest}>; rel="prev"` }
          : {}),
      },
      body: JSON.stringify([...page].reverse().map(status)),
    };
  };
}

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer({
    '/ok/api/v1/timelines/tag/majalengka': {
      file: PAGE,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        link: '<https://mastodon.social/api/v1/timelines/tag/majalengka?max_id=113540960000000001>; rel="next", <https://mastodon.social/api/v1/timelines/tag/majalengka?min_id=113540982345678903>; rel="prev"',
      },
    },
    '/ok/api/v1/timelines/tag/kertajati': { status: 404, body: '{"error":"Record not found"}' },
    '/paged/api/v1/timelines/tag/majalengka': timeline(7),
    '/shape/api/v1/timelines/tag/majalengka': {
      body: '{"error":"This method requires an authenticated user"}',
    },
    '/slow/api/v1/timelines/tag/majalengka': { status: 429, headers: { 'retry-after': '600' } },
  });
});
afterAll(() => server.close());
afterEach(() => {
  server.hits.length = 0;
});

function mastodon(prefix: string, extra: Record<string, unknown> = {}) {
  return createSource(
    SourceConfigSchema.parse({
      id: 'masto-mjl',
      kind: 'mastodon',
      instance: `${server.url}/${prefix}`,
      hashtags: ['#Majalengka'],
      ...extra,
    }),
    { retry: { retries: 0 } },
  );
}

describe('mastodon source', () => {
  it('maps statuses to items: HTML stripped once, full acct, UTC date, engagement; a bad status is rejected', async () => {
    const result = await mastodon('ok').fetch({});
    expect(result.items).toHaveLength(2);
    const [local, remote] = result.items;
    expect(local).toEqual({
      sourceItemId: 'https://mastodon.social/users/wargamjl/statuses/113540982345678903',
      url: 'https://mastodon.social/@wargamjl/113540982345678903',
      text: 'Jalan di Kadipaten rusak lagi & belum diperbaiki. Mohon perhatian #Majalengka',
      author: { handle: `wargamjl@127.0.0.1`, name: 'Warga Majalengka' },
      publishedAt: '2026-11-30T02:15:40.123Z',
      lang: 'id',
      outlet: 'mastodon.social',
      engagement: { replies: 2, shares: 5, likes: 11 },
    });
    // +07:00 → UTC; spoiler text is the title; NBSP collapsed and the zero-width space removed.
    expect(remote).toMatchObject({
      title: 'Kertajati & politik',
      text: 'Bandara Kertajati sepi lagi hari ini. #majalengka',
      author: { handle: 'pantaujabar@kolektiva.social', name: 'Pantau Jabar :verified:' },
      publishedAt: '2026-11-30T02:05:00.000Z',
      lang: 'id',
      outlet: 'kolektiva.social',
    });
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.reason).toBe('invalid-item');
    expect(result.rejected[0]?.detail).toContain('item 2 (id 113540960000000001)');
    expect(result.rejected[0]?.detail).toContain('created_at');
    // The first poll reads one page (no backfill) and remembers the newest id from the Link header.
    expect(server.hits.map((h) => h.url)).toEqual(['/ok/api/v1/timelines/tag/majalengka?limit=40']);
    expect(JSON.parse(result.cursor?.token ?? '')).toEqual({
      v: 1,
      minIds: { majalengka: '113540982345678903' },
    });
  });

  it('pages forward from the saved min_id up to maxPages, and the next poll continues where it stopped', async () => {
    const source = mastodon('paged', { limit: 2, maxPages: 2 });
    const token = JSON.stringify({ v: 1, minIds: { majalengka: '101' } });
    const first = await source.fetch({ cursor: { token } });
    const ids = (r: SourceFetchResult) => r.items.map((i) => i.url.split('/').at(-1)).sort();
    expect(ids(first)).toEqual(['102', '103', '104', '105']);
    expect(server.hits.map((h) => new URL(h.url, 'http://x').searchParams.get('min_id'))).toEqual([
      '101',
      '103',
    ]);
    expect(first.warnings).toEqual([
      '#majalengka: 2 pages read, more statuses remain; they are read next poll',
    ]);
    const second = await source.fetch({ cursor: first.cursor ?? {} });
    expect(ids(second)).toEqual(['106', '107']);
    expect(second.warnings).toBeUndefined();
    expect(JSON.parse(second.cursor?.token ?? '').minIds.majalengka).toBe('107');
  });

  it('keeps the hashtags that worked when another fails, and reports the failure as a warning', async () => {
    const token = JSON.stringify({ v: 1, minIds: { kertajati: '5' } });
    const result = await mastodon('ok', { hashtags: ['majalengka', 'Kertajati'] }).fetch({
      cursor: { token },
    });
    expect(result.items).toHaveLength(2);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toMatch(/timelines\/tag\/kertajati page 1 failed.*HTTP 404/);
    // The failed hashtag keeps its old cursor.
    expect(JSON.parse(result.cursor?.token ?? '').minIds).toEqual({
      majalengka: '113540982345678903',
      kertajati: '5',
    });
  });

  it('throws a named error with the source id when the body is not a status list', async () => {
    const error = await mastodon('shape')
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceResponseError);
    expect((error as SourceResponseError).sourceId).toBe('masto-mjl');
    expect((error as Error).message).toMatch(
      /^masto-mjl: unexpected response from timelines\/tag\/majalengka page 1/,
    );
  });

  it('fails the poll at once on a 429 whose Retry-After is too long to wait out', async () => {
    const error = await mastodon('slow')
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceHttpError);
    expect((error as SourceHttpError).retryAfterMs).toBe(600_000);
    expect((error as SourceHttpError).retryable).toBe(true);
    expect(server.hits).toHaveLength(1);
  });
});

describe('mastodon helpers', () => {
  it('reads min_id from the Link header prev relation only', () => {
    expect(
      prevMinId('<https://m.example/api?max_id=1>; rel="next", <https://m.example/api?min_id=9>; rel="prev"'),
    ).toBe('9');
    expect(prevMinId('<https://m.example/api?max_id=1>; rel="next"')).toBeUndefined();
    expect(prevMinId(null)).toBeUndefined();
  });

  it('orders snowflake ids numerically, not as text', () => {
    expect(compareStatusIds('99', '100')).toBeLessThan(0);
    expect(compareStatusIds('113540982345678903', '113540970000000002')).toBeGreaterThan(0);
    expect(compareStatusIds('AbC', 'AbD')).toBeLessThan(0);
  });
});
