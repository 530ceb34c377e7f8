/**
 * The embedded local runtime: the same handlers as on AWS (`functions/<name>/app.ts`), wired to local
 * adapters — dynalite persisted under the data folder, the in-process SQS model, the embedded sentiment
 * model, file publishers. One full cycle: collect → drain the queue through classify → detect → digest.
 * Nothing here is imported by a Lambda entry.
 */

import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createHandler as createClassifyHandler } from '#functions/classify/app.ts';
import { createHandler as createCollectHandler } from '#functions/collect/app.ts';
import type { SourceReport } from '#functions/collect/collect.ts';
import { createHandler as createDetectHandler } from '#functions/detect/app.ts';
import {
  ALERT_LOOKBACK_MS,
  MAX_CATCH_UP_MS,
  seriesClock,
  WARMUP_HISTORY_MS,
} from '#functions/detect/detect.ts';
import { LATE_WINDOW_MS } from '#functions/detect/late.ts';
import { createHandler as createDigestHandler } from '#functions/digest/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { EmbeddedSentimentAnalyzer } from '#shared/adapters/embedded-sentiment.ts';
import { createLocalCredentialProvider } from '#shared/adapters/local/credentials.ts';
import {
  deleteExpiredItems,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from '#shared/adapters/local/dynalite.ts';
import { FileAlertPublisher, FileDigestSink } from '#shared/adapters/local/file-publishers.ts';
import { drainQueue, InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';
import { QueueJournal } from '#shared/adapters/local/queue-journal.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { parseReplayLines, replayFileSource } from '#shared/adapters/sources/replay.ts';
import { AlertIdParamSchema } from '#shared/domain/api/schemas.ts';
import {
  ConfigError,
  parseRegencyConfig,
  type RegencyConfig,
  type SourceConfig,
} from '#shared/domain/config.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import { detectLanguage } from '#shared/domain/language.ts';
import { IsoUtcSchema, type ScoredMention, type SentimentLabel } from '#shared/domain/mention.ts';
import { buildNarratives } from '#shared/domain/narratives/index.ts';
import { loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { localDate, localDayRange, previousLocalDate } from '#shared/domain/time.ts';
import { createTopicMatcher } from '#shared/domain/topics.ts';
import {
  capRejections,
  type Log,
  MAX_REJECTIONS_LOGGED,
  MemoryMetricSink,
  type RejectionCappedLog,
} from '#shared/observability.ts';
import { type Clock, fixedClock, systemClock } from '#shared/ports/clock.ts';
import type { AlertStore, HeldBackSpike as StoredHeldBackSpike } from '#shared/ports/mention-store.ts';
import type { AlertPublisher } from '#shared/ports/publishers.ts';
import { ConfigFileMissingError, DataFolderMissingError, ReplayFileMissingError } from './errors.ts';
import { disabledSourcesNote, plural } from './summary.ts';

export { ReplayFileMissingError };

export interface RunOptions {
  /** Regency config file. @default config/majalengka.json */
  readonly configPath: string;
  /** Folder of the embedded store, digests and alerts. @default .pantau */
  readonly dataDir: string;
  /** JSON Lines file to replay instead of the configured network sources. */
  readonly replay?: string;
  /**
   * How replayed lines count for keywords: `search` (default: the file holds results of a search for the
   * regency, so a line naming no keyword counts for its first keyword, `matchedBy: query`, as Google News
   * results do) or `text` (a feed: such a line is unmatched and not stored). `docs/replay.md`.
   */
  readonly replayMatch?: 'search' | 'text';
  /** Local date of the digest; default: the newest replayed day, or yesterday (in the regency zone). */
  readonly digestDate?: string;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  readonly log: Log;
  /**
   * `-v`: every rejected source item is its own warning (no cap, so no closing count line).
   * @default false: the first {@link MAX_REJECTIONS_LOGGED}, then one line counting the rest by reason
   */
  readonly verbose?: boolean;
  readonly clock?: Clock;
  /** Per-request HTTP timeout for live sources, ms. @default 15 000 */
  readonly timeoutMs?: number;
  /** Base URL override for Google News (tests). */
  readonly googleNewsBaseUrl?: string;
}

/** The summary `npm start` prints (and `--json` emits as one object). */
export interface RunSummary {
  readonly mentions: {
    readonly fetched: number;
    readonly new: number;
    readonly duplicate: number;
    readonly unmatched: number;
    readonly rejected: number;
  };
  readonly sources: readonly SourceReport[];
  readonly failedSources: readonly { readonly sourceId: string; readonly error: string }[];
  /** Sources not polled on purpose (credentials missing, read budget or provider quota spent). */
  readonly skippedSources: readonly {
    readonly sourceId: string;
    readonly code: string;
    readonly reason: string;
  }[];
  /** Distinct mentions classified in this run (resumed ones included; each counted once). */
  readonly classified: number;
  /**
   * Mentions an interrupted run had handed to the local queue but not finished, re-sent before collecting
   * (see {@link PENDING_QUEUE_FILE}); `alreadyStored` of them (or of repeats) had reached the store before
   * the interruption, and were not counted again.
   */
  readonly resumed: { readonly pending: number; readonly alreadyStored: number };
  /** Labels of the mentions classified in this run. */
  readonly sentiment: Record<SentimentLabel, number>;
  /** Poison messages kept as rejected, and messages dead-lettered after repeated failures. */
  readonly rejectedMessages: number;
  readonly deadLettered: number;
  /** Where dead-lettered message bodies were appended (JSON Lines), when there were any. */
  readonly deadLetterFile?: string;
  /** Alerts this run's detection raised (an alert is stored once, by id; a re-run may raise it again). */
  readonly alerts: number;
  /**
   * Alerts delivered (to `<data-dir>/alerts/alerts.jsonl` and the console) in this run: `total`, and of those
   * `fromEarlierRuns`, raised by an earlier run that stopped (or failed to deliver) before sending them.
   */
  readonly alertsDelivered: { readonly total: number; readonly fromEarlierRuns: number };
  /**
   * Spikes the detector found but did not alert on, with why (today: too few distinct authors in the
   * window, `alerts.minDistinctAuthors`), so a held-back spike is not read as calm.
   */
  readonly heldBack: readonly HeldBackSpike[];
  /** What spike detection did and did not check in this run. */
  readonly detection: DetectionReport;
  readonly digest: string;
  readonly digestDate: string;
  /** Hours of the digest's day that spike detection checked (from the digest), when known. */
  readonly digestChecked?: { readonly checked: number; readonly hours: number };
  readonly dataDir: string;
  readonly allSourcesFailed: boolean;
}

/**
 * A spike found and not alerted on (the detect run's `suppressed`, `HeldBackSpike` of the store port),
 * with the reason spelt out for `--json` readers.
 */
export type HeldBackSpike = StoredHeldBackSpike & { readonly reason: 'too few distinct authors' };

/**
 * The local queue's journal in the data folder (JSON Lines): mentions handed to the queue and not yet
 * classified. Present only while a run is classifying, or after one was interrupted.
 */
export const PENDING_QUEUE_FILE = 'pending-mentions.jsonl';

/**
 * What the detect runs of `npm start` covered. The detector is causal: it steps each closed hour once, in
 * order, and never goes back, and only the last {@link ALERT_LOOKBACK_MS} of each run's hours may alert
 * (older hours are history). Mentions of hours at or before its clock are late: those within
 * {@link LATE_WINDOW_MS} of it are added to the next hour it steps and tested there; older ones are never
 * tested in that data folder.
 */
export interface DetectionReport {
  /** Last hour the detector had stepped before this run (ISO, UTC; the `all` series), or null in a new folder. */
  readonly clockBefore: string | null;
  /** Last hour it had stepped after this run (equal to `clockBefore` when it stepped none). */
  readonly clockAfter: string | null;
  /** Distinct UTC hours holding replayed mentions (0 without `--replay`). */
  readonly replayHours: number;
  /** Of those, the hours this run could raise an alert for. */
  readonly replayHoursChecked: number;
  /**
   * Of those, the hours after the last hour this run stepped (a `--date` before the replayed data): not
   * stepped at all, neither checked nor learnt. Absent when none.
   */
  readonly replayHoursAfter?: number;
  /**
   * Mentions this run stored that the store did not hold before (resumed ones included). 0 on a re-run of
   * the same replay: nothing is new to spike detection, whatever the detector's clock says.
   */
  readonly storedNew: number;
  /** Of the replayed hours, those holding a mention this run stored. */
  readonly replayHoursNew: number;
  /**
   * Of the hours holding a mention this run stored, those at or before `clockBefore`: never stepped again
   * in this data folder.
   */
  readonly replayHoursBeforeClock: number;
  /**
   * Of those hours at or before `clockBefore`, the ones within 24 hours of it: their new mentions are late
   * mentions, tested at the next hour the detector steps (this run's, or the next run's when it stepped none).
   */
  readonly replayHoursLate: number;
  /** Late mentions (every source, the `all` series) added to detection in this run. */
  readonly lateMentions: number;
  /** The hour they were added to (ISO hour start, UTC), when there were any. */
  readonly lateAddedTo?: string;
  /** Hours whose alerts this run could raise (ISO hour starts, UTC), when there were any. */
  readonly checkedFrom?: string;
  readonly checkedTo?: string;
  /** Closed hours skipped because the detector was more than 28 days behind (not checked). */
  readonly skippedHours: number;
  /**
   * True when detect ran hour by hour through a past digest day (`--replay` or `--date`), false for one
   * live run (which checks only the closed hours just before it).
   */
  readonly historic: boolean;
}

/**
 * Read and validate a regency config file (UTF-8, decoded strictly; a leading byte-order mark, as Windows
 * Notepad writes, is ignored).
 * @throws {ConfigFileMissingError} when `path` is empty, does not exist or is a folder.
 * @throws {ConfigError} for a file that cannot be read, is not UTF-8 or not JSON, or has bad fields (each
 * one named).
 */
export async function loadConfigFile(path: string): Promise<RegencyConfig> {
  // An unset variable (`--config "$CONFIG"`) arrives as '' and would read as "not found: " with no path.
  if (path.trim() === '') throw new ConfigFileMissingError('--config needs a file path (it was empty)');
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ConfigFileMissingError(`config file not found: ${path}`);
  if (info.isDirectory()) throw new ConfigFileMissingError(`config file ${path} is a folder, not a file`);
  let raw: unknown;
  try {
    // Strict: bytes that are not UTF-8 would become U+FFFD, and a keyword spelt with one never matches.
    // The decoder drops a leading BOM itself (ignoreBOM: false).
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
    } catch (cause) {
      throw new Error('not UTF-8 text: save the file as UTF-8', { cause });
    }
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      path,
      [{ path: '', message: error instanceof Error ? error.message : String(error) }],
      { cause: error },
    );
  }
  return parseRegencyConfig(raw, path);
}

/** A Lambda context for local invocations with a deadline `timeoutMs` from now. */
export function localContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${Date.now().toString(36)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Local output files that quoted mention text past its retention, removed on opening a data folder. */
export interface ExpiredLocalFiles {
  /** Days whose digest files (`digests/<date>.{md,html,txt,json}`) were deleted. */
  readonly digestDays: number;
  /** Digest files deleted (up to four per day). */
  readonly digestFiles: number;
  /** Lines removed from `alerts/alerts.jsonl`. */
  readonly alertLines: number;
  /** Lines removed from `dead-letter.jsonl` (message bodies older than the dead-letter retention). */
  readonly deadLetterLines: number;
}

/**
 * How long a dead-lettered message body is kept in `<data-dir>/dead-letter.jsonl`, days: the mentions DLQ's
 * retention on AWS (`MAX_RETENTION`, 14 days, in `infra/constructs/durable-queue.ts`; SQS's maximum), which
 * SQS counts from the message's first enqueue, not from when it was dead-lettered.
 */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/** The field of a dead-lettered mention body that dates it (the collector enqueues a mention when it fetched it). */
const DeadLetterDateSchema = z.object({ fetchedAt: IsoUtcSchema });

const DIGEST_FILE = /^(\d{4}-\d{2}-\d{2})\.(?:md|html|txt|json)$/;

/**
 * Delete the digest files of days whose digest item the store no longer returns, rewrite
 * `dead-letter.jsonl` without the bodies past the dead-letter retention, and rewrite
 * `alerts/alerts.jsonl` without the lines that carry an alert (the delivered one or a `related` one) the
 * store no longer returns. Decided by the store's items, not by file dates: a digest of an old day written
 * by a replay today is kept until its item expires (retention days after it was stored). A file with no
 * item at all (a store deleted by hand, an earlier run that deleted the item but not its files) is
 * treated as expired too, as nothing records when it may be kept until. Lines that are not JSON whose `id`
 * is an alert id (`AlertIdParamSchema`, {@link alertIdsOfLine}) were not written by Pantau and are kept. The alerts file is replaced by a rename, so a
 * crash leaves the old file or the new one, never half of one.
 *
 * A dead-letter line is dated by its mention's `fetchedAt` (≈ its first enqueue, as SQS dates DLQ messages)
 * and removed `deadLetterDays` after it; a line without one (a poison body that is not a mention) is dated by
 * the file's last change, so it is never removed before the period has passed since the file was last
 * appended to.
 * @param options.now the current time (tests pass one). @default new Date()
 * @param options.deadLetterDays days a dead-lettered body is kept. @default {@link DEAD_LETTER_RETENTION_DAYS}
 * @throws {Error} from the file system for anything but a missing `digests/` folder, alerts or dead-letter file.
 */
export async function deleteExpiredLocalFiles(
  dataDir: string,
  store: Pick<AlertStore, 'getDigest' | 'getAlert'>,
  options: { readonly now?: Date; readonly deadLetterDays?: number } = {},
): Promise<ExpiredLocalFiles> {
  const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
  const digestDir = join(dataDir, 'digests');
  const names = await readdir(digestDir).catch((error: unknown) => {
    if (missing(error)) return [];
    throw error;
  });
  const byDay = new Map<string, string[]>();
  for (const name of names) {
    const day = DIGEST_FILE.exec(name)?.[1];
    if (day) byDay.set(day, [...(byDay.get(day) ?? []), name]);
  }
  let digestDays = 0;
  let digestFiles = 0;
  for (const [day, files] of byDay) {
    if (await store.getDigest(day)) continue;
    await Promise.all(files.map((name) => rm(join(digestDir, name), { force: true })));
    digestDays += 1;
    digestFiles += files.length;
  }

  const alertsFile = join(dataDir, 'alerts', 'alerts.jsonl');
  const text = await readFile(alertsFile, 'utf8').catch((error: unknown) => {
    if (missing(error)) return '';
    throw error;
  });
  const kept = new Map<string, boolean>();
  const alertKept = async (id: string) => {
    let known = kept.get(id);
    if (known === undefined) {
      known = (await store.getAlert(id)) !== undefined;
      kept.set(id, known);
    }
    return known;
  };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  for (const line of lines) {
    const ids = alertIdsOfLine(line);
    let keep = true;
    for (const id of ids) if (!(await alertKept(id))) keep = false;
    if (keep) out.push(line);
  }
  const alertLines = lines.length - out.length;
  if (alertLines > 0) await replaceLines(alertsFile, out);

  const deadLetterLines = await deleteExpiredDeadLetters(
    join(dataDir, 'dead-letter.jsonl'),
    (options.now ?? new Date()).getTime() -
      (options.deadLetterDays ?? DEAD_LETTER_RETENTION_DAYS) * 86_400_000,
  );
  return { digestDays, digestFiles, alertLines, deadLetterLines };
}

/** Replace a JSON Lines file by `lines` through a rename, so a crash leaves the old file or the new one. */
async function replaceLines(file: string, lines: readonly string[]): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  await rename(temporary, file);
}

/**
 * Remove the bodies of `file` dated before `cutoffMs` (epoch ms); see {@link deleteExpiredLocalFiles}.
 * @returns how many lines were removed (0 when the file does not exist).
 */
async function deleteExpiredDeadLetters(file: string, cutoffMs: number): Promise<number> {
  const info = await stat(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return 0;
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const kept = lines.filter((line) => {
    let dated: number = info.mtimeMs;
    try {
      const parsed = DeadLetterDateSchema.safeParse(JSON.parse(line));
      // A fetchedAt after the file's last change is wrong (a forged or clock-skewed body): the file dates it.
      if (parsed.success) dated = Math.min(Date.parse(parsed.data.fetchedAt), info.mtimeMs);
    } catch {
      // Not JSON (a poison body): dated by the file, as above.
    }
    return dated >= cutoffMs;
  });
  const removed = lines.length - kept.length;
  if (removed === 0) return 0;
  if (kept.length > 0) await replaceLines(file, kept);
  else await rm(file, { force: true });
  return removed;
}

/** The fields of an `alerts.jsonl` line (written by `FileAlertPublisher`) that name its alerts. */
const AlertLineSchema = z.object({
  id: AlertIdParamSchema,
  related: z.array(z.unknown()).optional(),
});

/**
 * The ids of the alerts a line of `alerts.jsonl` carries (its own and its `related` ones that are alert
 * ids); none when it is not Pantau's: not JSON, or its `id` is not an alert id (QA 2026-12-01: a note
 * `{"id":"catatan-1",…}` was deleted as an alert line).
 */
export function alertIdsOfLine(line: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return [];
  }
  const fields = AlertLineSchema.safeParse(parsed);
  if (!fields.success) return [];
  const related = (fields.data.related ?? []).flatMap((r) => {
    const id = AlertIdParamSchema.safeParse(
      r && typeof r === 'object' ? (r as { id?: unknown }).id : undefined,
    );
    return id.success ? [id.data] : [];
  });
  return [fields.data.id, ...related];
}

/**
 * Open the embedded store in `dataDir` (shared by `run`, `serve`, `label` …), and delete what its retention
 * has expired: dynalite has no TTL, so this is where a local folder forgets mention text as DynamoDB would —
 * the expired items, then the local files quoting them ({@link deleteExpiredLocalFiles}: digest files and
 * lines of `alerts/alerts.jsonl`).
 * @returns The store; `expired`, how many items were deleted now; `expiredFiles`, what was deleted from
 * the local output files.
 */
export async function openLocalStore(
  dataDir: string,
  retentionDays = 90,
): Promise<{ db: EmbeddedDynamo; store: DynamoStore; expired: number; expiredFiles: ExpiredLocalFiles }> {
  const db = await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb'), shownAs: resolve(dataDir) });
  try {
    const expired = await deleteExpiredItems(db.client, db.tableName, Math.floor(Date.now() / 1000));
    const store = new DynamoStore({ client: db.client, tableName: db.tableName, retentionDays });
    // After the items: a crash in between leaves files without items, which the next opening deletes.
    const expiredFiles = await deleteExpiredLocalFiles(dataDir, store, {
      deadLetterDays: deadLetterDays(retentionDays),
    });
    return { db, store, expired, expiredFiles };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * What opening a data folder removed, as a phrase for `npm start`'s progress line, e.g. `3 stored items,
 * the files of 1 digest (4 files) and 2 lines of alerts/alerts.jsonl`; undefined when nothing was.
 */
export function retentionRemovals(items: number, files: ExpiredLocalFiles): string | undefined {
  const parts = [
    ...(items > 0 ? [plural(items, 'stored item')] : []),
    ...(files.digestDays > 0
      ? [`the files of ${plural(files.digestDays, 'digest')} (${plural(files.digestFiles, 'file')})`]
      : []),
    ...(files.alertLines > 0 ? [`${plural(files.alertLines, 'line')} of alerts/alerts.jsonl`] : []),
    ...(files.deadLetterLines > 0 ? [`${plural(files.deadLetterLines, 'line')} of dead-letter.jsonl`] : []),
  ];
  if (parts.length === 0) return undefined;
  const last = parts.pop();
  return parts.length > 0 ? `${parts.join(', ')} and ${last}` : last;
}

/** Days a dead-lettered body is kept locally: the DLQ's retention, or the mention-text retention if shorter. */
function deadLetterDays(rawTextDays: number): number {
  return Math.min(DEAD_LETTER_RETENTION_DAYS, rawTextDays);
}

/**
 * The line every command that opens a data folder prints (on stderr) when opening it removed something,
 * e.g. `Removed 3 stored items and 1 line of alerts/alerts.jsonl past the retention period (mention text
 * 90 days; DynamoDB's TTL does this on AWS).`; undefined when nothing was removed.
 * @param opened what {@link openLocalStore} reports.
 * @param rawTextDays the config's mention-text retention, days; left out of the line when the command reads
 * no config (`label`, `export-labels`, `api-key`).
 */
export function retentionLine(
  opened: { readonly expired: number; readonly expiredFiles: ExpiredLocalFiles },
  rawTextDays?: number,
): string | undefined {
  const removed = retentionRemovals(opened.expired, opened.expiredFiles);
  if (!removed) return undefined;
  const deadLetters = opened.expiredFiles.deadLetterLines > 0;
  const days = [
    ...(rawTextDays === undefined ? [] : [`mention text ${rawTextDays} days`]),
    ...(deadLetters ? [`dead-lettered messages ${deadLetterDays(rawTextDays ?? 90)} days`] : []),
  ]
    .map((part) => `${part}; `)
    .join('');
  const aws = deadLetters ? "DynamoDB's TTL and the SQS dead-letter queue do" : "DynamoDB's TTL does";
  return `Removed ${removed} past the retention period (${days}${aws} this on AWS).`;
}

/**
 * Open the store of a data folder that must already hold one (`label`, `export-labels`, `api-key
 * list|revoke`, `serve`): a mistyped `--data-dir` must not quietly become a new, empty store. Deletes what
 * retention expired as {@link openLocalStore} does and reports it the same way (print {@link retentionLine}).
 * @throws {DataFolderMissingError} when `<dataDir>/dynamodb` is not a folder.
 */
export async function openExistingStore(
  dataDir: string,
  retentionDays = 90,
): Promise<{ db: EmbeddedDynamo; store: DynamoStore; expired: number; expiredFiles: ExpiredLocalFiles }> {
  const info = await stat(join(dataDir, 'dynamodb')).catch(() => undefined);
  if (!info?.isDirectory()) {
    const what = existsSync(dataDir) ? 'holds no Pantau store' : 'does not exist';
    throw new DataFolderMissingError(
      `--data-dir ${resolve(dataDir)} ${what}: run \`npm start\` first to create one, or pass the right --data-dir`,
    );
  }
  return openLocalStore(dataDir, retentionDays);
}

/**
 * Run one full local cycle. Never throws for a source's failure.
 * @throws {ConfigError} for a bad config; {@link ReplayFileMissingError} when `--replay` is not a file;
 * {@link DataFolderMissingError} when `--data-dir` is a file or lies under one.
 */
export async function runLocal(options: RunOptions): Promise<RunSummary> {
  const clock = options.clock ?? systemClock;
  const config = await loadConfigFile(options.configPath);
  if (options.replay) {
    const info = await stat(options.replay).catch(() => undefined);
    if (!info?.isFile()) {
      throw new ReplayFileMissingError(`--replay ${options.replay}: ${info ? 'not a file' : 'no such file'}`);
    }
  }
  const dataDir = resolve(options.dataDir);
  // A data folder that is a file (or lies under one) is the user's to fix: say so before anything is created.
  const dirProblem = await stat(dataDir).then(
    (info) => (info.isDirectory() ? undefined : 'is a file, not a folder'),
    (error: NodeJS.ErrnoException) =>
      error.code === 'ENOTDIR' ? 'lies under a file, not a folder' : undefined,
  );
  if (dirProblem) throw new DataFolderMissingError(`--data-dir ${dataDir} ${dirProblem}: pass a folder`);
  // Checked before the store creates anything in the folder: a journal path that is a folder is the user's to fix.
  const journal = new QueueJournal(join(dataDir, PENDING_QUEUE_FILE));
  journal.assertUsable();
  const opened = await openLocalStore(dataDir, config.retention.rawTextDays);
  const { db, store } = opened;
  const removed = retentionLine(opened, config.retention.rawTextDays);
  if (removed) options.progress(removed);
  try {
    const metrics = new MemoryMetricSink();
    const sourceConfigs: SourceConfig[] = options.replay
      ? [
          replayFileSource(
            options.replay,
            (options.replayMatch ?? 'search') === 'search'
              ? { searchKeywords: [config.keywords[0]?.id ?? 'majalengka'] }
              : {},
          ),
        ]
      : config.sources.filter((s) => s.enabled);
    const sources = sourceConfigs.map((s) =>
      createSource(s, {
        timeZone: config.timeZone,
        clock,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.googleNewsBaseUrl ? { googleNewsBaseUrl: options.googleNewsBaseUrl } : {}),
        retry: { retries: 1 },
        credentials: createLocalCredentialProvider(),
        // A retry that then succeeds is routine; one that fails ends in the source's FAILED line.
        onRetry: (e) => options.log.debug('Retrying source request', { ...e }),
      }),
    );

    // Interrupted runs: SQS would still hold what they handed over; here the journal does. Re-send it first.
    const recovered = journal.recover();
    if (recovered.unreadableLines > 0)
      options.log.warn('Skipped unreadable lines of the queue journal (a write cut short)', {
        file: journal.path,
        lines: recovered.unreadableLines,
      });
    const dlq = new InProcessQueue({ name: 'mentions-dlq' });
    const queue = new InProcessQueue({
      name: 'mentions',
      deadLetterQueue: dlq,
      maxReceiveCount: 5,
      journal,
    });
    const resumedPending = queue.restore(recovered.pending);
    if (resumedPending > 0)
      options.progress(
        `Resuming ${plural(resumedPending, 'pending mention')} from an interrupted run (handed over, not yet classified)…`,
      );

    options.progress(
      `Collecting from ${plural(sources.length, 'source')}${options.replay ? '' : disabledSourcesNote(config.sources)}…`,
    );
    const collectLog = quietSourceLog(
      options.log,
      options.verbose ? Number.POSITIVE_INFINITY : MAX_REJECTIONS_LOGGED,
    );
    const collect = createCollectHandler({
      sources,
      matcher: createKeywordMatcher(config.keywords),
      store,
      queue,
      clock,
      log: collectLog,
      metrics,
    });
    const collected = await collect({}, localContext('pantau-collect', 15 * 60_000));
    for (const r of collected.sources) {
      options.progress(
        r.ok
          ? `  ${r.sourceId}: ${r.fetched} fetched, ${r.new} new, ${r.duplicate} duplicate, ${r.unmatched} unmatched, ${r.rejected} rejected`
          : r.skipped
            ? `  ${r.sourceId}: SKIPPED — ${r.error}`
            : `  ${r.sourceId}: FAILED — ${r.error}`,
      );
    }

    const topics = createTopicMatcher(config.topics);
    const sentiment: Record<SentimentLabel, number> = { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
    // By mention id: a resumed mention may also be collected again (if the run stopped before collect
    // marked it queued), and the store counts it once, so the summary does too.
    const classifiedIds = new Set<string>();
    let alreadyStored = 0;
    let storedNew = 0;
    // Hours (epoch ms) of the mentions this run stored: only those can be new to spike detection.
    const storedHours = new Set<number>();
    const classify = createClassifyHandler({
      store: {
        putRejected: (m) => store.putRejected(m),
        putMention: async (m: ScoredMention) => {
          const result = await store.putMention(m);
          if (result.status === 'new') {
            storedNew++;
            storedHours.add(Math.floor(Date.parse(result.stored.publishedAt) / HOUR_MS) * HOUR_MS);
          }
          if (classifiedIds.has(result.stored.id)) return result;
          classifiedIds.add(result.stored.id);
          if (result.status === 'duplicate') alreadyStored++;
          sentiment[result.stored.sentiment.label]++;
          return result;
        },
      },
      embedded: new EmbeddedSentimentAnalyzer(loadEmbeddedModel()),
      detectLanguage,
      matchTopics: (text) => topics.match(text),
      clock,
      log: options.log,
      metrics,
    });
    const toClassify = queue.size;
    if (toClassify > 0) options.progress(`Classifying ${toClassify} mention${toClassify === 1 ? '' : 's'}…`);
    const drained = await drainQueue(queue, classify, localContext('pantau-classify', 60_000), {
      batchSize: 10,
      onBatch: (done) => {
        if (done % 100 < 10 || done === toClassify) options.progress(`  ${done}/${toClassify}`);
      },
    });
    // Locally the DLQ lives in memory: keep its messages on disk so nothing is lost when the process ends.
    const deadLetters = dlq.bodies();
    const deadLetterFile = deadLetters.length > 0 ? join(dataDir, 'dead-letter.jsonl') : undefined;
    if (deadLetterFile) await appendFile(deadLetterFile, `${deadLetters.join('\n')}\n`);
    // Only now are dead letters safe on disk: the journal kept them pending until here.
    journal.compact(queue.pending());

    const replayed = options.replay
      ? await replayedHours(options.replay, config.timeZone, clock.now())
      : undefined;
    const digestDate =
      options.digestDate ?? replayed?.newestDate ?? previousLocalDate(clock.now(), config.timeZone);

    // Live: one detect run, as the 15-minute schedule would. Replay (or an explicit --date): run detect as
    // the schedule would have through that day, hour by hour, so spikes in the replayed data raise alerts.
    const day = localDayRange(digestDate, config.timeZone);
    const historic = Boolean(options.replay || options.digestDate) && Date.parse(day.end) < clock.now();
    let ticks = historic
      ? Array.from({ length: 25 }, (_, h) => Date.parse(day.start) + h * HOUR_MS + 5 * 60_000)
      : [clock.now()];
    const clockBefore = await seriesClock(store, 'all');
    // Only a run that stored something new can have added late mentions (a re-run of the same replay has none).
    const newReplayHours = replayed?.hours.filter((h) => storedHours.has(h)) ?? [];
    const lateHours =
      clockBefore === null
        ? []
        : newReplayHours.filter((h) => h <= clockBefore && h > clockBefore - LATE_WINDOW_MS);
    let alertable = alertableHours(ticks, clockBefore);
    if (historic && alertable.length === 0 && clockBefore !== null && lateHours.length > 0) {
      // The day is behind the clock, but its late mentions are tested at the next hour the detector steps:
      // run detect once, as the schedule would next (when that hour has closed, and not later than now).
      ticks = [Math.min(clock.now(), clockBefore + 2 * HOUR_MS + 5 * 60_000)];
      alertable = alertableHours(ticks, clockBefore);
      options.progress(
        alertable.length > 0
          ? `Detecting spikes: ${digestDate} is behind the detector's clock (${hourLabel(clockBefore)}); its mentions within 24 hours of it are tested as late mentions at the next hour…`
          : `Not detecting spikes yet: the detector has already stepped every hour through ${hourLabel(clockBefore)}; late mentions wait for the next hour it steps`,
      );
    } else if (alertable.length === 0 && clockBefore !== null) {
      options.progress(
        `Not detecting spikes${historic ? ` for ${digestDate}` : ''}: the detector has already stepped every hour through ${hourLabel(clockBefore)}, and it never goes back`,
      );
    } else {
      options.progress(
        historic ? `Detecting spikes through ${digestDate}, hour by hour…` : 'Detecting spikes…',
      );
    }
    const files = new FileAlertPublisher(join(dataDir, 'alerts'), (text) => options.progress(text));
    // Detect delivers every undelivered alert of the last 24 hours, also those an interrupted (or failed)
    // earlier run stored: note which went out, so the summary can tell them from this run's own.
    const deliveredIds = new Set<string>();
    const publisher: AlertPublisher = {
      publish: async (alert, rendered, related = []) => {
        await files.publish(alert, rendered, related);
        for (const a of [alert, ...related]) deliveredIds.add(a.id);
      },
    };
    const alertIds = new Set<string>();
    const heldBack = new Map<string, HeldBackSpike>();
    let skippedHours = 0;
    let lateMentions = 0;
    let lateAddedTo: string | undefined;
    for (const tick of ticks) {
      const detect = createDetectHandler({
        config,
        store,
        publisher,
        buildNarratives,
        clock: historic ? fixedClock(tick) : clock,
        log: options.log,
        metrics,
      });
      const detected = await detect({}, localContext('pantau-detect', 60_000));
      for (const a of detected.alerts) alertIds.add(a.id);
      // Keyed by the whole window: a later window of the same series may share its start (the burst's first
      // hour) and must not replace the earlier one, or the summary's event starts later than the digest's.
      for (const h of detected.suppressed)
        heldBack.set(`${h.detectorId}|${h.kind}|${h.windowStart}|${h.windowEnd}`, {
          ...h,
          reason: 'too few distinct authors',
        });
      skippedHours = Math.max(skippedHours, detected.skippedHours);
      const late =
        detected.late.find((l) => l.detectorId === 'share:all') ??
        detected.late.find((l) => l.detectorId === 'neg:all');
      if (late) {
        lateMentions += late.total;
        lateAddedTo ??= late.hour;
      }
    }
    const clockAfter = await seriesClock(store, 'all');
    const alertableSet = new Set(alertable);
    // Replayed hours after the newest hour the detector reached: a --date before the data steps none of them.
    const afterCount = clockAfter === null ? 0 : (replayed?.hours.filter((h) => h > clockAfter).length ?? 0);
    const detection: DetectionReport = {
      clockBefore: clockBefore === null ? null : new Date(clockBefore).toISOString(),
      clockAfter: clockAfter === null ? null : new Date(clockAfter).toISOString(),
      replayHours: replayed?.hours.length ?? 0,
      replayHoursChecked: replayed?.hours.filter((h) => alertableSet.has(h)).length ?? 0,
      ...(afterCount > 0 ? { replayHoursAfter: afterCount } : {}),
      storedNew,
      replayHoursNew: newReplayHours.length,
      replayHoursBeforeClock:
        clockBefore === null ? 0 : newReplayHours.filter((h) => h <= clockBefore).length,
      historic,
      replayHoursLate: lateHours.length,
      lateMentions,
      ...(lateAddedTo ? { lateAddedTo } : {}),
      ...(alertable.length > 0
        ? {
            checkedFrom: new Date(alertable[0] ?? 0).toISOString(),
            checkedTo: new Date(alertable[alertable.length - 1] ?? 0).toISOString(),
          }
        : {}),
      skippedHours,
    };

    options.progress(`Writing the digest for ${digestDate}…`);
    const digest = createDigestHandler({
      config,
      store,
      sink: new FileDigestSink(join(dataDir, 'digests')),
      buildNarratives,
      clock,
      log: options.log,
      metrics,
    });
    const coverage = (await digest({ date: digestDate, resend: true }, localContext('pantau-digest', 60_000)))
      .detection;

    const sum = (f: (r: SourceReport) => number) => collected.sources.reduce((s, r) => s + f(r), 0);
    const skippedSources = collected.sources
      .filter((r) => !r.ok && r.skipped)
      .map((r) => ({
        sourceId: r.sourceId,
        code: r.skipped?.code ?? 'unknown',
        reason: r.error ?? 'unknown',
      }));
    const failedSources = collected.sources
      .filter((r) => !r.ok && !r.skipped)
      .map((r) => ({ sourceId: r.sourceId, error: r.error ?? 'unknown' }));
    return {
      mentions: {
        fetched: sum((r) => r.fetched),
        new: sum((r) => r.new),
        duplicate: sum((r) => r.duplicate),
        unmatched: sum((r) => r.unmatched),
        rejected: sum((r) => r.rejected),
      },
      sources: collected.sources,
      failedSources,
      skippedSources,
      classified: classifiedIds.size,
      resumed: { pending: resumedPending, alreadyStored },
      sentiment,
      rejectedMessages: metrics.sum('MessagesRejected'),
      deadLettered: drained.deadLettered,
      ...(deadLetterFile ? { deadLetterFile } : {}),
      alerts: alertIds.size,
      alertsDelivered: {
        total: deliveredIds.size,
        fromEarlierRuns: [...deliveredIds].filter((id) => !alertIds.has(id)).length,
      },
      heldBack: [...heldBack.values()],
      detection,
      digest: join(dataDir, 'digests', `${digestDate}.md`),
      digestDate,
      ...(coverage ? { digestChecked: coverage } : {}),
      dataDir,
      // Skipped sources (no credentials, budget spent) were never polled: they neither fail nor succeed.
      allSourcesFailed:
        failedSources.length > 0 && failedSources.length === collected.sources.length - skippedSources.length,
    };
  } finally {
    await db.close();
  }
}

const HOUR_MS = 3_600_000;

/** Collect's log lines that the progress line and the summary already report, one line per source. */
const REPORTED_ELSEWHERE = new Set(['Source failed', 'Source skipped']);

/** The log {@link quietSourceLog} returns. */
export type SourceLog = RejectionCappedLog;

/**
 * The log for collect in `npm start`: a failed or skipped source is shown once as its progress line and
 * again in the summary, so its log line moves to debug (printed with `-v`) instead of adding a third. Of
 * the rejected items, the first `maxRejectionsLogged` are warnings and the rest are counted by reason in
 * one closing line ({@link capRejections}, the same cap the collect Lambda applies on AWS), so a binary
 * file gives 21 lines, not one per line of it, and no rejection goes uncounted.
 * @param maxRejectionsLogged - @default MAX_REJECTIONS_LOGGED
 */
export function quietSourceLog(log: Log, maxRejectionsLogged = MAX_REJECTIONS_LOGGED): SourceLog {
  type Write = (message: string, ...extra: unknown[]) => void;
  const demote =
    (level: 'warn' | 'error'): Write =>
    (message, ...extra) =>
      (log[REPORTED_ELSEWHERE.has(message) ? 'debug' : level] as Write)(message, ...extra);
  return capRejections(
    {
      debug: log.debug.bind(log),
      info: log.info.bind(log),
      warn: demote('warn'),
      error: demote('error'),
    } as Log,
    { max: maxRejectionsLogged, hint: '-v logs each' },
  );
}

/**
 * The distinct UTC hours (epoch ms, ascending) of a replay file's dated items up to `nowMs`, and the local
 * date of the newest (the day its digest should cover). A stray future date must not pull the digest into
 * the future: only items up to now count.
 */
async function replayedHours(
  path: string,
  timeZone: string,
  nowMs: number,
): Promise<{ hours: number[]; newestDate?: string }> {
  let bytes: Buffer;
  try {
    // Bytes, as the replay source reads them: a line that is not UTF-8 is rejected there, so it must not
    // add an hour (or the digest day) here.
    bytes = await readFile(path);
  } catch {
    return { hours: [] };
  }
  const hours = new Set<number>();
  let newest = Number.NEGATIVE_INFINITY;
  for (const item of parseReplayLines(bytes, { timeZone }).items) {
    const t = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
    if (!(t <= nowMs)) continue;
    hours.add(Math.floor(t / HOUR_MS) * HOUR_MS);
    newest = Math.max(newest, t);
  }
  return {
    hours: [...hours].sort((a, b) => a - b),
    ...(Number.isFinite(newest) ? { newestDate: localDate(newest, timeZone) } : {}),
  };
}

/**
 * The closed hours (epoch ms, ascending) that detect runs at `ticks` can raise alerts for: each run steps
 * the hours after the detector's clock up to its last closed hour, and alerts only for the last
 * {@link ALERT_LOOKBACK_MS} of them. A run further behind than {@link MAX_CATCH_UP_MS} resumes
 * {@link WARMUP_HISTORY_MS} back, which still covers its lookback.
 */
export function alertableHours(ticks: readonly number[], clockMs: number | null): number[] {
  const out = new Set<number>();
  let clock = clockMs;
  for (const tick of ticks) {
    const lastClosed = Math.floor(tick / HOUR_MS) * HOUR_MS - HOUR_MS;
    for (let t = lastClosed; t + HOUR_MS > tick - ALERT_LOOKBACK_MS; t -= HOUR_MS)
      if (clock === null || t > clock) out.add(t);
    clock = clock === null ? lastClosed : Math.max(clock, lastClosed);
  }
  return [...out].sort((a, b) => a - b);
}

/** `2026-11-30 17:00 UTC`. */
function hourLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
