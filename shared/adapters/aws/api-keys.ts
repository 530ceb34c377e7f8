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
} from '#shared/domain/api/auth.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';

/** Key builders of API key items (beside the ones in `dynamo-keys.ts`). */
export const apiKeyKeys = {
  item: (keyId: string) => ({ PK: `KEY#${keyId}`, SK: 'KEY' }),
  indexPk: 'KEYS',
  indexSk: (createdAt: string, keyId: string) => `${createdAt}#${keyId}`,
};

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
   * @throws {ConflictError} in the (2^-64) case of a key id collision.
   */
  async create(input: {
    readonly name: string;
    readonly scope: ApiScope;
    readonly now: string;
  }): Promise<{ token: string; record: ApiKeyRecord }> {
    const name = checkApiKeyName(input.name);
    const holder = (await this.list()).find(
      (k) => !k.revokedAt && apiKeyNameKey(k.name) === apiKeyNameKey(name),
    );
    if (holder)
      throw new ApiKeyNameError(
        `API key name is already used by active key ${holder.keyId}: choose another name, or revoke that key first`,
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
    return { token: key.token, record };
  }

  /** @inheritdoc */
  async getKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: marshall(apiKeyKeys.item(keyId)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? ApiKeyRecordSchema.parse(unmarshall(result.Item)['data']) : undefined;
  }

  /** Every key, oldest first (hashes included; never print them). */
  async list(): Promise<ApiKeyRecord[]> {
    const out: ApiKeyRecord[] = [];
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
      for (const raw of result.Items ?? []) out.push(ApiKeyRecordSchema.parse(unmarshall(raw)['data']));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /**
   * Revoke a key (idempotent: revoking twice keeps the first time).
   * @param now UTC ISO-8601.
   * @throws {NotFoundError} when no key has this id.
   */
  async revoke(keyId: string, now: string): Promise<ApiKeyRecord> {
    try {
      const result = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: marshall(apiKeyKeys.item(keyId)),
          UpdateExpression: 'SET #data.#revokedAt = if_not_exists(#data.#revokedAt, :now)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#data': 'data', '#revokedAt': 'revokedAt' },
          ExpressionAttributeValues: { ':now': { S: now } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return ApiKeyRecordSchema.parse(unmarshall(result.Attributes ?? {})['data']);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new NotFoundError(`no API key ${keyId}`, { cause: error });
      throw error;
    }
  }
}
