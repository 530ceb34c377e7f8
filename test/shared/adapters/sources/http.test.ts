import { afterEach, describe, expect, it } from 'vitest';
import {
  SourceAbortedError,
  SourceHttpError,
  SourceNetworkError,
  SourceTimeoutError,
  SourceTooLargeError,
} from '#shared/adapters/sources/errors.ts';
import {
  createHttpClient,
  DEFAULT_USER_AGENT,
  decodeValidatorsToken,
  encodeValidatorsToken,
  parseRetryAfter,
  type RetryEvent,
} from '#shared/adapters/sources/http.ts';
import { SourceError } from '#shared/ports/mention-source.ts';
import { type FixtureServer, startFixtureServer } from '../../../helpers/fixture-server.ts';

const fast = { retries: 2, minDelayMs: 5, maxDelayMs: 20, jitter: false };
let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-30T07:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 07:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 06:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or malformed values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('validators token', () => {
  it('round-trips and tolerates foreign tokens', () => {
    const token = encodeValidatorsToken({ etag: '"abc"', lastModified: 'Mon, 30 Nov 2026 07:00:00 GMT' });
    expect(decodeValidatorsToken(token)).toEqual({
      etag: '"abc"',
      lastModified: 'Mon, 30 Nov 2026 07:00:00 GMT',
    });
    expect(encodeValidatorsToken({})).toBeUndefined();
    expect(decodeValidatorsToken('12345')).toEqual({});
    expect(decodeValidatorsToken('{"v":2}')).toEqual({});
    expect(decodeValidatorsToken(undefined)).toEqual({});
  });
});

describe('createHttpClient', () => {
  it('sends a descriptive User-Agent and returns the body', async () => {
    server = await startFixtureServer({ '/ok': { body: 'halo', headers: { 'content-type': 'text/plain' } } });
    const res = await createHttpClient({ retry: fast }).get({ sourceId: 'rss-x', url: `${server.url}/ok` });
    expect(new TextDecoder().decode(res.body)).toBe('halo');
    expect(res).toMatchObject({ status: 200, attempts: 1, notModified: false });
    expect(server.hits[0]?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/Pantau/);
  });

  it('retries a 500 and then fails with SourceHttpError naming the source', async () => {
    server = await startFixtureServer({ '/down': { status: 500 } });
    const events: RetryEvent[] = [];
    const client = createHttpClient({ retry: fast, onRetry: (e) => events.push(e) });
    const error = await client.get({ sourceId: 'rss-x', url: `${server.url}/down` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceHttpError);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ sourceId: 'rss-x', status: 500, retryable: true });
    expect((error as Error).message).toMatch(/^rss-x: HTTP 500/);
    expect(server.hits).toHaveLength(3);
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('recovers when a retry succeeds', async () => {
    server = await startFixtureServer({ '/flaky': [{ status: 503 }, { status: 502 }, { body: 'ok' }] });
    const res = await createHttpClient({ retry: fast }).get({
      sourceId: 'rss-x',
      url: `${server.url}/flaky`,
    });
    expect(res.attempts).toBe(3);
    expect(new TextDecoder().decode(res.body)).toBe('ok');
  });

  it('does not retry other 4xx', async () => {
    server = await startFixtureServer({ '/gone': { status: 404 } });
    const error = await createHttpClient({ retry: fast })
      .get({ sourceId: 'rss-x', url: `${server.url}/gone` })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SourceHttpError', status: 404, retryable: false });
    expect(server.hits).toHaveLength(1);
  });

  it('waits out Retry-After on 429 before retrying', async () => {
    server = await startFixtureServer({
      '/limited': [{ status: 429, headers: { 'retry-after': '1' } }, { body: 'ok' }],
    });
    const res = await createHttpClient({ retry: fast }).get({
      sourceId: 'gnews-x',
      url: `${server.url}/limited`,
    });
    expect(res.attempts).toBe(2);
    const [first, second] = server.hits;
    // Retry-After: 1 → at least 1000 ms between the attempts (a few ms of timer slack allowed).
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('gives up at once when Retry-After exceeds the cap, keeping the wait on the error', async () => {
    server = await startFixtureServer({ '/limited': { status: 429, headers: { 'retry-after': '120' } } });
    const error = await createHttpClient({ retry: { ...fast, maxRetryAfterMs: 30_000 } })
      .get({ sourceId: 'gnews-x', url: `${server.url}/limited` })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'SourceHttpError',
      status: 429,
      retryAfterMs: 120_000,
      retryable: true,
    });
    expect(server.hits).toHaveLength(1);
  });

  it('times out each attempt and ends with SourceTimeoutError', async () => {
    server = await startFixtureServer({ '/slow': { body: 'late', delayMs: 2_000 } });
    const started = performance.now();
    const error = await createHttpClient({ timeoutMs: 100, retry: { ...fast, retries: 1 } })
      .get({ sourceId: 'rss-slow', url: `${server.url}/slow` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceTimeoutError);
    expect(error).toMatchObject({ sourceId: 'rss-slow', timeoutMs: 100, retryable: true });
    expect(server.hits).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('reports connection failures as SourceNetworkError', async () => {
    const probe = await startFixtureServer({});
    const deadUrl = `${probe.url}/x`;
    await probe.close();
    const error = await createHttpClient({ retry: { ...fast, retries: 1 } })
      .get({ sourceId: 'rss-dead', url: deadUrl })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceNetworkError);
    expect(error).toMatchObject({ sourceId: 'rss-dead', retryable: true });
  });

  it('rejects a body over the cap without retrying', async () => {
    server = await startFixtureServer({ '/big': { body: 'x'.repeat(5_000) } });
    const error = await createHttpClient({ retry: fast, maxBodyBytes: 1_000 })
      .get({ sourceId: 'rss-big', url: `${server.url}/big` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceTooLargeError);
    expect(server.hits).toHaveLength(1);
  });

  it('stops when the caller aborts', async () => {
    server = await startFixtureServer({ '/slow': { body: 'late', delayMs: 2_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 50);
    const error = await createHttpClient({ timeoutMs: 5_000, retry: fast })
      .get({ sourceId: 'rss-x', url: `${server.url}/slow`, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceAbortedError);
    expect(server.hits).toHaveLength(1);
  });

  it('makes a conditional GET and reports 304 as not modified', async () => {
    server = await startFixtureServer({
      '/feed': ({ req }) =>
        req.headers['if-none-match'] === '"v1"'
          ? { status: 304, headers: { etag: '"v1"' } }
          : { body: '<rss/>', headers: { etag: '"v1"', 'last-modified': 'Mon, 30 Nov 2026 07:00:00 GMT' } },
    });
    const client = createHttpClient({ retry: fast });
    const first = await client.get({ sourceId: 'rss-x', url: `${server.url}/feed` });
    expect(first.validators).toEqual({ etag: '"v1"', lastModified: 'Mon, 30 Nov 2026 07:00:00 GMT' });
    const second = await client.get({
      sourceId: 'rss-x',
      url: `${server.url}/feed`,
      validators: first.validators,
    });
    expect(second).toMatchObject({ status: 304, notModified: true, validators: first.validators });
    expect(second.body).toHaveLength(0);
    expect(server.hits[1]?.headers['if-modified-since']).toBe('Mon, 30 Nov 2026 07:00:00 GMT');
  });
});
