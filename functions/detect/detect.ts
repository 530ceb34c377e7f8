/**
 * The detect use case, run every 15 minutes: for each keyword, each topic and all mentions together, step the
 * streaming detector over the hourly counters closed since its last run, raise alerts for spikes in the
 * number or the share of negative mentions, explain them with narratives, store them (deterministic ids)
 * and publish each exactly once.
 *
 * Two detector series per keyword, both O(1) state in one item each:
 * - `neg:<series>` steps the NEGATIVE count as its volume (a surge of negative mentions);
 * - `share:<series>` steps (total, negative) for the negative-share test (the conversation turned sour).
 * Crash safety: each series' alerts are stored (idempotent) before its detector state is saved, series by
 * series, and every run delivers each alert of the last 24 hours not yet marked published: a crash loses
 * no alert, a failed publish is counted (`DeliveryFailures`, alarmed) and retried every run for 24 hours
 * (after that the alert stays stored unpublished until the operator invokes detect with
 * `{"redeliver": [ids]}`, {@link redeliverAlerts}; docs/operations.md, "Alert publishing failing"), and a run cut short keeps the progress of the series it
 * finished. An alert published whose `publishedAt` write then fails is published again by the next run
 * (e-mail subscribers see it twice; notify's delivery ledger keeps Telegram and webhooks to one).
 *
 * Catch-up: a series at most {@link MAX_CATCH_UP_MS} behind steps every hour it missed; one further behind
 * (an outage, or a local data folder last run with an old `--date`) resumes {@link WARMUP_HISTORY_MS} before
 * the last closed hour, the history a new series learns, and the older hours are skipped and reported
 * (`skippedHours`, a warning per series). The skipped span is then longer than the detector's 14-day gap
 * limit, so the detector clears its trailing windows and learns nothing from it, rather than learning
 * hours with mentions as empty. Each run's work is thus bounded (at most 28 days of hours per series).
 *
 * Late mentions: a mention stored after its hour was stepped (counters are keyed by `publishedAt`) is added
 * to the newest hour the next run steps. Each detector keeps, beside its state and written with it, the counts
 * it saw of its last 24 stepped hours (`late.ts`); each run that steps re-reads those hours and adds what
 * they gained to the observation of its newest stepped hour (after a catch-up the only one that can still alert), then records the counts read, so a late mention
 * is tested once, when it is observed. A run that steps nothing reads nothing and leaves the ring as it was
 * (the late counts stay pending). Mentions reaching an hour more than 24 stepped hours back are counted in
 * trends and the digest but never tested. An alert whose window holds late negatives reads its distinct
 * authors and narratives from the oldest late hour on, so they include the late mentions.
 *
 * Distinct authors: an alert the run would raise must come from at least `alerts.minDistinctAuthors`
 * distinct authors among the negative mentions of its window (`authorKey`: a news item without an author
 * counts as its outlet, else its source, so twenty articles of one site are one author, not twenty);
 * below that the bucket is stepped again with the count, and the detector's guard suppresses the alert.
 */
import { type Alert, alertId, type NarrativeBuilder } from '#shared/domain/alert.ts';
import { groupAlerts, renderAlert } from '#shared/domain/alert-render.ts';
import type { RegencyConfig } from '#shared/domain/config.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { authorKey, regencyNameTerms } from '#shared/domain/narratives/index.ts';
import {
  createSeriesState,
  type DetectorParams,
  detectorParams,
  parseSeriesState,
  type SpikeAlert,
  type StepResult,
  stepSeries,
} from '#shared/domain/spikes/detector.ts';
import { zoneOffsetMinutes } from '#shared/domain/time.ts';
import { RejectedWriteError } from '#shared/errors.ts';
import { errorMessage, type Log, type MetricSink } from '#shared/observability.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { AlertStore, DetectionRun, HeldBackSpike, MentionStore } from '#shared/ports/mention-store.ts';
import type { AlertPublisher } from '#shared/ports/publishers.ts';
import { type HourTally, LATE_WINDOW_MS, type LateDelta, lateDelta, nextSeen, parseSeen } from './late.ts';

const HOUR_MS = 3_600_000;
/** History learned when a series has no state yet, and resumed from when it is too far behind, ms. */
export const WARMUP_HISTORY_MS = 14 * 24 * HOUR_MS;
/**
 * Longest a series catches up hour by hour, ms: twice the detector's 14-day gap limit, so that hours
 * skipped beyond it always form a gap the detector does not learn (see the module comment).
 */
export const MAX_CATCH_UP_MS = 2 * WARMUP_HISTORY_MS;
/** Only buckets this recent may alert (a first run or a long outage must not replay old spikes), ms. */
export const ALERT_LOOKBACK_MS = 3 * HOUR_MS;
/** Unpublished alerts this recent are delivered again on every run until one succeeds, ms. */
export const REDELIVERY_WINDOW_MS = 24 * HOUR_MS;
/** Negative mentions read from an alert's window (distinct authors, narratives). */
const WINDOW_MENTIONS_MAX = 500;
/** Trailing window whose mentions are the narratives' baseline, ms. */
export const NARRATIVE_BASELINE_MS = 7 * 24 * HOUR_MS;

export interface DetectDeps {
  readonly config: RegencyConfig;
  readonly store: Pick<MentionStore, 'hourlyCounts' | 'listMentions'> &
    Pick<
      AlertStore,
      | 'getSeriesState'
      | 'putSeriesState'
      | 'putAlert'
      | 'markAlertPublished'
      | 'getAlert'
      | 'listAlerts'
      | 'recordDetectionRun'
    >;
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
  /**
   * Closed hours not stepped because a series was more than {@link MAX_CATCH_UP_MS} behind (the largest
   * over the series; 0 normally). They were not checked for spikes.
   */
  readonly skippedHours: number;
  /** Detector series whose state could not be saved (they step the same hours again next run). */
  readonly unsaved: readonly string[];
  /** Late mentions added to detection in this run, per detector that had any. */
  readonly late: readonly LateAdded[];
  /** Spikes held back by the distinct-authors guard (`alerts.minDistinctAuthors`), so silence is explained. */
  readonly suppressed: readonly SuppressedSpike[];
  /** Only in a redelivery run ({@link redeliverAlerts}): the named alerts not sent, and why. */
  readonly redelivery?: {
    /** Already published: not sent again. */
    readonly alreadyPublished: readonly string[];
    /** No stored alert with that id. */
    readonly notFound: readonly string[];
  };
}

/** A spike the detector found but did not alert on: its window had too few distinct authors. */
export type SuppressedSpike = HeldBackSpike;

/**
 * The negative mentions of a spike's window: distinct authors, and the first and last publication time
 * (epoch ms; null when none was read) — a held-back spike is reported over the hours that hold them.
 */
interface WindowAuthors {
  readonly authors: number;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
}

/** Mentions stored after their hour was stepped, added to the newest hour a detector stepped in this run. */
export interface LateAdded {
  /** `neg:<series>` or `share:<series>`. */
  readonly detectorId: string;
  /** The hour they were added to (UTC ISO-8601 hour start). */
  readonly hour: string;
  /** Start of the oldest hour they were published in (UTC ISO-8601). */
  readonly from: string;
  /** Mentions, and of those negative. */
  readonly total: number;
  readonly negative: number;
}

/** An alert a detector raised, with the late mentions its window holds (if any). */
interface Raised {
  readonly spike: SpikeAlert;
  readonly score: number;
  readonly bucketStartMs: number;
  /** Late mentions added to a bucket of the alert's window. */
  readonly late?: LateDelta;
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
  /**
   * Where the window's mentions are read from (epoch ms): the window start, or the oldest late hour when
   * late negatives were added to the window.
   */
  readonly mentionsFromMs: number;
  /** Late mentions the detector added to this alert's window, if any. */
  readonly late?: LateDelta;
}

function severityOf(spike: SpikeAlert): Alert['severity'] {
  if (spike.strength >= 5 || spike.surprise >= 12) return 'kritis';
  if (spike.strength >= 3 || spike.surprise >= 8) return 'tinggi';
  return 'sedang';
}

/**
 * Step one detector series over the closed buckets since its last run; returns the alerts of `kind` it
 * raised in the last {@link ALERT_LOOKBACK_MS}. Such an alert is kept only if its window's negative mentions
 * have `params.minDistinctAuthors` distinct authors (`windowAuthors(fromMs, toMs)`, which also gives the hours a held-back spike is reported over); otherwise the bucket
 * is stepped again with that count, so the detector's guard suppresses the alert and no cooldown starts.
 * `counts` may start before the detector's clock: those hours are the re-read ring, whose late counts are
 * added to the newest hour stepped (see the module comment); `commit` saves the state with the new ring.
 */
async function stepDetector(
  deps: DetectDeps,
  detectorId: string,
  kind: SpikeAlert['kind'],
  counts: readonly { hour: string; total: number; negative: number }[],
  params: DetectorParams,
  nowMs: number,
  toObservation: (c: { total: number; negative: number }) => { total: number; negative: number },
  windowAuthors: (fromMs: number, toMs: number) => Promise<WindowAuthors>,
): Promise<{
  stepped: number;
  raised: Raised[];
  suppressed: SuppressedSpike[];
  /** Mentions the detector counted in an hour (epoch ms) when it stepped it, late ones included. */
  asSeen: (hourMs: number) => number;
  late: LateAdded | null;
  commit: () => Promise<boolean>;
}> {
  const stored = await deps.store.getSeriesState(detectorId);
  let state = stored
    ? parseSeriesState(stored.state)
    : createSeriesState(Date.parse(counts[0]?.hour ?? new Date(nowMs).toISOString()), params);
  const clockBefore = state.lastBucketStartMs;
  const tallies: HourTally[] = counts.map((c) => ({
    hourMs: Date.parse(c.hour),
    total: c.total,
    negative: c.negative,
  }));
  const fresh = counts.filter((c) => clockBefore === null || Date.parse(c.hour) > clockBefore);
  // Nothing to step: leave the ring alone, so late counts stay pending for the next run that steps.
  const delta =
    fresh.length > 0
      ? lateDelta(parseSeen(stored?.seen), tallies, clockBefore)
      : { total: 0, negative: 0, fromMs: null };
  // Late counts go to the newest hour this run steps: the one that can still alert after a catch-up
  // (older stepped hours are history, ALERT_LOOKBACK_MS), and the hour in which they were observed.
  const lastFresh = fresh.at(-1);
  const firstMs = lastFresh ? Date.parse(lastFresh.hour) : null;
  const lateIn = (alert: SpikeAlert) =>
    firstMs !== null &&
    delta.total > 0 &&
    alert.windowStartMs <= firstMs &&
    firstMs < alert.windowStartMs + alert.windowBuckets * HOUR_MS
      ? delta
      : undefined;
  // What the detector saw per hour: the ring for hours stepped before this run (late mentions excluded,
  // they are in `delta`), the counters for the hours it steps now, the newest with the late ones added.
  const seenBefore = parseSeen(stored?.seen);
  const totalAt = new Map(tallies.map((c) => [c.hourMs, c.total]));
  const asSeen = (hourMs: number): number => {
    const before = clockBefore !== null && hourMs <= clockBefore ? seenBefore.get(hourMs) : undefined;
    const base = before?.total ?? totalAt.get(hourMs) ?? 0;
    return hourMs === firstMs ? base + delta.total : base;
  };
  const raised: Raised[] = [];
  const suppressed: SuppressedSpike[] = [];
  let stepped = 0;
  for (const c of fresh) {
    const t = Date.parse(c.hour);
    const withLate =
      t === firstMs ? { total: c.total + delta.total, negative: c.negative + delta.negative } : c;
    const obs = { bucketStartMs: t, ...toObservation(withLate) };
    let result: StepResult = stepSeries(state, obs, params);
    const recent = t + HOUR_MS > nowMs - ALERT_LOOKBACK_MS;
    const alert = result.alert;
    if (alert?.kind === kind && recent) {
      const fromMs = mentionsFrom(alert, lateIn(alert));
      const {
        authors,
        firstMs: firstMentionMs,
        lastMs: lastMentionMs,
      } = await windowAuthors(fromMs, t + HOUR_MS);
      if (authors < params.minDistinctAuthors) {
        deps.log.info('Spike not alerted: too few distinct authors', {
          detectorId,
          kind,
          windowStart: new Date(alert.windowStartMs).toISOString(),
          distinctAuthors: authors,
          minDistinctAuthors: params.minDistinctAuthors,
        });
        deps.metrics.count('AlertsSuppressed', 1);
        // The hours that hold the window's negative mentions, not the whole test window: a 3-hour window
        // found an hour after a burst would name two empty hours, on the next day after a late burst (QA).
        suppressed.push({
          detectorId,
          kind,
          windowStart: new Date(
            firstMentionMs === null ? fromMs : firstMentionMs - (firstMentionMs % HOUR_MS),
          ).toISOString(),
          windowEnd: new Date(
            lastMentionMs === null ? t + HOUR_MS : lastMentionMs - (lastMentionMs % HOUR_MS) + HOUR_MS,
          ).toISOString(),
          distinctAuthors: authors,
          minDistinctAuthors: params.minDistinctAuthors,
        });
        result = stepSeries(state, { ...obs, distinctAuthors: authors }, params);
      }
    }
    state = result.state;
    stepped++;
    if (result.alert?.kind === kind && recent) {
      const late = lateIn(result.alert);
      raised.push({ spike: result.alert, score: result.score, bucketStartMs: t, ...(late ? { late } : {}) });
    }
  }
  const clockAfter = state.lastBucketStartMs;
  const seen = stepped > 0 && clockAfter !== null ? nextSeen(tallies, clockAfter) : stored?.seen;
  return {
    stepped,
    raised,
    suppressed,
    asSeen,
    late:
      delta.total > 0 && firstMs !== null && delta.fromMs !== null
        ? {
            detectorId,
            hour: new Date(firstMs).toISOString(),
            from: new Date(delta.fromMs).toISOString(),
            total: delta.total,
            negative: delta.negative,
          }
        : null,
    commit: () => deps.store.putSeriesState(detectorId, state, stored?.version ?? 0, seen),
  };
}

/**
 * Where an alert's negative mentions are read from (epoch ms): its window start, or the oldest late hour
 * when late negatives were added to its window (they are keyed by `publishedAt`, before the window).
 */
function mentionsFrom(alert: SpikeAlert, late: LateDelta | undefined): number {
  return late && late.negative > 0 && late.fromMs !== null
    ? Math.min(late.fromMs, alert.windowStartMs)
    : alert.windowStartMs;
}

/**
 * The detector clock of a series (`all`, `kw:<id>`, `topic:<id>`): the start (epoch ms) of the last hour
 * both its detectors have stepped, or null when either has no state yet (both then learn the warm-up
 * history). Hours at or before it are never stepped again: the detector is causal.
 */
export async function seriesClock(
  store: Pick<AlertStore, 'getSeriesState'>,
  seriesId: string,
): Promise<number | null> {
  const clocks: number[] = [];
  for (const id of [`neg:${seriesId}`, `share:${seriesId}`]) {
    const stored = await store.getSeriesState(id);
    const last = stored ? parseSeriesState(stored.state).lastBucketStartMs : null;
    if (last === null) return null;
    clocks.push(last);
  }
  return Math.min(...clocks);
}

/**
 * Where a series resumes: the hour after its clock, or, when that is more than {@link MAX_CATCH_UP_MS}
 * behind the last closed hour, {@link WARMUP_HISTORY_MS} before it (as for a series without state).
 * @returns the first hour to step (epoch ms) and the closed hours skipped before it.
 */
export function catchUpStart(
  clockMs: number | null,
  lastClosedStartMs: number,
): { fromMs: number; skippedHours: number } {
  const warmupFrom = lastClosedStartMs - WARMUP_HISTORY_MS + HOUR_MS;
  if (clockMs === null) return { fromMs: warmupFrom, skippedHours: 0 };
  const next = clockMs + HOUR_MS;
  if (lastClosedStartMs - clockMs <= MAX_CATCH_UP_MS) return { fromMs: next, skippedHours: 0 };
  return { fromMs: warmupFrom, skippedHours: Math.round((warmupFrom - next) / HOUR_MS) };
}

const isoHour = (ms: number): string => new Date(ms).toISOString();

/**
 * What one run did with the all-mentions series' hours `[fromMs, lastClosedStartMs]` (epoch ms): the hours
 * newer than {@link ALERT_LOOKBACK_MS} were checked (they may alert), older ones learnt as history, and those
 * between its old clock and `fromMs` skipped. With `saved` false nothing counts as checked or learnt (a state
 * the store refused is stepped again next run).
 * @param nowMs - The run's clock, epoch ms.
 */
export function detectionRun(
  nowMs: number,
  start: { fromMs: number; skippedHours: number },
  clockMs: number | null,
  lastClosedStartMs: number,
  saved: boolean,
): DetectionRun {
  const endMs = lastClosedStartMs + HOUR_MS;
  // The first hour that may alert: t + 1 h > now − lookback.
  const firstRecent = Math.floor((nowMs - ALERT_LOOKBACK_MS - HOUR_MS) / HOUR_MS) * HOUR_MS + HOUR_MS;
  const checkedFrom = Math.max(start.fromMs, firstRecent);
  const skippedFrom = (clockMs ?? 0) + HOUR_MS;
  return {
    at: new Date(nowMs).toISOString(),
    ...(saved && checkedFrom < endMs ? { checked: { from: isoHour(checkedFrom), to: isoHour(endMs) } } : {}),
    ...(saved && start.fromMs < Math.min(checkedFrom, endMs)
      ? { learnt: { from: isoHour(start.fromMs), to: isoHour(Math.min(checkedFrom, endMs)) } }
      : {}),
    ...(start.skippedHours > 0 ? { skipped: { from: isoHour(skippedFrom), to: isoHour(start.fromMs) } } : {}),
  };
}

/**
 * Run detection once. A detector state the store refuses ({@link RejectedWriteError}: a number DynamoDB
 * cannot hold) is logged and listed in `unsaved`, and the run goes on; other store errors propagate (the
 * scheduler retries; every step is idempotent).
 */
export async function runDetect(deps: DetectDeps): Promise<DetectResult> {
  const { config } = deps;
  const now = deps.clock.now();
  const lastClosedStart = Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS;
  const params = detectorParams(config.alerts.sensitivity, {
    tzOffsetMinutes: zoneOffsetMinutes(config.timeZone, now),
    minNegative: config.alerts.minNegative,
    minVolume: config.alerts.minVolume,
    cooldownMs: config.alerts.cooldownHours * HOUR_MS,
    minDistinctAuthors: config.alerts.minDistinctAuthors,
    ...deps.params,
  });
  const series: { id: string; keyword?: string; topic?: string }[] = [
    { id: 'all' },
    ...config.keywords.map((k) => ({ id: `kw:${k.id}`, keyword: k.id })),
    ...config.topics.map((t) => ({ id: `topic:${t.id}`, topic: t.id })),
  ];
  const alerts: (Alert & { publishedAt?: string })[] = [];
  const unsaved: string[] = [];
  let stepped = 0;
  let skippedHours = 0;
  let skippedFrom = Number.POSITIVE_INFINITY;
  const skippedSeries: string[] = [];
  const late: LateAdded[] = [];
  const suppressed: SuppressedSpike[] = [];
  let runRecord: DetectionRun | undefined;
  for (const s of series) {
    const clock = await seriesClock(deps.store, s.id);
    const start = catchUpStart(clock, lastClosedStart);
    if (start.fromMs > lastClosedStart) continue;
    if (start.skippedHours > 0) {
      skippedHours = Math.max(skippedHours, start.skippedHours);
      skippedFrom = Math.min(skippedFrom, (clock ?? 0) + HOUR_MS);
      skippedSeries.push(s.id);
    }
    // The last 24 stepped hours are re-read for late mentions; not after a skip (they are weeks old).
    const readFrom =
      clock !== null && start.skippedHours === 0
        ? Math.min(start.fromMs, clock - LATE_WINDOW_MS + HOUR_MS)
        : start.fromMs;
    const hours = await deps.store.hourlyCounts(
      s.id,
      new Date(readFrom).toISOString(),
      new Date(lastClosedStart + HOUR_MS).toISOString(),
    );
    const counts = hours.map((h) => ({ hour: h.hour, total: h.total, negative: h.counts.NEGATIVE }));
    const scope = { keyword: s.keyword, topic: s.topic };
    const windowAuthors = async (fromMs: number, toMs: number): Promise<WindowAuthors> => {
      const mentions = await listAll(
        deps,
        scope,
        new Date(fromMs).toISOString(),
        new Date(toMs).toISOString(),
        'NEGATIVE',
        WINDOW_MENTIONS_MAX,
      );
      const times = mentions.map((m) => Date.parse(m.publishedAt));
      return {
        authors: new Set(mentions.map(authorKey)).size,
        firstMs: times.length > 0 ? Math.min(...times) : null,
        lastMs: times.length > 0 ? Math.max(...times) : null,
      };
    };
    // The negative-count detector speaks for volume, the (total, negative) one for share.
    const volume = await stepDetector(
      deps,
      `neg:${s.id}`,
      'volume',
      counts,
      params,
      now,
      (c) => ({ total: c.negative, negative: 0 }),
      windowAuthors,
    );
    const share = await stepDetector(
      deps,
      `share:${s.id}`,
      'share',
      counts,
      params,
      now,
      (c) => c,
      windowAuthors,
    );
    stepped += volume.stepped + share.stepped;
    suppressed.push(...volume.suppressed, ...share.suppressed);
    for (const l of [volume.late, share.late]) if (l) late.push(l);
    for (const r of [...volume.raised, ...share.raised]) {
      // As the detector saw the window: counters now would count late mentions of window hours twice.
      const seenBy = r.spike.kind === 'share' ? share : volume;
      let windowTotal = 0;
      for (let t = r.spike.windowStartMs; t <= r.bucketStartMs; t += HOUR_MS) windowTotal += seenBy.asSeen(t);
      const pending: Pending = {
        series: s.id,
        ...(s.keyword ? { keyword: s.keyword } : {}),
        ...(s.topic ? { topic: s.topic } : {}),
        spike: r.spike,
        score: r.score,
        bucketStartMs: r.bucketStartMs,
        windowTotal,
        mentionsFromMs: mentionsFrom(r.spike, r.late),
        ...(r.late ? { late: r.late } : {}),
      };
      alerts.push(await storeAlert(deps, pending, now));
    }
    // Saved series by series, after its alerts are stored: a run cut short keeps what it finished.
    let saved = 0;
    for (const [detectorId, commit] of [
      [`neg:${s.id}`, volume.commit],
      [`share:${s.id}`, share.commit],
    ] as const) {
      try {
        if (!(await commit()))
          deps.log.warn('Detector state changed under us; another run stepped it', { detectorId });
        else saved++;
      } catch (error) {
        if (!(error instanceof RejectedWriteError)) throw error;
        unsaved.push(detectorId);
        deps.metrics.count('DetectorStateUnsaved', 1);
        deps.log.error(
          'Detector state not saved: the store refused it; these hours are stepped again next run',
          {
            detectorId,
            error: errorMessage(error),
          },
        );
      }
    }
    // Recorded as soon as the all-mentions series is saved, so a run cut short later still counts its hours.
    if (s.id === 'all') {
      runRecord = detectionRun(now, start, clock, lastClosedStart, saved === 2 && volume.stepped > 0);
      await deps.store.recordDetectionRun(runRecord);
    }
  }
  // Held-back spikes go into the same record (same key: idempotent), so the digest can say the day was not
  // quiet, only unalerted.
  if (suppressed.length > 0)
    await deps.store.recordDetectionRun({
      ...(runRecord ?? { at: new Date(now).toISOString() }),
      heldBack: suppressed,
    });

  if (late.length > 0) {
    deps.log.info('Late mentions added to detection', { late });
    // Counted once per run, from the all-mentions volume detector (every series sees the same mentions).
    const all = late.find((l) => l.detectorId === 'neg:all');
    if (all) deps.metrics.count('MentionsLateDetected', all.total);
  }

  if (skippedSeries.length > 0) {
    deps.metrics.count('DetectorHoursSkipped', skippedHours);
    deps.log.warn('Detector too far behind: older hours skipped, not checked for spikes', {
      series: skippedSeries,
      skippedFrom: new Date(skippedFrom).toISOString(),
      resumedAt: new Date(lastClosedStart - WARMUP_HISTORY_MS + HOUR_MS).toISOString(),
      skippedHours,
    });
  }

  // Alerts of earlier runs whose delivery failed (or whose run died before delivering) go out now.
  const recent = await deps.store.listAlerts(
    new Date(now - REDELIVERY_WINDOW_MS).toISOString(),
    new Date(now + HOUR_MS).toISOString(),
  );
  const toPublish = new Map<string, Alert & { publishedAt?: string }>();
  for (const alert of [...alerts, ...recent])
    if (!alert.publishedAt && !toPublish.has(alert.id)) toPublish.set(alert.id, alert);

  // One message per event: alerts whose windows overlap go out together, under the primary (highest
  // severity, broadest scope), so one story does not wake the team four times. Alerts of the last 24 hours
  // already delivered join the grouping, so an alert that overlaps an event told in an earlier run goes
  // out as its follow-up ("Lanjutan"), naming the alerts already sent.
  const delivered = recent.filter((alert) => alert.publishedAt && !toPublish.has(alert.id));
  const { published, failed } = await deliverAlerts(deps, [...toPublish.values()], delivered);
  return { stepped, alerts, published, failed, skippedHours, unsaved, late, suppressed };
}

/**
 * Publish `pending` alerts, one message per event ({@link groupAlerts}), and mark each published. Alerts in
 * `delivered` (already published) only join the grouping, so a pending alert of the same event goes out as
 * their follow-up ("Lanjutan"). A failed publish leaves its alerts unpublished, counts `DeliveryFailures`
 * (alarmed) and is logged with the alert ids.
 * @returns How many alerts were published, and each failed alert with its error.
 */
async function deliverAlerts(
  deps: DetectDeps,
  pending: readonly Alert[],
  delivered: readonly Alert[],
  options: { redelivery?: boolean } = {},
): Promise<{ published: number; failed: { alertId: string; error: string }[] }> {
  const { config } = deps;
  const pendingIds = new Set(pending.map((a) => a.id));
  let published = 0;
  const failed: { alertId: string; error: string }[] = [];
  const labelOf = (alert: Alert): string =>
    config.keywords.find((k) => k.id === alert.keyword)?.label ??
    (alert.topic ? (config.topics.find((t) => t.id === alert.topic)?.label ?? alert.topic) : 'Semua sebutan');
  const retry = options.redelivery
    ? 'redeliver it again once the cause is fixed'
    : 'retried each run while its window started under 24 h ago';
  for (const event of groupAlerts([...pending, ...delivered])) {
    const earlier = event.filter((a) => !pendingIds.has(a.id));
    const [primary, ...related] = event.filter((a) => pendingIds.has(a.id));
    if (!primary) continue;
    const group = [primary, ...related];
    const ids = { alertId: primary.id, ...(related.length > 0 ? { related: related.map((a) => a.id) } : {}) };
    try {
      await deps.publisher.publish(
        primary,
        renderAlert(primary, {
          excludeTerms: regencyNameTerms(config),
          keywordLabel: labelOf(primary),
          timeZone: config.timeZone,
          regencyName: config.name,
          related: related.map((alert) => ({ alert, label: labelOf(alert) })),
          earlier: earlier.map((alert) => ({ alert, label: labelOf(alert) })),
          ...(options.redelivery ? { delayed: true } : {}),
        }),
        related,
      );
    } catch (error) {
      for (const alert of group) failed.push({ alertId: alert.id, error: errorMessage(error) });
      deps.metrics.count('DeliveryFailures', 1);
      deps.log.error(`Alert publishing failed; it stays unpublished (${retry})`, {
        ...ids,
        error: errorMessage(error),
      });
      continue;
    }
    // Sent: from here a failure is only the mark, and a later run would send the message again.
    try {
      const at = new Date(deps.clock.now()).toISOString();
      for (const alert of group) await deps.store.markAlertPublished(alert.id, at);
      published += group.length;
      deps.metrics.count('AlertsDelivered', group.length);
      deps.log.info('Alert published', {
        ...ids,
        keyword: primary.keyword,
        kind: primary.kind,
        severity: primary.severity,
      });
    } catch (error) {
      const message = `published, but not marked published: ${errorMessage(error)}`;
      for (const alert of group) failed.push({ alertId: alert.id, error: message });
      deps.metrics.count('DeliveryFailures', 1);
      deps.log.error('Alert published but not marked published; a later run or redelivery sends it again', {
        ...ids,
        error: errorMessage(error),
      });
    }
  }
  return { published, failed };
}

/**
 * Publish named alerts that were never published, whatever their age: the operator's step after the
 * automatic retries of the last {@link REDELIVERY_WINDOW_MS} have run out (docs/operations.md, "Alert
 * publishing failing"). The message is the one detect would have sent (same grouping, and a follow-up
 * "Lanjutan" of an event already told), marked as delayed ("Pesan tertunda"); an alert already published is
 * not sent again, and no detector steps.
 * @param ids - Alert ids (`<windowStart>~<seriesId>`), at most 50.
 * @returns A {@link DetectResult} with nothing stepped: `published`, `failed`, and `redelivery` naming the
 *   ids not sent.
 */
export async function redeliverAlerts(deps: DetectDeps, ids: readonly string[]): Promise<DetectResult> {
  const pending: Alert[] = [];
  const alreadyPublished: string[] = [];
  const notFound: string[] = [];
  for (const id of new Set(ids)) {
    const alert = await deps.store.getAlert(id);
    if (!alert) notFound.push(id);
    else if (alert.publishedAt) alreadyPublished.push(id);
    else pending.push(alert);
  }
  // Alerts of the same events already published join the grouping, so a pending alert of an event told
  // before goes out as its follow-up ("Lanjutan"), as a scheduled run would have sent it.
  const delivered: Alert[] = [];
  if (pending.length > 0) {
    const starts = pending.map((a) => Date.parse(a.windowStart));
    const ends = pending.map((a) => Date.parse(a.windowEnd));
    const around = await deps.store.listAlerts(
      new Date(Math.min(...starts) - REDELIVERY_WINDOW_MS).toISOString(),
      new Date(Math.max(...ends) + HOUR_MS).toISOString(),
    );
    for (const alert of around) if (alert.publishedAt) delivered.push(alert);
  }
  const { published, failed } = await deliverAlerts(deps, pending, delivered, { redelivery: true });
  deps.log.info('Redelivery run', { published, failed: failed.length, alreadyPublished, notFound });
  return {
    stepped: 0,
    alerts: [],
    published,
    failed,
    skippedHours: 0,
    unsaved: [],
    late: [],
    suppressed: [],
    redelivery: { alreadyPublished, notFound },
  };
}

async function storeAlert(
  deps: DetectDeps,
  p: Pending,
  nowMs: number,
): Promise<Alert & { publishedAt?: string }> {
  const windowStart = new Date(p.spike.windowStartMs).toISOString();
  const windowEnd = new Date(p.bucketStartMs + HOUR_MS).toISOString();
  const scope = { keyword: p.keyword, topic: p.topic };
  // Late negatives were published before the window: read from the oldest late hour so they are included.
  const mentionsFromIso = new Date(p.mentionsFromMs).toISOString();
  const windowMentions = await listAll(
    deps,
    scope,
    mentionsFromIso,
    windowEnd,
    'NEGATIVE',
    WINDOW_MENTIONS_MAX,
  );
  const baselineFrom = new Date(p.spike.windowStartMs - NARRATIVE_BASELINE_MS).toISOString();
  const baseline = await listAll(deps, scope, baselineFrom, mentionsFromIso, undefined, 1_000);
  // The regency's own names are in every mention: never a narrative's term (QA: "majalengka" in topic alerts).
  const narratives = deps.buildNarratives(windowMentions, baseline, {
    excludeTerms: regencyNameTerms(deps.config),
  });
  const authors = new Set(windowMentions.map(authorKey));
  const estimated = windowMentions.filter((m) => m.publishedAtEstimated === true).length;
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
    ...(estimated > 0 ? { estimatedTimes: { negative: estimated, of: windowMentions.length } } : {}),
    ...(p.late && p.late.total > 0 && p.late.fromMs !== null
      ? {
          late: {
            mentions: p.late.total,
            negative: p.late.negative,
            publishedFrom: new Date(p.late.fromMs).toISOString(),
          },
        }
      : {}),
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
