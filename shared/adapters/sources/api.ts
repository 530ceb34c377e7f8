/**
 * Shared plumbing of the JSON API sources (Mastodon, Bluesky, YouTube, Reddit, X): a validated JSON GET,
 * per-item validation (one bad item is rejected, the rest kept), credential look-up that turns a missing
 * set into a skip, an access-token cache with one refresh on 401, daily budgets, and the newest-first
 * "sweep" cursor that never leaves a gap behind a page bound.
 */
import type { z } from 'zod';
import type { Clock } from '#shared/ports/clock.ts';
import {
  type CredentialProvider,
  type Credentials,
  CredentialsMissingError,
  noCredentials,
} from '#shared/ports/credentials.ts';
import type { SourceBudget, SourceUsage } from '#shared/ports/mention-source.ts';
import { SourceCredentialsMissingError, SourceHttpError, SourceResponseError } from './errors.ts';
import type { HttpClient, HttpGetRequest, HttpGetResponse } from './http.ts';

/** Accept header of JSON API calls. */
export const JSON_ACCEPT = 'application/json';

/** Zod issues as one line: `posts.0.uri: Invalid input; cursor: …` (at most `max` issues). */
export function issuesText(error: z.ZodError, max = 5): string {
  const issues = error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const more = error.issues.length > max ? `; … ${error.issues.length - max} more` : '';
  return `${issues.join('; ')}${more}`;
}

/**
 * Send a request and parse its JSON body with `schema` (the response *envelope*; validate items with
 * {@link parseEach} so one bad item does not fail the page).
 * @param context - Names the call in errors, e.g. `searchPosts page 2`.
 * @throws {SourceResponseError} when the body is not JSON or does not match `schema`.
 * @throws the {@link HttpClient} errors (SourceHttpError, SourceTimeoutError …).
 */
export async function requestJson<S extends z.ZodType>(
  http: HttpClient,
  request: HttpGetRequest,
  schema: S,
  context: string,
): Promise<{ data: z.infer<S>; response: HttpGetResponse }> {
  const response = await http.get({ accept: JSON_ACCEPT, ...request });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(response.body));
  } catch (cause) {
    throw new SourceResponseError(request.sourceId, context, 'body is not JSON', { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new SourceResponseError(request.sourceId, context, issuesText(parsed.error), {
      cause: parsed.error,
    });
  }
  return { data: parsed.data, response };
}

/** A rejected item in the port's shape. */
export interface Rejection {
  readonly reason: string;
  readonly detail?: string;
}

/**
 * Validate each element of an API list on its own.
 * @param describe - Names element `i` in the rejection detail, e.g. `searchPosts page 1 item 3 (at://…)`.
 * @returns Valid elements in input order, and one `invalid-item` rejection per bad element.
 */
export function parseEach<S extends z.ZodType>(
  items: readonly unknown[],
  schema: S,
  describe: (index: number, raw: unknown) => string,
): { valid: z.infer<S>[]; rejected: Rejection[] } {
  const valid: z.infer<S>[] = [];
  const rejected: Rejection[] = [];
  items.forEach((raw, i) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) valid.push(parsed.data);
    else
      rejected.push({ reason: 'invalid-item', detail: `${describe(i, raw)}: ${issuesText(parsed.error)}` });
  });
  return { valid, rejected };
}

/** `raw.id` (or another string field) for rejection details, when the bad item has one. */
export function rawField(raw: unknown, field: string): string | undefined {
  if (raw && typeof raw === 'object' && field in raw) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/** Dependencies every credentialed API source (Bluesky, YouTube, Reddit, X) takes. */
export interface CredentialedSourceDeps {
  readonly http: HttpClient;
  /** @default noCredentials (the source is skipped) */
  readonly credentials?: CredentialProvider;
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * Look up the credential set a source config names (`config.credentials`) and check it has `fields`.
 * @param deps - Where to look; without a provider every set is missing (the source is skipped).
 * @throws {SourceCredentialsMissingError} when the set is missing or lacks a field (the source is skipped).
 */
export async function requireCredentials(
  deps: Pick<CredentialedSourceDeps, 'credentials'>,
  config: { readonly id: string; readonly credentials: string },
  fields: readonly string[],
): Promise<Credentials> {
  const name = config.credentials;
  let credentials: Credentials;
  try {
    credentials = await (deps.credentials ?? noCredentials).get(name);
  } catch (error) {
    if (error instanceof CredentialsMissingError) {
      throw new SourceCredentialsMissingError(config.id, name, error.message, { cause: error });
    }
    throw error;
  }
  const absent = fields.filter((f) => !credentials[f]);
  if (absent.length > 0) {
    throw new SourceCredentialsMissingError(
      config.id,
      name,
      `credentials "${name}" lack ${absent.map((f) => `"${f}"`).join(', ')}`,
    );
  }
  return credentials;
}

/** An access token and when it stops working (epoch ms). */
export interface AccessToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** Caches one access token (per adapter instance, so per Lambda container) and refreshes it when stale. */
export interface TokenCache {
  /** The cached token when still valid for `marginMs` (default 60 s), else a fresh one. */
  get(): Promise<string>;
  /** Forget the token (the API said it is expired or invalid). */
  invalidate(): void;
}

/**
 * @param issue - Obtains a new token (createSession, OAuth client_credentials …).
 * @param now - Epoch-ms clock.
 * @param marginMs - Refresh this long before expiry, in ms, so a request never carries a token that
 *   expires in flight. @default 60_000
 */
export function createTokenCache(
  issue: () => Promise<AccessToken>,
  now: () => number,
  marginMs = 60_000,
): TokenCache {
  let cached: AccessToken | undefined;
  return {
    async get() {
      if (!cached || cached.expiresAtMs - marginMs <= now()) cached = await issue();
      return cached.token;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * Run `call` with the cached token; when it fails with an expired/invalid-token error, get a new token
 * and try exactly once more (a second rejection is real and propagates).
 * @param isAuthFailure - True for the provider's "token expired/invalid" answer (401, Bluesky's 400 ExpiredToken).
 */
export async function withToken<T>(
  cache: TokenCache,
  call: (token: string) => Promise<T>,
  isAuthFailure: (error: unknown) => boolean = isUnauthorized,
): Promise<T> {
  try {
    return await call(await cache.get());
  } catch (error) {
    if (!isAuthFailure(error)) throw error;
    cache.invalidate();
    return call(await cache.get());
  }
}

/** True for an HTTP 401. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof SourceHttpError && error.status === 401;
}

/**
 * `yyyy-mm-dd` of `epochMs` in `timeZone` (the zone a provider's daily quota resets in: UTC for X,
 * America/Los_Angeles for YouTube).
 */
export function budgetDay(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(epochMs));
}

/** A daily budget being spent within one poll. */
export interface BudgetMeter {
  readonly limit: number;
  readonly day: string;
  /** Units spent today, including this poll. */
  used(): number;
  remaining(): number;
  spend(units: number): void;
  usage(): SourceUsage;
  report(unit: string): SourceBudget;
}

/** Start metering `limit` units per day from the saved `usage` (ignored when it is for another day). */
export function startBudget(limit: number, day: string, saved: SourceUsage | undefined): BudgetMeter {
  let used = saved && saved.day === day ? saved.used : 0;
  return {
    limit,
    day,
    used: () => used,
    remaining: () => Math.max(0, limit - used),
    spend: (units) => {
      used += units;
    },
    usage: () => ({ day, used }),
    report: (unit) => ({ day, used, limit, unit }),
  };
}

/**
 * Progress through a newest-first API with a page bound, without gaps.
 *
 * `since` is the high-water mark of the last *complete* sweep. When a poll hits its page bound before
 * reaching `since`, it records `until` (the oldest marker it saw) and `pending` (the newest), and the next
 * poll continues below `until`; once the backlog is read, `since` jumps to `pending`. So a burst larger
 * than the page bound is read over several polls instead of leaving a hole, which a plain "since = newest
 * seen" cursor would. Markers are compared with `compare` (ISO times as strings, snowflake ids as BigInt).
 */
export interface SweepState {
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly pending?: string | undefined;
}

/**
 * The sweep state after a poll.
 * @param seen - Newest and oldest markers of the items read this poll (undefined when none).
 * @param complete - True when the API had nothing more below (no next page), false when the page bound stopped it.
 */
export function advanceSweep(
  state: SweepState,
  seen: { newest?: string; oldest?: string },
  complete: boolean,
  compare: (a: string, b: string) => number,
): SweepState {
  const max = (a: string | undefined, b: string | undefined) =>
    a === undefined ? b : b === undefined ? a : compare(a, b) >= 0 ? a : b;
  const high = max(state.pending, seen.newest);
  if (complete || seen.oldest === undefined) {
    const since = max(state.since, high);
    return since === undefined ? {} : { since };
  }
  return {
    ...(state.since !== undefined ? { since: state.since } : {}),
    until: seen.oldest,
    ...(high !== undefined ? { pending: high } : {}),
  };
}

/** Compare decimal id strings (Twitter/X snowflakes, Mastodon ids) numerically. */
export function compareNumericIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compare strings by code unit (ISO-8601 UTC times of equal precision sort this way). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parse a JSON cursor token with `schema`; anything else (absent, foreign, corrupt) gives undefined. */
export function decodeToken<S extends z.ZodType>(
  token: string | undefined,
  schema: S,
): z.infer<S> | undefined {
  if (!token) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(token));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Normalise an ISO-8601 time with any offset to UTC millisecond form (`…000Z`), or undefined. */
export function toIsoUtc(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
