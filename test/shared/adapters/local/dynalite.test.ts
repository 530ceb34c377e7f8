/**
 * The embedded store's stand-in for DynamoDB TTL: dynalite keeps expired items, so the local runtime deletes them.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteExpiredItems,
  type EmbeddedDynamo,
  ensureTable,
  startEmbeddedDynamo,
} from '#shared/adapters/local/dynalite.ts';

let db: EmbeddedDynamo;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'ttl-test' });
});
afterAll(() => db.close());

describe('deleteExpiredItems', () => {
  it('deletes items whose expiresAt has passed, keeps later ones and items without a TTL', async () => {
    await ensureTable(db.client, 'ttl-test');
    const now = 1_900_000_000;
    const put = (pk: string, expiresAt?: number) =>
      db.client.send(
        new PutItemCommand({
          TableName: 'ttl-test',
          Item: {
            PK: { S: pk },
            SK: { S: 'X' },
            ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }),
          },
        }),
      );
    // 60 expired (more than one batch of 25), one expiring later, one exactly now, one counter without TTL.
    for (let i = 0; i < 60; i++) await put(`M#old${i}`, now - 1 - i);
    await put('M#later', now + 1);
    await put('M#now', now);
    await put('C#counter');
    expect(await deleteExpiredItems(db.client, 'ttl-test', now)).toBe(60);
    const exists = async (pk: string) =>
      (
        await db.client.send(
          new GetItemCommand({ TableName: 'ttl-test', Key: { PK: { S: pk }, SK: { S: 'X' } } }),
        )
      ).Item !== undefined;
    expect(await exists('M#old0')).toBe(false);
    expect(await exists('M#later')).toBe(true);
    expect(await exists('M#now')).toBe(true);
    expect(await exists('C#counter')).toBe(true);
    expect(await deleteExpiredItems(db.client, 'ttl-test', now)).toBe(0);
  });
});
