/**
 * API keys: format, hashing, scopes, and the one access check shared by the Lambda authoriser on AWS
 * and the local server (`pantau serve`) — so there is a single implementation of "who may call what".
 *
 * A key reads `pantau_<keyId>_<secret>`: `keyId` is 16 hex characters (64 random bits, public, the
 * lookup key) and `secret` 43 base64url characters (256 random bits). Only SHA-256 of
 * `<keyId>.<secret>` is stored. A fast hash is enough because the secret is random, not a password:
 * guessing 2^256 values is out of reach whatever the hash costs, and scrypt would add tens of
 * milliseconds of CPU to every request (see `docs/api.md`, "API keys").
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { requiredScope } from './routes.ts';

/** Scopes, weakest first: each one includes the ones before it. */
export const ApiScopeSchema = z.enum(['read', 'analyst', 'admin']);
export type ApiScope = z.infer<typeof ApiScopeSchema>;
const RANK: Readonly<Record<ApiScope, number>> = { read: 0, analyst: 1, admin: 2 };

/** True when a key holding `have` may call a route that needs `need` (admin ⊇ analyst ⊇ read). */
export function scopeAllows(have: ApiScope, need: ApiScope): boolean {
  return RANK[have] >= RANK[need];
}

/** Longest key name, UTF-16 code units. */
export const MAX_API_KEY_NAME_LENGTH = 100;

/**
 * Characters a key name may not hold: control (Cc: newline, tab, ESC …), format (Cf: bidi overrides and
 * isolates such as U+202E, zero-width characters, soft hyphen), line and paragraph separators, lone
 * surrogates, private-use and unassigned code points. Each would break `api-key list` or disguise the
 * name shown as `by` on acknowledgements and labels.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const FORBIDDEN_IN_NAME_ALL = new RegExp(FORBIDDEN_IN_NAME.source, 'gu');

/** A new key's name was refused: blank, too long, with a forbidden character, or held by an active key. */
export class ApiKeyNameError extends Error {
  override readonly name = 'ApiKeyNameError';
  constructor(
    message: string,
    /** `invalid`: the name itself; `taken`: an active key already has it. */
    readonly reason: 'invalid' | 'taken',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `U+202E` for a character (its first code point). */
function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Clean and check the name of a new key: Unicode NFC, surrounding white space removed. The message never
 * repeats the name (it may hold the very characters that garble a terminal); it names the character.
 * @returns the name to store.
 * @throws {ApiKeyNameError} (`invalid`) when it is empty, longer than {@link MAX_API_KEY_NAME_LENGTH}, or
 * holds a control, format (bidi, zero-width), separator, private-use or unassigned character.
 */
export function checkApiKeyName(name: string): string {
  const cleaned = name.normalize('NFC').trim();
  if (cleaned.length === 0) throw new ApiKeyNameError('API key name is empty', 'invalid');
  const bad = FORBIDDEN_IN_NAME.exec(cleaned);
  if (bad)
    throw new ApiKeyNameError(
      `API key name contains ${codePoint(bad[0])} at character ${[...cleaned.slice(0, bad.index)].length + 1}: control, format and text-direction characters are not allowed`,
      'invalid',
    );
  if (cleaned.length > MAX_API_KEY_NAME_LENGTH)
    throw new ApiKeyNameError(
      `API key name is ${cleaned.length} characters long; at most ${MAX_API_KEY_NAME_LENGTH}`,
      'invalid',
    );
  return cleaned;
}

/**
 * The form in which two key names are compared for uniqueness: NFKC, lower case (`Ana` = `ana`), and every
 * dash (`\p{Pd}` and U+2212: the non-breaking hyphen U+2011 that NFKC keeps, en/em dashes) as `-`, so
 * `dinas‑kominfo` cannot pass for `dinas-kominfo`.
 */
export function apiKeyNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Pd}\u2212]/gu, '-');
}

/**
 * A stored name fit for one line of a terminal: forbidden characters (see {@link checkApiKeyName}) shown
 * as `\u{202E}`. For keys created before names were checked.
 */
export function printableApiKeyName(name: string): string {
  return name.replace(
    FORBIDDEN_IN_NAME_ALL,
    (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`,
  );
}

/** A stored key as the store returns it (never the secret). */
export const ApiKeyRecordSchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Who holds it (shown as `by` on acknowledgements and labels), e.g. `humas-ana`. */
  // Stored names are read leniently (keys made before names were checked must keep working); new names
  // pass `checkApiKeyName` first.
  name: z.string().min(1).max(MAX_API_KEY_NAME_LENGTH),
  scope: ApiScopeSchema,
  /** SHA-256 hex of `<keyId>.<secret>`. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** UTC ISO-8601. */
  createdAt: z.string(),
  /**
   * UTC ISO-8601; present once revoked (revocation is permanent). A value without a non-space character is
   * refused: `""` would read as "not revoked" (QA: a hand-edited `""` kept a key working after `api-key
   * revoke`), and `"  "` would list as `REVOKED` with no time (QA 2026-12-01).
   */
  revokedAt: z.string().regex(/\S/, 'a time, not blank').optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

/**
 * A stored key item the key schema refuses (hand-edited, or written by another tool): it never
 * authenticates, and its holder is answered exactly like an unknown key.
 */
export interface MalformedApiKey {
  readonly malformed: true;
  /** The id the item is stored under, printable (escaped, shortened). */
  readonly keyId: string;
  /** The fields at fault, e.g. `['scope', 'hash']`; never their values. */
  readonly fields: readonly string[];
}

/** The narrow read side the access check needs. */
export interface ApiKeyLookup {
  /**
   * The key stored under `keyId`: its record, a {@link MalformedApiKey} when the item fails the key schema,
   * or undefined when there is none.
   * @throws when the store cannot be read (the access check lets it through: a 5xx, never a 401).
   */
  getKey(keyId: string): Promise<ApiKeyRecord | MalformedApiKey | undefined>;
}

/** The caller once authenticated; passed from the authoriser to the API as its context. */
export const PrincipalSchema = z.object({
  keyId: z.string(),
  name: z.string(),
  scope: ApiScopeSchema,
});
export type Principal = z.infer<typeof PrincipalSchema>;

const TOKEN = /^pantau_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** SHA-256 hex of `<keyId>.<secret>`. */
export function hashSecret(keyId: string, secret: string): string {
  return createHash('sha256').update(`${keyId}.${secret}`).digest('hex');
}

/**
 * A new random key. The `token` is shown to its holder once; only `hash` is stored.
 * @param random source of random bytes (tests inject a fixed one). @default node:crypto randomBytes
 */
export function generateApiKey(random: (size: number) => Buffer = randomBytes): {
  keyId: string;
  secret: string;
  token: string;
  hash: string;
} {
  const keyId = random(8).toString('hex');
  const secret = random(32).toString('base64url');
  return { keyId, secret, token: `pantau_${keyId}_${secret}`, hash: hashSecret(keyId, secret) };
}

/** Split a presented key into id and secret; `undefined` when it is not shaped like a Pantau key. */
export function parseApiKeyToken(token: string): { keyId: string; secret: string } | undefined {
  const match = TOKEN.exec(token.trim());
  return match?.[1] && match[2] ? { keyId: match[1], secret: match[2] } : undefined;
}

/**
 * The presented key: header `x-api-key`, else `Authorization: Bearer <key>`. Header names must be
 * lower-case (API Gateway v2 and Node both lower-case them).
 */
export function credentialFromHeaders(
  headers: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const direct = headers['x-api-key']?.trim();
  if (direct) return direct;
  const auth = headers['authorization']?.trim();
  const match = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return match?.[1];
}

/**
 * Why a request was not authenticated (logged; the client only sees 401). `malformed` is a presented value
 * not shaped like a Pantau key; `malformed-item` a well-shaped key whose stored item is malformed.
 */
export type UnauthenticatedReason = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'malformed-item';

/** Outcome of {@link checkAccess}. */
export type AccessDecision =
  | { readonly outcome: 'public' }
  | { readonly outcome: 'allow'; readonly principal: Principal }
  /** HTTP 401: no key, not a Pantau key, unknown id, wrong secret or revoked. */
  | {
      readonly outcome: 'unauthenticated';
      readonly reason: Exclude<UnauthenticatedReason, 'malformed-item'>;
    }
  /**
   * HTTP 401 as for an unknown key (the caller learns nothing about the item); the operator must: log
   * `item` at error level.
   */
  | {
      readonly outcome: 'unauthenticated';
      readonly reason: 'malformed-item';
      readonly item: Omit<MalformedApiKey, 'malformed'>;
    }
  /** HTTP 403: a valid key whose scope is too weak for the route. */
  | { readonly outcome: 'forbidden'; readonly principal: Principal; readonly required: ApiScope };

/**
 * Decide whether a request may proceed. Public routes and CORS preflights pass without a key; unknown
 * paths need `read` (the router answers 404/405 only to authenticated callers).
 * The secret is compared in constant time; an unknown id, a wrong secret and a malformed stored item give
 * the same 401 (a malformed item is `reason: 'malformed-item'` with its id and fields, for the log only).
 * @throws whatever `keys.getKey` throws (a store outage is a 5xx, never a 401).
 */
export async function checkAccess(
  request: {
    readonly method: string;
    readonly rawPath: string;
    readonly headers: Readonly<Record<string, string | undefined>>;
  },
  keys: ApiKeyLookup,
): Promise<AccessDecision> {
  const need = requiredScope(request.method, request.rawPath);
  if (need === null) return { outcome: 'public' };
  const presented = credentialFromHeaders(request.headers);
  if (!presented) return { outcome: 'unauthenticated', reason: 'missing' };
  const parsed = parseApiKeyToken(presented);
  if (!parsed) return { outcome: 'unauthenticated', reason: 'malformed' };
  const record = await keys.getKey(parsed.keyId);
  if (!record) return { outcome: 'unauthenticated', reason: 'unknown' };
  // Hashed before the malformed branch, so that answer costs what a wrong secret costs.
  const actual = Buffer.from(hashSecret(parsed.keyId, parsed.secret), 'hex');
  if ('malformed' in record)
    return {
      outcome: 'unauthenticated',
      reason: 'malformed-item',
      item: { keyId: record.keyId, fields: record.fields },
    };
  const expected = Buffer.from(record.hash, 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { outcome: 'unauthenticated', reason: 'unknown' };
  if (record.revokedAt) return { outcome: 'unauthenticated', reason: 'revoked' };
  const principal: Principal = { keyId: record.keyId, name: record.name, scope: record.scope };
  return scopeAllows(record.scope, need)
    ? { outcome: 'allow', principal }
    : { outcome: 'forbidden', principal, required: need };
}
