/**
 * Errors that stop a whole poll of one source. All extend the port's {@link SourceError}, carry the source
 * id (in `sourceId` and the message) and say whether a later poll may succeed (`retryable`).
 */
import { SourceError, SourceSkippedError } from '#shared/ports/mention-source.ts';

/** The server answered with a non-success status (after retries for 429/5xx). */
export class SourceHttpError extends SourceError {
  override readonly name = 'SourceHttpError';
  constructor(
    sourceId: string,
    readonly status: number,
    readonly url: string,
    /** Wait the server asked for (`Retry-After`, or a 429's rate-limit reset header), in ms, when it gave one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; bodyExcerpt?: string },
  ) {
    super(
      sourceId,
      `HTTP ${status} from ${url}${retryAfterMs === undefined ? '' : ` (retry after ${retryAfterMs} ms)`}`,
      status === 408 || status === 429 || status >= 500,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    if (options?.bodyExcerpt !== undefined) this.bodyExcerpt = options.bodyExcerpt;
  }
  /** First KiB of a 4xx response body (API error JSON), for adapters and diagnostics; not in `message`. */
  readonly bodyExcerpt?: string;
}

/** An attempt exceeded its time budget (after retries). */
export class SourceTimeoutError extends SourceError {
  override readonly name = 'SourceTimeoutError';
  constructor(
    sourceId: string,
    readonly url: string,
    /** Per-attempt budget that was exceeded, in ms. */
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(sourceId, `no complete response from ${url} within ${timeoutMs} ms`, true, options);
  }
}

/** The connection failed (DNS, refused, reset, TLS) after retries. */
export class SourceNetworkError extends SourceError {
  override readonly name = 'SourceNetworkError';
  constructor(
    sourceId: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    const reason =
      options?.cause instanceof Error ? (causeCode(options.cause) ?? options.cause.message) : 'failed';
    super(sourceId, `network error fetching ${url}: ${reason}`, true, options);
  }
}

/** The caller aborted the poll (Lambda deadline, shutdown) through `FetchContext.signal`. */
export class SourceAbortedError extends SourceError {
  override readonly name = 'SourceAbortedError';
  constructor(sourceId: string, options?: { cause?: unknown }) {
    super(sourceId, 'poll aborted by caller', true, options);
  }
}

/** The response was larger than the configured cap. */
export class SourceTooLargeError extends SourceError {
  override readonly name = 'SourceTooLargeError';
  constructor(
    sourceId: string,
    readonly url: string,
    readonly maxBytes: number,
  ) {
    super(sourceId, `response from ${url} exceeds ${maxBytes} bytes`, false);
  }
}

/**
 * The document is not a feed we can read: malformed XML, not RSS/Atom (an HTML error page served with
 * 200), or an unreadable replay file. `retryable` is false: the same bytes will fail the same way.
 */
export class FeedParseError extends SourceError {
  override readonly name = 'FeedParseError';
  constructor(
    sourceId: string,
    message: string,
    /** 1-based line of the problem, when known. */
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(sourceId, line === undefined ? message : `${message} (line ${line})`, false, options);
  }
}

function causeCode(error: Error): string | undefined {
  const inner = (error as { cause?: unknown }).cause;
  if (inner && typeof inner === 'object' && 'code' in inner && typeof inner.code === 'string') {
    return `${error.message} (${inner.code})`;
  }
  return undefined;
}

/**
 * An API answered 2xx with a body we cannot use: not JSON, or not the documented shape (the provider
 * changed its API). `context` names the call, e.g. `searchPosts page 2`. Not retryable.
 */
export class SourceResponseError extends SourceError {
  override readonly name = 'SourceResponseError';
  constructor(
    sourceId: string,
    /** Which call, e.g. `timelines/tag/majalengka page 1`. */
    readonly context: string,
    /** What was wrong, e.g. `posts: expected array, received undefined`. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(sourceId, `unexpected response from ${context}: ${problem}`, false, options);
  }
}

/** The provider rejected the configured credentials (wrong app password, revoked key). Not retryable. */
export class SourceAuthError extends SourceError {
  override readonly name = 'SourceAuthError';
  constructor(sourceId: string, message: string, options?: { cause?: unknown }) {
    super(sourceId, message, false, options);
  }
}

/** The source's credential set is not configured: the source is skipped, not failed. */
export class SourceCredentialsMissingError extends SourceSkippedError {
  override readonly name = 'SourceCredentialsMissingError';
  constructor(
    sourceId: string,
    /** Name of the credential set the config asks for. */
    readonly credentialName: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(sourceId, 'credentials-missing', `skipped: ${reason}`, options);
  }
}

/** The source's daily budget (X posts, YouTube quota units) is spent: skipped until the budget day rolls over. */
export class SourceBudgetExhaustedError extends SourceSkippedError {
  override readonly name = 'SourceBudgetExhaustedError';
  constructor(
    sourceId: string,
    readonly day: string,
    readonly used: number,
    readonly limit: number,
    readonly unit: string,
  ) {
    super(
      sourceId,
      'budget-exhausted',
      `skipped: daily budget spent (${used} of ${limit} ${unit} on ${day})`,
    );
  }
}
