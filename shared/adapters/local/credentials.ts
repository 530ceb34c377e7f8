/**
 * {@link CredentialProvider} for local runs (never bundled into a Lambda): environment variables first,
 * then a JSON file. Decision (docs/sources.md, "Credentials"):
 *
 * - `PANTAU_CREDENTIALS_<NAME>` holds one set as JSON, `<NAME>` being the set's name upper-cased with
 *   every non-alphanumeric character as `_`: `PANTAU_CREDENTIALS_BLUESKY='{"identifier":"…","appPassword":"…"}'`.
 * - `PANTAU_CREDENTIALS_FILE` names a JSON file shaped like the AWS secret:
 *   `{"bluesky":{"identifier":"…","appPassword":"…"},"x":{"bearerToken":"…"}}` (keep it out of git).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  type CredentialProvider,
  type Credentials,
  CredentialsMissingError,
} from '#shared/ports/credentials.ts';

const CredentialSetSchema = z.record(z.string(), z.string());
const CredentialFileSchema = z.record(z.string(), z.unknown());

/** Name of the environment variable holding credential set `name`, e.g. `bluesky-main` → `PANTAU_CREDENTIALS_BLUESKY_MAIN`. */
export function credentialEnvName(name: string): string {
  return `PANTAU_CREDENTIALS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * @param env - Environment to read. @default process.env
 * @returns A provider; the file (when `PANTAU_CREDENTIALS_FILE` is set) is read once, on first use.
 * @throws (from `get`) {@link CredentialsMissingError} when neither the variable nor the file has the set, the
 *   file cannot be read, or the value is not a JSON object of strings. The message names where it looked,
 *   never a value.
 */
export function createLocalCredentialProvider(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CredentialProvider {
  const file = env['PANTAU_CREDENTIALS_FILE'];
  let fileContent: Promise<Record<string, unknown>> | undefined;
  const readFileOnce = () => {
    fileContent ??= readFile(file as string, 'utf8').then((text) =>
      CredentialFileSchema.parse(JSON.parse(text)),
    );
    return fileContent;
  };
  const parseSet = (name: string, where: string, value: unknown): Credentials => {
    const parsed = CredentialSetSchema.safeParse(value);
    if (!parsed.success) throw new CredentialsMissingError(name, `${where} is not a JSON object of strings`);
    return parsed.data;
  };
  return {
    async get(name: string): Promise<Credentials> {
      const variable = credentialEnvName(name);
      const fromEnv = env[variable];
      if (fromEnv) {
        let value: unknown;
        try {
          value = JSON.parse(fromEnv);
        } catch (cause) {
          throw new CredentialsMissingError(name, `${variable} is not JSON`, { cause });
        }
        return parseSet(name, variable, value);
      }
      if (!file) {
        throw new CredentialsMissingError(name, `neither ${variable} nor PANTAU_CREDENTIALS_FILE is set`);
      }
      let content: Record<string, unknown>;
      try {
        content = await readFileOnce();
      } catch (cause) {
        throw new CredentialsMissingError(
          name,
          `credentials file ${file} is unreadable or not a JSON object`,
          {
            cause,
          },
        );
      }
      if (!Object.hasOwn(content, name)) {
        throw new CredentialsMissingError(name, `${variable} is not set and ${file} has no entry "${name}"`);
      }
      return parseSet(name, `entry "${name}" of ${file}`, content[name]);
    },
  };
}
