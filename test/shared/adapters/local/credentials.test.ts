import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalCredentialProvider, credentialEnvName } from '#shared/adapters/local/credentials.ts';
import { CredentialsMissingError } from '#shared/ports/credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'pantau-creds-'));
const file = join(dir, 'credentials.json');
writeFileSync(
  file,
  JSON.stringify({
    bluesky: { identifier: 'file-id', appPassword: 'file-pass' },
    youtube: ['not', 'an', 'object'],
  }),
);

describe('local credential provider', () => {
  it('derives the variable name from the set name', () => {
    expect(credentialEnvName('bluesky-main')).toBe('PANTAU_CREDENTIALS_BLUESKY_MAIN');
    expect(credentialEnvName('x.paid')).toBe('PANTAU_CREDENTIALS_X_PAID');
  });

  it('prefers the environment variable over the file', async () => {
    const provider = createLocalCredentialProvider({
      PANTAU_CREDENTIALS_BLUESKY: '{"identifier":"env-id","appPassword":"env-pass"}',
      PANTAU_CREDENTIALS_FILE: file,
    });
    expect(await provider.get('bluesky')).toEqual({ identifier: 'env-id', appPassword: 'env-pass' });
  });

  it('reads the file when no variable is set', async () => {
    const provider = createLocalCredentialProvider({ PANTAU_CREDENTIALS_FILE: file });
    expect(await provider.get('bluesky')).toEqual({ identifier: 'file-id', appPassword: 'file-pass' });
  });

  it.each([
    [{}, 'x', 'neither PANTAU_CREDENTIALS_X nor PANTAU_CREDENTIALS_FILE is set'],
    [{ PANTAU_CREDENTIALS_FILE: file }, 'x', `has no entry "x"`],
    [{ PANTAU_CREDENTIALS_FILE: file }, 'youtube', 'is not a JSON object of strings'],
    [{ PANTAU_CREDENTIALS_FILE: join(dir, 'absent.json') }, 'x', 'unreadable'],
    [{ PANTAU_CREDENTIALS_X: '{bearer' }, 'x', 'PANTAU_CREDENTIALS_X is not JSON'],
  ])('names what is missing: %j %s', async (env, name, message) => {
    const error = await createLocalCredentialProvider(env)
      .get(name)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsMissingError);
    expect((error as Error).message).toContain(message);
  });
});
