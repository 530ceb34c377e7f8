import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jwtExpiryMs } from '#shared/adapters/sources/bluesky.ts';
import {
  SourceAuthError,
  SourceCredentialsMissingError,
  SourceHttpError,
} from '#shared/adapters/sources/errors.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import type { FixtureRoute } from '../../../helpers/fixture-server.ts';
import {
  createTestSource,
  jsonFile as json,
  queryOf,
  TEST_NOW,
  testCredentials,
  useRoutedFixtureServer,
} from './helpers.ts';

const SESSION = 'test/fixtures/sources/bluesky-session.json';
const PAGE1 = 'test/fixtures/sources/bluesky-search-page1.json';
const PAGE2 = 'test/fixtures/sources/bluesky-search-page2.json';
const ACCESS_JWT = (JSON.parse(readFileSync(SESSION, 'utf8')) as { accessJwt: string }).accessJwt;
/** `exp` of the fixture's access token: 2026-11-30T12:00:00Z. */
const EXPIRES = Date.parse('2026-11-30T12:00:00.000Z');

const credentials = testCredentials({
  bluesky: { identifier: 'pantau-majalengka.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' },
  half: { identifier: 'x' },
});
const { server, routes } = useRoutedFixtureServer();

const session = json(SESSION);

/** searchPosts answers page 1, then page 2 for the page-1 cursor. */
const search: FixtureRoute = ({ req }) => (queryOf(req.url).get('cursor') ? json(PAGE2) : json(PAGE1));

function bluesky(extra: Record<string, unknown> = {}, clock = fixedClock(TEST_NOW)) {
  return createTestSource(
    {
      id: 'bsky-mjl',
      kind: 'bluesky',
      query: 'Majalengka',
      credentials: 'bluesky',
      service: server.url,
      ...extra,
    },
    { credentials, clock, retry: { retries: 0 } },
  );
}

const searchHits = () => server.hitsFor('/xrpc/app.bsky.feed.searchPosts');
const sessionHits = () => server.hitsFor('/xrpc/com.atproto.server.createSession');

describe('bluesky source', () => {
  it('logs in with the app password, maps posts, rejects a malformed one, and reads one page on the first poll', async () => {
    routes['/xrpc/com.atproto.server.createSession'] = session;
    routes['/xrpc/app.bsky.feed.searchPosts'] = search;
    const result = await bluesky().fetch({});
    expect(sessionHits()).toHaveLength(1);
    expect(sessionHits()[0]?.method).toBe('POST');
    expect(searchHits()).toHaveLength(1);
    expect(searchHits()[0]?.headers.authorization).toBe(`Bearer ${ACCESS_JWT}`);
    const query = queryOf(searchHits()[0]?.url);
    expect(Object.fromEntries(query)).toEqual({ q: 'Majalengka', sort: 'latest', limit: '100' });

    expect(result.items[0]).toEqual({
      sourceItemId: 'at://did:plc:w4rg4mjl2x7q/app.bsky.feed.post/3lbxq2mjkps2a',
      url: 'https://bsky.app/profile/warga-mjl.bsky.social/post/3lbxq2mjkps2a',
      text: 'Antrean di RSUD Majalengka panjang sekali pagi ini. Semoga segera dibenahi.',
      author: { id: 'did:plc:w4rg4mjl2x7q', handle: 'warga-mjl.bsky.social', name: 'Warga Majalengka 🌾' },
      // createdAt 09:40 +07:00 is earlier than indexedAt 02:40:01.512Z
      publishedAt: '2026-11-30T02:40:00.000Z',
      lang: 'id',
      outlet: 'bsky.app',
      // reposts 2 + quotes 1
      engagement: { likes: 17, shares: 3, replies: 4 },
    });
    // Invalid handle → DID in the URL; a createdAt in the future → indexedAt.
    expect(result.items[1]).toMatchObject({
      url: 'https://bsky.app/profile/did:plc:k3rt4j4t1b1jb/post/3lbxpzz7uqk2f',
      publishedAt: '2026-11-30T02:10:00.000Z',
      engagement: {},
    });
    expect(result.items[1]).not.toHaveProperty('lang');
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.detail).toMatch(/^searchPosts page 1 item 2 \(at:\/\/did:plc:broken\/.*uri/);
    expect(JSON.parse(result.cursor?.token ?? '')).toEqual({ v: 1, since: '2026-11-30T02:40:00.000Z' });
  });

  it('pages with the cursor from the saved since, and resumes below `until` when the page bound stops it', async () => {
    routes['/xrpc/com.atproto.server.createSession'] = session;
    routes['/xrpc/app.bsky.feed.searchPosts'] = search;
    const source = bluesky({ maxPages: 1 });
    const start = JSON.stringify({ v: 1, since: '2026-11-29T00:00:00.000Z' });
    const first = await source.fetch({ cursor: { token: start } });
    expect(first.items).toHaveLength(2);
    expect(first.warnings).toEqual(['1 pages read, older posts remain; they are read next poll']);
    expect(JSON.parse(first.cursor?.token ?? '')).toEqual({
      v: 1,
      since: '2026-11-29T00:00:00.000Z',
      until: '2026-11-30T02:10:00.000Z',
      pending: '2026-11-30T02:40:00.000Z',
    });
    routes['/xrpc/app.bsky.feed.searchPosts'] = json(PAGE2);
    const second = await source.fetch({ cursor: first.cursor ?? {} });
    const sent = queryOf(searchHits().at(-1)?.url);
    expect(sent.get('since')).toBe('2026-11-29T00:00:00.000Z');
    expect(sent.get('until')).toBe('2026-11-30T02:10:00.000Z');
    expect(second.items.map((i) => i.url)).toEqual([
      'https://bsky.app/profile/berita-cirebon.bsky.social/post/3lbxnaaaaaa2c',
    ]);
    // Backlog read: since jumps to the newest post seen during the sweep.
    expect(JSON.parse(second.cursor?.token ?? '')).toEqual({ v: 1, since: '2026-11-30T02:40:00.000Z' });
    // One session for both polls.
    expect(sessionHits()).toHaveLength(1);
  });

  it('reuses the session until shortly before its exp, then logs in again', async () => {
    routes['/xrpc/com.atproto.server.createSession'] = session;
    routes['/xrpc/app.bsky.feed.searchPosts'] = json(PAGE2);
    const clock = fixedClock(EXPIRES - 2 * 60_000);
    const source = bluesky({}, clock);
    await source.fetch({});
    await source.fetch({});
    expect(sessionHits()).toHaveLength(1);
    clock.at = EXPIRES - 30_000;
    await source.fetch({});
    expect(sessionHits()).toHaveLength(2);
  });

  it('logs in again once when the API says ExpiredToken, and gives up on a second rejection', async () => {
    routes['/xrpc/com.atproto.server.createSession'] = session;
    const expired = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"ExpiredToken","message":"Token has expired"}',
    };
    let calls = 0;
    routes['/xrpc/app.bsky.feed.searchPosts'] = () => (calls++ === 0 ? expired : json(PAGE2));
    const ok = await bluesky().fetch({});
    expect(ok.items).toHaveLength(1);
    expect(sessionHits()).toHaveLength(2);

    server.hits.length = 0;
    routes['/xrpc/app.bsky.feed.searchPosts'] = expired;
    const error = await bluesky()
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceHttpError);
    expect(sessionHits()).toHaveLength(2);
    expect(searchHits()).toHaveLength(2);
  });

  it('is skipped, without any request, when the credential set is missing or incomplete', async () => {
    for (const name of ['nope', 'half']) {
      const error = await bluesky({ credentials: name })
        .fetch({})
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceCredentialsMissingError);
      expect((error as SourceCredentialsMissingError).code).toBe('credentials-missing');
    }
    expect(server.hits).toHaveLength(0);
  });

  it('fails with SourceAuthError when the app password is refused', async () => {
    routes['/xrpc/com.atproto.server.createSession'] = {
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"AuthenticationRequired","message":"Invalid identifier or password"}',
    };
    const error = await bluesky()
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceAuthError);
    expect((error as Error).message).toMatch(
      /^bsky-mjl: createSession refused credentials "bluesky" \(HTTP 401\)/,
    );
    expect((error as Error).message).not.toContain('abcd-efgh');
  });

  it('reads the exp claim of a JWT', () => {
    expect(jwtExpiryMs(ACCESS_JWT)).toBe(EXPIRES);
    expect(jwtExpiryMs('not-a-jwt')).toBeUndefined();
  });
});
