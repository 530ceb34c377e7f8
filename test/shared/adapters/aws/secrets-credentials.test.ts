import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSecretsCredentialProvider } from '#shared/adapters/aws/secrets-credentials.ts';
import { CredentialsMissingError } from '#shared/ports/credentials.ts';

const ARN = 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:pantau-prod/source-tokens-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

function provider() {
  return createSecretsCredentialProvider({
    secretId: ARN,
    provider: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: 'ap-southeast-3' }) }),
  });
}

beforeEach(() => {
  secrets.reset();
  secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
    SecretString: JSON.stringify({
      placeholder: 'generated-by-cdk',
      bluesky: { identifier: 'pantau.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' },
      broken: { bearerToken: 42 },
    }),
  });
});

describe('Secrets Manager credential provider', () => {
  it('returns the named entry and reads the secret once per max age', async () => {
    const credentials = provider();
    expect(await credentials.get('bluesky')).toEqual({
      identifier: 'pantau.bsky.social',
      appPassword: 'abcd-efgh-ijkl-mnop',
    });
    await credentials.get('bluesky');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names a missing or malformed entry with CredentialsMissingError, never its value', async () => {
    const credentials = provider();
    await expect(credentials.get('x')).rejects.toThrow(CredentialsMissingError);
    await expect(credentials.get('x')).rejects.toThrow('no entry "x" in the source-tokens secret');
    const error = await credentials.get('broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsMissingError);
    expect((error as Error).message).not.toContain('42');
  });

  it('lets a failure to read the secret itself propagate (the source fails, it is not skipped)', async () => {
    secrets.reset();
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const error = await provider()
      .get('bluesky')
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(CredentialsMissingError);
  });
});
