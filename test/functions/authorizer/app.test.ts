import { readFileSync } from 'node:fs';
import { type AttributeValue, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, UnauthorizedError } from '#functions/authorizer/app.ts';
import { apiKeyKeys, DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { checkAccess, generateApiKey, hashSecret, parseApiKeyToken } from '#shared/domain/api/auth.ts';
import { NotFoundError } from '#shared/errors.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('./request-event.json', import.meta.url), 'utf8'),
) as APIGatewayRequestAuthorizerEventV2;

function authEvent(
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
): APIGatewayRequestAuthorizerEventV2 {
  const event = structuredClone(FIXTURE);
  event.rawPath = rawPath;
  event.requestContext.http.method = method;
  event.requestContext.http.path = rawPath;
  event.headers = { ...event.headers, ...headers };
  return event;
}

let db: EmbeddedDynamo;
let keys: DynamoApiKeyStore;
let reader: string;
let analyst: string;
let revoked: string;
let analystId: string;
const log = new RecordingLog();
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'auth-test' });
  keys = new DynamoApiKeyStore({ client: db.client, tableName: 'auth-test' });
  reader = (await keys.create({ name: 'pembaca', scope: 'read', now: '2026-11-30T07:00:00.000Z' })).token;
  const created = await keys.create({ name: 'humas-ana', scope: 'analyst', now: '2026-11-30T07:00:01.000Z' });
  analyst = created.token;
  analystId = created.record.keyId;
  const old = await keys.create({ name: 'mantan', scope: 'admin', now: '2026-11-30T07:00:02.000Z' });
  revoked = old.token;
  await keys.revoke(old.record.keyId, '2026-11-30T08:00:00.000Z');
  handler = createHandler({ keys, log, metrics: new MemoryMetricSink() });
});

afterAll(async () => {
  await db.close();
});

describe('API key store', () => {
  it('stores only the hash of the secret', async () => {
    const parsed = parseApiKeyToken(analyst);
    const raw = await db.client.send(
      new GetItemCommand({
        TableName: 'auth-test',
        Key: { PK: { S: apiKeyKeys.item(analystId).PK }, SK: { S: 'KEY' } },
      }),
    );
    const stored = JSON.stringify(raw.Item);
    expect(parsed).toBeDefined();
    expect(stored).not.toContain(parsed?.secret);
    expect(stored).toContain(hashSecret(analystId, parsed?.secret ?? ''));
  });

  it('lists keys oldest first and revokes idempotently, keeping the first time', async () => {
    const list = (await keys.listItems()).flatMap((k) => (k.ok ? [k.record] : []));
    expect(list.map((k) => k.name)).toEqual(['pembaca', 'humas-ana', 'mantan']);
    const mantan = list[2];
    expect(mantan?.revokedAt).toBe('2026-11-30T08:00:00.000Z');
    const again = await keys.revoke(mantan?.keyId ?? '', '2026-12-01T00:00:00.000Z');
    expect(again.ok && again.record.revokedAt).toBe('2026-11-30T08:00:00.000Z');
    await expect(keys.revoke('0000000000000000', '2026-12-01T00:00:00.000Z')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('reads a malformed key item without hiding the others, names it, and still revokes it', async () => {
    const other = await startEmbeddedDynamo({ tableName: 'auth-malformed' });
    try {
      const store = new DynamoApiKeyStore({ client: other.client, tableName: 'auth-malformed' });
      const good = await store.create({ name: 'baik', scope: 'read', now: '2026-11-30T07:00:00.000Z' });
      const put = (id: string, data: Record<string, unknown>) =>
        other.client.send(
          new PutItemCommand({
            TableName: 'auth-malformed',
            Item: {
              PK: { S: `KEY#${id}` },
              SK: { S: 'KEY' },
              GSI1PK: { S: 'KEYS' },
              GSI1SK: { S: `2026-11-30T08:00:00.000Z#${id}` },
              data: { M: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { S: String(v) }])) },
            },
          }),
        );
      // Hand-edited: the scope is not one of Pantau's and the hash is missing.
      await put('00000000000000aa', {
        keyId: '00000000000000aa',
        name: 'rusak',
        scope: 'root',
        createdAt: 'x',
      });
      const items = await store.listItems();
      expect(items.map((i) => (i.ok ? i.record.name : i.keyId))).toEqual(['baik', '00000000000000aa']);
      expect(items[1]).toMatchObject({ ok: false, fields: expect.arrayContaining(['scope', 'hash']) });
      await expect(store.getKey('00000000000000aa')).resolves.toEqual({
        malformed: true,
        keyId: '00000000000000aa',
        fields: expect.arrayContaining(['scope', 'hash']),
      });
      await expect(store.getKey(good.record.keyId)).resolves.toMatchObject({ name: 'baik' });
      // A leaked key must stay revocable whatever else its item holds.
      const revokedItem = await store.revoke('00000000000000aa', '2026-12-01T00:00:00.000Z');
      expect(revokedItem).toMatchObject({ ok: false, revokedAt: '2026-12-01T00:00:00.000Z' });
      // The name check skips it (it cannot authenticate) and says so.
      const made = await store.create({ name: 'baru', scope: 'read', now: '2026-12-01T00:00:01.000Z' });
      expect(made.unchecked.map((i) => i.keyId)).toEqual(['00000000000000aa']);
    } finally {
      await other.close();
    }
  });

  it('refuses key items that would authenticate while revoked or unlisted, and still revokes them (QA)', async () => {
    const other = await startEmbeddedDynamo({ tableName: 'auth-holes' });
    try {
      const store = new DynamoApiKeyStore({ client: other.client, tableName: 'auth-holes' });
      const rewrite = async (id: string, change: (item: Record<string, AttributeValue>) => void) => {
        const key = { PK: { S: `KEY#${id}` }, SK: { S: 'KEY' } };
        const item =
          (await other.client.send(new GetItemCommand({ TableName: 'auth-holes', Key: key }))).Item ?? {};
        change(item);
        await other.client.send(new PutItemCommand({ TableName: 'auth-holes', Item: item }));
      };
      // 1. revokedAt "" read as "not revoked": now malformed (never access), and revoke writes a time.
      const empty = await store.create({ name: 'kosong', scope: 'admin', now: '2026-12-01T00:00:00.000Z' });
      await rewrite(empty.record.keyId, (item) => {
        item['data']!.M!['revokedAt'] = { S: '' };
      });
      await expect(store.getKey(empty.record.keyId)).resolves.toMatchObject({ malformed: true });
      const revoked = await store.revoke(empty.record.keyId, '2026-12-01T01:00:00.000Z');
      expect(revoked.ok && revoked.record.revokedAt).toBe('2026-12-01T01:00:00.000Z');
      // 2. The id in the item's key differs from data.keyId: list would name a key revoke cannot find.
      const moved = await store.create({ name: 'pindah', scope: 'read', now: '2026-12-01T00:00:01.000Z' });
      await rewrite(moved.record.keyId, (item) => {
        item['data']!.M!['keyId'] = { S: 'bbbbbbbbbbbbbbbb' };
      });
      await expect(store.getKey(moved.record.keyId)).resolves.toMatchObject({ malformed: true });
      expect(await store.getItem(moved.record.keyId)).toMatchObject({ ok: false, fields: ['keyId'] });
      // 3. No GSI1 keys: `list`, the operator's audit, would never show a key that authenticates.
      const hidden = await store.create({
        name: 'tersembunyi',
        scope: 'admin',
        now: '2026-12-01T00:00:02.000Z',
      });
      await rewrite(hidden.record.keyId, (item) => {
        delete item['GSI1PK'];
        delete item['GSI1SK'];
      });
      await expect(store.getKey(hidden.record.keyId)).resolves.toMatchObject({
        malformed: true,
        fields: ['GSI1PK', 'GSI1SK'],
      });
      expect((await store.listItems()).map((i) => (i.ok ? i.record.name : i.keyId))).toEqual([
        'kosong',
        moved.record.keyId,
      ]);
    } finally {
      await other.close();
    }
  });

  it('names the field at fault: GSI1SK alone, an SK other than KEY, a blank revokedAt (QA second pass)', async () => {
    const other = await startEmbeddedDynamo({ tableName: 'auth-fields' });
    try {
      const table = 'auth-fields';
      const store = new DynamoApiKeyStore({ client: other.client, tableName: table });
      const raw = async (id: string, sk = 'KEY') =>
        (
          await other.client.send(
            new GetItemCommand({ TableName: table, Key: { PK: { S: `KEY#${id}` }, SK: { S: sk } } }),
          )
        ).Item ?? {};
      const put = (item: Record<string, AttributeValue>) =>
        other.client.send(new PutItemCommand({ TableName: table, Item: item }));

      // Only GSI1SK missing: the item leaves the index too, but the field to repair is GSI1SK, not GSI1PK.
      const noSk = await store.create({ name: 'tanpa-sk', scope: 'read', now: '2026-12-01T00:00:00.000Z' });
      const noSkItem = await raw(noSk.record.keyId);
      delete noSkItem['GSI1SK'];
      await put(noSkItem);
      expect(await store.getItem(noSk.record.keyId)).toMatchObject({ ok: false, fields: ['GSI1SK'] });

      // A copy of a real key's item under another SK: listed by the index, invisible to getKey and revoke.
      const real = await store.create({ name: 'asli', scope: 'admin', now: '2026-12-01T00:00:01.000Z' });
      const decoy = await raw(real.record.keyId);
      decoy['SK'] = { S: 'KEY#decoy' };
      await put(decoy);
      const listed = await store.listItems();
      // Both carry the same GSI1 sort key, whose order among equals the index does not fix: compare as a set.
      expect(
        listed.map((i) => (i.ok ? `ok ${i.record.name}` : `${i.keyId} ${i.fields.join(',')}`)).sort(),
      ).toEqual([`${real.record.keyId} SK`, 'ok asli'].sort());

      // revokedAt of white space only: malformed, shown with no REVOKED time, and revoke writes a real one.
      const blank = await store.create({ name: 'spasi', scope: 'admin', now: '2026-12-01T00:00:02.000Z' });
      const blankItem = await raw(blank.record.keyId);
      blankItem['data']!.M!['revokedAt'] = { S: ' \t ' };
      await put(blankItem);
      const before = await store.getItem(blank.record.keyId);
      expect(before).toEqual({ ok: false, keyId: blank.record.keyId, fields: ['revokedAt'] });
      await expect(
        checkAccess({ method: 'GET', rawPath: '/v1/mentions', headers: { 'x-api-key': blank.token } }, store),
      ).resolves.toMatchObject({ outcome: 'unauthenticated', reason: 'malformed-item' });
      const after = await store.revoke(blank.record.keyId, '2026-12-01T03:00:00.000Z');
      expect(after.ok && after.record.revokedAt).toBe('2026-12-01T03:00:00.000Z');
    } finally {
      await other.close();
    }
  });

  it('generates distinct well-formed keys', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.token).not.toBe(b.token);
    expect(parseApiKeyToken(a.token)).toEqual({ keyId: a.keyId, secret: a.secret });
  });
});

describe('checkAccess (shared by the authoriser and pantau serve)', () => {
  const request = (method: string, rawPath: string, headers: Record<string, string> = {}) => ({
    method,
    rawPath,
    headers,
  });

  it('lets public routes and preflights through without a key', async () => {
    expect(await checkAccess(request('GET', '/v1/health'), keys)).toEqual({ outcome: 'public' });
    expect(await checkAccess(request('OPTIONS', '/v1/mentions'), keys)).toEqual({ outcome: 'public' });
  });

  it('accepts the key in x-api-key or as a bearer token', async () => {
    const viaHeader = await checkAccess(request('GET', '/v1/mentions', { 'x-api-key': reader }), keys);
    const viaBearer = await checkAccess(
      request('GET', '/v1/mentions', { authorization: `Bearer ${reader}` }),
      keys,
    );
    expect(viaHeader).toMatchObject({ outcome: 'allow', principal: { name: 'pembaca', scope: 'read' } });
    expect(viaBearer).toEqual(viaHeader);
  });

  it.each([
    ['missing', {}],
    ['malformed', { 'x-api-key': 'hunter2' }],
    ['unknown', { 'x-api-key': generateApiKey().token }],
    ['revoked', {}],
  ])('refuses a %s key as unauthenticated', async (reason, headers) => {
    const h = reason === 'revoked' ? { 'x-api-key': revoked } : (headers as Record<string, string>);
    expect(await checkAccess(request('GET', '/v1/mentions', h), keys)).toEqual({
      outcome: 'unauthenticated',
      reason,
    });
  });

  it('refuses a right id with a wrong secret exactly like an unknown key', async () => {
    const { keyId } = parseApiKeyToken(analyst) ?? { keyId: '' };
    const wrong = `pantau_${keyId}_${generateApiKey().secret}`;
    expect(await checkAccess(request('GET', '/v1/mentions', { 'x-api-key': wrong }), keys)).toEqual({
      outcome: 'unauthenticated',
      reason: 'unknown',
    });
  });

  it('forbids a read key on analyst routes and allows the analyst (scopes are ordered)', async () => {
    const path = '/v1/mentions/0123456789abcdef0123456789abcdef/label';
    expect(await checkAccess(request('PUT', path, { 'x-api-key': reader }), keys)).toMatchObject({
      outcome: 'forbidden',
      required: 'analyst',
    });
    expect(await checkAccess(request('PUT', path, { 'x-api-key': analyst }), keys)).toMatchObject({
      outcome: 'allow',
    });
    expect(await checkAccess(request('GET', '/v1/alerts', { 'x-api-key': analyst }), keys)).toMatchObject({
      outcome: 'allow',
    });
  });

  it('answers a malformed key item like an unknown key, whatever the secret, naming it only for the log', async () => {
    const keyId = '00000000000000bb';
    const lookup = {
      getKey: async (id: string) =>
        id === keyId ? { malformed: true as const, keyId, fields: ['scope'] } : undefined,
    };
    const secret = generateApiKey().secret;
    for (const token of [`pantau_${keyId}_${secret}`, `pantau_${keyId}_${'A'.repeat(43)}`])
      expect(await checkAccess(request('GET', '/v1/mentions', { 'x-api-key': token }), lookup)).toEqual({
        outcome: 'unauthenticated',
        reason: 'malformed-item',
        item: { keyId, fields: ['scope'] },
      });
  });

  it('needs a key even for unknown paths (no route discovery)', async () => {
    expect(await checkAccess(request('GET', '/v1/admin/keys'), keys)).toMatchObject({
      outcome: 'unauthenticated',
    });
  });
});

describe('authoriser handler (simple responses)', () => {
  it('authorises with the principal as context', async () => {
    const result = await handler(authEvent('GET', '/v1/mentions', { 'x-api-key': analyst }), lambdaContext());
    expect(result).toEqual({
      isAuthorized: true,
      context: { keyId: analystId, name: 'humas-ana', scope: 'analyst' },
    });
  });

  it('denies (API Gateway answers 403) when the scope is too weak', async () => {
    const event = authEvent('POST', '/v1/alerts/2026-11-29T06%3A00%3A00.000Z~kw%3Amajalengka/ack', {
      authorization: `Bearer ${reader}`,
    });
    expect(await handler(event, lambdaContext())).toEqual({ isAuthorized: false, context: {} });
    expect(log.find('API key scope too weak')[0]?.context).toMatchObject({
      scope: 'read',
      required: 'analyst',
    });
  });

  it('throws Unauthorized (API Gateway answers 401) for missing and revoked keys, logging the reason', async () => {
    await expect(handler(authEvent('GET', '/v1/mentions'), lambdaContext())).rejects.toThrow(
      UnauthorizedError,
    );
    await expect(
      handler(authEvent('GET', '/v1/mentions', { 'X-Api-Key': revoked }), lambdaContext()),
    ).rejects.toThrow('Unauthorized');
    expect(log.find('API request not authenticated').map((e) => e.context['reason'])).toEqual([
      'missing',
      'revoked',
    ]);
  });

  it('answers a malformed key item 401 and logs it once at error level with the id and fields', async () => {
    const other = await startEmbeddedDynamo({ tableName: 'auth-handler-malformed' });
    try {
      const store = new DynamoApiKeyStore({ client: other.client, tableName: 'auth-handler-malformed' });
      const made = await store.create({ name: 'rusak', scope: 'admin', now: '2026-12-01T00:00:00.000Z' });
      const key = { PK: { S: `KEY#${made.record.keyId}` }, SK: { S: 'KEY' } };
      const item =
        (await other.client.send(new GetItemCommand({ TableName: 'auth-handler-malformed', Key: key })))
          .Item ?? {};
      item['data']!.M!['scope'] = { S: 'root' };
      await other.client.send(new PutItemCommand({ TableName: 'auth-handler-malformed', Item: item }));
      const recording = new RecordingLog();
      const metrics = new MemoryMetricSink();
      const guarded = createHandler({ keys: store, log: recording, metrics });
      // The holder's own secret and a made-up one get the same answer.
      for (const token of [made.token, `pantau_${made.record.keyId}_${generateApiKey().secret}`])
        await expect(
          guarded(authEvent('GET', '/v1/mentions', { 'x-api-key': token }), lambdaContext()),
        ).rejects.toThrow(UnauthorizedError);
      expect(recording.entries.map((e) => [e.level, e.message])).toEqual([
        ['error', 'API key item malformed'],
        ['error', 'API key item malformed'],
      ]);
      expect(recording.entries[0]?.context).toMatchObject({
        keyId: made.record.keyId,
        fields: ['scope'],
        path: '/v1/mentions',
      });
      // Counted for the operator's alarm (api-key-item-malformed), since the answer itself says nothing.
      expect(metrics.sum('ApiKeyItemsMalformed')).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('lets a store outage surface as an error, never as a false 401', async () => {
    const failing = createHandler({
      keys: {
        getKey: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
      log: new RecordingLog(),
      metrics: new MemoryMetricSink(),
    });
    const error = await failing(
      authEvent('GET', '/v1/mentions', { 'x-api-key': reader }),
      lambdaContext(),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnauthorizedError);
  });
});
