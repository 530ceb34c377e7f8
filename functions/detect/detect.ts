/**
 * The detect use case, run every 15 minutes: for each keyword, each topic and all mentions together, step the
 * streaming detector over the hourly counters closed since its last run, raise alerts for spikes in the
 * number or the share of negative mentions, explain them with narratives, store them (deterministic ids)
 * and publish each exactly once.
 *
 * Two detector series per keyword, both O(1) state in one item each:
 * - `neg:<series>` steps the NEGATIVE count as its volume (a surge of negative mentions);
 * - `share:<series>` steps (total, negative) for the negative-share test (the conversation turned sour).
 * Crash safety: alerts are stored (idempotent) before the detector state is saved, and every run delivers
 * each alert of the last 24 hours not yet marked published, so neither a crash nor a failed delivery
 * loses an alert, and a delivered one is never sent twice by Pantau.
 */
import { type Alert, alertId, type NarrativeBuilder } from '#shared/domain/alert.ts';
import { renderAlert } from '#shared/domain/alert-render.ts';
import type { RegencyConfig } from '#shared/domain/config.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { authorKey } from '#shared/domain/narratives/index.ts';
import {
  createSeriesState,
  type DetectorParams,
  detectorParams,
  parseSeriesState,
  type SpikeAlert,
  stepSeries,
} from '#shared/domain/spikes/detector.ts';
import { zoneOffsetMinutes } from '#shared/domain/time.ts';
import { errorMessage, type Log, type MetricSink } from '#shared/observability.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { AlertStore, MentionStore } from '#shared/ports/mention-store.ts';
import type { AlertPublisher } from '#shared/ports/publishers.ts';

const HOUR_MS = 3_600_000;
/** History learned when a series has no state yet, ms. */
export const WARMUP_HISTORY_MS = 14 * 24 * HOUR_MS;
/** Only buckets this recent may alert (a first run or a long outage must not replay old spikes), ms. */
export const ALERT_LOOKBACK_MS = 3 * HOUR_MS;
/** Unpublished alerts this recent are delivered again on every run until one succeeds, ms. */
export const REDELIVERY_WINDOW_MS = 24 * HOUR_MS;
/** Trailing window whose mentions are the narratives' baseline, ms. */
export const NARRATIVE_BASELINE_MS = 7 * 24 * HOUR_MS;

export interface DetectDeps {
  readonly config: RegencyConfig;
  readonly store: Pick<MentionStore, 'hourlyCounts' | 'listMentions'> &
    Pick<AlertStore, 'getSeriesState' | 'putSeriesState' | 'putAlert' | 'markAlertPublished' | 'listAlerts'>;
  readonly publisher: AlertPublisher;
  /** Groups a window's negative mentions against a trailing baseline (`shared/domain/narratives`). */
  readonly buildNarratives: NarrativeBuilder;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricSink;
  /** Detector setting overrides on top of the config's sensitivity preset. */
  readonly params?: Partial<DetectorParams>;
}

export interface DetectResult {
  /** Buckets stepped, over all detector series. */
  readonly stepped: number;
  readonly alerts: readonly Alert[];
  /** Alerts sent in this run (new ones, or earlier ones whose publishing had failed). */
  readonly published: number;
  readonly failed: readonly { readonly alertId: string; readonly error: string }[];
}

interface Pending {
  readonly series: string;
  readonly keyword?: string;
  readonly topic?: string;
  readonly spike: SpikeAlert;
  readonly score: number;
  readonly bucketStartMs: number;
  /** All mentions in the alert's window (every bucket from the window start to the alerting bucket). */
  readonly windowTotal: number;
}

function severityOf(spike: SpikeAlert): Alert['severity'] {
  if (spike.strength >= 5 || spike.surprise >= 12) return 'kritis';
  if (spike.strength >= 3 || spike.surprise >= 8) return 'tinggi';
  return 'sedang';
}

/** Step one detector series over the closed buckets since its last run; returns the alerts it raised. */
async function stepDetector(
  deps: DetectDeps,
  detectorId: string,
  counts: readonly { hour: string; total: number; negative: number }[],
  params: DetectorParams,
  nowMs: number,
  toObservation: (c: { total: number; negative: number }) => { total: number; negative: number },
): Promise<{
  stepped: number;
  raised: { spike: SpikeAlert; score: number; bucketStartMs: number }[];
  commit: () => Promise<boolean>;
}> {
  const stored = await deps.store.getSeriesState(detectorId);
  let state = stored
    ? parseSeriesState(stored.state)
    : createSeriesState(Date.parse(counts[0]?.hour ?? new Date(nowMs).toISOString()), params);
  const raised: { spike: SpikeAlert; score: number; bucketStartMs: number }[] = [];
  let stepped = 0;
  for (const c of counts) {
    const t = Date.parse(c.hour);
    if (state.lastBucketStartMs !== null && t <= state.lastBucketStartMs) continue;
    const result = stepSeries(state, { bucketStartMs: t, ...toObservation(c) }, params);
    state = result.state;
    stepped++;
    if (result.alert && t + HOUR_MS > nowMs - ALERT_LOOKBACK_MS)
      raised.push({ spike: result.alert, score: result.score, bucketStartMs: t });
  }
  return {
    stepped,
    raised,
    commit: () => deps.store.putSeriesState(detectorId, state, stored?.version ?? 0),
  };
}

/** Run detection once. Store errors propagate (the scheduler retries; every step is idempotent). */
export async function runDetect(deps: DetectDeps): Promise<DetectResult> {
  const { config } = deps;
  const now = deps.clock.now();
  const lastClosedStart = Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS;
  const params = detectorParams(config.alerts.sensitivity, {
    tzOffsetMinutes: zoneOffsetMinutes(config.timeZone, now),
    minNegative: config.alerts.minNegative,
    minVolume: config.alerts.minVolume,
    cooldownMs: config.alerts.cooldownHours * HOUR_MS,
    // News feeds give no authors; the distinct-author guard applies in narratives instead.
    minDistinctAuthors: 0,
    ...deps.params,
  });
  const series: { id: string; keyword?: string; topic?: string }[] = [
    { id: 'all' },
    ...config.keywords.map((k) => ({ id: `kw:${k.id}`, keyword: k.id })),
    ...config.topics.map((t) => ({ id: `topic:${t.id}`, topic: t.id })),
  ];
  const pending: Pending[] = [];
  const commits: (() => Promise<boolean>)[] = [];
  let stepped = 0;
  for (const s of series) {
    const negState = await deps.store.getSeriesState(`neg:${s.id}`);
    const from = negState
      ? Math.min(
          lastClosedStart,
          (parseSeriesState(negState.state).lastBucketStartMs ?? lastClosedStart - HOUR_MS) + HOUR_MS,
        )
      : lastClosedStart - WARMUP_HISTORY_MS + HOUR_MS;
    if (from > lastClosedStart) continue;
    const hours = await deps.store.hourlyCounts(
      s.id,
      new Date(from).toISOString(),
      new Date(lastClosedStart + HOUR_MS).toISOString(),
    );
    const counts = hours.map((h) => ({ hour: h.hour, total: h.total, negative: h.counts.NEGATIVE }));
    const byHour = new Map(counts.map((c) => [Date.parse(c.hour), c]));
    const volume = await stepDetector(deps, `neg:${s.id}`, counts, params, now, (c) => ({
      total: c.negative,
      negative: 0,
    }));
    const share = await stepDetector(deps, `share:${s.id}`, counts, params, now, (c) => c);
    stepped += volume.stepped + share.stepped;
    commits.push(volume.commit, share.commit);
    // The negative-count detector speaks for volume, the (total, negative) one for share.
    const raised = [
      ...volume.raised.filter((a) => a.spike.kind === 'volume'),
      ...share.raised.filter((a) => a.spike.kind === 'share'),
    ];
    for (const r of raised) {
      let windowTotal = 0;
      for (let t = r.spike.windowStartMs; t <= r.bucketStartMs; t += HOUR_MS)
        windowTotal += byHour.get(t)?.total ?? 0;
      pending.push({
        series: s.id,
        ...(s.keyword ? { keyword: s.keyword } : {}),
        ...(s.topic ? { topic: s.topic } : {}),
        ...r,
        windowTotal,
      });
    }
  }

  const alerts: (Alert & { publishedAt?: string })[] = [];
  for (const p of pending) alerts.push(await storeAlert(deps, p, now));
  for (const commit of commits) {
    if (!(await commit())) deps.log.warn('Detector state changed under us; another run stepped it', {});
  }

  // Alerts of earlier runs whose delivery failed (or whose run died before delivering) go out now.
  const recent = await deps.store.listAlerts(
    new Date(now - REDELIVERY_WINDOW_MS).toISOString(),
    new Date(now + HOUR_MS).toISOString(),
  );
  const toPublish = new Map<string, Alert & { publishedAt?: string }>();
  for (const alert of [...alerts, ...recent])
    if (!alert.publishedAt && !toPublish.has(alert.id)) toPublish.set(alert.id, alert);

  let published = 0;
  const failed: { alertId: string; error: string }[] = [];
  for (const alert of toPublish.values()) {
    const label =
      config.keywords.find((k) => k.id === alert.keyword)?.label ??
      (alert.topic
        ? (config.topics.find((t) => t.id === alert.topic)?.label ?? alert.topic)
        : 'Semua sebutan');
    try {
      await deps.publisher.publish(
        alert,
        renderAlert(alert, {
          keywordLabel: label,
          timeZone: config.timeZone,
          regencyName: config.name,
        }),
      );
      await deps.store.markAlertPublished(alert.id, new Date(deps.clock.now()).toISOString());
      published++;
      deps.metrics.count('AlertsDelivered', 1);
      deps.log.info('Alert published', {
        alertId: alert.id,
        keyword: alert.keyword,
        kind: alert.kind,
        severity: alert.severity,
      });
    } catch (error) {
      failed.push({ alertId: alert.id, error: errorMessage(error) });
      deps.metrics.count('DeliveryFailures', 1);
      deps.log.error('Alert publishing failed; it stays unpublished and is retried next run', {
        alertId: alert.id,
        error: errorMessage(error),
      });
    }
  }
  return { stepped, alerts, published, failed };
}

async function storeAlert(
  deps: DetectDeps,
  p: Pending,
  nowMs: number,
): Promise<Alert & { publishedAt?: string }> {
  const windowStart = new Date(p.spike.windowStartMs).toISOString();
  const windowEnd = new Date(p.bucketStartMs + HOUR_MS).toISOString();
  const scope = { keyword: p.keyword, topic: p.topic };
  const windowMentions = await listAll(deps, scope, windowStart, windowEnd, 'NEGATIVE', 500);
  const baselineFrom = new Date(p.spike.windowStartMs - NARRATIVE_BASELINE_MS).toISOString();
  const baseline = await listAll(deps, scope, baselineFrom, windowStart, undefined, 1_000);
  const narratives = deps.buildNarratives(windowMentions, baseline);
  const authors = new Set(windowMentions.map(authorKey));
  const negative = p.spike.observed;
  const total =
    p.spike.kind === 'share' ? (p.spike.total ?? p.windowTotal) : Math.max(p.windowTotal, negative);
  const expected = p.spike.expected;
  const alert: Alert = {
    id: alertId(windowStart, `${p.spike.kind === 'share' ? 'share' : 'neg'}:${p.series}`),
    seriesId: `${p.spike.kind === 'share' ? 'share' : 'neg'}:${p.series}`,
    ...(p.keyword ? { keyword: p.keyword } : {}),
    ...(p.topic ? { topic: p.topic } : {}),
    sentiment: 'NEGATIVE',
    kind: p.spike.kind,
    windowStart,
    windowEnd,
    observed: negative,
    expected,
    observedShare: total > 0 ? Math.min(1, negative / total) : 0,
    expectedShare:
      p.spike.kind === 'share' ? (p.spike.baselineShare ?? 0) : total > 0 ? Math.min(1, expected / total) : 0,
    total,
    score: Math.min(1, Math.max(0, p.score)),
    severity: severityOf(p.spike),
    narratives,
    distinctAuthors: authors.size,
    sources: [...new Set(windowMentions.map((m) => m.source))].sort(),
    createdAt: new Date(nowMs).toISOString(),
  };
  const { created, stored } = await deps.store.putAlert(alert);
  if (created) {
    deps.metrics.count('AlertsRaised', 1);
    deps.log.warn('Spike alert raised', {
      alertId: alert.id,
      keyword: alert.keyword,
      kind: alert.kind,
      observed: alert.observed,
      expected: alert.expected,
    });
  }
  return stored;
}

async function listAll(
  deps: DetectDeps,
  scope: { keyword: string | undefined; topic: string | undefined },
  from: string,
  to: string,
  sentiment: 'NEGATIVE' | undefined,
  max: number,
): Promise<ScoredMention[]> {
  const out: ScoredMention[] = [];
  let after: string | undefined;
  do {
    const page = await deps.store.listMentions({
      ...(scope.keyword ? { keyword: scope.keyword } : {}),
      ...(scope.topic ? { topic: scope.topic } : {}),
      from,
      to,
      ...(sentiment ? { sentiment } : {}),
      limit: Math.min(200, max - out.length),
      ...(after ? { after } : {}),
    });
    out.push(...page.items);
    after = page.next;
  } while (after && out.length < max);
  return out;
}
