/**
 * The collect use case: poll each source → normalise items into `Mention`s → match keywords →
 * de-duplicate (within the run, across sources and against earlier polls) → hand new mentions to the
 * queue → remember them → advance the source's cursor only past items that were handed on.
 * One failing source never stops the others; each failure is reported with the source's id.
 */
import pLimit from 'p-limit';
import type { TextMatcher } from '#shared/domain/keywords.ts';
import { type Mention, MentionSchema, mentionId } from '#shared/domain/mention.ts';
import { canonicalUrl } from '#shared/domain/url.ts';
import { errorMessage, type Log, type MetricSink } from '#shared/observability.ts';
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
import type { MentionStore, SourceState } from '#shared/ports/mention-store.ts';

export interface CollectDeps {
  readonly sources: readonly MentionSource[];
  readonly matcher: Pick<TextMatcher, 'match'>;
  readonly store: Pick<
    MentionStore,
    'knownMentionIds' | 'markQueued' | 'getSourceState' | 'putSourceState' | 'recordSourceRun'
  >;
  readonly queue: MentionQueue;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricSink;
  /** Sources polled at once. @default 4 */
  readonly concurrency?: number;
}

/** What one source's poll produced. */
export interface SourceReport {
  readonly sourceId: string;
  readonly ok: boolean;
  /** Items the source returned. */
  readonly fetched: number;
  /** New mentions handed to the queue. */
  readonly new: number;
  /** Items already known (earlier polls, other sources, or twice in this run). */
  readonly duplicate: number;
  /** Items that matched no keyword (feeds carry unrelated news). */
  readonly unmatched: number;
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

type Normalised = { ok: true; mention: Mention } | { ok: false; reason: string } | { ok: 'unmatched' };

/**
 * Turn one source item into a `Mention` (or say why not).
 * @param fetchedAt UTC ISO-8601 of the poll; used as `publishedAt` (flagged estimated) when the item has no date.
 */
export function normaliseItem(
  item: SourceItem,
  source: Pick<MentionSource, 'id' | 'kind' | 'query' | 'keywords'>,
  matcher: Pick<TextMatcher, 'match'>,
  fetchedAt: string,
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
    publishedAt: item.publishedAt ?? fetchedAt,
    publishedAtEstimated: item.publishedAt === undefined || item.publishedAtEstimated === true,
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
  return { ok: true, mention: parsed.data };
}

/** Poll every source once. Never throws for a source's failure; see {@link SourceReport.error}. */
export async function collectMentions(
  deps: CollectDeps,
  options: { signal?: AbortSignal } = {},
): Promise<CollectReport> {
  const startedAt = new Date(deps.clock.now()).toISOString();
  const claimed = new Set<string>();
  const queued: Mention[] = [];
  const limit = pLimit(deps.concurrency ?? 4);
  const reports = await Promise.all(
    deps.sources.map((source) => limit(() => collectSource(source, deps, claimed, queued, options.signal))),
  );
  return { startedAt, sources: reports, queued };
}

async function collectSource(
  source: MentionSource,
  deps: CollectDeps,
  claimed: Set<string>,
  queued: Mention[],
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
      await deps.store.recordSourceRun({ ...base, at, ok: false, error: message });
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
    deps.log.warn('Source item rejected', { source: source.id, reason: r.reason, detail: r.detail });
  }
  for (const warning of fetched.warnings ?? []) {
    deps.log.warn('Source warning', { source: source.id, warning });
  }
  let unmatched = 0;
  let duplicate = 0;
  const fresh: Mention[] = [];
  for (const item of fetched.items) {
    const result = normaliseItem(item, source, deps.matcher, at);
    if (result.ok === 'unmatched') unmatched++;
    else if (!result.ok) {
      rejected++;
      deps.log.warn('Source item rejected', { source: source.id, url: item.url, reason: result.reason });
    } else if (claimed.has(result.mention.id)) duplicate++;
    else {
      claimed.add(result.mention.id);
      fresh.push(result.mention);
    }
  }
  const known =
    fresh.length > 0 ? await deps.store.knownMentionIds(fresh.map((m) => m.id)) : new Set<string>();
  const toSend = fresh.filter((m) => !known.has(m.id));
  duplicate += fresh.length - toSend.length;

  const sent = toSend.length > 0 ? await deps.queue.send(toSend) : { sent: [], failed: [] };
  const sentIds = new Set(sent.sent);
  const handedOn = toSend.filter((m) => sentIds.has(m.id));
  if (handedOn.length > 0) await deps.store.markQueued([...sentIds], deps.clock.now());
  queued.push(...handedOn);
  for (const f of sent.failed) {
    claimed.delete(f.id);
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
      toSend.filter((m) => !sentIds.has(m.id)),
      fetched,
    ),
    lastSuccessAt: at,
    ...(previous?.lastFailureAt ? { lastFailureAt: previous.lastFailureAt } : {}),
    consecutiveFailures: 0,
  };
  await deps.store.putSourceState(state);
  const report: SourceReport = {
    sourceId: source.id,
    ok: true,
    fetched: fetched.items.length,
    new: handedOn.length,
    duplicate,
    unmatched,
    rejected,
    enqueueFailed: sent.failed.length,
    ...(fetched.warnings && fetched.warnings.length > 0 ? { warnings: fetched.warnings } : {}),
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
