import { describe, expect, it } from 'vitest';
import {
  SourceBudgetExhaustedError,
  SourceCredentialsMissingError,
  SourceHttpError,
} from '#shared/adapters/sources/errors.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { throttleWaitMs } from '#shared/adapters/sources/http.ts';
import { xLanguage } from '#shared/adapters/sources/x.ts';
import { SourceConfigSchema } from '#shared/domain/config.ts';
import {
  createTestSource,
  jsonFile,
  TEST_NOW as NOW,
  queryOf,
  testCredentials,
  useRoutedFixtureServer,
} from './helpers.ts';

const json = jsonFile('test/fixtures/sources/x-search-recent.json');
const credentials = testCredentials({ x: { bearerToken: 'AAAA-test-bearer' } });
const { server, routes } = useRoutedFixtureServer();

function x(extra: Record<string, unknown> = {}) {
  return createTestSource(
    { id: 'x-mjl', kind: 'x', query: 'Majalengka lang:id -is:retweet', credentials: 'x', ...extra },
    {
      credentials,
      apiBaseUrls: { x: server.url },
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, jitter: false },
    },
  );
}
const sent = (i: number) => queryOf(server.hits[i]?.url);

describe('x source', () => {
  it('maps posts with their authors, counts every post read against the budget, and keeps the newest id', async () => {
    routes['/2/tweets/search/recent'] = json;
    const result = await x({ dailyReadBudget: 50, maxResults: 100 }).fetch({});
    expect(server.hits[0]?.headers.authorization).toBe('Bearer AAAA-test-bearer');
    // max_results is capped by the budget left (50), not the configured 100.
    expect(sent(0).get('max_results')).toBe('50');
    expect(sent(0).get('expansions')).toBe('author_id');
    expect(result.items[0]).toEqual({
      sourceItemId: '1862738123456789012',
      url: 'https://x.com/i/web/status/1862738123456789012',
      text: 'Jalan provinsi di Majalengka berlubang lagi, sudah 3 bulan & belum ada perbaikan @DisPUTR_Jabar',
      author: { id: '1500000000000000001', handle: 'wargamjl', name: 'Warga Majalengka' },
      publishedAt: '2026-11-30T02:55:12.000Z',
      lang: 'id',
      outlet: 'x.com',
      engagement: { likes: 48, shares: 15, replies: 7, views: 5120 },
    });
    expect(result.items[1]).toMatchObject({ lang: 'en', author: { handle: 'aviation_id' } });
    expect(result.rejected).toHaveLength(1);
    expect(result.budget).toEqual({ day: '2026-11-30', used: 3, limit: 50, unit: 'posts' });
    expect(result.cursor).toEqual({
      token: JSON.stringify({ v: 1, since: '1862738123456789012' }),
      usage: { day: '2026-11-30', used: 3 },
    });
  });

  it('stops paging when the budget runs out and resumes below the oldest id next time', async () => {
    routes['/2/tweets/search/recent'] = json;
    const token = JSON.stringify({ v: 1, since: '1862700000000000000' });
    const result = await x({ dailyReadBudget: 20, maxPages: 3 }).fetch({
      cursor: { token, usage: { day: '2026-11-30', used: 8 } },
    });
    // 12 left → one page of max 12; 3 read → 9 left (< 10): stop.
    expect(server.hits).toHaveLength(1);
    expect(sent(0).get('max_results')).toBe('12');
    expect(sent(0).get('since_id')).toBe('1862700000000000000');
    expect(result.warnings?.[0]).toMatch(/daily read budget spent \(11 of 20 posts\)/);
    expect(JSON.parse(result.cursor?.token ?? '')).toEqual({
      v: 1,
      since: '1862700000000000000',
      until: '1862731000000000007',
      pending: '1862738123456789012',
    });
  });

  it('is skipped when the budget is spent, and the budget resets on the next UTC day', async () => {
    routes['/2/tweets/search/recent'] = json;
    const spent = await x({ dailyReadBudget: 20 })
      .fetch({ cursor: { usage: { day: '2026-11-30', used: 15 } } })
      .catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(SourceBudgetExhaustedError);
    expect((spent as Error).message).toContain('15 of 20 posts on 2026-11-30');
    expect(server.hits).toHaveLength(0);
    const nextDay = await x({ dailyReadBudget: 20 }).fetch({
      cursor: { usage: { day: '2026-11-29', used: 20 } },
    });
    expect(nextDay.budget?.used).toBe(3);
  });

  it('is off (skipped, no request) without a bearer token', async () => {
    const error = await x({ credentials: 'x-paid' })
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceCredentialsMissingError);
    expect(server.hits).toHaveLength(0);
  });

  it('waits out a short 429 until x-rate-limit-reset, and fails at once on a long one', async () => {
    let calls = 0;
    routes['/2/tweets/search/recent'] = () =>
      calls++ === 0
        ? { status: 429, headers: { 'x-rate-limit-reset': String(Math.ceil((Date.now() + 1_000) / 1000)) } }
        : json;
    const clockless = createSource(
      SourceConfigSchema.parse({ id: 'x-mjl', kind: 'x', query: 'Majalengka', credentials: 'x' }),
      {
        credentials,
        apiBaseUrls: { x: server.url },
        retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, jitter: false },
      },
    );
    const ok = await clockless.fetch({});
    expect(ok.items).toHaveLength(2);
    const gap = (server.hits[1]?.at ?? 0) - (server.hits[0]?.at ?? 0);
    expect(gap).toBeGreaterThan(0);

    server.hits.length = 0;
    routes['/2/tweets/search/recent'] = {
      status: 429,
      headers: { 'x-rate-limit-reset': String(Math.ceil(NOW / 1000) + 900) },
    };
    const error = await x()
      .fetch({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceHttpError);
    expect((error as SourceHttpError).retryAfterMs).toBe(900_000);
    expect(server.hits).toHaveLength(1);
  });
});

describe('x helpers', () => {
  it('maps X language codes', () => {
    expect(xLanguage('in')).toBe('id');
    expect(xLanguage('en')).toBe('en');
    expect(xLanguage('und')).toBeUndefined();
    expect(xLanguage('qme')).toBeUndefined();
  });

  it('reads rate-limit reset headers only for 429, Retry-After first', () => {
    const now = 1_000_000;
    expect(throttleWaitMs(429, new Headers({ 'x-rate-limit-reset': '1060' }), now)).toBe(60_000);
    expect(throttleWaitMs(429, new Headers({ 'x-ratelimit-reset': '12.5' }), now)).toBe(12_500);
    expect(throttleWaitMs(429, new Headers({ 'retry-after': '3', 'x-rate-limit-reset': '1060' }), now)).toBe(
      3_000,
    );
    expect(throttleWaitMs(503, new Headers({ 'x-rate-limit-reset': '1060' }), now)).toBeUndefined();
  });
});
