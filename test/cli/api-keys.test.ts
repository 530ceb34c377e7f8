import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyNameError, checkApiKeyName, printableApiKeyName } from '#shared/domain/api/auth.ts';
import { createApiKeyCommand, listApiKeysCommand, revokeApiKeyCommand } from '../../cli/commands/api-keys.ts';
import { DataFolderMissingError } from '../../cli/errors.ts';
import { openExistingStore } from '../../cli/local-runtime.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('api-key commands', () => {
  it('list and revoke refuse a data folder without a store and leave it uncreated', async () => {
    const typo = join(dir, 'typo');
    await expect(listApiKeysCommand({ dataDir: typo }, () => {})).rejects.toThrow(DataFolderMissingError);
    await expect(revokeApiKeyCommand({ keyId: '0'.repeat(16), dataDir: typo }, () => {})).rejects.toThrow(
      DataFolderMissingError,
    );
    expect(existsSync(typo)).toBe(false);
  });

  it('create may start a new store, which list then reads', async () => {
    const fresh = join(dir, 'fresh');
    const created: string[] = [];
    await createApiKeyCommand({ name: 'kominfo', scope: 'read', dataDir: fresh }, (l) => created.push(l));
    expect(created[0]).toMatch(/^Created read key [0-9a-f]{16} for kominfo\./);
    const listed: string[] = [];
    await listApiKeysCommand({ dataDir: fresh }, (l) => listed.push(l));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain('kominfo');
  });

  it('refuses control, format and text-direction characters in a name, before creating any store', async () => {
    const folder = join(dir, 'names');
    for (const [name, char] of [
      ['a\nb\u202etest', 'U+000A at character 2'],
      ['ana\u202e', 'U+202E at character 4'],
      ['a\u200bna', 'U+200B at character 2'],
      ['ana\u2066x', 'U+2066 at character 4'],
      ['ana\u001b[31m', 'U+001B at character 4'],
      ['ana\u2028x', 'U+2028 at character 4'],
    ] as const) {
      const error = await createApiKeyCommand({ name, scope: 'read', dataDir: folder }, () => {}).catch(
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(name)).toBeInstanceOf(ApiKeyNameError);
      expect((error as ApiKeyNameError).reason).toBe('invalid');
      expect((error as Error).message).toContain(char);
      expect((error as Error).message).not.toContain(name);
    }
    await expect(
      createApiKeyCommand({ name: '   ', scope: 'read', dataDir: folder }, () => {}),
    ).rejects.toThrow(ApiKeyNameError);
    expect(existsSync(folder)).toBe(false);
  });

  it('lists keys in columns: names padded to the longest, so the dates line up (QA 5)', async () => {
    const folder = join(dir, 'columns');
    // 'Dinas Kesehatan — Budi' is 22 columns; 'Siti Ng\u0303' 7 (no precomposed g̃: the tilde stays combining).
    for (const name of ['ana', 'Dinas Kesehatan — Budi', 'Siti Ng\u0303'])
      await createApiKeyCommand({ name, scope: 'read', dataDir: folder }, () => {});
    const listed: string[] = [];
    await listApiKeysCommand({ dataDir: folder }, (l) => listed.push(l));
    expect(listed).toHaveLength(3);
    // 16 (id) + 2 + 7 (scope) + 2 + 22 (widest name) + 2 = 51 columns before "created".
    for (const line of listed) expect(line.replace(/\p{M}/gu, '').indexOf('created'), line).toBe(51);
    expect(listed.find((l) => l.includes(' ana '))).toMatch(/ {2}ana {21}created /);
  });

  it('keeps ordinary names in every script, trimmed', () => {
    expect(checkApiKeyName('  humas-ana ')).toBe('humas-ana');
    expect(checkApiKeyName('Dinas Kominfo — Ana Sutisna')).toBe('Dinas Kominfo — Ana Sutisna');
    expect(checkApiKeyName('محمد')).toBe('محمد');
    expect(checkApiKeyName('e\u0301')).toBe('\u00e9');
    expect(() => checkApiKeyName('x'.repeat(101))).toThrow(/101 characters long; at most 100/);
  });

  it('refuses a name an active key holds, and frees it once that key is revoked', async () => {
    const folder = join(dir, 'dupes');
    const lines: string[] = [];
    await createApiKeyCommand({ name: 'humas-ana', scope: 'analyst', dataDir: folder }, (l) => lines.push(l));
    const keyId = /key ([0-9a-f]{16})/.exec(lines[0] ?? '')?.[1] ?? '';
    // The non-breaking hyphen U+2011 looks like '-' and NFKC keeps it; the comparison folds every dash.
    for (const name of ['humas-ana', ' Humas-Ana ', 'humas\u2011ana', 'humas\u2013ana']) {
      const error = await createApiKeyCommand({ name, scope: 'read', dataDir: folder }, () => {}).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiKeyNameError);
      expect((error as ApiKeyNameError).reason).toBe('taken');
      expect((error as Error).message).toBe(
        `API key name is already used by active key ${keyId}: choose another name, or revoke that key first`,
      );
    }
    await revokeApiKeyCommand({ keyId, dataDir: folder }, () => {});
    const again: string[] = [];
    await createApiKeyCommand({ name: 'humas-ana', scope: 'read', dataDir: folder }, (l) => again.push(l));
    expect(again[0]).toMatch(/^Created read key [0-9a-f]{16} for humas-ana\./);
  });

  it('says a second revoke changed nothing, keeping the first revocation time', async () => {
    const folder = join(dir, 'revoke');
    const lines: string[] = [];
    await createApiKeyCommand({ name: 'mantan', scope: 'read', dataDir: folder }, (l) => lines.push(l));
    const keyId = /key ([0-9a-f]{16})/.exec(lines[0] ?? '')?.[1] ?? '';
    const first: string[] = [];
    const second: string[] = [];
    await revokeApiKeyCommand({ keyId, dataDir: folder }, (l) => first.push(l));
    await revokeApiKeyCommand({ keyId, dataDir: folder }, (l) => second.push(l));
    expect(first[0]).toMatch(
      new RegExp(`^Revoked: ${keyId} {2}read {5}mantan {2}created \\S+ {2}REVOKED \\S+$`),
    );
    const revokedAt = first[0]?.split('REVOKED ')[1];
    expect(second).toEqual([`Already revoked (nothing changed): ${first[0]?.slice('Revoked: '.length)}`]);
    expect(second[0]?.endsWith(`REVOKED ${revokedAt}`)).toBe(true);
  });

  it('lists a name stored before names were checked on one line, its hidden characters escaped', async () => {
    expect(printableApiKeyName('a\nb\u202etest')).toBe('a\\u{A}b\\u{202E}test');
    const folder = join(dir, 'legacy');
    await createApiKeyCommand({ name: 'placeholder', scope: 'read', dataDir: folder }, () => {});
    // Write a legacy record straight into the store, bypassing the name check.
    const { db } = await openExistingStore(folder);
    try {
      await db.client.send(
        new PutItemCommand({
          TableName: db.tableName,
          Item: marshall({
            PK: 'KEY#00000000000000aa',
            SK: 'KEY',
            GSI1PK: 'KEYS',
            GSI1SK: '2026-01-01T00:00:00.000Z#00000000000000aa',
            type: 'apiKey',
            data: {
              keyId: '00000000000000aa',
              name: 'a\nb\u202etest',
              scope: 'read',
              hash: '0'.repeat(64),
              createdAt: '2026-01-01T00:00:00.000Z',
            },
          }),
        }),
      );
    } finally {
      await db.close();
    }
    const listed: string[] = [];
    await listApiKeysCommand({ dataDir: folder }, (l) => listed.push(l));
    expect(listed[0]).toBe(
      '00000000000000aa  read     a\\u{A}b\\u{202E}test  created 2026-01-01T00:00:00.000Z',
    );
    for (const line of listed) expect(line).not.toMatch(/[\n\u202e]/);
  });
});
