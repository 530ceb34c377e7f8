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
import { type SourceBudget, SourceError, type SourceUsage } from '#shared/ports/mention-source.ts';
import {
  SourceAbortedError,
  SourceCredentialsMissingError,
  SourceHttpError,
  SourceResponseError,
} from './errors.ts';
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

/**
 * The paging rule of the search APIs: a failure of page 1, an abort, or anything but a {@link SourceError}
 * fails the poll; a later page's SourceError only ends the paging, and the pages already read are kept.
 * @param page - 1-based page that failed.
 * @returns `error`, when paging may stop with a warning.
 * @throws `error` when the poll must fail.
 */
export function laterPageError(error: unknown, page: number): SourceError {
  if (page === 1 || !(error instanceof SourceError) || error instanceof SourceAbortedError) throw error;
  return error;
}

/** One page of a {@link sweepNewestFirst} read, as the adapter saw it. */
export interface SweepPage {
  /** Order markers of the page's valid items (ISO times, ids), in any order; items without one left out. */
  readonly markers: readonly string[];
  /** The API's token for the next (older) page; undefined or empty when there is none (the sweep is complete). */
  readonly next: string | undefined;
}

/** How {@link sweepNewestFirst} reads one API and words its warnings. */
export interface SweepOptions {
  /** Page bound of a poll that continues a sweep (a first poll reads one page: no backfill). */
  readonly maxPages: number;
  /** Order of the markers: {@link compareStrings} for ISO times, {@link compareNumericIds} for snowflakes. */
  readonly compare: (a: string, b: string) => number;
  /** Names page `page` (1-based) in errors and warnings, e.g. `searchPosts page 2`. */
  readonly describePage: (page: number) => string;
  /**
   * Read one page: the state's `since`/`until` go into the API's own parameters, `token` (undefined on page
   * 1) into its page parameter. Items, rejections and the HTTP status are collected by the adapter.
   */
  readonly readPage: (page: {
    readonly number: number;
    readonly token: string | undefined;
    readonly what: string;
  }) => Promise<SweepPage>;
  /** Checked before each page; a message stops the sweep there, with that warning (e.g. a spent daily budget). */
  readonly beforePage?: () => string | undefined;
  /**
   * A page failed: return the warning that ends the sweep (the pages read are kept), or throw to fail the poll.
   * @default {@link laterPageError}, then `<page> failed; the rest is read next poll: <message>`
   */
  readonly pageFailed?: (error: unknown, page: number) => string;
  /**
   * The warning when the page bound stops the sweep with older items left.
   * @default `<pages> pages read, older posts remain; they are read next poll`
   */
  readonly boundReached?: (pages: number) => string;
}

/** What {@link sweepNewestFirst} leaves behind. */
export interface SweepOutcome {
  /** The sweep state for the next poll; undefined when no page was read (keep the saved state). */
  readonly state: SweepState | undefined;
  /** Why the sweep stopped before the end of the list, when it did (budget, a failed page, the page bound). */
  readonly warning?: string;
}

/**
 * Page through a newest-first API from `state` and compute the next {@link SweepState} with
 * {@link advanceSweep}. A first poll (no `since`, no `until`) reads one page and counts as complete; later
 * polls read up to `maxPages`, and the sweep is complete when the API has no next page.
 * @throws whatever `readPage`, `pageFailed` (by default: page 1's error) throw.
 */
export async function sweepNewestFirst(state: SweepState, options: SweepOptions): Promise<SweepOutcome> {
  const { compare } = options;
  const firstPoll = state.since === undefined && state.until === undefined;
  const pages = firstPoll ? 1 : options.maxPages;
  let newest: string | undefined;
  let oldest: string | undefined;
  let complete = false;
  let read = 0;
  let token: string | undefined;
  let warning: string | undefined;
  for (let number = 1; number <= pages; number++) {
    warning = options.beforePage?.();
    if (warning !== undefined) break;
    const what = options.describePage(number);
    let got: SweepPage;
    try {
      got = await options.readPage({ number, token, what });
    } catch (error) {
      warning = options.pageFailed
        ? options.pageFailed(error, number)
        : `${what} failed; the rest is read next poll: ${laterPageError(error, number).message}`;
      break;
    }
    read++;
    for (const at of got.markers) {
      if (newest === undefined || compare(at, newest) > 0) newest = at;
      if (oldest === undefined || compare(at, oldest) < 0) oldest = at;
    }
    token = got.next;
    if (!token || firstPoll) {
      complete = true;
      break;
    }
    if (number === pages)
      warning = options.boundReached
        ? options.boundReached(pages)
        : `${pages} pages read, older posts remain; they are read next poll`;
  }
  const note = warning !== undefined ? { warning } : {};
  if (read === 0) return { state: undefined, ...note };
  const seen = { ...(newest !== undefined ? { newest } : {}), ...(oldest !== undefined ? { oldest } : {}) };
  return { state: advanceSweep(state, seen, complete, compare), ...note };
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
