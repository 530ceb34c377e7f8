/**
 * `pantau api-key create|list|revoke`: manage the API keys of the local store. Keys are stored hashed;
 * `create` prints the secret once. The embedded store is single-process: stop `pantau serve` first.
 */
import { resolve } from 'node:path';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import type { ApiKeyRecord, ApiScope } from '#shared/domain/api/auth.ts';
import { openExistingStore, openLocalStore } from '../local-runtime.ts';

type Out = (line: string) => void;

/** `create` may start a new store; `list` and `revoke` need an existing one (a typo must not make one). */
async function withKeys<T>(
  dataDir: string,
  mode: 'create-store' | 'existing-store',
  run: (keys: DynamoApiKeyStore) => Promise<T>,
): Promise<T> {
  const { db } = await (mode === 'create-store' ? openLocalStore : openExistingStore)(resolve(dataDir));
  try {
    return await run(new DynamoApiKeyStore({ client: db.client, tableName: db.tableName }));
  } finally {
    await db.close();
  }
}

function describe(k: ApiKeyRecord): string {
  return `${k.keyId}  ${k.scope.padEnd(7)}  ${k.name}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`;
}

/** Create a key and print its secret once. */
export async function createApiKeyCommand(
  opts: { name: string; scope: ApiScope; dataDir: string },
  out: Out,
): Promise<void> {
  const { token, record } = await withKeys(opts.dataDir, 'create-store', (keys) =>
    keys.create({ name: opts.name, scope: opts.scope, now: new Date().toISOString() }),
  );
  out(`Created ${record.scope} key ${record.keyId} for ${record.name}. The secret is shown once:`);
  out(`  ${token}`);
}

/** List keys (ids, names, scopes; never hashes). @throws {DataFolderMissingError} when there is no store. */
export async function listApiKeysCommand(opts: { dataDir: string }, out: Out): Promise<void> {
  const list = await withKeys(opts.dataDir, 'existing-store', (keys) => keys.list());
  if (list.length === 0) out('No API keys (pantau serve creates an admin key on first start).');
  for (const k of list) out(describe(k));
}

/**
 * Revoke a key by id (permanent).
 * @throws {DataFolderMissingError} when there is no store; `NotFoundError` for an unknown id.
 */
export async function revokeApiKeyCommand(opts: { keyId: string; dataDir: string }, out: Out): Promise<void> {
  const record = await withKeys(opts.dataDir, 'existing-store', (keys) =>
    keys.revoke(opts.keyId, new Date().toISOString()),
  );
  out(`Revoked: ${describe(record)}`);
}
