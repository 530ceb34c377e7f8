import { describe, expect, it } from 'vitest';
import {
  SourceAuthError,
  SourceBudgetExhaustedError,
  SourceCredentialsMissingError,
  SourceHttpError,
} from '#shared/adapters/sources/errors.ts';
import {
  YouTubeQuotaExceededError,
  type YouTubeState,
  youTubeErrorReasons,
} from '#shared/adapters/sources/youtube.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { type SourceCursor, SourceSkippedError } from '#shared/ports/mention-source.ts';
import type { FixtureRoute } from '../../../helpers/fixture-server.ts';
import {
  createTestSource,
  jsonFile,
  TEST_NOW as NOW,
  queryOf,
  testCredentials,
  useRoutedFixtureServer,
} from './helpers.ts';

const DIR = 'test/fixtures/sources/youtube';
const NOW_ISO = '2026-11-30T10:00:00.000Z';
const API_KEY = 'AIzaSy-test-key-not-real';
const CHANNEL = 'UCpemkabMajalengkaOffic1';
const credentials = testCredentials({ youtube: { apiKey: API_KEY } });
const file = (name: string, status = 200) =>
  jsonFile(`${DIR}/${name}`, status, 'application/json; charset=UTF-8');
const params = (req: { url?: string | undefined }) => queryOf(req.url);
const { server, routes } = useRoutedFixtureServer();

function youtube(extra: Record<string, unknown> = {}, at = NOW) {
  return createTestSource(
    {
      id: 'yt-mjl',
      kind: 'youtube',
      query: 'Majalengka',
      credentials: 'youtube',
      keywords: [],
      ...extra,
    },
    {
      credentials,
      clock: fixedClock(at),
      apiBaseUrls: { youtube: server.url },
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, jitter: false },
    },
  );
}

/** Search answers page 2 for `pageToken=CDIQAA`, else page 1. */
const searchRoute: FixtureRoute = ({ req }) =>
  params(req).get('pageToken') === 'CDIQAA' ? file('search-page2.json') : file('search-page1.json');
/** Comments: the fixture pages for the first search hit, an empty list for any other video. */
const commentsRoute: FixtureRoute = ({ req }) => {
  const p = params(req);
  if (p.get('videoId') !== 'mJlKtj2026a') return file('comments-empty.json');
  return p.get('pageToken') ? file('comments-page2.json') : file('comments-page1.json');
};
const hitsOf = (path: string) => server.hitsFor(path).map((h) => params({ url: h.url }));
const state = (cursor: SourceCursor | undefined): YouTubeState => JSON.parse(cursor?.token ?? '{}');
const token = (s: Omit<YouTubeState, 'uploads' | 'videos'> & Partial<YouTubeState>) =>
  JSON.stringify({ uploads: {}, videos: [], ...s });

describe('youtube source: search and comments', () => {
  it('maps videos and comments, sends the key only as a header, rejects bad items and counts units', async () => {
    routes['/search'] = searchRoute;
    routes['/commentThreads'] = commentsRoute;
    const result = await youtube().fetch({});

    const search = hitsOf('/search');
    // First poll: one page, no time filter (no backfill).
    expect(search).toHaveLength(1);
    expect(Object.fromEntries(search[0] ?? [])).toEqual({
      part: 'snippet',
      type: 'video',
      q: 'Majalengka',
      regionCode: 'ID',
      relevanceLanguage: 'id',
      order: 'date',
      maxResults: '50',
    });
    for (const hit of server.hits) {
      expect(hit.headers['x-goog-api-key']).toBe(API_KEY);
      expect(hit.url).not.toContain(API_KEY);
    }
    // Newest video first, then the next one; each read once with the documented parameters.
    expect(hitsOf('/commentThreads').map((p) => Object.fromEntries(p))).toEqual([
      {
        part: 'snippet',
        videoId: 'mJlKtj2026a',
        order: 'time',
        textFormat: 'plainText',
        maxResults: '100',
      },
      {
        part: 'snippet',
        videoId: 'Rk7xQ9pLm3A',
        order: 'time',
        textFormat: 'plainText',
        maxResults: '100',
      },
    ]);

    expect(result.items).toHaveLength(4);
    expect(result.items[0]).toEqual({
      sourceItemId: 'mJlKtj2026a',
      url: 'https://www.youtube.com/watch?v=mJlKtj2026a',
      title: 'Jalan Rusak di Majalengka "Dibiarkan" Warga Tanam Pisang',
      text: 'Warga Desa Sukahaji, Majalengka menanam pohon pisang di jalan berlubang sebagai bentuk protes & kekecewaan ...',
      author: { id: 'UCmjlNewsChannel000000001', name: 'Majalengka Today' },
      publishedAt: '2026-11-30T03:15:00.000Z',
      outlet: 'youtube.com',
      engagement: {},
    });
    expect(result.items[2]).toEqual({
      sourceItemId: 'UgzK8mJlRusak01AaABAg',
      url: 'https://www.youtube.com/watch?v=mJlKtj2026a&lc=UgzK8mJlRusak01AaABAg',
      text: 'Sudah setahun jalan ini rusak, tolong Pemkab Majalengka segera perbaiki!',
      author: { id: 'UCwargaSukahaji00000001A', name: '@wargasukahaji' },
      publishedAt: '2026-11-30T05:12:40.000Z',
      outlet: 'youtube.com',
      engagement: { likes: 42, replies: 5 },
    });
    expect(result.items[3]).toMatchObject({
      text: 'Kreatif protesnya 😂',
      engagement: { likes: 3, replies: 0 },
    });

    expect(result.rejected.map((r) => r.reason)).toEqual(['invalid-item', 'invalid-item']);
    expect(result.rejected[0]?.detail).toMatch(/^search page 1 item 2 \(id bad!id\): id\.videoId/);
    expect(result.rejected[1]?.detail).toMatch(
      /^commentThreads mJlKtj2026a page 1 item 1 \(id UgyBrokenComment0AaABAg\)/,
    );

    // 1 search (100 units) + 2 comment lists (1 each). 02:00 in Los Angeles: still 2026-11-30 there.
    expect(result.budget).toEqual({ day: '2026-11-30', used: 102, limit: 2_000, unit: 'quota units' });
    expect(result.cursor?.usage).toEqual({ day: '2026-11-30', used: 102 });
    expect(state(result.cursor)).toEqual({
      v: 1,
      search: { q: 'Majalengka', since: '2026-11-30T03:15:00.000Z' },
      uploads: {},
      videos: [
        {
          id: 'mJlKtj2026a',
          publishedAt: '2026-11-30T03:15:00.000Z',
          comments: { since: '2026-11-30T05:12:40.000Z' },
          readAt: NOW_ISO,
        },
        { id: 'Rk7xQ9pLm3A', publishedAt: '2026-11-29T23:40:12.000Z', comments: {}, readAt: NOW_ISO },
      ],
    });
  });

  it('pages the search down to the last sweep, and resumes below the oldest video when the call bound stops it', async () => {
    routes['/search'] = searchRoute;
    const since = '2026-11-29T00:00:00.000Z';
    const full = await youtube({ maxSearchCallsPerRun: 2, commentVideosPerRun: 0 }).fetch({
      cursor: { token: token({ v: 1, search: { q: 'Majalengka', since } }) },
    });
    const calls = hitsOf('/search');
    expect(calls.map((p) => [p.get('publishedAfter'), p.get('pageToken')])).toEqual([
      [since, null],
      [since, 'CDIQAA'],
    ]);
    expect(full.items.map((i) => i.sourceItemId)).toEqual(['mJlKtj2026a', 'Rk7xQ9pLm3A', 'ZzPemkabMJL']);
    expect(full.budget?.used).toBe(200);
    expect(state(full.cursor).search).toEqual({ q: 'Majalengka', since: '2026-11-30T03:15:00.000Z' });

    server.hits.length = 0;
    const bounded = await youtube({ maxSearchCallsPerRun: 1, commentVideosPerRun: 0 }).fetch({
      cursor: { token: token({ v: 1, search: { q: 'Majalengka', since } }) },
    });
    expect(bounded.warnings).toEqual([
      'search: 1 calls made and older videos remain; they are searched next poll',
    ]);
    const backlog = state(bounded.cursor).search;
    expect(backlog).toEqual({
      q: 'Majalengka',
      since,
      until: '2026-11-29T23:40:12.000Z',
      pending: '2026-11-30T03:15:00.000Z',
    });

    server.hits.length = 0;
    routes['/search'] = file('search-page2.json');
    const rest = await youtube({ maxSearchCallsPerRun: 1, commentVideosPerRun: 0 }).fetch({
      cursor: { token: bounded.cursor?.token ?? '' },
    });
    const resumed = hitsOf('/search')[0];
    expect(resumed?.get('publishedAfter')).toBe(since);
    expect(resumed?.get('publishedBefore')).toBe('2026-11-29T23:40:12.000Z');
    expect(rest.items.map((i) => i.sourceItemId)).toEqual(['ZzPemkabMJL']);
    expect(state(rest.cursor).search).toEqual({ q: 'Majalengka', since: '2026-11-30T03:15:00.000Z' });
  });

  it('starts the search afresh when the configured query changed', async () => {
    routes['/search'] = searchRoute;
    await youtube({ commentVideosPerRun: 0 }).fetch({
      cursor: { token: token({ v: 1, search: { q: 'Kertajati', since: '2026-11-29T00:00:00.000Z' } }) },
    });
    expect(hitsOf('/search')[0]?.get('publishedAfter')).toBeNull();
  });

  it('reads a comment backlog over several polls without a gap', async () => {
    routes['/commentThreads'] = commentsRoute;
    const since = '2026-11-30T03:30:00.000Z';
    const tracked = token({
      v: 1,
      videos: [{ id: 'mJlKtj2026a', publishedAt: '2026-11-30T03:15:00.000Z', comments: { since } }],
    });
    const first = await youtube({ maxSearchCallsPerRun: 0, maxPages: 1 }).fetch({
      cursor: { token: tracked },
    });
    expect(first.items.map((i) => i.publishedAt)).toEqual([
      '2026-11-30T05:12:40.000Z',
      '2026-11-30T04:01:00.000Z',
    ]);
    const video = state(first.cursor).videos[0];
    expect(video?.comments?.since).toBe(since);
    expect(video?.comments?.resume?.pending).toBe('2026-11-30T05:12:40.000Z');
    expect(first.warnings).toContain(
      'comments of mJlKtj2026a: 1 pages read; older comments are read next poll',
    );

    server.hits.length = 0;
    const second = await youtube({ maxSearchCallsPerRun: 0, maxPages: 1 }).fetch({
      cursor: { token: first.cursor?.token ?? '' },
    });
    expect(hitsOf('/commentThreads')[0]?.get('pageToken')).toBe(video?.comments?.resume?.pageToken);
    // 03:40 is newer than the last sweep (03:30) and was never read; 03:20 is older and stops the sweep.
    expect(second.items.map((i) => i.sourceItemId)).toEqual(['UgxOlder03AaABAg']);
    expect(state(second.cursor).videos[0]?.comments).toEqual({ since: '2026-11-30T05:12:40.000Z' });
  });

  it('reads a list again from the newest when YouTube refuses the saved page token (overlap, no gap)', async () => {
    routes['/commentThreads'] = ({ req }) =>
      params(req).get('pageToken')
        ? { status: 400, body: '{"error":{"code":400,"errors":[{"reason":"invalidPageToken"}]}}' }
        : file('comments-page1.json');
    const since = '2026-11-30T03:30:00.000Z';
    const resume = { pageToken: 'stale-token', pending: '2026-11-30T05:12:40.000Z' };
    const tracked = token({
      v: 1,
      videos: [{ id: 'mJlKtj2026a', publishedAt: '2026-11-30T03:15:00.000Z', comments: { since, resume } }],
    });
    const refused = await youtube({ maxSearchCallsPerRun: 0 }).fetch({ cursor: { token: tracked } });
    expect(refused.items).toHaveLength(0);
    expect(refused.warnings?.some((w) => w.startsWith('comments of mJlKtj2026a failed;'))).toBe(true);
    // The old high-water mark stays: the next read pages down to it again.
    expect(state(refused.cursor).videos[0]?.comments).toEqual({ since });
  });

  it('follows only videos from the last trackVideoDays, least recently read first, at most commentVideosPerRun', async () => {
    routes['/commentThreads'] = file('comments-empty.json');
    const videos = [
      { id: 'aaaaaaaaaa1', publishedAt: '2026-11-30T01:00:00.000Z', readAt: '2026-11-30T09:00:00.000Z' },
      { id: 'aaaaaaaaaa2', publishedAt: '2026-11-29T01:00:00.000Z', readAt: '2026-11-30T08:00:00.000Z' },
      { id: 'aaaaaaaaaa3', publishedAt: '2026-11-28T01:00:00.000Z' },
      // 8 days old with trackVideoDays 7: dropped.
      { id: 'aaaaaaaaaa4', publishedAt: '2026-11-22T09:59:59.000Z' },
    ];
    const result = await youtube({ maxSearchCallsPerRun: 0, commentVideosPerRun: 2 }).fetch({
      cursor: { token: token({ v: 1, videos }) },
    });
    expect(hitsOf('/commentThreads').map((p) => p.get('videoId'))).toEqual(['aaaaaaaaaa3', 'aaaaaaaaaa2']);
    expect(state(result.cursor).videos.map((v) => v.id)).toEqual([
      'aaaaaaaaaa1',
      'aaaaaaaaaa2',
      'aaaaaaaaaa3',
    ]);
  });
});

describe('youtube source: channel uploads', () => {
  const channelSource = (extra: Record<string, unknown> = {}) =>
    youtube({ query: undefined, channelIds: [CHANNEL], commentVideosPerRun: 0, ...extra });
  const playlistRoute: FixtureRoute = ({ req }) =>
    params(req).get('pageToken') === 'EAAaBlBUOkNESQ'
      ? file('playlist-page2.json')
      : file('playlist-page1.json');

  it('looks up the uploads playlist once, caches it in the cursor, and maps uploads', async () => {
    routes['/channels'] = file('channels.json');
    routes['/playlistItems'] = playlistRoute;
    const first = await channelSource().fetch({});
    expect(Object.fromEntries(hitsOf('/channels')[0] ?? [])).toEqual({
      part: 'contentDetails',
      id: CHANNEL,
      maxResults: '50',
    });
    expect(hitsOf('/playlistItems')[0]?.get('playlistId')).toBe('UUpemkabMajalengkaOffic1');
    expect(first.items).toEqual([
      {
        sourceItemId: 'Adminduk001',
        url: 'https://www.youtube.com/watch?v=Adminduk001',
        title: 'Layanan Adminduk Keliling Hadir di Kecamatan Jatiwangi',
        text: 'Disdukcapil Kabupaten Majalengka membuka layanan KTP-el keliling. #Majalengka #Disdukcapil',
        author: { id: CHANNEL, name: 'Pemkab Majalengka' },
        publishedAt: '2026-11-30T06:00:00.000Z',
        outlet: 'youtube.com',
        engagement: {},
      },
    ]);
    expect(first.rejected).toEqual([
      {
        reason: 'video-unavailable',
        detail: 'playlistItems UUpemkabMajalengkaOffic1: video PrIvAtE0001 is private or deleted',
      },
    ]);
    expect(first.budget?.used).toBe(2);
    const saved = state(first.cursor);
    // Ordered by when the video joined the playlist (06:00:04), not when it was published (06:00:00).
    expect(saved.uploads).toEqual({
      [CHANNEL]: { playlistId: 'UUpemkabMajalengkaOffic1', since: '2026-11-30T06:00:04.000Z' },
    });
    expect(saved.videos.map((v) => v.id)).toEqual(['Adminduk001']);

    server.hits.length = 0;
    await channelSource().fetch({ cursor: { token: first.cursor?.token ?? '' } });
    expect(hitsOf('/channels')).toHaveLength(0);
    expect(hitsOf('/playlistItems')).toHaveLength(1);
  });

  it('pages uploads until the last sweep, and resumes with the saved page token under a page bound', async () => {
    routes['/playlistItems'] = playlistRoute;
    const since = '2026-11-25T00:00:00.000Z';
    const saved = token({ v: 1, uploads: { [CHANNEL]: { playlistId: 'UUpemkabMajalengkaOffic1', since } } });
    const full = await channelSource({ maxPages: 3 }).fetch({ cursor: { token: saved } });
    expect(hitsOf('/playlistItems')).toHaveLength(2);
    // OldUpload01 (2026-11-20) is older than the last sweep: it ends the read and is not handed on again.
    expect(full.items.map((i) => i.sourceItemId)).toEqual(['Adminduk001', 'PasarCiga01']);
    expect(state(full.cursor).uploads[CHANNEL]?.since).toBe('2026-11-30T06:00:04.000Z');

    server.hits.length = 0;
    const bounded = await channelSource({ maxPages: 1 }).fetch({ cursor: { token: saved } });
    expect(bounded.items.map((i) => i.sourceItemId)).toEqual(['Adminduk001']);
    expect(state(bounded.cursor).uploads[CHANNEL]).toEqual({
      playlistId: 'UUpemkabMajalengkaOffic1',
      since,
      resume: { pageToken: 'EAAaBlBUOkNESQ', pending: '2026-11-30T06:00:04.000Z' },
    });
    server.hits.length = 0;
    const rest = await channelSource({ maxPages: 1 }).fetch({
      cursor: { token: bounded.cursor?.token ?? '' },
    });
    expect(hitsOf('/playlistItems')[0]?.get('pageToken')).toBe('EAAaBlBUOkNESQ');
    expect(rest.items.map((i) => i.sourceItemId)).toEqual(['PasarCiga01']);
    expect(state(rest.cursor).uploads[CHANNEL]?.since).toBe('2026-11-30T06:00:04.000Z');
  });

  it('warns about a channel id YouTube does not know and looks it up again next poll', async () => {
    routes['/channels'] = { body: '{"kind":"youtube#channelListResponse","items":[]}' };
    const result = await channelSource().fetch({});
    expect(result.warnings).toEqual([
      `channel ${CHANNEL} not found; check channelIds (looked up again next poll)`,
    ]);
    expect(state(result.cursor).uploads).toEqual({});
  });
});

describe('youtube source: budget, quota and failures', () => {
  it('is skipped without a request when today has fewer units left than its cheapest call', async () => {
    routes['/search'] = searchRoute;
    const error = await youtube({ dailyQuotaUnits: 150 })
      .fetch({ cursor: { usage: { day: '2026-11-30', used: 60 } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBudgetExhaustedError);
    expect((error as SourceSkippedError).code).toBe('budget-exhausted');
    expect((error as Error).message).toContain('60 of 150 quota units on 2026-11-30');
    expect(server.hits).toHaveLength(0);
  });

  it('still reads comments (1 unit) when a search (100 units) no longer fits', async () => {
    routes['/search'] = searchRoute;
    routes['/commentThreads'] = file('comments-empty.json');
    const result = await youtube({ dailyQuotaUnits: 150 }).fetch({
      cursor: {
        usage: { day: '2026-11-30', used: 60 },
        token: token({ v: 1, videos: [{ id: 'Rk7xQ9pLm3A', publishedAt: '2026-11-29T23:40:12.000Z' }] }),
      },
    });
    expect(hitsOf('/search')).toHaveLength(0);
    expect(hitsOf('/commentThreads')).toHaveLength(1);
    expect(result.budget).toEqual({ day: '2026-11-30', used: 61, limit: 150, unit: 'quota units' });
    expect(result.warnings?.[0]).toMatch(
      /^search: daily quota budget spent \(60 of 150 units; a search costs 100\)/,
    );
  });

  it('stops reading comments when the budget runs out mid-poll, newest video first', async () => {
    routes['/search'] = searchRoute;
    routes['/commentThreads'] = commentsRoute;
    const result = await youtube({ dailyQuotaUnits: 101 }).fetch({});
    expect(hitsOf('/commentThreads').map((p) => p.get('videoId'))).toEqual(['mJlKtj2026a']);
    expect(result.warnings).toEqual([
      'comments: daily quota budget spent (101 of 101 units); the rest are read after the quota day rolls over',
    ]);
    // The unread video keeps no readAt, so it is first in line next poll.
    expect(state(result.cursor).videos.find((v) => v.id === 'Rk7xQ9pLm3A')?.readAt).toBeUndefined();
  });

  it('counts the budget per Pacific-time day (YouTube resets its quota at midnight in Los Angeles)', async () => {
    routes['/search'] = searchRoute;
    const spent = { usage: { day: '2026-11-30', used: 150 } };
    // 07:30Z on 1 December is 23:30 PST on 30 November: still the spent day.
    const late = await youtube(
      { dailyQuotaUnits: 150, commentVideosPerRun: 0 },
      Date.parse('2026-12-01T07:30:00.000Z'),
    )
      .fetch({ cursor: spent })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(SourceBudgetExhaustedError);
    // 08:30Z is 00:30 PST on 1 December: a new quota day.
    const fresh = await youtube(
      { dailyQuotaUnits: 150, commentVideosPerRun: 0 },
      Date.parse('2026-12-01T08:30:00.000Z'),
    ).fetch({ cursor: spent });
    expect(fresh.budget).toEqual({ day: '2026-12-01', used: 100, limit: 150, unit: 'quota units' });
  });

  it('treats comments disabled on a video as a warning, and stops asking for that video', async () => {
    routes['/search'] = searchRoute;
    routes['/commentThreads'] = ({ req }) =>
      params(req).get('videoId') === 'mJlKtj2026a'
        ? file('error-comments-disabled.json', 403)
        : file('comments-empty.json');
    const result = await youtube().fetch({});
    expect(result.items).toHaveLength(2);
    expect(result.warnings).toEqual([
      'comments are disabled on video mJlKtj2026a; its comments are not read again',
    ]);
    expect(state(result.cursor).videos.find((v) => v.id === 'mJlKtj2026a')?.off).toBe(true);

    server.hits.length = 0;
    await youtube({ maxSearchCallsPerRun: 0 }).fetch({ cursor: { token: result.cursor?.token ?? '' } });
    expect(hitsOf('/commentThreads').map((p) => p.get('videoId'))).toEqual(['Rk7xQ9pLm3A']);
  });

  it('treats comments disabled as a warning even on the poll’s first call', async () => {
    routes['/commentThreads'] = file('error-comments-disabled.json', 403);
    const result = await youtube({ maxSearchCallsPerRun: 0 }).fetch({
      cursor: {
        token: token({ v: 1, videos: [{ id: 'mJlKtj2026a', publishedAt: '2026-11-30T03:15:00.000Z' }] }),
      },
    });
    expect(result.warnings).toContain(
      'comments are disabled on video mJlKtj2026a; its comments are not read again',
    );
  });

  it('is skipped on quotaExceeded, at the first call or later, so collect keeps the cursor', async () => {
    routes['/search'] = file('error-quota-exceeded.json', 403);
    const first = await youtube()
      .fetch({})
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(YouTubeQuotaExceededError);
    expect(first).toBeInstanceOf(SourceSkippedError);
    expect((first as SourceSkippedError).code).toBe('quota-exceeded');
    expect((first as Error).message).toMatch(
      /^yt-mjl: skipped: YouTube refused search page 1 with quotaExceeded/,
    );
    // 403 is not retried.
    expect(server.hits).toHaveLength(1);

    routes['/search'] = searchRoute;
    routes['/commentThreads'] = file('error-quota-exceeded.json', 403);
    const later = await youtube()
      .fetch({})
      .catch((e: unknown) => e);
    expect((later as SourceSkippedError).code).toBe('quota-exceeded');
  });

  it('is off (skipped, no request) without an apiKey', async () => {
    const error = await youtube({ credentials: 'youtube-other' })
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceCredentialsMissingError);
    expect(server.hits).toHaveLength(0);
  });

  it('fails with SourceAuthError when Google rejects the key', async () => {
    routes['/search'] = file('error-key-invalid.json', 400);
    const error = await youtube()
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceAuthError);
    expect((error as Error).message).toContain('API_KEY_INVALID');
    expect((error as Error).message).not.toContain(API_KEY);
  });

  it('fails when the first call fails, but only warns when a later one does (that video stays as it was)', async () => {
    routes['/search'] = { status: 500 };
    const error = await youtube()
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceHttpError);

    routes['/search'] = searchRoute;
    routes['/commentThreads'] = ({ req }) =>
      params(req).get('videoId') === 'mJlKtj2026a' ? { status: 503 } : file('comments-empty.json');
    const result = await youtube().fetch({});
    expect(result.items).toHaveLength(2);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toMatch(
      /^commentThreads mJlKtj2026a failed; read next poll: yt-mjl: HTTP 503 from /,
    );
    expect(state(result.cursor).videos.find((v) => v.id === 'mJlKtj2026a')).toEqual({
      id: 'mJlKtj2026a',
      publishedAt: '2026-11-30T03:15:00.000Z',
    });
    // A failed call is counted once (its retry is not visible to the adapter): 100 + 1 + 1.
    expect(result.budget?.used).toBe(102);
  });
});

describe('youTubeErrorReasons', () => {
  it('reads reasons from errors[] and details[], and from a cut-off body', () => {
    const err = (body: string) =>
      new SourceHttpError('yt', 403, 'http://x', undefined, { bodyExcerpt: body });
    expect(
      youTubeErrorReasons(
        err(
          '{"error":{"errors":[{"reason":"badRequest"}],"details":[{"@type":"x","reason":"API_KEY_INVALID"}]}}',
        ),
      ),
    ).toEqual(['badRequest', 'API_KEY_INVALID']);
    expect(
      youTubeErrorReasons(
        err('{"error":{"code":403,"errors":[{"domain":"youtube.quota","reason":"quotaExce'),
      ),
    ).toEqual([]);
    expect(
      youTubeErrorReasons(err('{"error":{"errors":[{"reason":"commentsDisabled","message":"The vid')),
    ).toEqual(['commentsDisabled']);
    expect(youTubeErrorReasons(new Error('x'))).toEqual([]);
  });
});
