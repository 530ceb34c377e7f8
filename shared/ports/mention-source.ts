import type { Author, Engagement, SourceKind } from '#shared/domain/mention.ts';

/**
 * One item as a source adapter returns it, before keyword matching and id assignment.
 * Text fields are already plain text (tags stripped, entities decoded exactly once).
 */
export interface SourceItem {
  /** The source's own id for the item (guid, status id, at-uri…), when it has one. */
  readonly sourceItemId?: string;
  /** Item URL as given (canonicalised later by the collect use case). */
  readonly url: string;
  readonly title?: string;
  /** Body text or excerpt; may be empty when only a title exists. */
  readonly text: string;
  readonly author: Author;
  /** UTC ISO-8601 publication time, or undefined when the source gave none that parses. */
  readonly publishedAt?: string;
  /** True when `publishedAt` is only day- or month-precise. */
  readonly publishedAtEstimated?: boolean;
  /** ISO 639-1 language hint from the source (feed locale, post language), if any. */
  readonly lang?: string;
  readonly outlet?: string;
  /**
   * News items only: the outlet's host (`www.`/`m.`/`amp.` removed) for the cross-source story key
   * (`shared/domain/story.ts`): the link's host for an outlet feed, the `<source url>` host for Google News.
   */
  readonly outletDomain?: string;
  readonly engagement?: Engagement;
}

/** Spend of a daily API budget (X posts read, YouTube quota units), persisted with the cursor. */
export interface SourceUsage {
  /** Calendar day the spend counts against, `yyyy-mm-dd` in the provider's reset zone. */
  readonly day: string;
  /** Units spent on that day (posts read, quota units). */
  readonly used: number;
}

/** Opaque per-(source, query) state, persisted between polls (last-seen marker, ETag …). */
export interface SourceCursor {
  /** Newest `publishedAt` (UTC ISO-8601) handed to the queue so far. */
  readonly lastSeenAt?: string;
  /**
   * Source-specific cursor (since_id, page token, ETag …). Collect keeps the previous token when any
   * item of the poll failed to reach the queue, so the next poll fetches those items again.
   */
  readonly token?: string;
  /** Budget spent so far; unlike `token`, always saved after a poll (spent is spent). */
  readonly usage?: SourceUsage;
}

/** A daily budget as reported by a poll (for logs and the run summary). */
export interface SourceBudget {
  readonly day: string;
  readonly used: number;
  readonly limit: number;
  /** What is counted, e.g. `posts` or `quota units`. */
  readonly unit: string;
}

/** What one poll of a source returns. */
export interface SourceFetchResult {
  readonly items: readonly SourceItem[];
  /** Items the adapter could not parse, each with the reason (never silently dropped). */
  readonly rejected: readonly { readonly reason: string; readonly detail?: string }[];
  /** HTTP-level facts for health reporting. */
  readonly httpStatus?: number;
  /** Source-specific state to keep for the next poll (ETag, since_id …); `lastSeenAt` is set by collect. */
  readonly cursor?: SourceCursor;
  /**
   * Things the operator should know that did not stop the poll: a later page failed (the items before it
   * are kept and the cursor stops there), a page bound was reached (the rest comes next poll) …
   */
  readonly warnings?: readonly string[];
  /** The daily budget after this poll, for sources that have one. */
  readonly budget?: SourceBudget;
}

/** Context for one poll. */
export interface FetchContext {
  readonly cursor?: SourceCursor;
  /** Aborts the poll (Lambda deadline, shutdown). */
  readonly signal?: AbortSignal;
}

/**
 * A place mentions come from (a feed, a search API, a replay file).
 * Implementations throw {@link SourceError} (or a subclass) for anything that stops the whole poll.
 */
export interface MentionSource {
  /** Configured source id, e.g. `gnews-majalengka`. */
  readonly id: string;
  readonly kind: SourceKind;
  /** The search query this source runs, for search-type sources. */
  readonly query?: string;
  /** Keyword ids a search query stands for. */
  readonly keywords: readonly string[];
  fetch(context: FetchContext): Promise<SourceFetchResult>;
}

/** A poll of a source failed as a whole (HTTP error, timeout, unparseable document). */
export class SourceError extends Error {
  override readonly name: string = 'SourceError';
  constructor(
    readonly sourceId: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(`${sourceId}: ${message}`, options);
  }
}

/**
 * The source was not polled on purpose: its credentials are not configured, or its daily budget is spent.
 * Collect reports it as skipped (with `code` and the reason), not as a failure, and keeps its state.
 */
export class SourceSkippedError extends SourceError {
  override readonly name: string = 'SourceSkippedError';
  constructor(
    sourceId: string,
    /** Machine-readable reason, e.g. `credentials-missing`, `budget-exhausted`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(sourceId, message, false, options);
  }
}
