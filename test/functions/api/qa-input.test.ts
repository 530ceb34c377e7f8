/**
 * Findings of a fresh-clone QA pass on the API's input handling: integer parameters out of range,
 * oversized or malformed path parameters, and hidden characters in analyst notes. Expected values are
 * hand-computed from the inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/api/app.ts';
import type { ApiResult } from '#functions/api/http.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { integerParam, MAX_ALERT_ID_LENGTH, noteNotice } from '#shared/domain/api/schemas.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';
import { ANALYST, apiEvent, body, type EventOptions, testAlert, testConfig } from './helpers.ts';

interface Issue {
  path: string;
  code: string;
  message: string;
}

const mention = scoredMention(1, { label: 'NEUTRAL' });
const alertIdOk = '2026-11-29T06:00:00.000Z~kw:majalengka';
let db: EmbeddedDynamo;
let store: DynamoStore;
let handler: ReturnType<typeof createHandler>;

async function call(options: EventOptions): Promise<ApiResult> {
  return handler(apiEvent(options), lambdaContext());
}
function issuesOf(result: ApiResult): Issue[] {
  return body<{ issues: Issue[] }>(result).issues;
}

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'api-qa-test' });
  store = new DynamoStore({ client: db.client, tableName: 'api-qa-test' });
  await store.putMention(mention);
  await store.putAlert(testAlert('2026-11-29T06:00:00.000Z', 'kw:majalengka'));
  await store.putAlert(testAlert('2026-11-29T07:00:00.000Z', 'kw:kertajati'));
  handler = createHandler({
    store,
    config: testConfig,
    cursorKey: Buffer.alloc(32, 3),
    clock: fixedClock(Date.parse('2026-11-30T07:00:00.000Z')),
    log: new RecordingLog(),
    metrics: new MemoryMetricSink(),
  });
});

afterAll(async () => {
  await db.close();
});

describe('id query parameters', () => {
  it('says the length limit when a keyword or topic id is too long', async () => {
    for (const name of ['keyword', 'topic']) {
      const result = await call({ path: '/v1/mentions', query: `${name}=${'a'.repeat(200)}` });
      expect(result.statusCode).toBe(400);
      expect(issuesOf(result)).toEqual([
        {
          path: `query.${name}`,
          code: 'invalid_format',
          message: `a ${name} id: 1–40 lowercase letters, digits or dashes, starting with a letter or digit`,
        },
      ]);
    }
  });
});

describe('integer query parameters', () => {
  it.each([
    ['99999999999999999999', 'too_big'],
    ['9007199254740993', 'too_big'],
    ['201', 'too_big'],
    ['0', 'too_small'],
  ])('limit=%s is one %s issue that states the range 1–200', async (limit, code) => {
    const result = await call({ path: '/v1/mentions', query: `limit=${limit}` });
    expect(result.statusCode).toBe(400);
    const issues = issuesOf(result);
    expect(issues).toEqual([{ path: 'query.limit', code, message: 'must be from 1 to 200' }]);
    expect(String(result.body)).not.toContain('9007199254740991');
  });

  it('still reads 1 and 200, and refuses non-digits with one issue', async () => {
    expect((await call({ path: '/v1/mentions', query: 'limit=1' })).statusCode).toBe(200);
    expect((await call({ path: '/v1/mentions', query: 'limit=200' })).statusCode).toBe(200);
    const bad = issuesOf(await call({ path: '/v1/mentions', query: 'limit=-5' }));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ path: 'query.limit', code: 'invalid_format' });
    expect(bad[0]?.message).toContain('1–200');
  });

  it('integerParam compares digits, not a rounded number', () => {
    const schema = integerParam(1, 200);
    expect(schema.safeParse('200').data).toBe(200);
    expect(schema.safeParse('0200').success).toBe(false);
    // 2^53 + 1 rounds to 2^53 as a number; either way it is far above 200.
    const huge = schema.safeParse('9007199254740993');
    expect(huge.error?.issues).toHaveLength(1);
  });
});

describe('path parameters are checked and never echoed', () => {
  const zs = 'Z'.repeat(7000);

  it('a 7000-character alert id is 400 invalid_format, echoing none of it', async () => {
    const result = await call({ method: 'POST', path: `/v1/alerts/${zs}/ack`, principal: ANALYST });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result)).toEqual([expect.objectContaining({ path: 'path.id', code: 'invalid_format' })]);
    expect(String(result.body)).not.toContain('ZZZZZ');
    expect(String(result.body).length).toBeLessThan(300);
  });

  it('refuses an alert id of the right shape that is too long or names no real instant', async () => {
    const longSeries = `2026-11-29T06:00:00.000Z~kw:${'a'.repeat(MAX_ALERT_ID_LENGTH)}`;
    const month13 = '2026-13-29T06:00:00.000Z~kw:majalengka';
    const feb30 = '2026-02-30T06:00:00.000Z~kw:majalengka';
    for (const id of [longSeries, month13, feb30]) {
      const result = await call({
        method: 'POST',
        path: `/v1/alerts/${encodeURIComponent(id)}/ack`,
        principal: ANALYST,
      });
      expect(result.statusCode, id).toBe(400);
      expect(issuesOf(result).map((i) => i.code)).toEqual(['invalid_format']);
      expect(String(result.body)).not.toContain('aaaaaaaaaa');
    }
  });

  it('accepts the longest series id the detector writes (share:topic:<40 characters>)', async () => {
    const series = `share:topic:${'t'.repeat(40)}`;
    const id = `2026-11-29T09:00:00.000Z~${series}`;
    const result = await call({
      method: 'POST',
      path: `/v1/alerts/${encodeURIComponent(id)}/ack`,
      principal: ANALYST,
    });
    expect(result.statusCode).toBe(404);
  });

  it('reports a bad alert id and a bad body in one 400', async () => {
    const result = await call({
      method: 'POST',
      path: '/v1/alerts/nonsense/ack',
      body: { note: 5 },
      principal: ANALYST,
    });
    expect(issuesOf(result).map((i) => i.path)).toEqual(['path.id', 'body.note']);
  });

  it.each([
    [`/v1/digests/${zs}`, 'path.date'],
    [`/v1/mentions/${zs}`, 'path.id'],
  ])('%s… is 400 invalid_format without echo', async (path, where) => {
    const result = await call({ path });
    expect(result.statusCode).toBe(400);
    expect(issuesOf(result)).toEqual([expect.objectContaining({ path: where, code: 'invalid_format' })]);
    expect(String(result.body)).not.toContain('ZZZZZ');
  });
});

describe('hidden characters in notes: cleaned, and the response says which', () => {
  it('acknowledges with "a\\u202Eb\\u0000c": stores abc and names U+202E at 2 and U+0000 at 4', async () => {
    const result = await call({
      method: 'POST',
      path: `/v1/alerts/${encodeURIComponent(alertIdOk)}/ack`,
      body: { note: 'a\u202Eb\u0000c' },
      principal: ANALYST,
    });
    expect(result.statusCode, String(result.body)).toBe(200);
    expect((await store.getAlert(alertIdOk))?.acknowledgement?.note).toBe('abc');
    expect(body(result)['notices']).toEqual([
      {
        path: 'body.note',
        code: 'characters_removed',
        message:
          'removed 2 hidden characters (control, text-direction or zero-width; not stored): U+202E at character 2, U+0000 at character 4',
      },
    ]);
  });

  it('says nothing when only white space was tidied', async () => {
    const id = '2026-11-29T07:00:00.000Z~kw:kertajati';
    const result = await call({
      method: 'POST',
      path: `/v1/alerts/${encodeURIComponent(id)}/ack`,
      body: { note: '  Sudah\n\tditangani  ' },
      principal: ANALYST,
    });
    expect(result.statusCode).toBe(200);
    expect(body(result)).not.toHaveProperty('notices');
    expect((await store.getAlert(id))?.acknowledgement?.note).toBe('Sudah ditangani');
  });

  it('labels: the same notice for a label note', async () => {
    const result = await call({
      method: 'PUT',
      path: `/v1/mentions/${mention.id}/label`,
      body: { label: 'NEGATIVE', note: 'x\u200By' },
      principal: ANALYST,
    });
    expect(result.statusCode).toBe(200);
    expect(body<{ label: { note: string }; notices: Issue[] }>(result)).toMatchObject({
      label: { note: 'xy' },
      notices: [{ code: 'characters_removed', message: expect.stringContaining('U+200B at character 2') }],
    });
  });

  it('noteNotice names five characters, counts the rest, and positions count code points', () => {
    // '😀' is one character (two UTF-16 units): the NUL after it is character 2.
    expect(noteNotice('😀\u0000')?.message).toContain('U+0000 at character 2');
    const seven = noteNotice('\u0001\u0002\u0003\u0004\u0005\u0006\u0007');
    expect(seven?.message).toMatch(/^removed 7 hidden characters .*U\+0005 at character 5 and 2 more$/);
    expect(noteNotice('Sudah ditangani, é')).toBeUndefined();
  });

  it('noteNotice names a byte-order mark (JavaScript counts U+FEFF as white space; cleaning removes it)', () => {
    // QA: "ok\u202Edone\u200B\u0007x\u00ADy\uFEFFz" named four of its five hidden characters.
    expect(noteNotice('ok\u202Edone\u200B\u0007x\u00ADy\uFEFFz')?.message).toBe(
      'removed 5 hidden characters (control, text-direction or zero-width; not stored): U+202E at character 3, U+200B at character 8, U+0007 at character 9, U+00AD at character 11, U+FEFF at character 13',
    );
    // Ordinary white space is collapsed, not reported.
    expect(noteNotice('a \t\n b')).toBeUndefined();
  });
});
