/**
 * The collect use case: poll each source → normalise items into `Mention`s → match keywords →
 * de-duplicate (within the run, across sources and against earlier polls; by mention id, and for news by
 * story key) → hand new mentions to the queue → remember them → advance the source's cursor only past
 * items that were handed on. One failing source never stops the others; each failure is reported with the
 * source's id.
 */
import pLimit from 'p-limit';
import { DEFAULT_TIME_ZONE, EARLIEST_PUBLICATION_DATE, earliestPublicationMs } from '#shared/domain/dates.ts';
import type { TextMatcher } from '#shared/domain/keywords.ts';
import { type Mention, MentionSchema, mentionId } from '#shared/domain/mention.ts';
import { STORY_KEYED_KINDS, sameStoryTime, storyKey } from '#shared/domain/story.ts';
import { canonicalUrl } from '#shared/domain/url.ts';
import { errorMessage, ITEM_REJECTED, type Log, type MetricSink } from '#shared/observability.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MentionQueue } from '#shared/ports/mention-queue.ts';
import {
  type MentionSource,
  type SourceBudget,
  type SourceCursor,
  type SourceFetchResult,
  type SourceItem,
  SourceSkippedError,
} from '#shared/ports/mention-source.ts';
import type { MentionStore, SourceState, StoryClaim } from '#shared/ports/mention-store.ts';

export interface CollectDeps {
  readonly sources: readonly MentionSource[];
  readonly matcher: Pick<TextMatcher, 'match'>;
  readonly store: Pick<
    MentionStore,
    | 'knownMentionIds'
    | 'knownStoryKeys'
    | 'markQueued'
    | 'getSourceState'
    | 'putSourceState'
    | 'recordSourceRun'
  >;
  readonly queue: MentionQueue;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricSink;
  /** Sources polled at once. @default 4 */
  readonly concurrency?: number;
  /** The regency's zone: its 00:00 on 2000-01-01 is the earliest publication date kept. @default DEFAULT_TIME_ZONE */
  readonly timeZone?: string;
}

/** What one source's poll produced. */
export interface SourceReport {
  readonly sourceId: string;
  readonly ok: boolean;
  /** Items the source returned. */
  readonly fetched: number;
  /** New mentions handed to the queue. */
  readonly new: number;
  /**
   * Items already known (earlier polls, other sources, or twice in this run): the same canonical URL, or
   * for news the same story (outlet + title) under another URL.
   */
  readonly duplicate: number;
  /** Items that matched no keyword (feeds carry unrelated news). */
  readonly unmatched: number;
  /**
   * Of the new mentions, those whose text names no keyword and that count for the source's search
   * keywords (`matchedBy: query`, search sources only); absent when none.
   */
  readonly byQuery?: number;
  /** Items that could not be normalised (bad URL, no text…), each logged with its reason. */
  readonly rejected: number;
  /** New mentions the queue did not accept; they are retried on the next poll. */
  readonly enqueueFailed: number;
  /** `ok: false` with `skipped`: not polled on purpose (credentials missing, budget spent); see `error`. */
  readonly skipped?: { readonly code: string };
  /** Conditions that did not stop the poll (a later page failed, a page bound reached …). */
  readonly warnings?: readonly string[];
  /** Daily budget after the poll, for sources that have one (X, YouTube). */
  readonly budget?: SourceBudget;
  readonly error?: string;
}

export interface CollectReport {
  readonly startedAt: string;
  readonly sources: readonly SourceReport[];
  /** The mentions handed to the queue, in hand-off order. */
  readonly queued: readonly Mention[];
}

type Normalised =
  /** `dateOutOfRange`: the item's date was before the floor and fetch time was used instead. */
  | { ok: true; mention: Mention; storyKey?: string; dateOutOfRange?: true }
  | { ok: false; reason: string }
  | { ok: 'unmatched' };

/**
 * Turn one source item into a `Mention` (or say why not), with its story key when the source is news
 * (`rss`, `google-news`) and the item has an outlet host and a title of at least 4 words.
 * @param fetchedAt UTC ISO-8601 of the poll; used as `publishedAt` (flagged estimated) when the item has no
 *   date, or a date before 00:00 of 2000-01-01 in `options.timeZone` (then `dateOutOfRange` is set: no API
 *   query could reach such a date, and a live source's item was seen now, so the poll is its upper bound).
 * @param options.timeZone @default DEFAULT_TIME_ZONE
 */
export function normaliseItem(
  item: SourceItem,
  source: Pick<MentionSource, 'id' | 'kind' | 'query' | 'keywords'>,
  matcher: Pick<TextMatcher, 'match'>,
  fetchedAt: string,
  options: { readonly timeZone?: string } = {},
): Normalised {
  let url: string;
  try {
    url = canonicalUrl(item.url);
  } catch (error) {
    return { ok: false, reason: `bad url: ${errorMessage(error)}` };
  }
  const title = item.title?.trim() || undefined;
  const text = item.text.trim() || title;
  if (!text) return { ok: false, reason: 'item has neither title nor text' };
  const matched = matcher.match(title && title !== text ? `${title}\n${text}` : text);
  let matchedBy: 'text' | 'query' = 'text';
  let matchedKeywords = matched;
  if (matched.length === 0) {
    if (source.keywords.length === 0) return { ok: 'unmatched' };
    // A search source found it: the match may be in the article body, which feeds do not carry.
    matchedKeywords = [...source.keywords];
    matchedBy = 'query';
  }
  const dateOutOfRange =
    item.publishedAt !== undefined &&
    Date.parse(item.publishedAt) < earliestPublicationMs(options.timeZone ?? DEFAULT_TIME_ZONE);
  const publishedAt = dateOutOfRange ? undefined : item.publishedAt;
  const candidate = {
    id: mentionId(url),
    source: source.id,
    sourceKind: source.kind,
    ...(item.outlet ? { outlet: item.outlet } : {}),
    url,
    author: item.author,
    ...(title ? { title } : {}),
    text,
    lang: item.lang ?? 'und',
    publishedAt: publishedAt ?? fetchedAt,
    publishedAtEstimated: publishedAt === undefined || item.publishedAtEstimated === true,
    fetchedAt,
    matchedKeywords,
    matchedBy,
    ...(source.query ? { query: source.query } : {}),
    engagement: item.engagement ?? {},
  };
  const parsed = MentionSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  const key = STORY_KEYED_KINDS.has(source.kind)
    ? storyKey({ outletDomain: item.outletDomain, title })
    : undefined;
  return {
    ok: true,
    mention: parsed.data,
    ...(key ? { storyKey: key } : {}),
    ...(dateOutOfRange ? { dateOutOfRange: true } : {}),
  };
}

/** What sources of one run share: what has been claimed so far, and what was handed on. */
interface RunState {
  /** Mention ids handed on (or being handed on) in this run. */
  readonly claimed: Set<string>;
  /** Story keys claimed in this run, with the mention that claimed each. */
  readonly stories: Map<string, StoryClaim>;
  readonly queued: Mention[];
}

/** A mention that survived the in-run checks, with its story key when it has one. */
interface Fresh {
  readonly mention: Mention;
  readonly storyKey?: string;
}

/** Polling order: outlet feeds first, Google News last (see {@link collectMentions}). */
function pollRank(source: MentionSource): number {
  return source.kind === 'rss' ? 0 : source.kind === 'google-news' ? 2 : 1;
}

/**
 * Poll every source once. Never throws for a source's failure; see {@link SourceReport.error}.
 * Sources are polled concurrently, but Google News sources claim their items only after every outlet feed
 * (`rss`) of the run has finished, so when both carry an article in one run the outlet's own URL is the copy
 * kept and Google's redirect link is the duplicate. Reports come back in `deps.sources` order.
 */
export async function collectMentions(
  deps: CollectDeps,
  options: { signal?: AbortSignal } = {},
): Promise<CollectReport> {
  const startedAt = new Date(deps.clock.now()).toISOString();
  const run: RunState = { claimed: new Set(), stories: new Map(), queued: [] };
  const limit = pLimit(deps.concurrency ?? 4);
  // p-limit starts tasks first in, first out: every outlet feed holds or awaits a slot before any Google
  // News source takes one, and outlet feeds wait on nothing, so the Google News wait cannot deadlock.
  const ordered = deps.sources
    .map((source, index) => ({ source, index }))
    .sort((x, y) => pollRank(x.source) - pollRank(y.source));
  const tasks: Promise<SourceReport>[] = [];
  const outletFeeds: Promise<SourceReport>[] = [];
  let outletFeedsDone: Promise<unknown> | undefined;
  for (const { source, index } of ordered) {
    if (source.kind === 'google-news') outletFeedsDone ??= Promise.allSettled(outletFeeds);
    const claimAfter = source.kind === 'google-news' ? outletFeedsDone : undefined;
    const task = limit(() => collectSource(source, deps, run, claimAfter, options.signal));
    if (source.kind === 'rss') outletFeeds.push(task);
    tasks[index] = task;
  }
  const reports = await Promise.all(tasks);
  return { startedAt, sources: reports, queued: run.queued };
}

function claimOf(mention: Mention, storyKey: string): StoryClaim {
  return { storyKey, mentionId: mention.id, url: mention.url, publishedAt: mention.publishedAt };
}

async function collectSource(
  source: MentionSource,
  deps: CollectDeps,
  run: RunState,
  claimAfter: Promise<unknown> | undefined,
  signal: AbortSignal | undefined,
): Promise<SourceReport> {
  const at = new Date(deps.clock.now()).toISOString();
  const previous = await deps.store.getSourceState(source.id);
  const base = {
    sourceId: source.id,
    fetched: 0,
    new: 0,
    duplicate: 0,
    unmatched: 0,
    rejected: 0,
    enqueueFailed: 0,
  };
  let fetched: Awaited<ReturnType<MentionSource['fetch']>>;
  try {
    fetched = await source.fetch({
      ...(previous?.cursor ? { cursor: previous.cursor } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    const message = errorMessage(error);
    if (error instanceof SourceSkippedError) {
      // Not a failure: the operator chose not to configure it (or its budget is spent); state stays as it was.
      deps.log.warn('Source skipped', {
        source: source.id,
        kind: source.kind,
        code: error.code,
        reason: message,
      });
      deps.metrics.count('SourcesSkipped', 1, { source: source.id });
      await deps.store.recordSourceRun({ ...base, at, ok: false, error: message, skipped: error.code });
      return { ...base, ok: false, skipped: { code: error.code }, error: message };
    }
    deps.log.error('Source failed', { source: source.id, kind: source.kind, error: message });
    deps.metrics.count('SourceFailures', 1, { source: source.id });
    await deps.store.putSourceState({
      sourceId: source.id,
      cursor: previous?.cursor ?? {},
      ...(previous?.lastSuccessAt ? { lastSuccessAt: previous.lastSuccessAt } : {}),
      lastFailureAt: at,
      lastError: message,
      consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1,
    });
    await deps.store.recordSourceRun({ ...base, at, ok: false, error: message });
    return { ...base, ok: false, error: message };
  }

  let rejected = fetched.rejected.length;
  for (const r of fetched.rejected) {
    deps.log.warn(ITEM_REJECTED, { source: source.id, reason: r.reason, detail: r.detail });
  }
  for (const warning of fetched.warnings ?? []) {
    deps.log.warn('Source warning', { source: source.id, warning });
  }
  if (claimAfter) await claimAfter;
  let unmatched = 0;
  let duplicate = 0;
  let tooEarly = 0;
  const storyDuplicate = (mention: Mention, first: StoryClaim, seen: 'this run' | 'earlier poll') =>
    deps.log.debug('Duplicate story', {
      source: source.id,
      storyKey: first.storyKey,
      url: mention.url,
      firstUrl: first.url,
      firstMentionId: first.mentionId,
      seen,
    });
  const fresh: Fresh[] = [];
  for (const item of fetched.items) {
    const result = normaliseItem(
      item,
      source,
      deps.matcher,
      at,
      deps.timeZone === undefined ? {} : { timeZone: deps.timeZone },
    );
    if (result.ok === true && result.dateOutOfRange) {
      tooEarly++;
      deps.log.warn('Source item date out of range', {
        source: source.id,
        url: item.url,
        publishedAt: item.publishedAt,
        reason: 'date-out-of-range',
      });
    }
    if (result.ok === 'unmatched') unmatched++;
    else if (!result.ok) {
      rejected++;
      deps.log.warn(ITEM_REJECTED, { source: source.id, url: item.url, reason: result.reason });
    } else if (run.claimed.has(result.mention.id)) duplicate++;
    else {
      const { mention, storyKey } = result;
      const first = storyKey ? run.stories.get(storyKey) : undefined;
      if (first && sameStoryTime(first.publishedAt, mention.publishedAt)) {
        duplicate++;
        storyDuplicate(mention, first, 'this run');
        continue;
      }
      run.claimed.add(mention.id);
      if (storyKey) run.stories.set(storyKey, claimOf(mention, storyKey));
      fresh.push(storyKey ? { mention, storyKey } : { mention });
    }
  }
  const storyKeys = fresh.flatMap((f) => (f.storyKey ? [f.storyKey] : []));
  const [known, knownStories] = await Promise.all([
    fresh.length > 0
      ? deps.store.knownMentionIds(fresh.map((f) => f.mention.id))
      : Promise.resolve(new Set<string>()),
    storyKeys.length > 0
      ? deps.store.knownStoryKeys(storyKeys, deps.clock.now())
      : Promise.resolve(new Map<string, StoryClaim>()),
  ]);
  const toSend = fresh.filter(({ mention, storyKey }) => {
    if (known.has(mention.id)) return false;
    const first = storyKey ? knownStories.get(storyKey) : undefined;
    if (first && first.mentionId !== mention.id && sameStoryTime(first.publishedAt, mention.publishedAt)) {
      storyDuplicate(mention, first, 'earlier poll');
      return false;
    }
    return true;
  });
  duplicate += fresh.length - toSend.length;

  const sent =
    toSend.length > 0 ? await deps.queue.send(toSend.map((f) => f.mention)) : { sent: [], failed: [] };
  const sentIds = new Set(sent.sent);
  const handedOnFresh = toSend.filter((f) => sentIds.has(f.mention.id));
  const handedOn = handedOnFresh.map((f) => f.mention);
  if (handedOn.length > 0) {
    const stories = handedOnFresh.flatMap((f) => (f.storyKey ? [claimOf(f.mention, f.storyKey)] : []));
    await deps.store.markQueued([...sentIds], deps.clock.now(), stories);
  }
  run.queued.push(...handedOn);
  const byQuery = handedOn.filter((m) => m.matchedBy === 'query').length;
  for (const f of sent.failed) {
    run.claimed.delete(f.id);
    // Release the story too, so another copy (or this one, next poll) can still carry it.
    const storyKey = toSend.find((t) => t.mention.id === f.id)?.storyKey;
    if (storyKey && run.stories.get(storyKey)?.mentionId === f.id) run.stories.delete(storyKey);
    deps.log.error('Queue refused a mention; it will be retried on the next poll', {
      source: source.id,
      mentionId: f.id,
      error: f.error,
    });
  }

  const state: SourceState = {
    sourceId: source.id,
    cursor: advanceCursor(
      previous?.cursor,
      handedOn,
      toSend.filter((f) => !sentIds.has(f.mention.id)).map((f) => f.mention),
      fetched,
    ),
    lastSuccessAt: at,
    ...(previous?.lastFailureAt ? { lastFailureAt: previous.lastFailureAt } : {}),
    consecutiveFailures: 0,
  };
  await deps.store.putSourceState(state);
  const warnings = [
    ...(fetched.warnings ?? []),
    ...(tooEarly > 0
      ? [
          `${tooEarly} item${tooEarly === 1 ? '' : 's'} dated before ${EARLIEST_PUBLICATION_DATE} (date-out-of-range): stored at fetch time, flagged estimated`,
        ]
      : []),
  ];
  const report: SourceReport = {
    sourceId: source.id,
    ok: true,
    fetched: fetched.items.length,
    new: handedOn.length,
    duplicate,
    unmatched,
    ...(byQuery > 0 ? { byQuery } : {}),
    rejected,
    enqueueFailed: sent.failed.length,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(fetched.budget ? { budget: fetched.budget } : {}),
  };
  await deps.store.recordSourceRun({
    sourceId: report.sourceId,
    at,
    ok: true,
    fetched: report.fetched,
    new: report.new,
    duplicate: report.duplicate,
    rejected,
  });
  deps.metrics.count('MentionsFetched', report.fetched, { source: source.id });
  deps.metrics.count('MentionsNew', report.new, { source: source.id });
  deps.metrics.count('MentionsDuplicate', report.duplicate, { source: source.id });
  if (rejected > 0) deps.metrics.count('MentionsRejected', rejected, { source: source.id });
  deps.log.info('Source collected', { ...report });
  return report;
}

/**
 * The next cursor: the newest `publishedAt` handed on, but never at or past the oldest item that failed
 * to reach the queue (so it is fetched and retried next time). The source's token (ETag, min_id, sweep
 * marks) is taken from the poll only when every new item reached the queue; otherwise the previous token
 * is kept, so the next poll asks for the same items again (those already queued are then duplicates).
 * Budget usage is always taken from the poll: reads already made are paid for.
 */
function advanceCursor(
  previousCursor: SourceCursor | undefined,
  handedOn: readonly Mention[],
  failed: readonly Mention[],
  fetched: SourceFetchResult,
): SourceCursor {
  const previous = previousCursor?.lastSeenAt;
  const oldestFailed = failed.reduce<string | undefined>(
    (min, m) => (!min || m.publishedAt < min ? m.publishedAt : min),
    undefined,
  );
  let lastSeenAt = previous;
  for (const m of handedOn) {
    if (oldestFailed && m.publishedAt >= oldestFailed) continue;
    if (!lastSeenAt || m.publishedAt > lastSeenAt) lastSeenAt = m.publishedAt;
  }
  const token = failed.length > 0 ? previousCursor?.token : fetched.cursor?.token;
  const usage = fetched.cursor?.usage ?? previousCursor?.usage;
  return { ...(lastSeenAt ? { lastSeenAt } : {}), ...(token ? { token } : {}), ...(usage ? { usage } : {}) };
}
