/**
 * The digest use case: the previous local day (Asia/Jakarta) → gather mentions, trend, alerts and
 * source health → build and render → store → deliver once. Re-running for a date re-renders and stores
 * it again but delivers it only if it was never delivered (unless `resend`).
 */

import type { NarrativeBuilder } from '#shared/domain/alert.ts';
import type { RegencyConfig } from '#shared/domain/config.ts';
import {
  buildDigest,
  type DayPoint,
  type Digest,
  digestSubject,
  renderDigestHtml,
  renderDigestMarkdown,
  renderDigestText,
} from '#shared/domain/digest.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { regencyNameTerms } from '#shared/domain/narratives/index.ts';
import { addDays, localDate, localDayRange, previousLocalDate } from '#shared/domain/time.ts';
import { ValidationError } from '#shared/errors.ts';
import type { Log, MetricSink } from '#shared/observability.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { AlertStore, MentionStore, StoredDigest } from '#shared/ports/mention-store.ts';
import type { DigestSink } from '#shared/ports/publishers.ts';

export interface DigestDeps {
  readonly config: RegencyConfig;
  readonly store: Pick<MentionStore, 'listMentions' | 'hourlyCounts' | 'listSourceRuns'> &
    Pick<AlertStore, 'listAlerts' | 'putDigest' | 'getDigest' | 'deleteDigest' | 'listDetectionRuns'>;
  readonly sink: DigestSink;
  /** Groups the day's negative mentions against the week before (`shared/domain/narratives`). */
  readonly buildNarratives: NarrativeBuilder;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricSink;
}

export interface DigestRunResult {
  readonly date: string;
  readonly digest: Digest;
  /** Where it was delivered, or why not. */
  readonly delivery: { readonly sent: boolean; readonly to?: string; readonly reason?: string };
}

/** Mentions fetched per page while gathering the day. */
const PAGE = 500;
/** Most mentions of the week before read as the narratives' baseline. */
const BASELINE_MAX = 3_000;

/** Mentions of `range`, newest first, at most `max`. */
async function mentionsIn(
  store: DigestDeps['store'],
  range: { start: string; end: string },
  max = Number.POSITIVE_INFINITY,
): Promise<ScoredMention[]> {
  const out: ScoredMention[] = [];
  let after: string | undefined;
  do {
    const page = await store.listMentions({
      from: range.start,
      to: range.end,
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    out.push(...page.items);
    after = page.next;
  } while (after && out.length < max);
  return out.slice(0, max);
}

/** Daily totals of the 7 local days before `date`, from the hourly counters. */
async function previousDays(store: DigestDeps['store'], date: string, timeZone: string): Promise<DayPoint[]> {
  const first = addDays(date, -7);
  const from = localDayRange(first, timeZone).start;
  const to = localDayRange(date, timeZone).start;
  const hours = await store.hourlyCounts('all', from, to);
  const days = new Map<string, { total: number; negative: number; positive: number }>();
  for (let i = 0; i < 7; i++) days.set(addDays(first, i), { total: 0, negative: 0, positive: 0 });
  for (const h of hours) {
    const d = days.get(localDate(Date.parse(h.hour), timeZone));
    if (!d) continue;
    d.total += h.total;
    d.negative += h.counts.NEGATIVE;
    d.positive += h.counts.POSITIVE;
  }
  return [...days.entries()].map(([d, v]) => ({ date: d, ...v }));
}

/**
 * Build, store and (once) deliver the digest for `date` (`yyyy-mm-dd`, local), default the previous local day.
 * The digest expires with the first of the day's mentions (it may quote any of them). A day some of whose
 * mentions passed retention (fewer readable than its counters hold) cannot be rebuilt: a stored digest that
 * still quotes them is removed, and the run fails; the day's counts stay in the trends.
 * @throws {RangeError} for a malformed date; store and sink errors propagate (the scheduler retries).
 * @throws {ValidationError} (`retention_passed`) for such a day.
 */
export async function runDigest(
  deps: DigestDeps,
  options: { date?: string; resend?: boolean } = {},
): Promise<DigestRunResult> {
  const { config } = deps;
  const now = deps.clock.now();
  const date = options.date ?? previousLocalDate(now, config.timeZone);
  const range = localDayRange(date, config.timeZone);
  // A run checks at most the hours of the 3 hours before it (ALERT_LOOKBACK_MS), so only runs until 4 hours
  // after the day's end can have checked the day's hours.
  const detectedTo = new Date(Date.parse(range.end) + 4 * 3_600_000).toISOString();
  const [mentions, baseline, days, alerts, runs, existing, detectionRuns] = await Promise.all([
    mentionsIn(deps.store, range),
    mentionsIn(
      deps.store,
      { start: localDayRange(addDays(date, -7), config.timeZone).start, end: range.start },
      BASELINE_MAX,
    ),
    previousDays(deps.store, date, config.timeZone),
    deps.store.listAlerts(range.start, range.end),
    deps.store.listSourceRuns(range.start, range.end),
    deps.store.getDigest(date),
    deps.store.listDetectionRuns(range.start, detectedTo),
  ]);
  // The day's counters are kept; its mentions expire with rawTextDays. Fewer mentions than counted means
  // some passed retention: a digest built now would report them as gone (QA: "0 sebutan, turun 100%").
  const counted = (await deps.store.hourlyCounts('all', range.start, range.end)).reduce(
    (n, h) => n + h.total,
    0,
  );
  if (mentions.length < counted) {
    const why = `${counted - mentions.length} of the ${counted} mentions of ${date} passed retention (text deleted)`;
    // A stored digest still quotes them (one stored before digests expired with their mentions): remove it.
    if (existing) {
      await deps.store.deleteDigest(date);
      deps.log.warn('Digest removed: it quoted mentions past retention', {
        date,
        counted,
        readable: mentions.length,
      });
    }
    throw new ValidationError(
      `no digest can be built for ${date}: ${why}${existing ? '; the stored digest quoted them and was removed' : ''}`,
      [{ path: 'date', code: 'retention_passed', message: why }],
    );
  }
  const digest = buildDigest({
    config,
    date,
    range,
    generatedAt: new Date(now).toISOString(),
    mentions,
    previousDays: days,
    alerts,
    sourceRuns: runs,
    detectionRuns,
    narratives: deps.buildNarratives(
      mentions.filter((m) => m.sentiment.label === 'NEGATIVE'),
      baseline,
      { excludeTerms: regencyNameTerms(deps.config) },
    ),
  });
  // Every mention of the day may be quoted (top lists, narrative examples): the digest expires with the first.
  const quoted = mentions.map((m) => m.id);
  const stored: StoredDigest = {
    date,
    generatedAt: digest.generatedAt,
    markdown: renderDigestMarkdown(digest),
    html: renderDigestHtml(digest),
    text: renderDigestText(digest),
    data: digest,
    ...(existing?.sentAt ? { sentAt: existing.sentAt } : {}),
  };
  await deps.store.putDigest(stored, quoted);
  deps.metrics.count('DigestsGenerated', 1);
  if (existing?.sentAt && !options.resend) {
    deps.log.info('Digest stored; already delivered earlier', {
      date,
      sentAt: existing.sentAt,
      mentions: mentions.length,
    });
    return { date, digest, delivery: { sent: false, reason: `already delivered at ${existing.sentAt}` } };
  }
  const to = await deps.sink.deliver(stored, digestSubject(digest));
  // The expiry written a moment ago already accounts for `quoted` and is kept: no second read of the mentions.
  await deps.store.putDigest({ ...stored, sentAt: new Date(deps.clock.now()).toISOString() });
  deps.log.info('Digest delivered', { date, to, mentions: mentions.length, alerts: alerts.length });
  return { date, digest, delivery: { sent: true, to } };
}
