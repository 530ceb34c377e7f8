/**
 * `pantau api-key create|list|revoke`: manage the API keys of the local store. Keys are stored hashed;
 * `create` prints the secret once. The embedded store is single-process: stop `pantau serve` first.
 */
import { resolve } from 'node:path';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import {
  type ApiKeyRecord,
  type ApiScope,
  checkApiKeyName,
  printableApiKeyName,
} from '#shared/domain/api/auth.ts';
import { NotFoundError } from '#shared/errors.ts';
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

/**
 * Columns a name takes in a terminal, roughly: one per code point, none for a combining mark (`é` written
 * as `e` + U+0301). East Asian wide characters count as one, so such names may still stand out by a column.
 */
function columns(text: string): number {
  return text.replace(/\p{M}/gu, '').length - (text.match(/[\uD800-\uDBFF]/g)?.length ?? 0);
}

/**
 * One line per key: id, scope, name (padded to `nameWidth` columns, so the dates line up under one
 * another), created, revoked. A name from before names were checked shows its forbidden characters escaped.
 */
function describe(k: ApiKeyRecord, nameWidth = 0): string {
  const name = printableApiKeyName(k.name);
  const padded = `${name}${' '.repeat(Math.max(0, nameWidth - columns(name)))}`;
  return `${k.keyId}  ${k.scope.padEnd(7)}  ${padded}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`;
}

/**
 * Create a key and print its secret once.
 * @throws {ApiKeyNameError} for a name with control, format or text-direction characters (checked before
 * any store is opened or created), or one an active key already holds.
 */
export async function createApiKeyCommand(
  opts: { name: string; scope: ApiScope; dataDir: string },
  out: Out,
): Promise<void> {
  checkApiKeyName(opts.name);
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
  const nameWidth = Math.max(0, ...list.map((k) => columns(printableApiKeyName(k.name))));
  for (const k of list) out(describe(k, nameWidth));
}

/**
 * Revoke a key by id (permanent). Idempotent: a key revoked earlier stays revoked from its first time,
 * and the command says so instead of claiming to revoke it now.
 * @throws {DataFolderMissingError} when there is no store; `NotFoundError` for an unknown id.
 */
export async function revokeApiKeyCommand(opts: { keyId: string; dataDir: string }, out: Out): Promise<void> {
  const { record, already } = await withKeys(opts.dataDir, 'existing-store', async (keys) => {
    const before = await keys.getKey(opts.keyId);
    if (!before) throw new NotFoundError(`no API key ${opts.keyId} (see \`api-key list\`)`);
    if (before.revokedAt) return { record: before, already: true };
    return { record: await keys.revoke(opts.keyId, new Date().toISOString()), already: false };
  });
  out(already ? `Already revoked (nothing changed): ${describe(record)}` : `Revoked: ${describe(record)}`);
}
