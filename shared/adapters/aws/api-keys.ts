/**
 * API keys in Pantau's single table, hashed at rest (see `shared/domain/api/auth.ts` for the format
 * and why SHA-256). Items: `PK=KEY#<keyId>`, `SK=KEY`, with `GSI1PK=KEYS`, `GSI1SK=<createdAt>#<keyId>`
 * so listing is one index query, not a table scan. A key is never deleted: revocation sets `revokedAt`
 * and is permanent.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type ApiKeyLookup,
  ApiKeyNameError,
  type ApiKeyRecord,
  ApiKeyRecordSchema,
  type ApiScope,
  apiKeyNameKey,
  checkApiKeyName,
  generateApiKey,
  type MalformedApiKey,
  printableApiKeyName,
} from '#shared/domain/api/auth.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';

/** Key builders of API key items (beside the ones in `dynamo-keys.ts`). */
export const apiKeyKeys = {
  item: (keyId: string) => ({ PK: `KEY#${keyId}`, SK: 'KEY' }),
  indexPk: 'KEYS',
  indexSk: (createdAt: string, keyId: string) => `${createdAt}#${keyId}`,
};

/**
 * A key item the schema refuses: its id from the item's key (escaped for a terminal, at most
 * {@link MAX_PRINTED_ID} characters), the fields at fault, and `revokedAt` when the item holds a string
 * there with a non-space character (anything else is no time: `revoke` overwrites it).
 */
export interface MalformedApiKeyItem {
  readonly ok: false;
  readonly keyId: string;
  readonly fields: readonly string[];
  readonly revokedAt?: string;
}

/** A key item as stored: a record the key schema accepts, or a malformed one. */
export type ApiKeyItem = { readonly ok: true; readonly record: ApiKeyRecord } | MalformedApiKeyItem;

/** At most this many characters of a malformed item's id are printed (its key may hold anything). */
const MAX_PRINTED_ID = 40;

/** Read one raw key item without throwing for what it holds. */
function readKeyItem(raw: Record<string, AttributeValue>): ApiKeyItem {
  const item = unmarshall(raw, { wrapNumbers: true });
  const data: unknown = item['data'];
  const pk = typeof item['PK'] === 'string' ? item['PK'].replace(/^KEY#/, '') : '(no PK)';
  const parsed = ApiKeyRecordSchema.safeParse(data);
  const fields = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || 'data'))];
  // The key id the authoriser looks up must be the record's, or `list` names a key revoke cannot find.
  if (parsed.success && parsed.data.keyId !== pk) fields.push('keyId');
  // Only `SK=KEY` is read by the authoriser and revoke; another SK under `KEY#<id>` (a decoy) would list as
  // a key that revoke cannot find (QA 2026-12-01).
  if (item['SK'] !== apiKeyKeys.item('').SK) fields.push('SK');
  // An item missing from the GSI1 key list would authenticate while `list`, the operator's audit, never shows it.
  if (item['GSI1PK'] !== apiKeyKeys.indexPk) fields.push('GSI1PK');
  if (typeof item['GSI1SK'] !== 'string') fields.push('GSI1SK');
  if (parsed.success && fields.length === 0) return { ok: true, record: parsed.data };
  const keyId = printableApiKeyName([...pk].slice(0, MAX_PRINTED_ID).join(''));
  const revokedAt =
    data && typeof data === 'object' && typeof (data as { revokedAt?: unknown }).revokedAt === 'string'
      ? (data as { revokedAt: string }).revokedAt
      : '';
  return {
    ok: false,
    keyId,
    fields,
    ...(/\S/.test(revokedAt) ? { revokedAt: printableApiKeyName(revokedAt) } : {}),
  };
}

export class DynamoApiKeyStore implements ApiKeyLookup {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  /**
   * Create a key. The returned `token` is the only copy of the secret: show it once. The name is
   * cleaned and checked first (`checkApiKeyName`), and refused while an active (unrevoked) key holds
   * the same name, compared NFKC and case-insensitively; a revoked key's name may be used again. The
   * uniqueness check reads the key list before writing, so two creations racing with the same name
   * could both pass: keys are created by one admin at a time (the local store is single-process).
   * @param now UTC ISO-8601 creation time.
   * @throws {ApiKeyNameError} for a refused name (`invalid`) or one an active key holds (`taken`).
   * @returns the secret, the record, and `unchecked`: the malformed key items the name was not compared with
   * (they cannot authenticate, so they hold no name; list them to the operator).
   * @throws {ConflictError} in the (2^-64) case of a key id collision.
   */
  async create(input: {
    readonly name: string;
    readonly scope: ApiScope;
    readonly now: string;
  }): Promise<{ token: string; record: ApiKeyRecord; unchecked: readonly MalformedApiKeyItem[] }> {
    const name = checkApiKeyName(input.name);
    const items = await this.listItems();
    const holder = items.find(
      (k) => k.ok && !k.record.revokedAt && apiKeyNameKey(k.record.name) === apiKeyNameKey(name),
    );
    if (holder?.ok)
      throw new ApiKeyNameError(
        `API key name is already used by active key ${holder.record.keyId}: choose another name, or revoke that key first`,
        'taken',
      );
    const key = generateApiKey();
    const record = ApiKeyRecordSchema.parse({
      keyId: key.keyId,
      name,
      scope: input.scope,
      hash: key.hash,
      createdAt: input.now,
    });
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: marshall({
            ...apiKeyKeys.item(record.keyId),
            GSI1PK: apiKeyKeys.indexPk,
            GSI1SK: apiKeyKeys.indexSk(record.createdAt, record.keyId),
            type: 'apiKey',
            data: record,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConflictError(`API key id ${record.keyId} exists`, { cause: error });
      throw error;
    }
    // A malformed item cannot authenticate (getKey refuses it), so it holds no name; the caller says so.
    return { token: key.token, record, unchecked: items.filter((k): k is MalformedApiKeyItem => !k.ok) };
  }

  /**
   * @inheritdoc
   * A malformed item comes back as `{ malformed: true, keyId, fields }`: the access check answers its
   * holder 401 like an unknown key and the authoriser logs it at error level for the operator.
   */
  async getKey(keyId: string): Promise<ApiKeyRecord | MalformedApiKey | undefined> {
    const item = await this.getItem(keyId);
    if (!item) return undefined;
    if (!item.ok) return { malformed: true, keyId: item.keyId, fields: item.fields };
    return item.record;
  }

  /** One key item by id, read consistently, malformed or not; `undefined` when there is none. */
  async getItem(keyId: string): Promise<ApiKeyItem | undefined> {
    const result = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: marshall(apiKeyKeys.item(keyId)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? readKeyItem(result.Item) : undefined;
  }

  /**
   * Every key item, oldest first, malformed ones included (one `GSI1` query, paged; hashes included,
   * never print them).
   */
  async listItems(): Promise<ApiKeyItem[]> {
    const out: ApiKeyItem[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const result = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: apiKeyKeys.indexPk } },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const raw of result.Items ?? []) out.push(readKeyItem(raw));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /**
   * Revoke a key (idempotent: revoking twice keeps the first time). A leaked key must always be revocable,
   * whatever its item holds: a malformed item is revoked too; a `revokedAt` that is not a time (empty, null,
   * a number) is overwritten; an item whose `data` is not a map gets `data = { revokedAt, replaced: <old data> }`
   * (the old value kept for whoever repairs it).
   * @param now UTC ISO-8601.
   * @returns the item as written (the record, or the malformed item with its `revokedAt`).
   * @throws {NotFoundError} when no key has this id.
   */
  async revoke(keyId: string, now: string): Promise<ApiKeyItem> {
    const update = async (expression: string, values: Record<string, AttributeValue>) => {
      try {
        const result = await this.#client.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: marshall(apiKeyKeys.item(keyId)),
            UpdateExpression: expression,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: {
              '#data': 'data',
              ...(expression.includes('#revokedAt') ? { '#revokedAt': 'revokedAt' } : {}),
            },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return readKeyItem(result.Attributes ?? {});
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw new NotFoundError(`no API key ${keyId}`, { cause: error });
        throw error;
      }
    };
    let item: ApiKeyItem;
    try {
      item = await update('SET #data.#revokedAt = if_not_exists(#data.#revokedAt, :now)', {
        ':now': { S: now },
      });
    } catch (error) {
      // DynamoDB refuses a document path into an attribute that is not a map (or is absent).
      if (!(error instanceof Error && error.name === 'ValidationException')) throw error;
      const raw = await this.#client.send(
        new GetItemCommand({
          TableName: this.#table,
          Key: marshall(apiKeyKeys.item(keyId)),
          ConsistentRead: true,
        }),
      );
      if (!raw.Item) throw new NotFoundError(`no API key ${keyId}`, { cause: error });
      const replaced = raw.Item['data'];
      item = await update('SET #data = :data', {
        ':data': { M: { revokedAt: { S: now }, ...(replaced ? { replaced } : {}) } },
      });
    }
    if (item.ok ? item.record.revokedAt : item.revokedAt) return item;
    // A revokedAt that was there but is no time: if_not_exists kept it, so overwrite it.
    return update('SET #data.#revokedAt = :now', { ':now': { S: now } });
  }
}
