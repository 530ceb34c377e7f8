import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { type LocalApiServer, startLocalApiServer } from '../../../cli/commands/serve.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';
import { testConfig } from './helpers.ts';

const NOW = Date.parse('2026-11-30T07:00:00.000Z');
let db: EmbeddedDynamo;
let server: LocalApiServer;
let tight: LocalApiServer;
let reader: string;
let analyst: string;
let revokedKey: string;
const clock = fixedClock(NOW);

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'serve-test' });
  const store = new DynamoStore({ client: db.client, tableName: 'serve-test' });
  const keys = new DynamoApiKeyStore({ client: db.client, tableName: 'serve-test' });
  reader = (await keys.create({ name: 'pembaca', scope: 'read', now: '2026-11-30T00:00:00.000Z' })).token;
  analyst = (await keys.create({ name: 'humas-ana', scope: 'analyst', now: '2026-11-30T00:00:01.000Z' }))
    .token;
  const old = await keys.create({ name: 'mantan', scope: 'admin', now: '2026-11-30T00:00:02.000Z' });
  revokedKey = old.token;
  await keys.revoke(old.record.keyId, '2026-11-30T01:00:00.000Z');
  const labels = ['NEGATIVE', 'MIXED', 'POSITIVE'] as const;
  for (let i = 0; i < 6; i++) {
    await store.putMention(
      scoredMention(i, { publishedAt: `2026-11-29T0${i}:00:00.000Z`, label: labels[i % 3] ?? 'NEUTRAL' }),
    );
  }
  const deps = {
    store,
    config: testConfig,
    cursorKey: Buffer.alloc(32, 3),
    clock,
    log: new RecordingLog(),
    metrics: new MemoryMetricSink(),
  };
  server = await startLocalApiServer({ deps, keys, port: 0, clock });
  tight = await startLocalApiServer({ deps, keys, port: 0, clock, throttle: { ratePerSecond: 1, burst: 2 } });
});

afterAll(async () => {
  await server?.close();
  await tight?.close();
  await db?.close();
});

async function get(path: string, headers: Record<string, string> = {}, base = server.url) {
  const response = await fetch(`${base}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A raw request (fetch would normalise `..` out of the path). */
function raw(path: string): Promise<number> {
  const url = new URL(server.url);
  return new Promise((done, fail) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('pantau serve: API over HTTP', () => {
  it('answers health without a key', async () => {
    const result = await get('/v1/health');
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toMatchObject({ status: 'ok' });
  });

  it('answers 401 for missing, malformed, unknown and revoked keys, with a JSON body', async () => {
    for (const headers of [
      {},
      { 'x-api-key': 'hunter2' },
      { authorization: `Bearer pantau_0000000000000000_${'A'.repeat(43)}` },
      { 'x-api-key': revokedKey },
    ]) {
      const result = await get('/v1/mentions', headers);
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(result.text)).toEqual({ error: 'API key missing or not valid' });
    }
  });

  it('answers 403 when the scope is too weak, and lets the analyst label', async () => {
    const id = scoredMention(0).id;
    const put = (key: string) =>
      fetch(`${server.url}/v1/mentions/${id}/label`, {
        method: 'PUT',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'NEUTRAL', note: 'berita biasa' }),
      });
    const forbidden = await put(reader);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: string }).error).toMatch(/analyst/);
    const ok = await put(analyst);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ label: { by: 'humas-ana', label: 'NEUTRAL' } });
  });

  it('answers one 413 with the API limit for a small and a very large body alike', async () => {
    const id = scoredMention(0).id;
    const put = (bytes: number) =>
      fetch(`${server.url}/v1/mentions/${id}/label`, {
        method: 'PUT',
        headers: { 'x-api-key': analyst, 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'NEUTRAL', note: 'x'.repeat(bytes) }),
      });
    for (const bytes of [20_000, 5_000_000]) {
      const response = await put(bytes);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: string }).error).toBe('body larger than 16384 bytes');
    }
  });

  it('answers 400 invalid_utf8 for a body that is not UTF-8, and stores no label', async () => {
    const id = scoredMention(1).id;
    const before = await fetch(`${server.url}/v1/mentions/${id}`, { headers: { 'x-api-key': reader } });
    const labelsBefore = ((await before.json()) as { labels: unknown[] }).labels;
    const response = await fetch(`${server.url}/v1/mentions/${id}/label`, {
      method: 'PUT',
      headers: { 'x-api-key': analyst, 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from('{"label":"NEGATIVE","note":"a'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('b"}'),
      ]),
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ issues: [{ path: 'body', code: 'invalid_utf8' }] });
    expect(text).not.toContain('\uFFFD');
    const after = await fetch(`${server.url}/v1/mentions/${id}`, { headers: { 'x-api-key': reader } });
    expect(((await after.json()) as { labels: unknown[] }).labels).toEqual(labelsBefore);
  });

  it('answers 415 for a declared charset other than UTF-8, and reads UTF-8 bytes exactly', async () => {
    const id = scoredMention(2).id;
    const put = (contentType: string, bytes: Buffer) =>
      fetch(`${server.url}/v1/mentions/${id}/label`, {
        method: 'PUT',
        headers: { 'x-api-key': analyst, 'content-type': contentType },
        body: Buffer.concat([Buffer.from('{"label":"NEGATIVE","note":"'), bytes, Buffer.from('"}')]),
      });
    const latin1 = await put('application/json; charset=latin1', Buffer.from('caf\xe9', 'latin1'));
    expect(latin1.status).toBe(415);
    expect(await latin1.json()).toMatchObject({ issues: [{ code: 'unsupported_charset' }] });
    const utf8 = await put('application/json; charset=utf-8', Buffer.from('café — 🙂', 'utf8'));
    expect(utf8.status).toBe(200);
    expect(await utf8.json()).toMatchObject({ label: { note: 'café — 🙂' } });
  });

  it('joins repeated query parameters with commas, as API Gateway does', async () => {
    const result = await get('/v1/mentions?from=2026-11-29&sentiment=NEGATIVE&sentiment=MIXED', {
      'x-api-key': reader,
    });
    expect(result.status).toBe(200);
    const labels = (JSON.parse(result.text) as { items: { sentiment: { label: string } }[] }).items.map(
      (m) => m.sentiment.label,
    );
    expect(labels.sort()).toEqual(['MIXED', 'MIXED', 'NEGATIVE', 'NEGATIVE']);
    const twice = await get('/v1/mentions?limit=1&limit=2', { 'x-api-key': reader });
    expect(twice.status).toBe(400);
    expect(twice.text).toContain('repeated_parameter');
  });

  it('refuses __proto__ as an unknown parameter instead of dropping it', async () => {
    const result = await get('/v1/mentions?__proto__=1&limit=1', { 'x-api-key': reader });
    expect(result.status).toBe(400);
    expect(result.text).toContain('unrecognized_keys');
    expect(result.text).toContain('__proto__');
  });

  it('throttles per key with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const result = await get('/v1/keywords', { 'x-api-key': reader }, tight.url);
      statuses.push(result.status);
      if (result.status === 429) retryAfter = result.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(retryAfter).toBe('1');
    expect((await get('/v1/keywords', { 'x-api-key': analyst }, tight.url)).status).toBe(200);
  });

  it('throttles forged keys by caller, not by the key id they name', async () => {
    const keyId = analyst.split('_')[1] ?? '';
    const forged = `pantau_${keyId}_${'x'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await get('/v1/topics', { 'x-api-key': forged }, tight.url)).status);
    expect(statuses).toEqual([401, 401, 429]);
    // The real key whose id was forged keeps its own bucket.
    expect((await get('/v1/topics', { 'x-api-key': analyst }, tight.url)).status).toBe(200);
  });
});

describe('pantau serve: dashboard files', () => {
  it('serves the dashboard with a strict Content-Security-Policy', async () => {
    const result = await get('/');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(result.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(result.text).toContain('<html lang="id">');
  });

  it('serves Chart.js from node_modules, not a CDN', async () => {
    const result = await get('/vendor/chart.umd.min.js');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(result.text).toContain('Chart');
  });

  it('never serves files outside the dashboard folder', async () => {
    expect(await raw('/../package.json')).toBe(404);
    expect(await raw('/%2e%2e/package.json')).toBe(404);
    expect(await raw('/..%2fpackage.json')).toBe(404);
    expect(await raw('/%zz')).toBe(400);
    expect((await get('/nothing.html')).status).toBe(404);
  });

  it('answers every error outside the API with a JSON body too', async () => {
    for (const path of ['//v1/mentions', '/v2/mentions', '/nothing.html', '/%zz']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      expect(await response.json(), path).toEqual({
        error: response.status === 400 ? 'bad path' : 'not found',
      });
    }
    const post = await fetch(`${server.url}/index.html`, { method: 'POST' });
    expect([post.status, post.headers.get('allow'), await post.json()]).toEqual([
      405,
      'GET, HEAD',
      { error: 'method not allowed' },
    ]);
  });
});
