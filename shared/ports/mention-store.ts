import type { Acknowledgement, Alert } from '#shared/domain/alert.ts';
import type { ScoredMention, SentimentLabel } from '#shared/domain/mention.ts';
import type { SourceCursor } from './mention-source.ts';

/** Counts per sentiment label for one bucket. */
export type SentimentCounts = Record<SentimentLabel, number>;

/** One hourly bucket of a counter series. */
export interface HourlyCount {
  /** Bucket start, UTC ISO-8601 (`2026-11-30T07:00:00.000Z`). */
  readonly hour: string;
  readonly counts: SentimentCounts;
  readonly total: number;
}

/**
 * Counter series ids: `all` (every mention once), `kw:<keywordId>`, `topic:<topicId>`,
 * `source:<sourceId>`.
 */
export type SeriesId = string;

/** Result of {@link MentionStore.putMention}. */
export interface PutMentionResult {
  /** `new`: first time stored and counted; `duplicate`: already stored and counted (nothing changed). */
  readonly status: 'new' | 'duplicate';
  /** The mention as stored (on a duplicate: the first stored version, which counters reflect). */
  readonly stored: ScoredMention;
}

export interface ListMentionsQuery {
  /** Keyword id, or undefined for every mention (the day index). */
  readonly keyword?: string;
  /** Inclusive lower bound, UTC ISO-8601. */
  readonly from: string;
  /** Exclusive upper bound, UTC ISO-8601. */
  readonly to: string;
  readonly sentiment?: SentimentLabel;
  readonly source?: string;
  readonly topic?: string;
  /** Page size, 1–500. */
  readonly limit: number;
  /** Opaque continuation from a previous page (the API signs it before handing it out). */
  readonly after?: string;
}

export interface MentionPage {
  /** Newest first. */
  readonly items: readonly ScoredMention[];
  /** Present when more items may follow. */
  readonly next?: string;
}

/** State kept per source between polls, plus its health. */
export interface SourceState {
  readonly sourceId: string;
  readonly cursor: SourceCursor;
  /** UTC ISO-8601 of the last poll that succeeded. */
  readonly lastSuccessAt?: string;
  /** UTC ISO-8601 of the last poll that failed, with its error. */
  readonly lastFailureAt?: string;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
}

/** One collection run of one source, kept for the digest ("which sources failed yesterday"). */
export interface SourceRun {
  readonly sourceId: string;
  /** UTC ISO-8601 start of the run. */
  readonly at: string;
  readonly ok: boolean;
  readonly fetched: number;
  readonly new: number;
  readonly duplicate: number;
  readonly rejected: number;
  readonly error?: string;
  /**
   * Set (with `ok: false`) when the source was not polled on purpose: `credentials-missing`,
   * `budget-exhausted`, `quota-exceeded`. Reports show it as skipped, not failed.
   */
  readonly skipped?: string;
}

/** A span of whole hours: hour starts in `[from, to)`, UTC ISO-8601. */
export interface HourSpan {
  readonly from: string;
  readonly to: string;
}

/**
 * One detect run's coverage of the all-mentions series, kept for the digest: a day without alerts and a day
 * nobody checked look the same in the alerts, so the digest says which hours were checked.
 */
export interface DetectionRun {
  /** UTC ISO-8601 time of the run (its clock). */
  readonly at: string;
  /** Hours stepped recently enough to alert (the last `ALERT_LOOKBACK_MS`, 3 h); absent when none. */
  readonly checked?: HourSpan;
  /** Hours stepped as history only: too old to alert (a first run, a catch-up after an outage). */
  readonly learnt?: HourSpan;
  /** Hours skipped without stepping (the series was more than 28 days behind). */
  readonly skipped?: HourSpan;
  /** Spikes the run found but did not alert on (too few distinct authors), any series; absent when none. */
  readonly heldBack?: readonly HeldBackSpike[];
}

/** A spike the detector found but did not alert on: its window had too few distinct authors. */
export interface HeldBackSpike {
  /** `neg:<series>` or `share:<series>` (series `all`, `kw:<id>`, `topic:<id>`). */
  readonly detectorId: string;
  readonly kind: 'volume' | 'share';
  /** The window, UTC ISO-8601, end exclusive. */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly distinctAuthors: number;
  readonly minDistinctAuthors: number;
}

/** A message the classifier could not accept (poison): kept with its reason, never retried. */
export interface RejectedMessage {
  readonly messageId: string;
  /** UTC ISO-8601. */
  readonly at: string;
  readonly reason: string;
  readonly code: string;
  /** Raw body, cut to 64 KiB. */
  readonly body: string;
}

/** An analyst's correction of a mention's sentiment label. */
export interface AnalystLabel {
  readonly mentionId: string;
  readonly label: SentimentLabel;
  /** Analyst id (e-mail or API key name). */
  readonly by: string;
  /** UTC ISO-8601. */
  readonly at: string;
  readonly note?: string;
}

/** A news story handed on: the mention that first carried it (see `shared/domain/story.ts`). */
export interface StoryClaim {
  /** 32 hex chars, `storyKey(…)`. */
  readonly storyKey: string;
  readonly mentionId: string;
  /** Canonical URL of that mention. */
  readonly url: string;
  /** Its `publishedAt` (UTC ISO-8601): a later copy is the same story only near this time. */
  readonly publishedAt: string;
}

/**
 * Pantau's persistence port (one DynamoDB table on AWS and locally through dynalite).
 * All writes are idempotent: SQS delivers at least once and Scheduler retries targets.
 */
export interface MentionStore {
  /**
   * Store a scored mention once and count it exactly once in every counter series it belongs to, even
   * when a previous attempt died between writes.
   */
  putMention(mention: ScoredMention): Promise<PutMentionResult>;
  getMention(id: string): Promise<ScoredMention | undefined>;
  /** Which of these mention ids are already stored or queued. */
  knownMentionIds(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Remember that these mentions were handed to the queue (so later polls skip them), and, with
   * `stories`, that their news stories were claimed (kept `STORY_HORIZON_DAYS`, 7 days, from `shared/domain/story.ts`). Idempotent.
   * @param nowMs - Epoch ms of the hand-off.
   */
  markQueued(ids: readonly string[], nowMs: number, stories?: readonly StoryClaim[]): Promise<void>;
  /**
   * The claims of these story keys made by earlier hand-offs within the story horizon (7 days) of `nowMs`
   * (epoch ms); older markers are ignored even where the table has not expired them yet.
   */
  knownStoryKeys(keys: readonly string[], nowMs: number): Promise<Map<string, StoryClaim>>;
  listMentions(query: ListMentionsQuery): Promise<MentionPage>;
  /** Hourly counts of a series over `[from, to)` (UTC ISO-8601 hours), oldest first, zero-filled. */
  hourlyCounts(series: SeriesId, from: string, to: string): Promise<HourlyCount[]>;
  getSourceState(sourceId: string): Promise<SourceState | undefined>;
  putSourceState(state: SourceState): Promise<void>;
  recordSourceRun(run: SourceRun): Promise<void>;
  /** Source runs whose `at` is in `[from, to)`. */
  listSourceRuns(from: string, to: string): Promise<SourceRun[]>;
  putRejected(message: RejectedMessage): Promise<void>;
  listRejected(from: string, to: string): Promise<RejectedMessage[]>;
  putLabel(label: AnalystLabel): Promise<void>;
  /** Every correction of one mention, oldest first. */
  listLabels(mentionId: string): Promise<AnalystLabel[]>;
  /** Every correction made in `[from, to)`, for export as training data. */
  exportLabels(from: string, to: string): Promise<AnalystLabel[]>;
}

/** A rendered daily digest as stored (`date` is the Asia/Jakarta calendar day it covers). */
export interface StoredDigest {
  /** `yyyy-mm-dd` in the regency time zone. */
  readonly date: string;
  /** UTC ISO-8601. */
  readonly generatedAt: string;
  readonly markdown: string;
  readonly html: string;
  readonly text: string;
  /** The digest's numbers as JSON (shape: `Digest` in `shared/domain/digest.ts`). */
  readonly data: unknown;
  /** UTC ISO-8601 when it was delivered to recipients; absent until then. */
  readonly sentAt?: string;
}

/** Detector state of one series, with an optimistic-lock version. */
export interface StoredSeriesState {
  readonly seriesId: string;
  /** Incremented on every write; writes are conditional on the version read. */
  readonly version: number;
  readonly state: unknown;
  /**
   * What the detector saw of its last stepped hours (the detect handler's late-mention ring, shape
   * `functions/detect/late.ts`), stored beside `state` in the same item and written with it; absent when
   * never written.
   */
  readonly seen?: unknown;
}

/** Alerts, digests and detector state (same table). */
export interface AlertStore {
  /** Store an alert if its id is new. `created: false` returns the alert stored earlier. */
  putAlert(alert: Alert): Promise<{ created: boolean; stored: Alert & { publishedAt?: string } }>;
  getAlert(id: string): Promise<(Alert & { publishedAt?: string }) | undefined>;
  /** Record that an alert went out, so a re-run does not send it again. */
  markAlertPublished(id: string, at: string): Promise<void>;
  /**
   * Alerts whose window starts in `[from, to)`, newest first.
   */
  listAlerts(from: string, to: string): Promise<(Alert & { publishedAt?: string })[]>;
  /** @throws {NotFoundError} when the alert does not exist. */
  acknowledgeAlert(id: string, ack: Acknowledgement): Promise<Alert>;
  getSeriesState(seriesId: string): Promise<StoredSeriesState | undefined>;
  /**
   * Write detector state, and with `seen` its late-mention ring in the same item (one conditional put, so
   * the two never disagree), if the stored version is still `expectedVersion` (0 = absent). Without `seen`
   * the item is written without one.
   * @returns false when another writer got there first.
   */
  putSeriesState(seriesId: string, state: unknown, expectedVersion: number, seen?: unknown): Promise<boolean>;
  /**
   * Store a digest (replacing the day's). It quotes mention titles, so it expires with them: no later than
   * the retention period after its day, than the first of `quotedMentionIds` to expire, or than the expiry of
   * the digest it replaces.
   */
  putDigest(digest: StoredDigest, quotedMentionIds?: readonly string[]): Promise<void>;
  getDigest(date: string): Promise<StoredDigest | undefined>;
  /** Remove a day's digest (one quoting mentions that have passed retention). */
  deleteDigest(date: string): Promise<void>;
  /** Record a detect run's coverage (idempotent per `at`). */
  recordDetectionRun(run: DetectionRun): Promise<void>;
  /** Detect runs whose `at` is in `[from, to)` (UTC ISO-8601), oldest first. */
  listDetectionRuns(from: string, to: string): Promise<DetectionRun[]>;
}
