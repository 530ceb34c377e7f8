import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/api/app.ts';
import type { ApiEvent, ApiResult } from '#functions/api/http.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { CURSOR_TTL_SECONDS } from '#shared/domain/api/cursor.ts';
import { ROUTES } from '#shared/domain/api/routes.ts';
import type { ScoredMention, SentimentLabel } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';
import { ANALYST, apiEvent, body, type EventOptions, READER, testAlert, testConfig } from './helpers.ts';

const NOW = Date.parse('2026-11-30T07:00:00.000Z');
const LABELS: SentimentLabel[] = ['NEGATIVE', 'POSITIVE', 'NEUTRAL', 'MIXED', 'NEGATIVE'];
const cursorKey = Buffer.alloc(32, 7);

/**
 * 24 mentions, one every 4 hours from 2026-11-26T00:00Z; every third also matches `kertajati`, every
 * second is in topic `infrastruktur`; mention 23 shares mention 7's timestamp (a tie across shards).
 */
const seeded: ScoredMention[] = Array.from({ length: 24 }, (_, i) => {
  const at = i === 23 ? 7 : i;
  return scoredMention(i, {
    publishedAt: new Date(Date.parse('2026-11-26T00:00:00.000Z') + at * 4 * 3_600_000).toISOString(),
    label: LABELS[i % 5] ?? 'NEUTRAL',
    matchedKeywords: i % 3 === 0 ? ['majalengka', 'kertajati'] : ['majalengka'],
    topics: i % 2 === 0 ? ['infrastruktur'] : [],
    source: i % 4 === 0 ? 'rss-antara' : 'rss-test',
  });
});

let db: EmbeddedDynamo;
let store: DynamoStore;
const clock = fixedClock(NOW);
const log = new RecordingLog();
let handler: ReturnType<typeof createHandler>;

async function call(options: EventOptions | ApiEvent): Promise<ApiResult> {
  const event = 'requestContext' in options ? options : apiEvent(options);
  return handler(event, lambdaContext());
}

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'api-test' });
  store = new DynamoStore({ client: db.client, tableName: 'api-test' });
  for (const m of seeded) await store.putMention(m);
  await store.putAlert(testAlert('2026-11-29T06:00:00.000Z', 'kw:majalengka'));
  await store.putAlert(testAlert('2026-11-28T10:00:00.000Z', 'kw:kertajati'));
  await store.putAlert(testAlert('2026-10-01T10:00:00.000Z', 'kw:kertajati'));
  await store.putDigest({
    date: '2026-11-29',
    generatedAt: '2026-11-30T00:00:05.000Z',
    markdown: '# Ringkasan 29 November 2026',
    html: '<h1>Ringkasan 29 November 2026</h1>',
    text: 'Ringkasan 29 November 2026',
    data: { totals: { mentions: 5 } },
  });
  handler = createHandler({
    store,
    config: testConfig,
    cursorKey,
    clock,
    log,
    metrics: new MemoryMetricSink(),
    cors: { allowedOrigins: ['https://pantau.example.go.id'] },
  });
});

afterAll(async () => {
  await db.close();
});

/** Read every page of a mentions query. */
async function readAll(query: string, principal = READER): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const q = next ? `${query}&cursor=${encodeURIComponent(next)}` : query;
    const result = await call({ path: '/v1/mentions', query: q, principal });
    expect(result.statusCode, String(result.body)).toBe(200);
    const page = body<{ items: ScoredMention[]; next?: string }>(result);
    ids.push(...page.items.map((m) => m.id));
    next = page.next;
    pages++;
  } while (next && pages < 50);
  return { ids, pages };
}

function expectedIds(filter: (m: ScoredMention) => boolean): string[] {
  return seeded
    .filter(filter)
    .sort((a, b) => (`${b.publishedAt}#${b.id}` < `${a.publishedAt}#${a.id}` ? -1 : 1))
    .map((m) => m.id);
}

describe('public routes', () => {
  it('answers health without a key', async () => {
    const result = await call({ path: '/v1/health', principal: null });
    expect(result.statusCode).toBe(200);
    expect(body(result)).toMatchObject({ status: 'ok', time: '2026-11-30T07:00:00.000Z' });
  });

  it('serves an OpenAPI 3.1 document listing every route with its method and scope', async () => {
    const result = await call({ path: '/v1/openapi.json', principal: null });
    expect(result.statusCode).toBe(200);
    const doc = body<{
      openapi: string;
      paths: Record<string, Record<string, { 'x-pantau-scope'?: string }>>;
    }>(result);
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op?.['x-pantau-scope']).toBe(route.scope ?? undefined);
    }
  });
});

describe('authentication and scopes (trusting the authoriser context)', () => {
  it('answers 401 when a protected route arrives without authoriser context', async () => {
    const result = await call({ path: '/v1/mentions', principal: null });
    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 when the context is malformed (unknown scope)', async () => {
    const result = await call({ path: '/v1/mentions', principal: { keyId: 'x', name: 'x', scope: 'root' } });
    expect(result.statusCode).toBe(401);
  });

  it('answers 403 when a read key tries an analyst route', async () => {
    const label = await call({
      method: 'PUT',
      path: `/v1/mentions/${seeded[0]?.id}/label`,
      body: { label: 'POSITIVE' },
    });
    expect(label.statusCode).toBe(403);
    expect(body(label).error).toMatch(/analyst/);
    const ack = await call({
      method: 'POST',
      path: `/v1/alerts/${encodeURIComponent('2026-11-29T06:00:00.000Z~kw:majalengka')}/ack`,
    });
    expect(ack.statusCode).toBe(403);
    expect((await store.getAlert('2026-11-29T06:00:00.000Z~kw:majalengka'))?.acknowledgement).toBeUndefined();
  });
});

describe('routing', () => {
  it('answers 404 for an unknown path', async () => {
    const result = await call({ path: '/v1/nothing' });
    expect(result.statusCode).toBe(404);
    expect(body(result)).toEqual({ error: 'no such route' });
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const result = await call({ method: 'DELETE', path: '/v1/mentions' });
    expect(result.statusCode).toBe(405);
    expect(result.headers['allow']).toBe('GET, OPTIONS');
  });

  it('answers CORS preflights and adds CORS headers only for the dashboard origin', async () => {
    const preflight = await call({
      method: 'OPTIONS',
      path: '/v1/alerts',
      principal: null,
      headers: { origin: 'https://pantau.example.go.id' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://pantau.example.go.id');
    expect(preflight.headers['access-control-allow-headers']).toContain('x-api-key');
    const other = await call({ path: '/v1/keywords', headers: { origin: 'https://evil.example' } });
    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const error = await call({ path: '/v1/nothing', headers: { origin: 'https://pantau.example.go.id' } });
    expect(error.headers['access-control-allow-origin']).toBe('https://pantau.example.go.id');
  });
});

describe('bad parameters are answered 400 with issues', () => {
  const cases: [string, EventOptions, string, string][] = [
    ['limit 0', { path: '/v1/mentions', query: 'limit=0' }, 'query.limit', 'too_small'],
    ['limit 201', { path: '/v1/mentions', query: 'limit=201' }, 'query.limit', 'too_big'],
    ['limit not a number', { path: '/v1/mentions', query: 'limit=abc' }, 'query.limit', 'invalid_format'],
    ['limit in exponent form', { path: '/v1/mentions', query: 'limit=1e2' }, 'query.limit', 'invalid_format'],
    ['limit in hex', { path: '/v1/mentions', query: 'limit=0x10' }, 'query.limit', 'invalid_format'],
    ['limit with a space', { path: '/v1/mentions', query: 'limit=%2010' }, 'query.limit', 'invalid_format'],
    ['limit with a sign', { path: '/v1/mentions', query: 'limit=%2B10' }, 'query.limit', 'invalid_format'],
    ['limit with a fraction', { path: '/v1/mentions', query: 'limit=10.0' }, 'query.limit', 'invalid_format'],
    [
      'limit given twice',
      { path: '/v1/mentions', query: 'limit=5&limit=10' },
      'query.limit',
      'repeated_parameter',
    ],
    [
      'keyword given twice',
      { path: '/v1/mentions', query: 'keyword=majalengka&keyword=kertajati' },
      'query.keyword',
      'repeated_parameter',
    ],
    [
      'unknown sentiment',
      { path: '/v1/mentions', query: 'sentiment=ANGRY' },
      'query.sentiment.0',
      'invalid_value',
    ],
    ['empty sentiment', { path: '/v1/mentions', query: 'sentiment=' }, 'query.sentiment.0', 'invalid_value'],
    [
      'bad keyword id',
      { path: '/v1/mentions', query: 'keyword=Maja%20lengka' },
      'query.keyword',
      'invalid_format',
    ],
    [
      'unknown keyword',
      { path: '/v1/mentions', query: 'keyword=cirebon' },
      'query.keyword',
      'unknown_keyword',
    ],
    ['unknown topic', { path: '/v1/mentions', query: 'topic=olahraga' }, 'query.topic', 'unknown_topic'],
    ['bad source id', { path: '/v1/mentions', query: 'source=RSS!' }, 'query.source', 'invalid_format'],
    ['bad from', { path: '/v1/mentions', query: 'from=yesterday' }, 'query.from', 'invalid_format'],
    ['bad to', { path: '/v1/alerts', query: 'to=2026-13-01' }, 'query.to', 'invalid_format'],
    ['30 February', { path: '/v1/alerts', query: 'from=2026-02-30' }, 'query.from', 'invalid_format'],
    ['hour 24', { path: '/v1/alerts', query: 'from=2026-11-20T24:00Z' }, 'query.from', 'invalid_format'],
    [
      'offset beyond +14:00',
      { path: '/v1/mentions', query: 'from=2026-11-20T00:00:00%2B14:01' },
      'query.from',
      'invalid_format',
    ],
    ['year 1900', { path: '/v1/mentions', query: 'from=1900-01-01' }, 'query.from', 'date_out_of_range'],
    ['year 9999', { path: '/v1/trends', query: 'to=9999-01-01' }, 'query.to', 'date_out_of_range'],
    [
      'from after to',
      { path: '/v1/mentions', query: 'from=2026-11-29&to=2026-11-28' },
      'query.from',
      'invalid_range',
    ],
    [
      'span beyond 92 days',
      { path: '/v1/trends', query: 'from=2026-01-01&to=2026-06-01' },
      'query.to',
      'range_too_long',
    ],
    [
      'unknown parameter',
      { path: '/v1/mentions', query: 'sentimen=NEGATIVE' },
      'query.sentimen',
      'unrecognized_keys',
    ],
    [
      'keyword and topic',
      { path: '/v1/trends', query: 'keyword=majalengka&topic=bandara' },
      'query.topic',
      'conflicting_parameters',
    ],
    ['interval week', { path: '/v1/trends', query: 'interval=week' }, 'query.interval', 'invalid_value'],
    [
      'digest format pdf',
      { path: '/v1/digests/2026-11-29', query: 'format=pdf' },
      'query.format',
      'invalid_value',
    ],
    ['digest date', { path: '/v1/digests/2026-02-30' }, 'path.date', 'invalid_format'],
    ['mention id', { path: '/v1/mentions/not-an-id' }, 'path.id', 'invalid_format'],
    ['garbage cursor', { path: '/v1/mentions', query: 'cursor=abc' }, 'query.cursor', 'cursor_malformed'],
    ['query on keywords', { path: '/v1/keywords', query: 'x=1' }, 'query.x', 'unrecognized_keys'],
    [
      'label body: unknown label',
      {
        method: 'PUT',
        path: `/v1/mentions/${seeded[1]?.id}/label`,
        body: { label: 'ANGRY' },
        principal: ANALYST,
      },
      'body.label',
      'invalid_value',
    ],
    [
      'label body: missing label',
      { method: 'PUT', path: `/v1/mentions/${seeded[1]?.id}/label`, body: { note: 'x' }, principal: ANALYST },
      'body.label',
      'invalid_type',
    ],
    [
      'label body: extra field',
      {
        method: 'PUT',
        path: `/v1/mentions/${seeded[1]?.id}/label`,
        body: { label: 'NEUTRAL', by: 'someone-else' },
        principal: ANALYST,
      },
      'body.by',
      'unrecognized_keys',
    ],
    [
      'label body: not JSON',
      { method: 'PUT', path: `/v1/mentions/${seeded[1]?.id}/label`, body: '{label:', principal: ANALYST },
      'body',
      'invalid_json',
    ],
    [
      'ack note too long',
      {
        method: 'POST',
        path: `/v1/alerts/${encodeURIComponent('2026-11-28T10:00:00.000Z~kw:kertajati')}/ack`,
        body: { note: 'x'.repeat(2_001) },
        principal: ANALYST,
      },
      'body.note',
      'too_big',
    ],
  ];

  it.each(cases)('%s', async (_name, options, path, code) => {
    const result = await call(options);
    expect(result.statusCode, String(result.body)).toBe(400);
    const parsed = body<{ error: string; issues: { path: string; code: string; message: string }[] }>(result);
    expect(typeof parsed.error).toBe('string');
    expect(parsed.issues).toContainEqual(expect.objectContaining({ path, code }));
    for (const issue of parsed.issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it('reports every bad parameter of a request at once', async () => {
    const result = await call({ path: '/v1/mentions', query: 'limit=0&sentiment=BAD&foo=1' });
    const paths = body<{ issues: { path: string }[] }>(result).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['query.limit', 'query.sentiment.0', 'query.foo']));
  });

  it('names the first 10 of 2,000 unknown parameters and counts the rest in one issue', async () => {
    const query = Array.from({ length: 2_000 }, (_, i) => `p${i}=1`).join('&');
    const result = await call({ path: '/v1/mentions', query });
    expect(result.statusCode).toBe(400);
    const issues = body<{ issues: { path: string; code: string; message: string }[] }>(result).issues;
    expect(issues).toHaveLength(11);
    expect(issues.slice(0, 10).map((i) => i.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => `query.p${i}`),
    );
    expect(issues[10]).toEqual({
      path: 'query',
      code: 'unrecognized_keys',
      message: 'and 1990 more unknown parameters (not listed)',
    });
  });

  it('accepts ISO-8601 date-times to the minute, with Z or an offset', async () => {
    for (const from of ['2026-11-20T00:00Z', '2026-11-20T07:00%2B07:00', '2026-11-20T00:00:00.123456Z']) {
      const result = await call({ path: '/v1/alerts', query: `from=${from}&to=2026-11-21` });
      expect(result.statusCode, `${from}: ${String(result.body)}`).toBe(200);
      expect(body<{ from: string }>(result).from).toMatch(/^2026-11-20T00:00:00\.(000|123)Z$/);
    }
    expect((await call({ path: '/v1/mentions', query: 'limit=200' })).statusCode).toBe(200);
  });

  it('answers 415 for a body that is not JSON-typed', async () => {
    const result = await call({
      method: 'PUT',
      path: `/v1/mentions/${seeded[1]?.id}/label`,
      body: 'label=NEUTRAL',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      principal: ANALYST,
    });
    expect(result.statusCode).toBe(415);
  });
});

describe('GET /v1/mentions', () => {
  it('uses the last 7 days by default and states the range', async () => {
    const result = await call({ path: '/v1/mentions', query: 'limit=200' });
    const page = body<{ items: ScoredMention[]; from: string; to: string; next?: string }>(result);
    expect(page.from).toBe('2026-11-23T07:00:00.000Z');
    expect(page.to).toBe('2026-11-30T07:00:00.000Z');
    expect(page.items).toHaveLength(24);
    expect(page.next).toBeUndefined();
  });

  it('pages through every mention exactly once, newest first, ties included', async () => {
    const { ids, pages } = await readAll('from=2026-11-25&limit=5');
    expect(pages).toBe(5);
    expect(ids).toEqual(expectedIds(() => true));
    expect(new Set(ids).size).toBe(24);
  });

  it('pages a filtered query (keyword + topic) exactly once', async () => {
    const { ids } = await readAll('keyword=kertajati&topic=infrastruktur&limit=2');
    expect(ids).toEqual(
      expectedIds((m) => m.matchedKeywords.includes('kertajati') && m.topics.includes('infrastruktur')),
    );
    expect(ids.length).toBeGreaterThan(2);
  });

  it('treats a repeated sentiment parameter as a list (API Gateway joins it with commas)', async () => {
    const repeated = await readAll('sentiment=NEGATIVE&sentiment=mixed&limit=3');
    const commas = await readAll('sentiment=NEGATIVE,MIXED&limit=3');
    const wanted = expectedIds((m) => m.sentiment.label === 'NEGATIVE' || m.sentiment.label === 'MIXED');
    expect(wanted).toHaveLength(14);
    expect(repeated.ids).toEqual(wanted);
    expect(commas.ids).toEqual(wanted);
  });

  it('reads the real-shaped API Gateway fixture (repeated sentiment, keyword, limit)', async () => {
    const fixture = apiEvent({
      path: '/v1/mentions',
      query: 'keyword=majalengka&sentiment=NEGATIVE&sentiment=MIXED&limit=5',
    });
    expect(fixture.queryStringParameters?.['sentiment']).toBe('NEGATIVE,MIXED');
    const page = body<{ items: ScoredMention[] }>(await call(fixture));
    expect(page.items.map((m) => m.id)).toEqual(
      expectedIds((m) => m.sentiment.label === 'NEGATIVE' || m.sentiment.label === 'MIXED').slice(0, 5),
    );
  });

  it('filters by source', async () => {
    const { ids } = await readAll('source=rss-antara&limit=4');
    expect(ids).toEqual(expectedIds((m) => m.source === 'rss-antara'));
  });

  it('keeps the range of the first page when later pages omit from/to', async () => {
    const first = body<{ next: string; to: string }>(await call({ path: '/v1/mentions', query: 'limit=10' }));
    clock.at = NOW + 60_000;
    try {
      const second = await call({
        path: '/v1/mentions',
        query: `limit=10&cursor=${encodeURIComponent(first.next)}`,
      });
      expect(second.statusCode).toBe(200);
      expect(body<{ to: string }>(second).to).toBe(first.to);
    } finally {
      clock.at = NOW;
    }
  });
});

describe('page cursors', () => {
  async function firstCursor(query = 'limit=5', principal = READER): Promise<string> {
    const page = body<{ next?: string }>(await call({ path: '/v1/mentions', query, principal }));
    expect(page.next).toBeDefined();
    return page.next ?? '';
  }

  async function codeOf(query: string, principal = READER): Promise<string | undefined> {
    const result = await call({ path: '/v1/mentions', query, principal });
    expect(result.statusCode).toBe(400);
    return body<{ issues: { path: string; code: string }[] }>(result).issues.find(
      (i) => i.path === 'query.cursor',
    )?.code;
  }

  it('refuses a cursor whose payload was altered', async () => {
    const cursor = await firstCursor();
    const [payload, mac] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    decoded.a = `2026-11-30T06:59:59.999Z#${'f'.repeat(32)}`;
    const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`;
    expect(await codeOf(`limit=5&cursor=${encodeURIComponent(forged)}`)).toBe('cursor_bad_signature');
  });

  it('refuses a cursor with a flipped signature character', async () => {
    const cursor = await firstCursor();
    const last = cursor.at(-1) === 'A' ? 'B' : 'A';
    expect(await codeOf(`limit=5&cursor=${encodeURIComponent(cursor.slice(0, -1) + last)}`)).toBe(
      'cursor_bad_signature',
    );
  });

  it('refuses a cursor from another query', async () => {
    const cursor = await firstCursor('limit=5&sentiment=NEGATIVE');
    expect(await codeOf(`limit=5&sentiment=POSITIVE&cursor=${encodeURIComponent(cursor)}`)).toBe(
      'cursor_other_query',
    );
    expect(await codeOf(`limit=5&cursor=${encodeURIComponent(cursor)}`)).toBe('cursor_other_query');
  });

  it('refuses a cursor presented by another API key', async () => {
    const cursor = await firstCursor();
    expect(await codeOf(`limit=5&cursor=${encodeURIComponent(cursor)}`, ANALYST)).toBe('cursor_other_query');
  });

  it('accepts the same filters in another order and another page size', async () => {
    const cursor = await firstCursor('limit=5&sentiment=NEGATIVE,MIXED');
    const result = await call({
      path: '/v1/mentions',
      query: `sentiment=MIXED,NEGATIVE&limit=7&cursor=${encodeURIComponent(cursor)}`,
    });
    expect(result.statusCode).toBe(200);
  });

  it('returns the same page when a cursor is re-used within its lifetime, and refuses it after', async () => {
    const cursor = await firstCursor();
    const query = `limit=5&cursor=${encodeURIComponent(cursor)}`;
    const once = body<{ items: ScoredMention[] }>(await call({ path: '/v1/mentions', query }));
    const twice = body<{ items: ScoredMention[] }>(await call({ path: '/v1/mentions', query }));
    expect(twice.items.map((m) => m.id)).toEqual(once.items.map((m) => m.id));
    clock.at = NOW + CURSOR_TTL_SECONDS * 1000;
    try {
      expect(await codeOf(query)).toBe('cursor_expired');
    } finally {
      clock.at = NOW;
    }
  });

  it('refuses a cursor signed with another key (another server)', async () => {
    const other = createHandler({
      store,
      config: testConfig,
      cursorKey: Buffer.alloc(32, 9),
      clock,
      log: new RecordingLog(),
      metrics: new MemoryMetricSink(),
    });
    const page = body<{ next: string }>(
      await other(apiEvent({ path: '/v1/mentions', query: 'limit=5' }), lambdaContext()),
    );
    expect(await codeOf(`limit=5&cursor=${encodeURIComponent(page.next)}`)).toBe('cursor_bad_signature');
  });
});

describe('GET /v1/trends', () => {
  it('sums a keyword per local (WIB) day with net sentiment (hand-computed)', async () => {
    const result = await call({
      path: '/v1/trends',
      query: 'keyword=kertajati&from=2026-11-26&to=2026-11-30&interval=day',
    });
    expect(result.statusCode).toBe(200);
    const trend = body<{
      series: string;
      timeZone: string;
      utcOffset: string;
      from: string;
      to: string;
      buckets: { start: string; date: string; total: number; netSentiment: number }[];
      totals: Record<string, number>;
    }>(result);
    expect(trend.series).toBe('kw:kertajati');
    expect([trend.timeZone, trend.utcOffset]).toEqual(['Asia/Jakarta', '+07:00']);
    // A bare date is local midnight: 26 Nov 00:00 WIB = 25 Nov 17:00Z.
    expect([trend.from, trend.to]).toEqual(['2026-11-25T17:00:00.000Z', '2026-11-29T17:00:00.000Z']);
    // kertajati mentions: i = 0, 3, 6, …, 21 at 26T00Z, 26T12Z, 27T00Z, … = 07:00 and 19:00 WIB.
    expect(trend.buckets.map((b) => [b.date, b.start, b.total, b.netSentiment])).toEqual([
      ['2026-11-26', '2026-11-25T17:00:00.000Z', 2, -0.5], // NEGATIVE (0), MIXED (3)
      ['2026-11-27', '2026-11-26T17:00:00.000Z', 2, 0], // POSITIVE (6), NEGATIVE (9)
      ['2026-11-28', '2026-11-27T17:00:00.000Z', 2, -0.5], // NEUTRAL (12), NEGATIVE (15)
      ['2026-11-29', '2026-11-28T17:00:00.000Z', 2, 0.5], // MIXED (18), POSITIVE (21)
    ]);
    expect(trend.totals).toEqual({
      POSITIVE: 2,
      NEGATIVE: 3,
      NEUTRAL: 1,
      MIXED: 2,
      total: 8,
      netSentiment: -0.125,
    });
  });

  it('puts a mention at 20:00Z into the next local day, as the digest does', async () => {
    const trend = body<{ buckets: { date: string; total: number }[] }>(
      await call({ path: '/v1/trends', query: 'from=2026-11-26&to=2026-11-28&interval=day' }),
    );
    // Mentions every 4 h from 26T00Z: 26 Nov WIB = [25T17Z, 26T17Z) holds i = 0–4 (5); 27 Nov WIB holds
    // i = 5 (26T20Z = 27 Nov 03:00 WIB) to 10, plus 23 (at i = 7's time) = 7. UTC days would give 6 and 6+1.
    expect(trend.buckets.map((b) => [b.date, b.total])).toEqual([
      ['2026-11-26', 5],
      ['2026-11-27', 7],
    ]);
  });

  it('aligns hourly buckets to whole hours (WIB hours start on UTC hours)', async () => {
    const result = await call({
      path: '/v1/trends',
      query: 'keyword=kertajati&from=2026-11-26T07:00:00%2B07:00&to=2026-11-26T13:30:00Z',
    });
    const trend = body<{
      from: string;
      to: string;
      buckets: { start: string; counts: Record<string, number> }[];
    }>(result);
    expect(trend.from).toBe('2026-11-26T00:00:00.000Z');
    expect(trend.to).toBe('2026-11-26T14:00:00.000Z');
    expect(trend.buckets).toHaveLength(14);
    expect(trend.buckets[0]?.counts['NEGATIVE']).toBe(1);
    expect(trend.buckets[12]?.counts['MIXED']).toBe(1);
  });

  it('counts a topic series', async () => {
    const trend = body<{ series: string; totals: { total: number } }>(
      await call({ path: '/v1/trends', query: 'topic=infrastruktur&from=2026-11-25&interval=day' }),
    );
    expect(trend.series).toBe('topic:infrastruktur');
    expect(trend.totals.total).toBe(seeded.filter((m) => m.topics.includes('infrastruktur')).length);
  });
});

describe('alerts', () => {
  const id = '2026-11-28T10:00:00.000Z~kw:kertajati';

  it('lists alerts of the last 7 days, newest first', async () => {
    const result = body<{ items: { id: string }[] }>(await call({ path: '/v1/alerts' }));
    expect(result.items.map((a) => a.id)).toEqual(['2026-11-29T06:00:00.000Z~kw:majalengka', id]);
  });

  it('acknowledges as the key name, once', async () => {
    const path = `/v1/alerts/${encodeURIComponent(id)}/ack`;
    const result = await call({
      method: 'POST',
      path,
      body: { note: 'Sudah diteruskan ke Dishub' },
      principal: ANALYST,
    });
    expect(result.statusCode, String(result.body)).toBe(200);
    const ack = body<{ alert: { acknowledgement: { by: string; at: string; note: string } } }>(result).alert
      .acknowledgement;
    expect(ack).toEqual({
      by: 'humas-ana',
      at: '2026-11-30T07:00:00.000Z',
      note: 'Sudah diteruskan ke Dishub',
    });
    expect((await store.getAlert(id))?.acknowledgement?.by).toBe('humas-ana');
    expect(log.find('Alert acknowledged')[0]?.context).toMatchObject({ alertId: id, by: 'humas-ana' });

    const again = await call({ method: 'POST', path, principal: { ...ANALYST, name: 'someone-else' } });
    expect(again.statusCode).toBe(409);
    expect(body<{ acknowledgement: { by: string } }>(again).acknowledgement.by).toBe('humas-ana');
  });

  it('acknowledges alerts with the ids the detector writes (neg:/share: series, topics), cleaning the note and saying so', async () => {
    const detectorId = '2026-11-29T08:00:00.000Z~share:topic:bandara';
    await store.putAlert(testAlert('2026-11-29T08:00:00.000Z', 'share:topic:bandara'));
    const result = await call({
      method: 'POST',
      path: `/v1/alerts/${encodeURIComponent(detectorId)}/ack`,
      body: { note: 'Sudah\u0000 ditangani \u202Eterbalik' },
      principal: ANALYST,
    });
    expect(result.statusCode, String(result.body)).toBe(200);
    expect((await store.getAlert(detectorId))?.acknowledgement?.note).toBe('Sudah ditangani terbalik');
    // 'Sudah' is characters 1–5, NUL the 6th; ' ditangani ' 7–17, U+202E the 18th.
    expect(body(result)['notices']).toEqual([
      {
        path: 'body.note',
        code: 'characters_removed',
        message: expect.stringContaining('U+0000 at character 6, U+202E at character 18'),
      },
    ]);
  });

  it('answers 404 for an unknown alert id and 400 for a malformed one', async () => {
    const unknown = await call({
      method: 'POST',
      path: `/v1/alerts/${encodeURIComponent('2026-11-01T00:00:00.000Z~kw:majalengka')}/ack`,
      principal: ANALYST,
    });
    expect(unknown.statusCode).toBe(404);
    const malformed = await call({ method: 'POST', path: '/v1/alerts/nonsense/ack', principal: ANALYST });
    expect(malformed.statusCode).toBe(400);
    expect(body<{ issues: { path: string; code: string }[] }>(malformed).issues).toEqual([
      expect.objectContaining({ path: 'path.id', code: 'invalid_format' }),
    ]);
  });
});

describe('labels', () => {
  it('stores an analyst correction beside the model verdict', async () => {
    const mention = seeded[2];
    const result = await call({
      method: 'PUT',
      path: `/v1/mentions/${mention?.id}/label`,
      body: { label: 'negative', note: 'Sindiran, bukan netral' },
      principal: ANALYST,
    });
    expect(result.statusCode, String(result.body)).toBe(200);
    expect(body(result)).toMatchObject({
      label: { label: 'NEGATIVE', by: 'humas-ana' },
      modelLabel: 'NEUTRAL',
    });
    const detail = body<{ mention: ScoredMention; labels: { label: string; note: string }[] }>(
      await call({ path: `/v1/mentions/${mention?.id}` }),
    );
    expect(detail.mention.sentiment.label).toBe('NEUTRAL');
    expect(detail.labels).toEqual([
      expect.objectContaining({ label: 'NEGATIVE', note: 'Sindiran, bukan netral' }),
    ]);
    // Lists carry the latest correction beside the model's label (QA: the dashboard showed only the model's).
    type Listed = ScoredMention & { analystLabel?: { label: string; by: string; at: string } };
    const listed = body<{ items: Listed[] }>(await call({ path: '/v1/mentions', query: 'limit=200' })).items;
    const corrected = listed.find((m) => m.id === mention?.id);
    expect(corrected?.sentiment.label).toBe('NEUTRAL');
    expect(corrected?.analystLabel).toMatchObject({ label: 'NEGATIVE', by: 'humas-ana' });
    expect(listed.filter((m) => m.analystLabel)).toHaveLength(1);
    await call({
      method: 'PUT',
      path: `/v1/mentions/${mention?.id}/label`,
      body: { label: 'MIXED' },
      principal: ANALYST,
    });
    const again = body<{ items: Listed[] }>(await call({ path: '/v1/mentions', query: 'limit=200' })).items;
    expect(again.find((m) => m.id === mention?.id)?.analystLabel?.label).toBe('MIXED');
  });

  it('answers 404 for a mention that does not exist', async () => {
    const result = await call({
      method: 'PUT',
      path: `/v1/mentions/${'a'.repeat(32)}/label`,
      body: { label: 'NEUTRAL' },
      principal: ANALYST,
    });
    expect(result.statusCode).toBe(404);
  });
});

describe('digests, keywords', () => {
  it('returns a digest as JSON by default and each rendering on request', async () => {
    const json = await call({ path: '/v1/digests/2026-11-29' });
    expect(body(json)).toEqual({
      date: '2026-11-29',
      generatedAt: '2026-11-30T00:00:05.000Z',
      digest: { totals: { mentions: 5 } },
    });
    const html = await call({ path: '/v1/digests/2026-11-29', query: 'format=html' });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.body).toBe('<h1>Ringkasan 29 November 2026</h1>');
    const md = await call({ path: '/v1/digests/2026-11-29', query: 'format=markdown' });
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toBe('# Ringkasan 29 November 2026');
    const txt = await call({ path: '/v1/digests/2026-11-29', query: 'format=text' });
    expect(txt.body).toBe('Ringkasan 29 November 2026');
  });

  it('answers 404 for a day without a digest', async () => {
    expect((await call({ path: '/v1/digests/2026-11-01' })).statusCode).toBe(404);
  });

  it('lists keywords and topics', async () => {
    const result = body<{ keywords: { id: string }[]; topics: { id: string; opd: string }[] }>(
      await call({ path: '/v1/keywords' }),
    );
    expect(result.keywords.map((k) => k.id)).toEqual(['majalengka', 'kertajati']);
    expect(result.topics).toContainEqual({
      id: 'bandara',
      label: 'Bandara Kertajati',
      opd: 'Dinas Perhubungan',
    });
    const topics = body<{ topics: unknown[] }>(await call({ path: '/v1/topics' }));
    expect(topics.topics).toHaveLength(2);
  });
});

describe('internal errors', () => {
  it('answers a generic 500 that leaks nothing, and logs the cause', async () => {
    const errors = new RecordingLog();
    const failing = createHandler({
      store: Object.assign(Object.create(store) as DynamoStore, {
        listMentions: async () => {
          throw new Error('ResourceNotFoundException: table pantau-prod-7f3a in 123456789012 not found');
        },
      }),
      config: testConfig,
      cursorKey,
      clock,
      log: errors,
      metrics: new MemoryMetricSink(),
    });
    const result = await failing(apiEvent({ path: '/v1/mentions' }), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(body(result)).toEqual({ error: 'internal error', requestId: 'test-request' });
    expect(String(result.body)).not.toMatch(/pantau-prod|123456789012|ResourceNotFound/);
    expect(errors.find('Unhandled API error')[0]?.context['error']).toMatch(/pantau-prod-7f3a/);
    expect(errors.find('API request')[0]?.context).toMatchObject({ status: 500, path: '/v1/mentions' });
  });
});
