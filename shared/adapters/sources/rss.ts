/**
 * Outlet RSS/Atom feeds as a {@link MentionSource}: conditional GET → charset decoding → feed parsing.
 * Items carry the feed's fields only (no article pages are fetched: some outlets forbid crawling).
 */
import type { z } from 'zod';
import type { RssSourceSchema } from '#shared/domain/config.ts';
import { outletDomain } from '#shared/domain/story.ts';
import { siteOf } from '#shared/domain/url.ts';
import { type Clock, systemClock } from '#shared/ports/clock.ts';
import type {
  FetchContext,
  MentionSource,
  SourceCursor,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import { decodeFeedBytes } from './charset.ts';
import { type FeedEntry, type ParsedFeed, parseFeed, toSourceItem } from './feed.ts';
import { decodeValidatorsToken, encodeValidatorsToken, type HttpClient } from './http.ts';

/** A parsed `rss` source config. */
export type RssSourceConfig = z.infer<typeof RssSourceSchema>;

/**
 * What feed sources return: the port's result, always with `cursor` — `{ token }` holding the HTTP
 * validators for the next conditional GET, or `{}` when the server sent none (so a stale token is
 * dropped). Persist it only after the items were handed on, like `lastSeenAt`.
 */
export interface FeedFetchResult extends SourceFetchResult {
  readonly items: readonly SourceItem[];
  readonly cursor: SourceCursor;
  /** Charset used to decode the body and where it came from (health reporting). */
  readonly charset?: { readonly name: string; readonly source: string };
  /** Items whose date was missing, unparseable or too far in the future (they carry no `publishedAt`). */
  readonly dateIssues?: ParsedFeed['dateIssues'];
}

/** What feed-based sources need. */
export interface FeedSourceDeps {
  readonly http: HttpClient;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Zone assumed for zone-less dates. @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /** Most items read per document. @default DEFAULT_MAX_ITEMS (500) */
  readonly maxItems?: number;
}

/** Fetch and parse one feed URL (shared by the RSS and Google News sources). */
export async function pollFeed(
  deps: FeedSourceDeps,
  request: { sourceId: string; url: string; defaultLang?: string; context: FetchContext },
  mapEntry: (entry: FeedEntry) => SourceItem,
): Promise<FeedFetchResult> {
  const { sourceId, url, context } = request;
  const validators = decodeValidatorsToken(context.cursor?.token);
  const response = await deps.http.get({
    sourceId,
    url,
    validators,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const token = encodeValidatorsToken(response.validators);
  const cursor: SourceCursor = token ? { token } : {};
  if (response.notModified) return { items: [], rejected: [], httpStatus: 304, cursor };
  const decoded = decodeFeedBytes(response.body, response.headers.get('content-type'));
  const feed = parseFeed(decoded.text, {
    sourceId,
    feedUrl: response.url,
    nowMs: (deps.clock ?? systemClock).now(),
    ...(deps.timeZone !== undefined ? { timeZone: deps.timeZone } : {}),
    ...(request.defaultLang !== undefined ? { defaultLang: request.defaultLang } : {}),
    ...(deps.maxItems !== undefined ? { maxItems: deps.maxItems } : {}),
  });
  return {
    items: feed.items.map(mapEntry),
    rejected: feed.rejected,
    httpStatus: response.status,
    charset: { name: decoded.charset, source: decoded.source },
    dateIssues: feed.dateIssues,
    cursor,
  };
}

/**
 * An outlet RSS 2.0 / RSS 1.0 / Atom feed. `outlet` is the item link's site (`www.` dropped), matching
 * the replay format's `source`; `outletDomain` the link's host for the story key; `author.name` comes from `dc:creator`, RSS `author` (name only, never
 * the e-mail) or Atom `author/name`.
 * @throws (from `fetch`) SourceHttpError, SourceTimeoutError, SourceNetworkError, SourceAbortedError,
 *   SourceTooLargeError, FeedParseError — all naming `config.id`.
 */
export function createRssSource(config: RssSourceConfig, deps: FeedSourceDeps): MentionSource {
  return {
    id: config.id,
    kind: 'rss',
    keywords: config.keywords,
    fetch: (context: FetchContext): Promise<FeedFetchResult> =>
      pollFeed(deps, { sourceId: config.id, url: config.url, defaultLang: config.lang, context }, (entry) => {
        const item = toSourceItem(entry);
        const domain = outletDomain(item.url);
        return { ...item, outlet: siteOf(item.url), ...(domain ? { outletDomain: domain } : {}) };
      }),
  };
}
