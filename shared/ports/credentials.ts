/**
 * Credentials of third-party APIs (Bluesky app password, YouTube API key, Reddit and X tokens), looked up
 * by name. Config files only *name* a credential set; the values live in Secrets Manager on AWS and in
 * environment variables or a git-ignored JSON file locally (`docs/sources.md`, "Credentials").
 */

/** A named set of credential fields, e.g. `{ identifier: 'pantau.bsky.social', appPassword: '…' }`. */
export type Credentials = Readonly<Record<string, string>>;

/** Looks up credential sets by name. */
export interface CredentialProvider {
  /**
   * The credential set called `name` (a key of the source-tokens secret, see `docs/sources.md`).
   * @throws {CredentialsMissingError} when no such set is configured (or it is not an object of strings).
   */
  get(name: string): Promise<Credentials>;
}

/** The named credential set is not configured (or unreadable): the source using it is skipped. */
export class CredentialsMissingError extends Error {
  override readonly name = 'CredentialsMissingError';
  constructor(
    /** Name of the credential set. */
    readonly credentialName: string,
    /** Why it is missing, e.g. `no entry "bluesky" in the credentials file .pantau/credentials.json`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`credentials "${credentialName}" not available: ${reason}`, options);
  }
}

/** A provider with nothing configured: every lookup throws {@link CredentialsMissingError}. */
export const noCredentials: CredentialProvider = {
  get: async (name) => {
    throw new CredentialsMissingError(name, 'no credential provider is configured for this run');
  },
};
