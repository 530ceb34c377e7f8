import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyCommand, listApiKeysCommand, revokeApiKeyCommand } from '../../cli/commands/api-keys.ts';
import { DataFolderMissingError } from '../../cli/errors.ts';

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
});
