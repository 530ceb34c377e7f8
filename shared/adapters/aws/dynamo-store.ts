/**
 * DynamoDB adapter for {@link MentionStore} and {@link AlertStore}: one table, keys from `dynamo-keys.ts`.
 * The same code runs against DynamoDB on AWS and against dynalite locally and in tests.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import pRetry from 'p-retry';
import { z } from 'zod';
import { type Acknowledgement, type Alert, AlertSchema } from '#shared/domain/alert.ts';
import { type ScoredMention, ScoredMentionSchema, SENTIMENT_LABELS } from '#shared/domain/mention.ts';
import { STORY_HORIZON_DAYS } from '#shared/domain/story.ts';
import { NotFoundError, RejectedWriteError, TransientError } from '#shared/errors.ts';
import type {
  AlertStore,
  AnalystLabel,
  DetectionRun,
  HourlyCount,
  ListMentionsQuery,
  MentionPage,
  MentionStore,
  PutMentionResult,
  RejectedMessage,
  SentimentCounts,
  SourceRun,
  SourceState,
  StoredDigest,
  StoredSeriesState,
  StoryClaim,
} from '#shared/ports/mention-store.ts';
import { daysBetween, keys, monthsBetween, SHARDS, shardOf, utcDay, utcHour } from './dynamo-keys.ts';

export interface DynamoStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * Days a mention's text and author are kept (TTL), and the alerts and digests that quote them; counters
   * are kept. @default 90
   */
  readonly retentionDays?: number;
  /**
   * Test hook: called after each write step of {@link DynamoStore.putMention} with the step name, so a
   * test can "kill" the handler between two writes and prove the retry still counts exactly once.
   */
  readonly afterWrite?: (step: string) => void;
}

const DAY_SECONDS = 86_400;
/** DynamoDB numbers cannot be smaller in magnitude than 1e-130 ("Number underflow"); leave a margin. */
const SMALLEST_STORABLE = 1e-100;

/**
 * The mention with sentiment scores DynamoDB can store: scores under {@link SMALLEST_STORABLE} become 0
 * (a scorer may return 1e-174 for a long, strongly worded text; such a value is 0 for every reader).
 */
function storableScores(mention: ScoredMention): ScoredMention {
  const s = mention.sentiment.scores;
  const fix = (x: number) => (Math.abs(x) < SMALLEST_STORABLE ? 0 : x);
  if ([s.Positive, s.Negative, s.Neutral, s.Mixed].every((x) => x === fix(x))) return mention;
  return {
    ...mention,
    sentiment: {
      ...mention.sentiment,
      scores: {
        Positive: fix(s.Positive),
        Negative: fix(s.Negative),
        Neutral: fix(s.Neutral),
        Mixed: fix(s.Mixed),
      },
    },
  };
}

/**
 * Numbers a put can carry: 0, or magnitudes from DynamoDB's smallest (1e-130) up to
 * `Number.MAX_SAFE_INTEGER`, above which `marshall` refuses a JavaScript number as imprecise (DynamoDB's own
 * limit, just under 1e126, is never reached first).
 */
const DYNAMO_MIN_MAGNITUDE = 1e-130;
const DYNAMO_MAX_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/** The first number in `value` (depth first) that DynamoDB cannot store, with its path (`state.cusum.cal[3]`). */
function unstorableNumber(value: unknown, path: string): { path: string; value: number } | undefined {
  if (typeof value === 'number') {
    const m = Math.abs(value);
    return Number.isFinite(value) && (m === 0 || (m >= DYNAMO_MIN_MAGNITUDE && m <= DYNAMO_MAX_MAGNITUDE))
      ? undefined
      : { path, value };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorableNumber(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = unstorableNumber(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

const STORY_PREFIX = 'STORY#';
const storyMarkerKey = keys.story;
/** A story marker as read back; a malformed one fails loudly rather than silently un-de-duplicating. */
const StoryMarkerSchema = z.object({
  PK: z.string().startsWith(STORY_PREFIX),
  mentionId: z.string(),
  url: z.string(),
  publishedAt: z.string(),
  expiresAt: z.number(),
});
const QUEUED_MARKER_DAYS = 14;
const REJECTED_DAYS = 30;
const SOURCE_RUN_DAYS = 400;

/** The counter series a mention belongs to: `all`, each matched keyword, each topic, its source. */
export function seriesOf(mention: ScoredMention): string[] {
  return [
    'all',
    ...mention.matchedKeywords.map((k) => `kw:${k}`),
    ...mention.topics.map((t) => `topic:${t}`),
    `source:${mention.source}`,
  ];
}

function zeroCounts(): SentimentCounts {
  return { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
}

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * Single-table store. Exactly-once counting without transactions: every hourly counter item carries the
 * binary set of mention ids it has counted, and the increment is one conditional `UpdateItem`
 * (`ADD` count + id, if the id is not yet in the set). A retry after a crash re-applies every step; each
 * step is idempotent on its own, so the counters always equal the stored mentions. Why not
 * `TransactWriteItems`: dynalite lacks it, and one code path tested for real beats two (see
 * `docs/data-model.md`).
 */
export class DynamoStore implements MentionStore, AlertStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #retentionDays: number;
  readonly #afterWrite: (step: string) => void;

  constructor(options: DynamoStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#retentionDays = options.retentionDays ?? 90;
    this.#afterWrite = options.afterWrite ?? (() => {});
  }

  /**
   * TTL (epoch seconds) of an item that quotes mention text: the retention period after `iso`, but never
   * less than the retention period from now (a replayed or late item is kept for the period, not deleted at
   * once).
   */
  #retentionExpiry(iso: string): number {
    const days = this.#retentionDays * DAY_SECONDS;
    return Math.max(epochSeconds(iso) + days, Math.floor(Date.now() / 1000) + days);
  }

  /**
   * True for an item that quotes mention text (a mention, its timeline entries, an alert, a digest) whose
   * retention has passed. DynamoDB deletes expired items lazily, typically within a few days, and they
   * appear in reads until then ("Working with expired items", DynamoDB developer guide), so reads of such
   * items hide them: after `rawTextDays` the text is gone for every reader, not only once TTL runs.
   */
  #expired(item: Record<string, unknown>): boolean {
    const expiresAt = item['expiresAt'];
    return typeof expiresAt === 'number' && expiresAt <= Date.now() / 1000;
  }

  /** @inheritdoc */
  async putMention(scored: ScoredMention): Promise<PutMentionResult> {
    const mention = storableScores(scored);
    const ttl = this.#retentionExpiry(mention.publishedAt);
    const shard = shardOf(mention.id);
    const day = utcDay(mention.publishedAt);
    let stored = mention;
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: marshall(
            {
              ...keys.mention(mention.id),
              GSI1PK: keys.timelinePk('*', day, shard),
              GSI1SK: keys.timelineSk(mention.publishedAt, mention.id),
              type: 'mention',
              counted: false,
              data: mention,
              expiresAt: ttl,
            },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ValidationException')
        throw new RejectedWriteError(`mention ${mention.id} refused by DynamoDB: ${error.message}`, {
          cause: error,
        });
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.#getRaw(keys.mention(mention.id));
      if (!existing) throw new TransientError(`mention ${mention.id} vanished after a conditional failure`);
      stored = ScoredMentionSchema.parse(existing['data']);
      if (existing['counted'] === true) return { status: 'duplicate', stored };
    }
    this.#afterWrite('mention');

    const entries = stored.matchedKeywords.map((keyword) => ({
      PutRequest: {
        Item: marshall(
          {
            PK: keys.timelinePk(keyword, day, shard),
            SK: keys.timelineSk(stored.publishedAt, stored.id),
            type: 'timeline',
            label: stored.sentiment.label,
            src: stored.source,
            topics: stored.topics,
            data: stored,
            expiresAt: ttl,
          },
          { removeUndefinedValues: true },
        ),
      },
    }));
    await this.#batchWrite(entries);
    this.#afterWrite('timeline');

    const idValue = Buffer.from(stored.id, 'hex');
    // Counters are independent items, each guarded on its own: update them in parallel.
    await Promise.all(
      seriesOf(stored).map(async (series) => {
        try {
          await this.#client.send(
            new UpdateItemCommand({
              TableName: this.#table,
              Key: marshall({
                PK: keys.counterPk(series, day),
                SK: keys.counterSk(utcHour(stored.publishedAt), shard),
              }),
              UpdateExpression: 'ADD #label :one, #total :one, #ids :idSet',
              ConditionExpression: 'NOT contains(#ids, :id)',
              ExpressionAttributeNames: {
                '#label': stored.sentiment.label,
                '#total': 'total',
                '#ids': 'ids',
              },
              ExpressionAttributeValues: {
                ':one': { N: '1' },
                ':idSet': { BS: [idValue] },
                ':id': { B: idValue },
              },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
        this.#afterWrite(`counter:${series}`);
      }),
    );

    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: marshall(keys.mention(stored.id)),
        UpdateExpression: 'SET counted = :t',
        ExpressionAttributeValues: { ':t': { BOOL: true } },
      }),
    );
    this.#afterWrite('counted');
    return { status: stored === mention ? 'new' : 'duplicate', stored };
  }

  /** @inheritdoc */
  async getMention(id: string): Promise<ScoredMention | undefined> {
    const item = await this.#getRaw(keys.mention(id));
    return item && !this.#expired(item) ? ScoredMentionSchema.parse(item['data']) : undefined;
  }

  /** @inheritdoc */
  async knownMentionIds(ids: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    const items = await this.#batchGet(
      unique.flatMap((id) => [keys.mention(id), keys.queued(id)]),
      'PK',
    );
    const known = new Set<string>();
    for (const item of items) {
      const pk = item['PK']?.S;
      if (pk) known.add(pk.slice(2));
    }
    return known;
  }

  /**
   * Every item of `itemKeys` that exists (`BatchGetItem`, 100 keys a call), retrying `UnprocessedKeys`
   * with jittered backoff (DynamoDB returns them under throttling; the SDK does not retry them).
   * @throws the last {@link TransientError} when keys stay unprocessed after 8 retries.
   */
  async #batchGet(
    itemKeys: readonly Record<string, string>[],
    projection?: string,
  ): Promise<Record<string, AttributeValue>[]> {
    const found: Record<string, AttributeValue>[] = [];
    for (let i = 0; i < itemKeys.length; i += 100) {
      let request: Record<string, AttributeValue>[] = itemKeys.slice(i, i + 100).map((k) => marshall(k));
      await pRetry(
        async () => {
          const out = await this.#client.send(
            new BatchGetItemCommand({
              RequestItems: {
                [this.#table]: { Keys: request, ...(projection ? { ProjectionExpression: projection } : {}) },
              },
            }),
          );
          found.push(...(out.Responses?.[this.#table] ?? []));
          const rest = out.UnprocessedKeys?.[this.#table]?.Keys ?? [];
          if (rest.length > 0) {
            request = rest;
            throw new TransientError(`${rest.length} keys unprocessed`);
          }
        },
        { retries: 8, minTimeout: 50, maxTimeout: 2_000, randomize: true },
      );
    }
    return found;
  }

  /**
   * Queued markers (`M#<id>`/`Q`, 14 days) and, for `stories`, story markers (`STORY#<key>`/`STORY`,
   * {@link STORY_HORIZON_DAYS} days) in the same batch writes. Plain puts, so a retry rewrites the same items;
   * a later claim of the same key (a recurring headline on another day) replaces the earlier one.
   */
  async markQueued(
    ids: readonly string[],
    nowMs: number,
    stories: readonly StoryClaim[] = [],
  ): Promise<void> {
    const nowSeconds = Math.floor(nowMs / 1000);
    const expiresAt = nowSeconds + QUEUED_MARKER_DAYS * DAY_SECONDS;
    const claims = new Map(stories.map((c) => [c.storyKey, c]));
    await this.#batchWrite([
      ...[...new Set(ids)].map((id) => ({
        PutRequest: { Item: marshall({ ...keys.queued(id), type: 'queued', expiresAt }) },
      })),
      ...[...claims.values()].map((c) => ({
        PutRequest: {
          Item: marshall({
            ...storyMarkerKey(c.storyKey),
            type: 'story',
            mentionId: c.mentionId,
            url: c.url,
            publishedAt: c.publishedAt,
            claimedAt: nowSeconds,
            expiresAt: nowSeconds + STORY_HORIZON_DAYS * DAY_SECONDS,
          }),
        },
      })),
    ]);
  }

  /**
   * `BatchGetItem` on the story markers; a marker whose `expiresAt` has passed is ignored, because DynamoDB
   * deletes expired items lazily (up to days later) and dynalite never does.
   */
  async knownStoryKeys(storyKeys: readonly string[], nowMs: number): Promise<Map<string, StoryClaim>> {
    const known = new Map<string, StoryClaim>();
    const nowSeconds = Math.floor(nowMs / 1000);
    const items = await this.#batchGet([...new Set(storyKeys)].map((k) => storyMarkerKey(k)));
    for (const raw of items) {
      const item = StoryMarkerSchema.parse(unmarshall(raw));
      if (item.expiresAt <= nowSeconds) continue;
      const storyKey = item.PK.slice(STORY_PREFIX.length);
      known.set(storyKey, {
        storyKey,
        mentionId: item.mentionId,
        url: item.url,
        publishedAt: item.publishedAt,
      });
    }
    return known;
  }

  /**
   * Newest first, over the day × shard timeline partitions, merged. The continuation is the last sort key
   * returned, so a page never repeats or skips an item even when shards are uneven.
   */
  async listMentions(query: ListMentionsQuery): Promise<MentionPage> {
    const timeline = query.keyword ?? '*';
    const upper = query.after ?? `${query.to}`;
    const items: { sk: string; mention: ScoredMention }[] = [];
    const days = daysBetween(query.from, query.to).reverse();
    for (const day of days) {
      if (day > upper.slice(0, 10)) continue;
      const need = query.limit + 1 - items.length;
      const perShard = await Promise.all(
        Array.from({ length: SHARDS }, (_, shard) =>
          this.#queryTimeline(timeline, day, shard, query, upper, need),
        ),
      );
      const merged = perShard.flat().sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
      items.push(...merged.slice(0, need));
      if (items.length > query.limit) break;
    }
    const page = items.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((i) => i.mention),
      ...(items.length > query.limit && last ? { next: last.sk } : {}),
    };
  }

  async #queryTimeline(
    timeline: string,
    day: string,
    shard: number,
    query: ListMentionsQuery,
    upperExclusive: string,
    need: number,
  ): Promise<{ sk: string; mention: ScoredMention }[]> {
    const values: Record<string, AttributeValue> = {
      ':pk': { S: keys.timelinePk(timeline, day, shard) },
      ':lo': { S: query.from },
      ':hi': { S: upperExclusive },
    };
    const isIndex = timeline === '*';
    const out: { sk: string; mention: ScoredMention }[] = [];
    for await (const item of this.#items({
      ...(isIndex ? { IndexName: 'GSI1' } : {}),
      KeyConditionExpression: isIndex
        ? 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi'
        : 'PK = :pk AND SK BETWEEN :lo AND :hi',
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: Math.max(need, 25),
    })) {
      const sk = String(isIndex ? item['GSI1SK'] : item['SK']);
      if (sk >= upperExclusive || this.#expired(item)) continue;
      const mention = ScoredMentionSchema.parse(item['data']);
      if (query.sentiment && mention.sentiment.label !== query.sentiment) continue;
      if (query.source && mention.source !== query.source) continue;
      if (query.topic && !mention.topics.includes(query.topic)) continue;
      out.push({ sk, mention });
      if (out.length >= need) break;
    }
    return out;
  }

  /** @inheritdoc */
  async hourlyCounts(series: string, from: string, to: string): Promise<HourlyCount[]> {
    const byHour = new Map<string, SentimentCounts>();
    for (const day of daysBetween(from, to)) {
      for await (const item of this.#items({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: keys.counterPk(series, day) } },
        ProjectionExpression: 'SK, POSITIVE, NEGATIVE, NEUTRAL, MIXED',
      })) {
        const hour = `${day}T${String(item['SK']).slice(0, 2)}:00:00.000Z`;
        const counts = byHour.get(hour) ?? zeroCounts();
        for (const label of SENTIMENT_LABELS) counts[label] += Number(item[label] ?? 0);
        byHour.set(hour, counts);
      }
    }
    const out: HourlyCount[] = [];
    const start = Math.floor(Date.parse(from) / 3_600_000) * 3_600_000;
    for (let t = start; t < Date.parse(to); t += 3_600_000) {
      const hour = new Date(t).toISOString();
      const counts = byHour.get(hour) ?? zeroCounts();
      out.push({ hour, counts, total: SENTIMENT_LABELS.reduce((s, l) => s + counts[l], 0) });
    }
    return out;
  }

  /** @inheritdoc */
  async getSourceState(sourceId: string): Promise<SourceState | undefined> {
    const item = await this.#getRaw(keys.sourceState(sourceId));
    return item ? (item['data'] as SourceState) : undefined;
  }

  /** @inheritdoc */
  async putSourceState(state: SourceState): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall(
          { ...keys.sourceState(state.sourceId), type: 'sourceState', data: state },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  /** @inheritdoc */
  async recordSourceRun(run: SourceRun): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall(
          {
            PK: keys.sourceRunPk(utcDay(run.at)),
            SK: `${run.at}#${run.sourceId}`,
            type: 'sourceRun',
            data: run,
            expiresAt: epochSeconds(run.at) + SOURCE_RUN_DAYS * DAY_SECONDS,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  /** @inheritdoc */
  async listSourceRuns(from: string, to: string): Promise<SourceRun[]> {
    const items = await this.#queryDays(keys.sourceRunPk, from, to);
    return items.map((i) => i['data'] as SourceRun);
  }

  /** @inheritdoc */
  async recordDetectionRun(run: DetectionRun): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall(
          {
            PK: keys.detectionRunPk(utcDay(run.at)),
            SK: run.at,
            type: 'detectionRun',
            data: run,
            expiresAt: epochSeconds(run.at) + SOURCE_RUN_DAYS * DAY_SECONDS,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  /** @inheritdoc */
  async listDetectionRuns(from: string, to: string): Promise<DetectionRun[]> {
    const items = await this.#queryDays(keys.detectionRunPk, from, to);
    return items
      .map((i) => i['data'] as DetectionRun)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** @inheritdoc */
  async putRejected(message: RejectedMessage): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall({
          PK: keys.rejectedPk(utcDay(message.at)),
          SK: `${message.at}#${message.messageId}`,
          type: 'rejected',
          data: { ...message, body: message.body.slice(0, 65_536) },
          expiresAt: epochSeconds(message.at) + REJECTED_DAYS * DAY_SECONDS,
        }),
      }),
    );
  }

  /** @inheritdoc */
  async listRejected(from: string, to: string): Promise<RejectedMessage[]> {
    const items = await this.#queryDays(keys.rejectedPk, from, to);
    return items.map((i) => i['data'] as RejectedMessage);
  }

  /** @inheritdoc */
  async putLabel(label: AnalystLabel): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall(
          {
            ...keys.label(label.mentionId, label.at),
            GSI1PK: keys.labelIndexPk(label.at.slice(0, 7)),
            GSI1SK: `${label.at}#${label.mentionId}`,
            type: 'label',
            data: label,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  /** @inheritdoc */
  async listLabels(mentionId: string): Promise<AnalystLabel[]> {
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': { S: `M#${mentionId}` }, ':p': { S: 'LABEL#' } },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((raw) => unmarshall(raw)['data'] as AnalystLabel);
  }

  /** @inheritdoc */
  async exportLabels(from: string, to: string): Promise<AnalystLabel[]> {
    const out: AnalystLabel[] = [];
    for (const month of monthsBetween(from, to)) {
      for await (const item of this.#items({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':pk': { S: keys.labelIndexPk(month) },
          ':lo': { S: from },
          ':hi': { S: to },
        },
      })) {
        const label = item['data'] as AnalystLabel;
        if (label.at >= from && label.at < to) out.push(label);
      }
    }
    return out;
  }

  /** @inheritdoc */
  async putAlert(alert: Alert): Promise<{ created: boolean; stored: Alert & { publishedAt?: string } }> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: marshall(
            {
              ...keys.alert(alert.windowStart, alert.seriesId),
              type: 'alert',
              data: alert,
              // Its narratives quote up to 280 characters of example posts: it expires with the first of them.
              expiresAt: await this.#quotingExpiry(
                this.#retentionExpiry(alert.windowEnd),
                alert.narratives.flatMap((n) => n.examples.map((e) => e.id)),
              ),
            },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, stored: alert };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.getAlert(alert.id);
      if (!stored) throw new TransientError(`alert ${alert.id} vanished after a conditional failure`);
      return { created: false, stored };
    }
  }

  /** @inheritdoc */
  async getAlert(id: string): Promise<(Alert & { publishedAt?: string }) | undefined> {
    const [windowStart, seriesId] = splitAlertId(id);
    if (!windowStart || !seriesId) return undefined;
    const item = await this.#getRaw(keys.alert(windowStart, seriesId));
    return item && !this.#expired(item) ? toAlert(item) : undefined;
  }

  /** @inheritdoc */
  async markAlertPublished(id: string, at: string): Promise<void> {
    const [windowStart, seriesId] = splitAlertId(id);
    if (!windowStart || !seriesId) throw new NotFoundError(`alert ${id} not found`);
    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: marshall(keys.alert(windowStart, seriesId)),
        UpdateExpression: 'SET publishedAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': { S: at } },
      }),
    );
  }

  /** @inheritdoc */
  async listAlerts(from: string, to: string): Promise<(Alert & { publishedAt?: string })[]> {
    const out: (Alert & { publishedAt?: string })[] = [];
    for (const month of monthsBetween(from, to).reverse()) {
      for await (const item of this.#items({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': { S: `A#${month}` }, ':lo': { S: from }, ':hi': { S: to } },
        ScanIndexForward: false,
      })) {
        if (this.#expired(item)) continue;
        const alert = toAlert(item);
        if (alert.windowStart >= from && alert.windowStart < to) out.push(alert);
      }
    }
    return out;
  }

  /** @inheritdoc */
  async acknowledgeAlert(id: string, ack: Acknowledgement): Promise<Alert> {
    const [windowStart, seriesId] = splitAlertId(id);
    if (!windowStart || !seriesId) throw new NotFoundError(`alert ${id} not found`);
    try {
      const result = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: marshall(keys.alert(windowStart, seriesId)),
          UpdateExpression: 'SET #data.#ack = :ack',
          // An alert past its retention is gone for readers (#expired), so for acknowledgements too.
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
          ExpressionAttributeNames: { '#data': 'data', '#ack': 'acknowledgement' },
          ExpressionAttributeValues: {
            ':ack': { M: marshall(ack, { removeUndefinedValues: true }) },
            ':now': { N: String(Math.floor(Date.now() / 1000)) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toAlert(unmarshall(result.Attributes ?? {}));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new NotFoundError(`alert ${id} not found`, { cause: error });
      throw error;
    }
  }

  /** @inheritdoc */
  async getSeriesState(seriesId: string): Promise<StoredSeriesState | undefined> {
    const item = await this.#getRaw(keys.seriesState(seriesId));
    if (!item) return undefined;
    const stored = { seriesId, version: Number(item['version']), state: item['state'] };
    return item['seen'] === undefined ? stored : { ...stored, seen: item['seen'] };
  }

  /**
   * @inheritdoc
   * @throws {RejectedWriteError} when the state holds a number DynamoDB cannot store (non-finite, or a
   * magnitude outside 1e-130 … 2^53 − 1; the message names the field), or DynamoDB refuses the item; nothing
   * is written then, and the stored state stays as it was. The same check applies to `seen`.
   */
  async putSeriesState(
    seriesId: string,
    state: unknown,
    expectedVersion: number,
    seen?: unknown,
  ): Promise<boolean> {
    const bad = unstorableNumber(state, 'state') ?? unstorableNumber(seen, 'seen');
    if (bad) {
      throw new RejectedWriteError(
        `detector state ${seriesId} not written: ${bad.path} is ${bad.value}, outside what DynamoDB stores (0, or a magnitude from 1e-130 to 2^53 − 1)`,
      );
    }
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: marshall(
            {
              ...keys.seriesState(seriesId),
              type: 'seriesState',
              version: expectedVersion + 1,
              state,
              ...(seen === undefined ? {} : { seen }),
            },
            { removeUndefinedValues: true, convertClassInstanceToMap: true },
          ),
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if (error instanceof Error && error.name === 'ValidationException')
        throw new RejectedWriteError(`detector state ${seriesId} refused by DynamoDB: ${error.message}`, {
          cause: error,
        });
      throw error;
    }
  }

  /**
   * The expiry (epoch seconds) of an item quoting `mentionIds`: `own`, or earlier when one of those mentions
   * expires sooner (a mention stored before the item; one absent or already deleted does not count).
   */
  async #quotingExpiry(own: number, mentionIds: readonly string[]): Promise<number> {
    let expiry = own;
    const items = await this.#batchGet(
      [...new Set(mentionIds)].map((id) => keys.mention(id)),
      'expiresAt',
    );
    for (const item of items) {
      const expiresAt = Number(item['expiresAt']?.N);
      if (Number.isFinite(expiresAt)) expiry = Math.min(expiry, expiresAt);
    }
    return expiry;
  }

  /** @inheritdoc */
  async putDigest(digest: StoredDigest, quotedMentionIds: readonly string[] = []): Promise<void> {
    // It quotes mention titles (up to 160 characters), so it expires no later than the first mention it may
    // quote, and a rebuild never moves the expiry later (QA: a re-run on day 89 kept titles until day 179;
    // a digest first built 10 days after its mentions were stored outlived them by 10 days).
    const existing = await this.#getRaw(keys.digest(digest.date));
    const own = this.#retentionExpiry(`${digest.date}T00:00:00.000Z`);
    const earlier = typeof existing?.['expiresAt'] === 'number' ? existing['expiresAt'] : own;
    const expiresAt = await this.#quotingExpiry(Math.min(own, earlier), quotedMentionIds);
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall(
          {
            ...keys.digest(digest.date),
            type: 'digest',
            data: { ...digest, data: JSON.stringify(digest.data) },
            expiresAt,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }

  /** @inheritdoc */
  async deleteDigest(date: string): Promise<void> {
    await this.#client.send(
      new DeleteItemCommand({ TableName: this.#table, Key: marshall(keys.digest(date)) }),
    );
  }

  /** @inheritdoc */
  async getDigest(date: string): Promise<StoredDigest | undefined> {
    const item = await this.#getRaw(keys.digest(date));
    if (!item || this.#expired(item)) return undefined;
    const data = item['data'] as StoredDigest & { data: string };
    return { ...data, data: JSON.parse(data.data) };
  }

  /** True when the alert was delivered to `channel` before (notify retries skip it). */
  async wasDelivered(alertId: string, channel: string): Promise<boolean> {
    return (await this.#getRaw(keys.delivery(alertId, channel))) !== undefined;
  }

  /** Record a successful delivery of an alert to one channel (kept 30 days). */
  async recordDelivery(alertId: string, channel: string, at: string): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: marshall({
          ...keys.delivery(alertId, channel),
          type: 'delivery',
          at,
          expiresAt: epochSeconds(at) + REJECTED_DAYS * DAY_SECONDS,
        }),
      }),
    );
  }

  /** Every item of a query, page after page (Limit applies per page, before any filter). */
  async *#items(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const result = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          ...input,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const raw of result.Items ?? []) yield unmarshall(raw);
      startKey = result.LastEvaluatedKey;
    } while (startKey);
  }

  async #getRaw(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const result = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: marshall(key), ConsistentRead: true }),
    );
    return result.Item ? unmarshall(result.Item) : undefined;
  }

  async #queryDays(
    pkOf: (day: string) => string,
    from: string,
    to: string,
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const day of daysBetween(from, to)) {
      for await (const item of this.#items({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': { S: pkOf(day) }, ':lo': { S: from }, ':hi': { S: to } },
      })) {
        if (String(item['SK']) < to) out.push(item);
      }
    }
    return out;
  }

  /** BatchWriteItem in chunks of 25, retrying `UnprocessedItems` with jittered backoff. */
  async #batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending = requests.slice(i, i + 25);
      await pRetry(
        async () => {
          const out = await this.#client.send(
            new BatchWriteItemCommand({ RequestItems: { [this.#table]: pending } }),
          );
          const rest = out.UnprocessedItems?.[this.#table] ?? [];
          if (rest.length > 0) {
            pending = rest;
            throw new TransientError(`${rest.length} items unprocessed`);
          }
        },
        { retries: 8, minTimeout: 50, maxTimeout: 2_000, randomize: true },
      );
    }
  }
}

function splitAlertId(id: string): [string | undefined, string | undefined] {
  const at = id.indexOf('~');
  return at < 0 ? [undefined, undefined] : [id.slice(0, at), id.slice(at + 1)];
}

function toAlert(item: Record<string, unknown>): Alert & { publishedAt?: string } {
  const alert = AlertSchema.parse(item['data']);
  const publishedAt = typeof item['publishedAt'] === 'string' ? item['publishedAt'] : undefined;
  return publishedAt ? { ...alert, publishedAt } : alert;
}
