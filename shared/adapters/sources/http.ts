/**
 * HTTP GET for source adapters: global `fetch` (injectable), a per-attempt timeout, retries with
 * exponential backoff and jitter (`p-retry`), `Retry-After`, a body-size cap, conditional GET and a
 * descriptive User-Agent. Failures become {@link SourceError} subclasses naming the source.
 *
 * Retry rule: 408, 429, 5xx, timeouts and network errors are retried; other 4xx are not (asking again
 * will not change the answer). A `Retry-After` up to `maxRetryAfterMs` is waited out before the usual
 * backoff; a longer one ends the poll at once with a retryable {@link SourceHttpError} carrying
 * `retryAfterMs`, because sleeping minutes inside a Lambda invocation costs more than the next schedule.
 */
import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { SourceError } from '#shared/ports/mention-source.ts';
import {
  SourceAbortedError,
  SourceHttpError,
  SourceNetworkError,
  SourceTimeoutError,
  SourceTooLargeError,
} from './errors.ts';

/** Sent with every request; outlets and Google can see who polls them and how to reach the operator. */
export const DEFAULT_USER_AGENT =
  'Pantau/0.1 (media monitoring for Pemerintah Kabupaten Majalengka; polls public RSS at most every 15 min)';

/** How failed attempts are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. @default 3 */
  readonly retries: number;
  /** Backoff before the first retry, in ms. @default 500 */
  readonly minDelayMs: number;
  /** Cap on one backoff, in ms. @default 8_000 */
  readonly maxDelayMs: number;
  /** Backoff growth per retry. @default 2 */
  readonly factor: number;
  /** Multiply each backoff by a random factor in [1, 2) so many pollers do not retry in step. @default true */
  readonly jitter: boolean;
  /** Longest `Retry-After` waited out within one poll, in ms. @default 30_000 */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  minDelayMs: 500,
  maxDelayMs: 8_000,
  factor: 2,
  jitter: true,
  maxRetryAfterMs: 30_000,
};

/** Per-attempt timeout (connect + headers + body), in ms. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Largest body accepted, in bytes (a big outlet feed is ~1 MB; Google News ~200 kB). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Validators for a conditional GET, taken from a previous response. */
export interface HttpValidators {
  readonly etag?: string;
  readonly lastModified?: string;
}

/** One retry about to happen, for logging by the caller. */
export interface RetryEvent {
  readonly sourceId: string;
  readonly url: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly error: SourceError;
  /** `Retry-After` wait added before the backoff, in ms (0 when none). */
  readonly retryAfterMs: number;
}

/** Options for {@link createHttpClient}; every field optional. */
export interface HttpClientOptions {
  /** `fetch` implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per-attempt timeout in ms. @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Overrides of {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: Partial<RetryPolicy>;
  /** @default DEFAULT_USER_AGENT */
  readonly userAgent?: string;
  /** @default DEFAULT_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** Called before each retry (log it). */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Epoch-ms clock for HTTP-date `Retry-After`. @default Date.now */
  readonly now?: () => number;
}

/** One request (a GET unless `method` says otherwise). */
export interface HttpGetRequest {
  /** Source id, named in errors and retry events. */
  readonly sourceId: string;
  readonly url: string;
  /** `Accept` header. @default feed types */
  readonly accept?: string;
  /** @default 'GET' */
  readonly method?: 'GET' | 'POST';
  /**
   * Extra headers (`authorization`, `content-type`, a per-source `user-agent` …), merged over the
   * defaults. Never logged: retry events and errors carry only the URL.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body (POST only), sent as given. */
  readonly body?: string;
  /** Sends `If-None-Match` / `If-Modified-Since`; a 304 then returns `notModified: true`. */
  readonly validators?: HttpValidators;
  /** Caller's abort (Lambda deadline); aborts the attempt and any wait. */
  readonly signal?: AbortSignal;
}

/** A successful (2xx or 304) response. */
export interface HttpGetResponse {
  readonly status: number;
  /** Final URL after redirects. */
  readonly url: string;
  readonly headers: Headers;
  /** Raw body bytes (empty for 304). */
  readonly body: Uint8Array;
  readonly notModified: boolean;
  /** Validators to send next time (the response's, or the request's on 304). */
  readonly validators: HttpValidators;
  /** Attempts made (1 when the first succeeded). */
  readonly attempts: number;
}

/** Sends requests with the retry/timeout policy. */
export interface HttpClient {
  /**
   * @throws {SourceHttpError} non-2xx/304 status (after retries for 408/429/5xx).
   * @throws {SourceTimeoutError} the last attempt exceeded the timeout.
   * @throws {SourceNetworkError} the last attempt failed to connect.
   * @throws {SourceTooLargeError} the body exceeded the cap (not retried).
   * @throws {SourceAbortedError} the caller's signal fired.
   */
  get(request: HttpGetRequest): Promise<HttpGetResponse>;
}

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';

/**
 * Parse a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * @returns The wait in ms (≥ 0), or undefined when absent or malformed.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The wait a throttled response asks for, in ms: `Retry-After` (RFC 9110) first; else, for 429 only, the
 * vendor reset headers — X's `x-rate-limit-reset` (epoch seconds when the window resets) and Reddit's
 * `x-ratelimit-reset` (seconds until it resets). Undefined when none is present or parseable.
 */
export function throttleWaitMs(status: number, headers: Headers, nowMs: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (retryAfter !== undefined || status !== 429) return retryAfter;
  const epochReset = headers.get('x-rate-limit-reset')?.trim();
  if (epochReset && /^\d+$/.test(epochReset)) return Math.max(0, Number(epochReset) * 1000 - nowMs);
  const relativeReset = headers.get('x-ratelimit-reset')?.trim();
  if (relativeReset && /^\d+(\.\d+)?$/.test(relativeReset)) return Math.ceil(Number(relativeReset) * 1000);
  return undefined;
}

/** Longest error-body excerpt kept on a {@link SourceHttpError}, in bytes (enough for an API's error JSON). */
const ERROR_EXCERPT_BYTES = 1_024;

async function readExcerpt(response: Response): Promise<string | undefined> {
  if (!response.body) return undefined;
  try {
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < ERROR_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
    await reader.cancel().catch(() => {});
    const bytes = new Uint8Array(Math.min(total, ERROR_EXCERPT_BYTES));
    let offset = 0;
    for (const chunk of chunks) {
      const part = chunk.subarray(0, bytes.byteLength - offset);
      bytes.set(part, offset);
      offset += part.byteLength;
      if (offset >= bytes.byteLength) break;
    }
    return new TextDecoder().decode(bytes) || undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBody(response: Response, maxBytes: number, onTooLarge: () => Error): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw onTooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw onTooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Create an HTTP client with the given policy. Stateless apart from its options: share one per process.
 * @example createHttpClient({ timeoutMs: 5_000, retry: { retries: 2 } }).get({ sourceId: 'rss-x', url })
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? Date.now;

  async function attempt(request: HttpGetRequest): Promise<Omit<HttpGetResponse, 'attempts'>> {
    const { sourceId, url, signal } = request;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      accept: request.accept ?? FEED_ACCEPT,
      ...lowerCaseKeys(request.headers),
    };
    if (request.validators?.etag) headers['if-none-match'] = request.validators.etag;
    if (request.validators?.lastModified) headers['if-modified-since'] = request.validators.lastModified;

    const classify = (cause: unknown): Error => {
      if (signal?.aborted) return new AbortError(new SourceAbortedError(sourceId, { cause }));
      if (timeout.aborted) return new SourceTimeoutError(sourceId, url, timeoutMs, { cause });
      if (cause instanceof SourceError) return cause;
      return new SourceNetworkError(sourceId, url, { cause });
    };

    let response: Response;
    try {
      response = await doFetch(url, {
        method: request.method ?? 'GET',
        headers,
        signal: combined,
        redirect: 'follow',
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
    } catch (cause) {
      throw classify(cause);
    }
    if (response.status === 304) {
      await response.body?.cancel().catch(() => {});
      return {
        status: 304,
        url: response.url || url,
        headers: response.headers,
        body: new Uint8Array(0),
        notModified: true,
        validators: request.validators ?? {},
      };
    }
    if (!response.ok) {
      // API errors explain themselves in the body (`{"error":"ExpiredToken"}`); feeds' error pages do not matter.
      const bodyExcerpt = response.status < 500 ? await readExcerpt(response) : undefined;
      if (bodyExcerpt === undefined) await response.body?.cancel().catch(() => {});
      const retryAfterMs = throttleWaitMs(response.status, response.headers, now());
      const error = new SourceHttpError(
        sourceId,
        response.status,
        url,
        retryAfterMs,
        bodyExcerpt === undefined ? undefined : { bodyExcerpt },
      );
      const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs;
      throw error.retryable && !tooLong ? error : new AbortError(error);
    }
    let body: Uint8Array;
    try {
      body = await readBody(
        response,
        maxBodyBytes,
        () => new AbortError(new SourceTooLargeError(sourceId, url, maxBodyBytes)),
      );
    } catch (cause) {
      if (cause instanceof AbortError) throw cause;
      throw classify(cause);
    }
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    return {
      status: response.status,
      url: response.url || url,
      headers: response.headers,
      body,
      notModified: false,
      validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
    };
  }

  return {
    async get(request) {
      let attempts = 0;
      try {
        const result = await pRetry(
          async () => {
            attempts += 1;
            return attempt(request);
          },
          {
            retries: policy.retries,
            minTimeout: policy.minDelayMs,
            maxTimeout: policy.maxDelayMs,
            factor: policy.factor,
            randomize: policy.jitter,
            ...(request.signal ? { signal: request.signal } : {}),
            onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
              if (retriesLeft <= 0 || !(error instanceof SourceError)) return;
              const retryAfterMs = error instanceof SourceHttpError ? (error.retryAfterMs ?? 0) : 0;
              options.onRetry?.({
                sourceId: request.sourceId,
                url: request.url,
                attempt: attemptNumber,
                error,
                retryAfterMs,
              });
              if (retryAfterMs > 0) await sleep(retryAfterMs, request.signal);
            },
          },
        );
        return { ...result, attempts };
      } catch (error) {
        if (request.signal?.aborted && !(error instanceof SourceAbortedError)) {
          throw new SourceAbortedError(request.sourceId, { cause: error });
        }
        if (error instanceof SourceError) throw error;
        throw new SourceNetworkError(request.sourceId, request.url, { cause: error });
      }
    },
  };
}

function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

const ValidatorsTokenSchema = z.object({
  v: z.literal(1),
  etag: z.string().max(1_000).optional(),
  lastModified: z.string().max(100).optional(),
});

/**
 * Encode validators as a cursor `token` (opaque to the collect use case), e.g.
 * `{"v":1,"etag":"\"abc\""}`; undefined when there are none.
 */
export function encodeValidatorsToken(validators: HttpValidators): string | undefined {
  if (!validators.etag && !validators.lastModified) return undefined;
  return JSON.stringify({ v: 1, ...validators });
}

/** Decode a cursor `token` written by {@link encodeValidatorsToken}; anything else gives `{}` (plain GET). */
export function decodeValidatorsToken(token: string | undefined): HttpValidators {
  if (!token) return {};
  try {
    const parsed = ValidatorsTokenSchema.safeParse(JSON.parse(token));
    if (!parsed.success) return {};
    const { etag, lastModified } = parsed.data;
    return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
  } catch {
    return {};
  }
}
