/**
 * YouTube Data API v3 as a {@link MentionSource}: videos found by a search query and/or uploaded by watched
 * channels become mentions (title + description), and the newest comments of recent videos become
 * mentions too.
 *
 * Calls (API key sent as the `x-goog-api-key` header, so it never appears in a URL, a log line or an error):
 * - `GET {base}/channels?part=contentDetails&id=<ids>` once per channel → uploads playlist id, cached in the
 *   cursor token (1 unit for up to 50 channels);
 * - `GET {base}/playlistItems?part=snippet,contentDetails&playlistId=…&maxResults=50&pageToken=…` (1 unit);
 * - `GET {base}/search?part=snippet&type=video&q=…&regionCode=ID&relevanceLanguage=id&order=date
 *   &publishedAfter=…&publishedBefore=…&maxResults=50&pageToken=…` (100 units: the scarce call);
 * - `GET {base}/commentThreads?part=snippet&videoId=…&order=time&textFormat=plainText&maxResults=100`
 *   (1 unit) for at most `commentVideosPerRun` tracked videos per poll, least recently read first.
 *
 * Quota: every call's units are counted against `dailyQuotaUnits` per Pacific-time day (YouTube's quota
 * resets at midnight America/Los_Angeles; a UTC day would let two of our days draw on one of Google's). A
 * call is made only when its units are left; a spent budget skips the source
 * ({@link SourceBudgetExhaustedError}); Google's own `quotaExceeded` skips it too
 * ({@link YouTubeQuotaExceededError}), leaving the cursor as it was.
 *
 * Cursor token ({@link YouTubeState}): the search is a {@link SweepState} over video times (expressed with
 * `publishedAfter`/`publishedBefore`, both inclusive, so a page bound leaves no gap); playlists and
 * comment lists are newest first without a time filter, so they are swept with a saved `pageToken`
 * ({@link PageSweep}). Overlap (equal timestamps, re-read pages) is removed by collect's de-duplication.
 * Provider facts: `shared/reference/sources.md` in the team notes; behaviour: `docs/sources.md`.
 */
import { z } from 'zod';
import type { YouTubeSourceSchema } from '#shared/domain/config.ts';
import { IsoUtcSchema } from '#shared/domain/mention.ts';
import { cleanText, decodeEntitiesOnce } from '#shared/domain/text.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type {
  FetchContext,
  MentionSource,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import { SourceError, SourceSkippedError } from '#shared/ports/mention-source.ts';
import {
  budgetDay,
  type CredentialedSourceDeps,
  compareStrings,
  decodeToken,
  parseEach,
  type Rejection,
  rawField,
  requestJson,
  requireCredentials,
  type SweepState,
  startBudget,
  sweepNewestFirst,
  toIsoUtc,
} from './api.ts';
import {
  SourceAbortedError,
  SourceAuthError,
  SourceBudgetExhaustedError,
  SourceHttpError,
} from './errors.ts';

/** A parsed `youtube` source config. */
export type YouTubeSourceConfig = z.infer<typeof YouTubeSourceSchema>;

/** Production API base; tests inject a local server through `apiBaseUrls.youtube`. */
export const YOUTUBE_API_BASE_URL = 'https://www.googleapis.com/youtube/v3';

/** Zone YouTube's daily quota resets in (midnight Pacific Time, per the API's quota documentation). */
export const YOUTUBE_QUOTA_TIME_ZONE = 'America/Los_Angeles';

/** Quota units per call (YouTube Data API v3 quota calculator; an invalid request costs at least 1). */
export const YOUTUBE_QUOTA_COSTS = {
  search: 100,
  channels: 1,
  playlistItems: 1,
  commentThreads: 1,
} as const;
type Endpoint = keyof typeof YOUTUBE_QUOTA_COSTS;

/**
 * Videos whose comments are followed at once; the newest are kept. Bounds the cursor token, which is stored
 * in one DynamoDB item (400 KB at most).
 */
export const MAX_TRACKED_VIDEOS = 100;

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
/** Comment ids are URL-safe base64-like strings (replies add `.`); anything else cannot go into `lc=`. */
const COMMENT_ID = /^[A-Za-z0-9_.-]{1,200}$/;
const DAY_MS = 86_400_000;

/** An RFC 3339 time as YouTube writes it (`2026-11-30T03:15:00Z`, sometimes with a fraction). */
const TimeSchema = z.iso.datetime({ offset: true });

/** A `search.list` result (type=video) as Pantau reads it. */
export const YouTubeSearchResultSchema = z.object({
  id: z.object({ kind: z.literal('youtube#video'), videoId: z.string().regex(VIDEO_ID) }),
  snippet: z.object({
    publishedAt: TimeSchema,
    channelId: z.string().optional(),
    title: z.string(),
    description: z.string().default(''),
    channelTitle: z.string().optional(),
  }),
});
export type YouTubeSearchResult = z.infer<typeof YouTubeSearchResultSchema>;

/** A `playlistItems.list` item of an uploads playlist as Pantau reads it. */
export const YouTubePlaylistItemSchema = z.object({
  snippet: z.object({
    /** When the video was added to the playlist: the order of an uploads playlist. */
    publishedAt: TimeSchema,
    title: z.string(),
    description: z.string().default(''),
    channelId: z.string().optional(),
    channelTitle: z.string().optional(),
    videoOwnerChannelId: z.string().optional(),
    videoOwnerChannelTitle: z.string().optional(),
    resourceId: z.object({ kind: z.literal('youtube#video'), videoId: z.string().regex(VIDEO_ID) }),
  }),
  contentDetails: z
    .object({
      videoId: z.string().optional(),
      /** Absent for private and deleted videos. */
      videoPublishedAt: TimeSchema.optional(),
    })
    .optional(),
});
export type YouTubePlaylistItem = z.infer<typeof YouTubePlaylistItemSchema>;

/** A `commentThreads.list` item (its top-level comment) as Pantau reads it. */
export const YouTubeCommentThreadSchema = z.object({
  id: z.string().regex(COMMENT_ID),
  snippet: z.object({
    videoId: z.string().regex(VIDEO_ID),
    topLevelComment: z.object({
      id: z.string().regex(COMMENT_ID),
      snippet: z.object({
        textOriginal: z.string(),
        authorDisplayName: z.string().optional(),
        authorChannelId: z.object({ value: z.string() }).optional(),
        likeCount: z.number().int().nonnegative(),
        publishedAt: TimeSchema,
      }),
    }),
    totalReplyCount: z.number().int().nonnegative(),
  }),
});
export type YouTubeCommentThread = z.infer<typeof YouTubeCommentThreadSchema>;

const ListPageSchema = z.object({
  nextPageToken: z.string().min(1).optional(),
  items: z.array(z.unknown()).default([]),
});

const ChannelSchema = z.object({
  id: z.string(),
  contentDetails: z.object({ relatedPlaylists: z.object({ uploads: z.string().min(2) }) }),
});

/**
 * Progress through a newest-first list that has no time filter (uploads playlist, comment threads).
 * `since` = newest marker of the last complete read; when the page bound stops a read, `resume` keeps the
 * next page's token and the newest marker seen (`pending`), the next poll continues there, and once it
 * reaches `since` (or the list's end), `since` becomes `pending`.
 */
const PageSweepSchema = z.object({
  since: IsoUtcSchema.optional(),
  resume: z.object({ pageToken: z.string().min(1).max(2_000), pending: IsoUtcSchema.optional() }).optional(),
});
export type PageSweep = z.infer<typeof PageSweepSchema>;

const TrackedVideoSchema = z.object({
  id: z.string().regex(VIDEO_ID),
  publishedAt: IsoUtcSchema,
  comments: PageSweepSchema.optional(),
  /** Last time its comments were read (UTC ISO-8601): the least recently read go first. */
  readAt: IsoUtcSchema.optional(),
  /** Comments are disabled: not read again (saves a unit per poll). */
  off: z.literal(true).optional(),
});
type TrackedVideo = z.infer<typeof TrackedVideoSchema>;

/** The cursor token (`cursor.token`, JSON). */
export const YouTubeStateSchema = z.object({
  v: z.literal(1),
  /** The search's sweep over video `publishedAt`, for the query `q` (a changed query starts afresh). */
  search: z
    .object({
      q: z.string(),
      since: IsoUtcSchema.optional(),
      until: IsoUtcSchema.optional(),
      pending: IsoUtcSchema.optional(),
    })
    .optional(),
  /** Per channel id: its uploads playlist id (looked up once) and the sweep over it. */
  uploads: z.record(z.string(), PageSweepSchema.extend({ playlistId: z.string().min(2) })).default({}),
  /** Videos whose comments are followed, newest published first. */
  videos: z.array(TrackedVideoSchema).default([]),
});
export type YouTubeState = z.infer<typeof YouTubeStateSchema>;

/** Dependencies of {@link createYouTubeSource}. */
export interface YouTubeSourceDeps extends CredentialedSourceDeps {
  /** @default YOUTUBE_API_BASE_URL */
  readonly baseUrl?: string;
}

/** Google answered `quotaExceeded`/`dailyLimitExceeded`: the project's quota is spent; skipped until it resets. */
export class YouTubeQuotaExceededError extends SourceSkippedError {
  override readonly name = 'YouTubeQuotaExceededError';
  constructor(
    sourceId: string,
    /** Which call was refused, e.g. `search page 1`. */
    readonly context: string,
    options?: { cause?: unknown },
  ) {
    super(
      sourceId,
      'quota-exceeded',
      `skipped: YouTube refused ${context} with quotaExceeded (the project's daily quota is spent; it resets at midnight Pacific Time)`,
      options,
    );
  }
}

/** Error reasons meaning the key or project is wrong (fix the credentials): a failure, not a skip. */
const AUTH_REASONS = new Set([
  'keyInvalid',
  'keyExpired',
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'accessNotConfigured',
  'SERVICE_DISABLED',
  'ipRefererBlocked',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_IP_ADDRESS_BLOCKED',
]);
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);

/**
 * The `reason` codes of a Google API error body (`error.errors[].reason`, `error.details[].reason`), read
 * from a {@link SourceHttpError}'s body excerpt; a cut-off excerpt is scanned for `"reason":"…"` instead.
 * @returns An empty array for anything else.
 */
export function youTubeErrorReasons(error: unknown): string[] {
  if (!(error instanceof SourceHttpError) || !error.bodyExcerpt) return [];
  try {
    const body = z
      .object({
        error: z.object({
          errors: z.array(z.object({ reason: z.string() })).default([]),
          details: z.array(z.looseObject({ reason: z.string().optional() })).default([]),
        }),
      })
      .parse(JSON.parse(error.bodyExcerpt));
    return [
      ...body.error.errors.map((e) => e.reason),
      ...body.error.details.flatMap((d) => (d.reason ? [d.reason] : [])),
    ];
  } catch {
    return [...error.bodyExcerpt.matchAll(/"reason"\s*:\s*"([^"]{1,100})"/g)].flatMap((m) =>
      m[1] ? [m[1]] : [],
    );
  }
}

/** Search snippets come HTML-escaped (`&#39;`, `&quot;`, `&amp;`); decode once, strip nothing. */
function searchText(value: string | undefined, maxLength?: number): string {
  return cleanText(decodeEntitiesOnce(value ?? ''), maxLength === undefined ? {} : { maxLength });
}

function videoItem(
  videoId: string,
  fields: {
    title: string;
    description: string;
    channelId?: string | undefined;
    channelTitle?: string | undefined;
    publishedAt?: string | undefined;
  },
): SourceItem {
  const name = fields.channelTitle ? cleanText(fields.channelTitle, { maxLength: 500 }) : '';
  return {
    sourceItemId: videoId,
    url: `https://www.youtube.com/watch?v=${videoId}`,
    ...(fields.title ? { title: fields.title } : {}),
    text: fields.description,
    author: {
      ...(fields.channelId ? { id: fields.channelId } : {}),
      ...(name ? { name } : {}),
    },
    ...(fields.publishedAt ? { publishedAt: fields.publishedAt } : {}),
    outlet: 'youtube.com',
    engagement: {},
  };
}

/** Map one search result (type=video) to a source item; search snippets are entity-decoded once. */
export function youTubeSearchResultToItem(result: YouTubeSearchResult): SourceItem {
  const s = result.snippet;
  return videoItem(result.id.videoId, {
    title: searchText(s.title, 2_000),
    description: searchText(s.description),
    channelId: s.channelId,
    channelTitle: decodeEntitiesOnce(s.channelTitle ?? ''),
    publishedAt: toIsoUtc(s.publishedAt),
  });
}

/**
 * Map one uploads-playlist item to a source item (`publishedAt` = the video's, not the playlist's).
 * @returns undefined for a private or deleted video (no `videoPublishedAt`).
 */
export function youTubePlaylistItemToItem(item: YouTubePlaylistItem): SourceItem | undefined {
  const s = item.snippet;
  const publishedAt = toIsoUtc(item.contentDetails?.videoPublishedAt);
  if (!publishedAt) return undefined;
  return videoItem(s.resourceId.videoId, {
    title: cleanText(s.title, { maxLength: 2_000 }),
    description: cleanText(s.description),
    channelId: s.videoOwnerChannelId ?? s.channelId,
    channelTitle: s.videoOwnerChannelTitle ?? s.channelTitle,
    publishedAt,
  });
}

/** Map one comment thread (its top-level comment) to a source item; replies count as engagement. */
export function youTubeCommentToItem(thread: YouTubeCommentThread): SourceItem {
  const c = thread.snippet.topLevelComment;
  const name = cleanText(c.snippet.authorDisplayName, { maxLength: 500 });
  const publishedAt = toIsoUtc(c.snippet.publishedAt);
  return {
    sourceItemId: c.id,
    url: `https://www.youtube.com/watch?v=${thread.snippet.videoId}&lc=${c.id}`,
    text: cleanText(c.snippet.textOriginal),
    author: {
      ...(c.snippet.authorChannelId ? { id: c.snippet.authorChannelId.value } : {}),
      ...(name ? { name } : {}),
    },
    ...(publishedAt ? { publishedAt } : {}),
    outlet: 'youtube.com',
    engagement: { likes: c.snippet.likeCount, replies: thread.snippet.totalReplyCount },
  };
}

const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a >= b ? a : b;

/** Why a part of the poll stopped early, for the warning. */
type Stop = { kind: 'budget' } | { kind: 'pages' } | { kind: 'error'; error: SourceError };

/**
 * Read a newest-first list with a saved page token (see {@link PageSweep}). The first read of a list
 * (no state) takes its newest page only: no backfill.
 * @param fetchPage - Reads one page; throws on failure. Page 1's failure propagates; a later page's
 *   failure stops the sweep with `resume` at that page.
 * @param marker - The list-order time of an entry (UTC ISO-8601), when it has one.
 * @param canAfford - False when the next call's units are not left.
 */
async function sweepPages<T>(
  state: PageSweep,
  maxPages: number,
  fetchPage: (pageToken: string | undefined, page: number) => Promise<{ entries: T[]; next?: string }>,
  marker: (entry: T) => string | undefined,
  canAfford: () => boolean,
): Promise<{ entries: T[]; state: PageSweep; stop?: Stop }> {
  const firstRead = state.since === undefined && state.resume === undefined;
  const pages = firstRead ? 1 : maxPages;
  const entries: T[] = [];
  let pageToken = state.resume?.pageToken;
  let newest = state.resume?.pending;
  let stop: Stop | undefined;
  let complete = false;
  for (let page = 1; page <= pages; page++) {
    if (!canAfford()) {
      stop = { kind: 'budget' };
      break;
    }
    let got: { entries: T[]; next?: string };
    try {
      got = await fetchPage(pageToken, page);
    } catch (error) {
      if (
        !(error instanceof SourceError) ||
        error instanceof SourceAbortedError ||
        error instanceof SourceSkippedError ||
        error instanceof SourceAuthError
      )
        throw error;
      if (page === 1 && state.resume && error instanceof SourceHttpError && error.status === 400) {
        // The saved page token is no longer accepted: start again from the newest next poll (overlap, no gap).
        return { entries, state: state.since ? { since: state.since } : {}, stop: { kind: 'error', error } };
      }
      if (page === 1) throw error;
      stop = { kind: 'error', error };
      break;
    }
    let reachedKnown = false;
    for (const entry of got.entries) {
      const at = marker(entry);
      if (at !== undefined && state.since !== undefined && at < state.since) {
        reachedKnown = true;
        continue;
      }
      newest = later(newest, at);
      entries.push(entry);
    }
    pageToken = got.next;
    if (!pageToken || reachedKnown || firstRead) {
      complete = true;
      break;
    }
    if (page === pages) stop = { kind: 'pages' };
  }
  if (complete || !pageToken) {
    const since = later(state.since, newest);
    return { entries, state: since ? { since } : {}, ...(stop ? { stop } : {}) };
  }
  return {
    entries,
    state: {
      ...(state.since ? { since: state.since } : {}),
      resume: { pageToken, ...(newest ? { pending: newest } : {}) },
    },
    ...(stop ? { stop } : {}),
  };
}

/**
 * A YouTube source: a search query and/or channels' uploads, plus the newest comments of recent videos.
 * The result's `budget` reports quota units spent today (Pacific time) against `dailyQuotaUnits`;
 * `cursor.usage` carries the count to the next poll; `cursor.token` is a {@link YouTubeState}.
 * Per-video problems (comments disabled, video gone) and failures after the poll's first successful call
 * are `warnings`; the state of the part that failed is kept as it was, so nothing is skipped.
 * @throws {SourceCredentialsMissingError} (a skip) without an `apiKey`.
 * @throws {SourceBudgetExhaustedError} (a skip) when today's units cannot pay for any call.
 * @throws {YouTubeQuotaExceededError} (a skip) when Google answers `quotaExceeded`; the cursor is unchanged.
 * @throws {SourceAuthError} when Google rejects the key (invalid, expired, API not enabled, restricted).
 * @throws SourceHttpError, SourceTimeoutError, SourceNetworkError, SourceResponseError, SourceAbortedError
 *   when the poll's first call fails.
 */
export function createYouTubeSource(config: YouTubeSourceConfig, deps: YouTubeSourceDeps): MentionSource {
  const base = (deps.baseUrl ?? YOUTUBE_API_BASE_URL).replace(/\/+$/, '');
  const clock = deps.clock ?? systemClock;
  const searching = config.query !== undefined && config.maxSearchCallsPerRun > 0;
  return {
    id: config.id,
    kind: 'youtube',
    ...(config.query ? { query: config.query } : {}),
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      const now = clock.now();
      const nowIso = new Date(now).toISOString();
      const day = budgetDay(now, YOUTUBE_QUOTA_TIME_ZONE);
      const budget = startBudget(config.dailyQuotaUnits, day, context.cursor?.usage);
      const saved = decodeToken(context.cursor?.token, YouTubeStateSchema);
      const trackFrom = new Date(now - config.trackVideoDays * DAY_MS).toISOString();
      let videos: TrackedVideo[] = (saved?.videos ?? []).filter((v) => v.publishedAt >= trackFrom);
      const readable = () => config.commentVideosPerRun > 0 && videos.some((v) => !v.off);
      const cheapest = Math.min(
        config.channelIds.length > 0 || readable() ? YOUTUBE_QUOTA_COSTS.channels : Number.POSITIVE_INFINITY,
        searching ? YOUTUBE_QUOTA_COSTS.search : Number.POSITIVE_INFINITY,
      );
      if (Number.isFinite(cheapest) && budget.remaining() < cheapest) {
        throw new SourceBudgetExhaustedError(config.id, day, budget.used(), budget.limit, 'quota units');
      }
      const creds = await requireCredentials(deps, config, ['apiKey']);
      const apiKey = creds['apiKey'] as string;
      const items: SourceItem[] = [];
      const rejected: Rejection[] = [];
      const warnings: string[] = [];
      const found = new Map<string, string>();
      let status: number | undefined;
      let succeeded = false;

      const afford = (endpoint: Endpoint) => () => budget.remaining() >= YOUTUBE_QUOTA_COSTS[endpoint];
      async function call<S extends z.ZodType>(
        endpoint: Endpoint,
        params: Record<string, string>,
        schema: S,
        what: string,
      ): Promise<z.infer<S>> {
        const cost = YOUTUBE_QUOTA_COSTS[endpoint];
        // Google charges for refused requests too, so units are counted before the answer.
        budget.spend(cost);
        try {
          const got = await requestJson(
            deps.http,
            {
              sourceId: config.id,
              url: `${base}/${endpoint}?${new URLSearchParams(params)}`,
              headers: { 'x-goog-api-key': apiKey },
              ...(context.signal ? { signal: context.signal } : {}),
            },
            schema,
            what,
          );
          budget.spend(cost * (got.response.attempts - 1));
          status = got.response.status;
          succeeded = true;
          return got.data;
        } catch (error) {
          const reasons = youTubeErrorReasons(error);
          if (reasons.some((r) => QUOTA_REASONS.has(r)))
            throw new YouTubeQuotaExceededError(config.id, what, { cause: error });
          if (reasons.some((r) => AUTH_REASONS.has(r)))
            throw new SourceAuthError(
              config.id,
              `YouTube refused API key "${config.credentials}" (${reasons.join(', ')}) on ${what}`,
              { cause: error },
            );
          throw error;
        }
      }
      /** A part failed: before any call succeeded the poll fails; after, it is this warning. */
      const partFailure = (error: unknown, message: string): string => {
        if (
          !succeeded ||
          !(error instanceof SourceError) ||
          error instanceof SourceAbortedError ||
          error instanceof SourceSkippedError ||
          error instanceof SourceAuthError
        )
          throw error;
        return `${message}: ${error.message}`;
      };
      const partFailed = (error: unknown, message: string) => {
        warnings.push(partFailure(error, message));
      };
      /**
       * Sweep one newest-first list ({@link sweepPages}) with `params`: every page's units are counted and
       * its items validated one by one.
       */
      function sweepList<S extends z.ZodType>(
        sweep: PageSweep,
        endpoint: Endpoint,
        params: Record<string, string>,
        schema: S,
        what: string,
        marker: (entry: z.infer<S>) => string | undefined,
      ) {
        return sweepPages(
          sweep,
          config.maxPages,
          async (pageToken, page) => {
            const data = await call(
              endpoint,
              { ...params, ...(pageToken ? { pageToken } : {}) },
              ListPageSchema,
              `${what} page ${page}`,
            );
            const parsed = parseEach(
              data.items,
              schema,
              (i, raw) => `${what} page ${page} item ${i} (id ${rawField(raw, 'id') ?? '?'})`,
            );
            rejected.push(...parsed.rejected);
            return { entries: parsed.valid, ...(data.nextPageToken ? { next: data.nextPageToken } : {}) };
          },
          marker,
          afford(endpoint),
        );
      }
      const stopWarning = (stop: Stop | undefined, what: string, rest: string) => {
        if (!stop) return;
        if (stop.kind === 'budget')
          warnings.push(
            `${what}: daily quota budget spent (${budget.used()} of ${budget.limit} units); ${rest} after the quota day rolls over`,
          );
        else if (stop.kind === 'pages')
          warnings.push(`${what}: ${config.maxPages} pages read; ${rest} next poll`);
        else warnings.push(`${what} failed; ${rest} next poll: ${stop.error.message}`);
      };
      const noteVideo = (item: SourceItem) => {
        if (item.sourceItemId && item.publishedAt) found.set(item.sourceItemId, item.publishedAt);
      };

      // 1. Uploads playlists, looked up once per channel.
      const uploads: YouTubeState['uploads'] = {};
      for (const id of config.channelIds) {
        const known = saved?.uploads[id];
        if (known) uploads[id] = known;
      }
      const unknown = config.channelIds.filter((id) => !uploads[id]);
      if (unknown.length > 0 && afford('channels')()) {
        try {
          const data = await call(
            'channels',
            { part: 'contentDetails', id: unknown.join(','), maxResults: '50' },
            ListPageSchema,
            'channels',
          );
          const parsed = parseEach(
            data.items,
            ChannelSchema,
            (i, raw) => `channels item ${i} (${rawField(raw, 'id') ?? '?'})`,
          );
          rejected.push(...parsed.rejected);
          for (const channel of parsed.valid)
            if (unknown.includes(channel.id))
              uploads[channel.id] = { playlistId: channel.contentDetails.relatedPlaylists.uploads };
          for (const id of unknown)
            if (!uploads[id])
              warnings.push(`channel ${id} not found; check channelIds (looked up again next poll)`);
        } catch (error) {
          partFailed(error, 'channels lookup failed; uploads are read next poll');
        }
      }

      // 2. Each channel's uploads, newest first.
      for (const [channelId, sweep] of Object.entries(uploads)) {
        const what = `playlistItems ${sweep.playlistId}`;
        try {
          const read = await sweepList(
            sweep,
            'playlistItems',
            { part: 'snippet,contentDetails', playlistId: sweep.playlistId, maxResults: '50' },
            YouTubePlaylistItemSchema,
            what,
            (entry) => toIsoUtc(entry.snippet.publishedAt),
          );
          for (const entry of read.entries) {
            const item = youTubePlaylistItemToItem(entry);
            if (!item) {
              rejected.push({
                reason: 'video-unavailable',
                detail: `${what}: video ${entry.snippet.resourceId.videoId} is private or deleted`,
              });
              continue;
            }
            items.push(item);
            noteVideo(item);
          }
          uploads[channelId] = { playlistId: sweep.playlistId, ...read.state };
          stopWarning(read.stop, `uploads of ${channelId}`, 'older uploads are read');
        } catch (error) {
          if (error instanceof SourceHttpError && error.status === 404) {
            // A stale cached id (channel deleted or playlist renamed): look it up again next poll.
            delete uploads[channelId];
            warnings.push(
              `${what} not found; the uploads playlist of ${channelId} is looked up again next poll`,
            );
            continue;
          }
          partFailed(error, `${what} failed; read next poll`);
        }
      }

      // 3. The search (100 units a call).
      let search: YouTubeState['search'] =
        saved?.search !== undefined && saved.search.q === config.query ? saved.search : undefined;
      if (config.query !== undefined && !searching)
        warnings.push('maxSearchCallsPerRun is 0: the query is not searched');
      if (searching && config.query !== undefined) {
        const state: SweepState = {
          ...(search?.since ? { since: search.since } : {}),
          ...(search?.until ? { until: search.until } : {}),
          ...(search?.pending ? { pending: search.pending } : {}),
        };
        const query = config.query;
        const read = await sweepNewestFirst(state, {
          maxPages: config.maxSearchCallsPerRun,
          compare: compareStrings,
          describePage: (page) => `search page ${page}`,
          beforePage: () =>
            afford('search')()
              ? undefined
              : `search: daily quota budget spent (${budget.used()} of ${budget.limit} units; a search costs ${YOUTUBE_QUOTA_COSTS.search}); it runs after the quota day rolls over`,
          readPage: async ({ token: pageToken, what }) => {
            const data = await call(
              'search',
              {
                part: 'snippet',
                type: 'video',
                q: query,
                regionCode: config.regionCode,
                relevanceLanguage: config.relevanceLanguage,
                order: 'date',
                maxResults: '50',
                ...(state.since ? { publishedAfter: state.since } : {}),
                ...(state.until ? { publishedBefore: state.until } : {}),
                ...(pageToken ? { pageToken } : {}),
              },
              ListPageSchema,
              what,
            );
            const parsed = parseEach(
              data.items,
              YouTubeSearchResultSchema,
              (i, raw) =>
                `${what} item ${i} (id ${rawField((raw as { id?: unknown })?.id, 'videoId') ?? '?'})`,
            );
            rejected.push(...parsed.rejected);
            const markers: string[] = [];
            for (const result of parsed.valid) {
              const item = youTubeSearchResultToItem(result);
              items.push(item);
              noteVideo(item);
              if (item.publishedAt) markers.push(item.publishedAt);
            }
            return { markers, next: data.nextPageToken };
          },
          // Unlike X and Bluesky, a failed first page is only a warning once another part of the poll succeeded.
          pageFailed: (error, page) =>
            partFailure(error, `search page ${page} failed; the rest is searched next poll`),
          boundReached: (pages) =>
            `search: ${pages} calls made and older videos remain; they are searched next poll`,
        });
        if (read.warning !== undefined) warnings.push(read.warning);
        if (read.state) search = { q: query, ...read.state };
      }

      // 4. Comments of tracked videos, least recently read first.
      for (const [id, publishedAt] of found) {
        if (publishedAt >= trackFrom && !videos.some((v) => v.id === id)) videos.push({ id, publishedAt });
      }
      videos.sort((a, b) => compareStrings(b.publishedAt, a.publishedAt));
      if (videos.length > MAX_TRACKED_VIDEOS) {
        warnings.push(
          `${videos.length - MAX_TRACKED_VIDEOS} older videos are no longer followed for comments (at most ${MAX_TRACKED_VIDEOS})`,
        );
        videos = videos.slice(0, MAX_TRACKED_VIDEOS);
      }
      const chosen = videos
        .filter((v) => !v.off)
        .sort((a, b) =>
          a.readAt === b.readAt
            ? compareStrings(b.publishedAt, a.publishedAt)
            : a.readAt === undefined
              ? -1
              : b.readAt === undefined
                ? 1
                : compareStrings(a.readAt, b.readAt),
        )
        .slice(0, config.commentVideosPerRun);
      for (const video of chosen) {
        const what = `commentThreads ${video.id}`;
        const sweep = video.comments ?? {};
        const update = (next: Partial<TrackedVideo>) => {
          videos = videos.map((v) => (v.id === video.id ? { ...v, ...next } : v));
        };
        if (!afford('commentThreads')()) {
          warnings.push(
            `comments: daily quota budget spent (${budget.used()} of ${budget.limit} units); the rest are read after the quota day rolls over`,
          );
          break;
        }
        try {
          const read = await sweepList(
            sweep,
            'commentThreads',
            { part: 'snippet', videoId: video.id, order: 'time', textFormat: 'plainText', maxResults: '100' },
            YouTubeCommentThreadSchema,
            what,
            (thread) => toIsoUtc(thread.snippet.topLevelComment.snippet.publishedAt),
          );
          items.push(...read.entries.map(youTubeCommentToItem));
          update({ comments: read.state, readAt: nowIso });
          stopWarning(read.stop, `comments of ${video.id}`, 'older comments are read');
        } catch (error) {
          const reasons = youTubeErrorReasons(error);
          if (reasons.includes('commentsDisabled')) {
            update({ off: true, readAt: nowIso });
            warnings.push(`comments are disabled on video ${video.id}; its comments are not read again`);
          } else if (
            reasons.includes('videoNotFound') ||
            (error instanceof SourceHttpError && error.status === 404)
          ) {
            videos = videos.filter((v) => v.id !== video.id);
            warnings.push(`video ${video.id} is gone (private or deleted); no longer followed`);
          } else {
            partFailed(error, `${what} failed; read next poll`);
          }
        }
      }

      const state: YouTubeState = {
        v: 1,
        ...(search ? { search } : {}),
        uploads,
        videos,
      };
      return {
        items,
        rejected,
        ...(status !== undefined ? { httpStatus: status } : {}),
        cursor: { token: JSON.stringify(state), usage: budget.usage() },
        budget: budget.report('quota units'),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    },
  };
}
