/**
 * Findings of a fresh-user QA pass on the HTTP API: an unknown `source` filter answered an empty page,
 * bodies that are not UTF-8 were stored with U+FFFD, and a range error blamed a `to` the client never
 * sent. The handler gets API Gateway v2 events, base64 bodies included (API Gateway's binary payloads,
 * and what `pantau serve` sends). Expected values are hand-computed from the inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/api/app.ts';
import type { ApiEvent, ApiResult } from '#functions/api/http.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { parseRegencyConfig } from '#shared/domain/config.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';
import { ANALYST, apiEvent, body, type EventOptions, testConfig } from './helpers.ts';

interface Issue {
  path: string;
  code: string;
  message: string;
}

const NOW = Date.parse('2026-11-30T07:00:00.000Z');
/** The regency config of the other API tests plus two sources, one of them disabled. */
const config = parseRegencyConfig({
  regency: testConfig.regency,
  name: testConfig.name,
  timeZone: testConfig.timeZone,
  keywords: testConfig.keywords,
  topics: testConfig.topics,
  sources: [
    { id: 'rss-antara', kind: 'rss', url: 'https://news.example.id/rss' },
    { id: 'rss-lama', kind: 'rss', url: 'https://old.example.id/rss', enabled: false },
  ],
});

/** One mention per source: two configured, one replayed (collected, not configured), one orphan. */
const mentions: ScoredMention[] = [
  scoredMention(1, { source: 'rss-antara', publishedAt: '2026-11-29T01:00:00.000Z' }),
  scoredMention(2, { source: 'rss-lama', publishedAt: '2026-11-29T02:00:00.000Z' }),
  scoredMention(3, { source: 'replay', sourceKind: 'replay', publishedAt: '2026-11-29T03:00:00.000Z' }),
  scoredMention(4, { source: 'rss-hilang', publishedAt: '2026-11-29T04:00:00.000Z' }),
];
const labelled = mentions[0] as ScoredMention;

let db: EmbeddedDynamo;
let store: DynamoStore;
let handler: ReturnType<typeof createHandler>;

async function call(options: EventOptions | ApiEvent): Promise<ApiResult> {
  return handler('requestContext' in options ? options : apiEvent(options), lambdaContext());
}
function issuesOf(result: ApiResult): Issue[] {
  return body<{ issues: Issue[] }>(result).issues;
}

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'api-fresh-user-test' });
  store = new DynamoStore({ client: db.client, tableName: 'api-fresh-user-test' });
  for (const m of mentions) await store.putMention(m);
  // What a collect run of `npm start -- --replay FILE` leaves behind for its source.
  await store.putSourceState({
    sourceId: 'replay',
    cursor: {},
    lastSuccessAt: '2026-11-29T05:00:00.000Z',
    consecutiveFailures: 0,
  });
  handler = createHandler({
    store,
    config,
    cursorKey: Buffer.alloc(32, 5),
    clock: fixedClock(NOW),
    log: new RecordingLog(),
    metrics: new MemoryMetricSink(),
  });
});

afterAll(async () => {
  await db.close();
});

describe('source filter', () => {
  it('answers 400 unknown_source for a source id that names nothing', async () => {
    const result = await call({ path: '/v1/mentions', query: 'source=nosuch&from=2025-11-15&to=2026-02-13' });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result)).toEqual([
      {
        path: 'query.source',
        code: 'unknown_source',
        message: "no source 'nosuch': not in the regency config and never collected into this store",
      },
    ]);
  });

  it('refuses a source whose mentions exist but which is neither configured nor collected here', async () => {
    const result = await call({ path: '/v1/mentions', query: 'source=rss-hilang&from=2026-11-28' });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result).map((i) => i.code)).toEqual(['unknown_source']);
  });

  it.each([
    ['rss-antara', 'configured'],
    ['rss-lama', 'configured but disabled'],
    ['replay', 'collected (local --replay), not configured'],
  ])('filters by %s (%s)', async (source) => {
    const result = await call({ path: '/v1/mentions', query: `source=${source}&from=2026-11-28` });
    expect(result.statusCode, String(result.body)).toBe(200);
    expect(body<{ items: ScoredMention[] }>(result).items.map((m) => m.id)).toEqual(
      mentions.filter((m) => m.source === source).map((m) => m.id),
    );
  });

  it('reports unknown keyword, topic and source together in one 400', async () => {
    const result = await call({ path: '/v1/mentions', query: 'keyword=nonexist&topic=nada&source=nosuch' });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result).map((i) => [i.path, i.code])).toEqual([
      ['query.keyword', 'unknown_keyword'],
      ['query.topic', 'unknown_topic'],
      ['query.source', 'unknown_source'],
    ]);
  });

  it('echoes an id only once its pattern accepted it', async () => {
    const sent = 'NoSuch<b>';
    const result = await call({ path: '/v1/mentions', query: `source=${encodeURIComponent(sent)}` });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result).map((i) => i.code)).toEqual(['invalid_format']);
    expect(String(result.body)).not.toContain('NoSuch');
  });

  it('is not a trends parameter (trends have no per-source series)', async () => {
    const result = await call({ path: '/v1/trends', query: 'source=rss-antara' });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result).map((i) => [i.path, i.code])).toEqual([['query.source', 'unrecognized_keys']]);
  });
});

describe('request bodies: UTF-8 only', () => {
  const path = `/v1/mentions/${labelled.id}/label`;
  /** A label request whose note holds `noteBytes`, sent as API Gateway sends binary payloads. */
  function base64Event(noteBytes: Buffer, contentType = 'application/json'): ApiEvent {
    const bytes = Buffer.concat([
      Buffer.from('{"label":"NEGATIVE","note":"a', 'utf8'),
      noteBytes,
      Buffer.from('b"}', 'utf8'),
    ]);
    const event = apiEvent({
      method: 'PUT',
      path,
      principal: ANALYST,
      headers: { 'content-type': contentType },
    });
    return { ...event, body: bytes.toString('base64'), isBase64Encoded: true };
  }
  async function storedNotes(): Promise<(string | undefined)[]> {
    return (await store.listLabels(labelled.id)).map((l) => l.note);
  }

  it('answers 400 invalid_utf8 for bytes that are not UTF-8, stores nothing, echoes nothing', async () => {
    const before = await storedNotes();
    const result = await call(base64Event(Buffer.from([0xff, 0xfe])));
    expect(result.statusCode).toBe(400);
    expect(body(result)).toEqual({
      error: 'request body is not valid UTF-8',
      issues: [{ path: 'body', code: 'invalid_utf8', message: 'request body is not valid UTF-8' }],
    });
    expect(String(result.body)).not.toContain('\uFFFD');
    expect(await storedNotes()).toEqual(before);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
  ])('refuses %s', async (_what, bytes) => {
    const result = await call(base64Event(Buffer.from(bytes)));
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result).map((i) => i.code)).toEqual(['invalid_utf8']);
  });

  it('refuses a string body holding U+FFFD, which is all API Gateway leaves of bytes it could not decode', async () => {
    const result = await call({
      method: 'PUT',
      path,
      principal: ANALYST,
      body: '{"label":"NEGATIVE","note":"a\uFFFD\uFFFDb"}',
    });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result).map((i) => [i.path, i.code])).toEqual([['body', 'invalid_utf8']]);
    expect(issuesOf(result)[0]?.message).toContain('\\ufffd');
  });

  it('accepts U+FFFD written as a JSON escape (the character meant, not a decoding accident)', async () => {
    const result = await call({
      method: 'PUT',
      path,
      principal: ANALYST,
      body: '{"label":"NEGATIVE","note":"x\\ufffdy"}',
    });
    expect(result.statusCode, String(result.body)).toBe(200);
    expect(body<{ label: { note: string } }>(result).label.note).toBe('x\uFFFDy');
  });

  it('reads a base64 body of valid UTF-8 exactly (2-, 3- and 4-byte characters)', async () => {
    const result = await call(base64Event(Buffer.from('é—🙂', 'utf8')));
    expect(result.statusCode, String(result.body)).toBe(200);
    expect(body<{ label: { note: string } }>(result).label.note).toBe('aé—🙂b');
  });

  it('keeps a leading byte-order mark, so base64 and string bodies both get invalid_json', async () => {
    const json = '\uFEFF{"label":"NEGATIVE"}';
    const asString = await call({ method: 'PUT', path, principal: ANALYST, body: json });
    const event = apiEvent({ method: 'PUT', path, principal: ANALYST, body: '{}' });
    const asBase64 = await call({
      ...event,
      body: Buffer.from(json, 'utf8').toString('base64'),
      isBase64Encoded: true,
    });
    for (const result of [asString, asBase64]) {
      expect(result.statusCode).toBe(400);
      expect(issuesOf(result).map((i) => i.code)).toEqual(['invalid_json']);
    }
  });

  it.each([
    'application/json; charset=latin1',
    'application/json; charset=ISO-8859-1',
    'application/json;charset=utf-16',
    'application/json; charset=no-such-charset',
  ])('answers 415 unsupported_charset for %s', async (contentType) => {
    const result = await call(base64Event(Buffer.from([0xe9]), contentType));
    expect(result.statusCode).toBe(415);
    expect(body(result)).toEqual({
      error: 'send the body as UTF-8: application/json takes no other charset',
      issues: [
        {
          path: 'header.content-type',
          code: 'unsupported_charset',
          message: 'send the body as UTF-8: application/json takes no other charset',
        },
      ],
    });
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; Charset=UTF-8',
    'application/json; charset="utf-8"',
    'application/json; charset=utf8',
  ])('accepts %s', async (contentType) => {
    const result = await call(base64Event(Buffer.from('ok', 'utf8'), contentType));
    expect(result.statusCode, String(result.body)).toBe(200);
  });

  it('still answers 415 for a body that is not JSON-typed, before reading it', async () => {
    const result = await call(base64Event(Buffer.from([0xff]), 'application/json-patch+json'));
    expect(result.statusCode).toBe(415);
    expect(body(result)).toEqual({ error: 'send the body as application/json' });
  });

  it('measures the 16 KiB limit on the bytes sent, base64 or not', async () => {
    const event = base64Event(Buffer.from('x'.repeat(16_384 - 32), 'utf8'));
    expect(Buffer.from(String(event.body), 'base64').length).toBe(16_384);
    expect((await call(event)).statusCode).not.toBe(413);
    const over = base64Event(Buffer.from('x'.repeat(16_384 - 31), 'utf8'));
    expect((await call(over)).statusCode).toBe(413);
  });
});

describe('date range errors when `to` was not given', () => {
  it('says that `to` defaulted to now, and which instant that was', async () => {
    // 2026-01-01T07:00+07:00 = 2026-01-01T00:00Z; to 2026-11-30T07:00Z is 333 days and 7 hours later.
    const result = await call({ path: '/v1/mentions', query: 'from=2026-01-01T07:00%2B07:00' });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result)).toEqual([
      {
        path: 'query.to',
        code: 'range_too_long',
        message:
          'at most 92 days between `from` and `to` (`to` was not given and defaults to now: 2026-11-30T07:00:00.000Z)',
      },
    ]);
  });

  it('says so for a `from` after now too', async () => {
    const result = await call({ path: '/v1/alerts', query: 'from=2026-12-05' });
    expect(issuesOf(result)).toEqual([
      {
        path: 'query.from',
        code: 'invalid_range',
        message:
          '`from` must be before `to` (`to` was not given and defaults to now: 2026-11-30T07:00:00.000Z)',
      },
    ]);
  });

  it('keeps the plain message when `to` was given, and for trends', async () => {
    const given = await call({ path: '/v1/mentions', query: 'from=2026-01-01&to=2026-11-30' });
    expect(issuesOf(given)[0]?.message).toBe('at most 92 days between `from` and `to`');
    const trends = await call({ path: '/v1/trends', query: 'from=2026-01-01' });
    expect(issuesOf(trends)[0]?.message).toBe(
      'at most 92 days between `from` and `to` (`to` was not given and defaults to now: 2026-11-30T07:00:00.000Z)',
    );
  });
});
