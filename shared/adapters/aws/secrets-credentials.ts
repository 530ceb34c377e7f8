/**
 * {@link CredentialProvider} over one Secrets Manager secret (`<prefix>/source-tokens`, created by the
 * data stack): a JSON object keyed by credential-set name, e.g.
 * `{"bluesky":{"identifier":"pantau.bsky.social","appPassword":"…"},"x":{"bearerToken":"…"}}`.
 * Read through Powertools Parameters, which caches the value per container for `maxAgeSeconds`.
 */
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import {
  type CredentialProvider,
  type Credentials,
  CredentialsMissingError,
} from '#shared/ports/credentials.ts';

const CredentialSetSchema = z.record(z.string(), z.string());

/** Options of {@link createSecretsCredentialProvider}. */
export interface SecretsCredentialProviderOptions {
  /** ARN or name of the source-tokens secret. */
  readonly secretId: string;
  /** A Powertools secrets provider (tests inject one over a mocked client). */
  readonly provider: Pick<SecretsProvider, 'get'>;
  /** Seconds a read value is reused before Secrets Manager is asked again. @default 300 */
  readonly maxAgeSeconds?: number;
}

/**
 * @returns A provider whose `get(name)` returns the secret's `name` entry.
 * @throws (from `get`) {@link CredentialsMissingError} when the entry is absent or not an object of strings;
 *   errors reading the secret itself (access denied, throttled) propagate unchanged, so the source fails
 *   rather than being skipped.
 */
export function createSecretsCredentialProvider(
  options: SecretsCredentialProviderOptions,
): CredentialProvider {
  const maxAge = options.maxAgeSeconds ?? 300;
  return {
    async get(name: string): Promise<Credentials> {
      const value: unknown = await options.provider.get(options.secretId, { transform: 'json', maxAge });
      const entry =
        value && typeof value === 'object' && Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
      if (entry === undefined) {
        throw new CredentialsMissingError(name, `no entry "${name}" in the source-tokens secret`);
      }
      const parsed = CredentialSetSchema.safeParse(entry);
      if (!parsed.success) {
        throw new CredentialsMissingError(
          name,
          `entry "${name}" of the source-tokens secret is not an object of strings`,
        );
      }
      return parsed.data;
    },
  };
}
