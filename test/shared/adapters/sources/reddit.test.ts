import { describe, expect, it } from 'vitest';
import { SourceAuthError, SourceCredentialsMissingError } from '#shared/adapters/sources/errors.ts';
import { createTestSource, jsonFile, queryOf, testCredentials, useRoutedFixtureServer } from './helpers.ts';

const UA = 'server:id.go.majalengkakab.pantau:0.1 (by /u/diskominfo_mjl)';
const credentials = testCredentials({ reddit: { clientId: 'cid', clientSecret: 'csecret' } });
const TOKEN = jsonFile('test/fixtures/sources/reddit-token.json');
const SEARCH = jsonFile('test/fixtures/sources/reddit-search.json');
const { server, routes } = useRoutedFixtureServer();

function reddit(extra: Record<string, unknown> = {}) {
  return createTestSource(
    {
      id: 'reddit-mjl',
      kind: 'reddit',
      query: 'Majalengka',
      credentials: 'reddit',
      userAgent: UA,
      maxPages: 1,
      ...extra,
    },
    {
      credentials,
      apiBaseUrls: { reddit: `${server.url}/api`, redditAuth: `${server.url}/auth` },
      retry: { retries: 0 },
    },
  );
}

describe('reddit source', () => {
  it('gets an app-only token with Basic auth, searches with the bearer and the descriptive User-Agent', async () => {
    routes['/auth/api/v1/access_token'] = TOKEN;
    routes['/api/r/indonesia/search'] = SEARCH;
    const source = reddit({ subreddit: 'indonesia' });
    const result = await source.fetch({});
    const [auth, search] = server.hits;
    expect(auth?.method).toBe('POST');
    expect(auth?.headers.authorization).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
    expect(auth?.headers['user-agent']).toBe(UA);
    expect(search?.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(search?.headers['user-agent']).toBe(UA);
    expect(Object.fromEntries(queryOf(search?.url))).toEqual({
      q: 'Majalengka',
      sort: 'new',
      t: 'day',
      limit: '100',
      raw_json: '1',
      type: 'link',
      restrict_sr: '1',
    });
    expect(result.items[0]).toEqual({
      sourceItemId: 't3_1h2c3de',
      url: 'https://www.reddit.com/r/indonesia/comments/1h2c3de/bandara_kertajati_majalengka_sepi_lagi/',
      title: 'Bandara Kertajati Majalengka sepi lagi',
      text: 'Ada yang tahu kenapa penerbangan dari Kertajati & Husein dipindah lagi?',
      author: { id: 't2_8x7y6z', handle: 'urang_majalengka' },
      // 1796005800 s = 2026-11-30T02:30:00Z
      publishedAt: '2026-11-30T02:30:00.000Z',
      outlet: 'reddit.com/r/indonesia',
      engagement: { likes: 154, replies: 89 },
    });
    // Deleted author left out; negative score → 0 likes; fractional seconds floored to ms.
    expect(result.items[1]).toMatchObject({
      author: {},
      engagement: { likes: 0, replies: 2 },
      publishedAt: '2026-11-29T23:46:40.500Z',
    });
    expect(result.rejected).toHaveLength(1);
    expect(result.warnings).toEqual(['1 pages read and older posts remain in the day window']);

    await source.fetch({});
    expect(server.hitsFor('/auth/api/v1/access_token')).toHaveLength(1);
  });

  it('stops paging once it reaches posts older than the last one handed on', async () => {
    routes['/auth/api/v1/access_token'] = TOKEN;
    routes['/api/search'] = SEARCH;
    const result = await reddit({ maxPages: 3 }).fetch({
      cursor: { lastSeenAt: '2026-11-30T00:00:00.000Z' },
    });
    expect(server.hitsFor('/api/search')).toHaveLength(1);
    expect(result.warnings).toBeUndefined();
  });

  it('is skipped without credentials and fails with SourceAuthError when they are refused', async () => {
    const skipped = await reddit({ credentials: 'other' })
      .fetch({})
      .catch((e: unknown) => e);
    expect(skipped).toBeInstanceOf(SourceCredentialsMissingError);
    routes['/auth/api/v1/access_token'] = { status: 401, body: '{"message": "Unauthorized", "error": 401}' };
    const refused = await reddit()
      .fetch({})
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceAuthError);
    expect((refused as Error).message).not.toContain('csecret');
  });
});
