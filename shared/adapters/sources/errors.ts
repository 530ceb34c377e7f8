/**
 * Errors that stop a whole poll of one source. All extend the port's {@link SourceError}, carry the source
 * id (in `sourceId` and the message) and say whether a later poll may succeed (`retryable`).
 */
import { SourceError } from '#shared/ports/mention-source.ts';

/** The server answered with a non-success status (after retries for 429/5xx). */
export class SourceHttpError extends SourceError {
  override readonly name = 'SourceHttpError';
  constructor(
    sourceId: string,
    readonly status: number,
    readonly url: string,
    /** Wait the server asked for (from `Retry-After`), in ms, when it gave one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(
      sourceId,
      `HTTP ${status} from ${url}${retryAfterMs === undefined ? '' : ` (retry after ${retryAfterMs} ms)`}`,
      status === 408 || status === 429 || status >= 500,
      options,
    );
  }
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
