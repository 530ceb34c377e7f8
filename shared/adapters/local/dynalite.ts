/**
 * Embedded DynamoDB for the local runtime and tests: dynalite (the real DynamoDB wire API, in-process),
 * persisted under a data folder when one is given. Never imported by a Lambda entry.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { tableDefinition } from '../aws/table-definition.ts';

export interface EmbeddedDynamo {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  close(): Promise<void>;
}

/** Another live Pantau process (`npm start`, `pantau serve` …) has the embedded store in this folder open. */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
}

/**
 * Take the folder's owner file, or fail if a live process holds it. LevelDB allows one process per
 * folder and dynalite crashes the second one with an unhandled "Database is closed"; this turns that into
 * a clear error. A stale owner file (its process is gone) is taken over.
 */
function claimFolder(path: string, shownAs: string): () => void {
  const owner = join(path, 'pantau.pid');
  try {
    const pid = Number.parseInt(readFileSync(owner, 'utf8'), 10);
    if (pid && pid !== process.pid) {
      process.kill(pid, 0);
      throw new DataFolderInUseError(
        `another Pantau process (npm start or pantau serve; process ${pid}) is using ${shownAs}: wait for it or stop it, or use another --data-dir`,
      );
    }
  } catch (error) {
    if (error instanceof DataFolderInUseError) throw error;
  }
  writeFileSync(owner, String(process.pid));
  return () => rmSync(owner, { force: true });
}

/**
 * Start dynalite on a free loopback port and make sure the table exists.
 * @param options.path folder for the LevelDB files; omitted → in memory.
 * @param options.shownAs the folder named when another process holds it (the user's data folder).
 *   @default options.path
 * @throws {DataFolderInUseError} when a live process holds `path`.
 */
export async function startEmbeddedDynamo(
  options: { path?: string; tableName?: string; shownAs?: string } = {},
): Promise<EmbeddedDynamo> {
  const tableName = options.tableName ?? 'pantau';
  if (options.path) mkdirSync(options.path, { recursive: true });
  const release = options.path ? claimFolder(options.path, options.shownAs ?? options.path) : () => {};
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  await ensureTable(client, tableName);
  return {
    client,
    endpoint,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      release();
    },
  };
}

/**
 * Create the table if it does not exist, and wait until it is ACTIVE (idempotent). Item operations on a
 * table still CREATING fail with ResourceNotFoundException, in dynalite as in DynamoDB.
 * @throws {Error} when the table is not ACTIVE within `timeoutMs` (default 10 s).
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (out.Table?.TableStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        await client.send(new CreateTableCommand(tableDefinition(tableName)));
      } catch (createError) {
        // Another caller created it between our describe and create.
        if (!(createError instanceof Error && createError.name === 'ResourceInUseException'))
          throw createError;
      }
    }
    if (Date.now() > deadline) throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Delete the items whose TTL (`expiresAt`, epoch seconds) has passed. DynamoDB's TTL does this on AWS;
 * dynalite has no TTL, so without it a local data folder would keep mention text, and the alerts and
 * digests that quote it, forever (docs/data-model.md, "Retention").
 * @param nowSeconds - Epoch seconds; items with `expiresAt` < this go.
 * @returns How many items were deleted.
 */
export async function deleteExpiredItems(
  client: DynamoDBClient,
  tableName: string,
  nowSeconds: number,
): Promise<number> {
  let deleted = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'expiresAt < :now',
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        ProjectionExpression: 'PK, SK',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const keys = (page.Items ?? []).map((item) => ({ PK: item['PK']!, SK: item['SK']! }));
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        const left = out.UnprocessedItems?.[tableName] ?? [];
        deleted += requests.length - left.length;
        requests = left as typeof requests;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
}
