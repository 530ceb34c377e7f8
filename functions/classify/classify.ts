/**
 * The classify use case: one SQS batch of mentions → language routing → sentiment (embedded model or
 * Comprehend) → topics → idempotent store. Depends on ports only.
 *
 * Failure model (nothing is lost, nothing cycles forever):
 * - poison (not JSON, not a valid Mention) → kept in the store as rejected with its reason, then deleted;
 * - a document Comprehend cannot take (language, size, per-item error) → scored by the embedded model;
 * - transient trouble (throttling past the deadline, a store error) → the record is reported in
 *   `batchItemFailures` and SQS redelivers it; after `maxReceiveCount` receives it lands in the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { LanguageDecision } from '#shared/domain/language.ts';
import {
  type Mention,
  MentionSchema,
  type ScoredMention,
  type Sentiment,
  type SourceKind,
} from '#shared/domain/mention.ts';
import type { TextGenre } from '#shared/domain/sentiment/model.ts';
import { RejectedWriteError, TransientError } from '#shared/errors.ts';
import { errorMessage, type Log, type MetricSink } from '#shared/observability.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MentionStore } from '#shared/ports/mention-store.ts';
import type { SentimentAnalyzer, SentimentDocument } from '#shared/ports/sentiment-analyzer.ts';

export interface ClassifyDeps {
  readonly store: Pick<MentionStore, 'putMention' | 'putRejected'>;
  /** Pantau's embedded model: every language it is given, and the fallback for Comprehend failures. */
  readonly embedded: SentimentAnalyzer;
  /** Amazon Comprehend, for the languages it supports; absent locally (then the embedded model scores all). */
  readonly comprehend?: SentimentAnalyzer;
  readonly detectLanguage: (text: string, hint?: string) => LanguageDecision;
  readonly matchTopics: (text: string) => string[];
  readonly log: Log;
  readonly metrics: MetricSink;
  readonly clock: Clock;
}

/** Why a message was rejected as poison. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(
    readonly code: 'INVALID_JSON' | 'INVALID_MENTION',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Parsed = { record: SQSRecord; mention: Mention } | { record: SQSRecord; poison: PoisonMessageError };

function parseRecord(record: SQSRecord): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (cause) {
    return { record, poison: new PoisonMessageError('INVALID_JSON', 'body is not JSON', { cause }) };
  }
  const result = MentionSchema.safeParse(body);
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { record, poison: new PoisonMessageError('INVALID_MENTION', detail, { cause: result.error }) };
  }
  return { record, mention: result.data };
}

/** The text a mention is scored on: title and body, without repeating a title the body starts with. */
export function scoringText(mention: Pick<Mention, 'title' | 'text'>): string {
  const title = mention.title?.trim();
  if (!title || mention.text.startsWith(title)) return mention.text;
  return `${title}. ${mention.text}`;
}

/** Source kinds whose items are news articles (headline + summary), read with the model's news decision. */
const NEWS_SOURCE_KINDS: ReadonlySet<SourceKind> = new Set(['rss', 'google-news']);
/**
 * Source kinds whose items are posts and comments: read with the social block, never as news, even in Title
 * Case; `pantau export-labels` marks their corrections `domain: "social"`.
 */
export const SOCIAL_SOURCE_KINDS: ReadonlySet<SourceKind> = new Set([
  'mastodon',
  'bluesky',
  'reddit',
  'x',
  'youtube',
]);

/**
 * How the embedded model reads a mention: `news` for items of news feeds (RSS/Atom, Google News), whose
 * text is a headline plus a summary in sentence case, so the headline shape alone would not show it;
 * `social` for social posts and comments (since model 2026.12.4: the general rules over the general weights
 * plus the social block, which reads sarcasm on posts; never news, as Title Case there is a writing habit,
 * "Terima Kasih BPBD Sudah Sigap…", not a headline); `auto` for replay, which may hold either, so a Title Case headline is read as
 * news. Why news is read differently: `docs/model-card.md`, "News headlines".
 */
export function textGenre(mention: Pick<Mention, 'sourceKind'>): TextGenre {
  if (NEWS_SOURCE_KINDS.has(mention.sourceKind)) return 'news';
  return SOCIAL_SOURCE_KINDS.has(mention.sourceKind) ? 'social' : 'auto';
}

/**
 * Classify and store one batch; returns the SQS partial batch response.
 * @param options.remainingTimeMs the Lambda's remaining time (Comprehend retries stop before it runs out).
 */
export async function classifyRecords(
  records: readonly SQSRecord[],
  deps: ClassifyDeps,
  options: { remainingTimeMs?: () => number } = {},
): Promise<SQSBatchResponse> {
  const parsed = new Map(records.map((r) => [r.messageId, parseRecord(r)]));

  const routes = new Map<string, LanguageDecision>();
  const toComprehend: SentimentDocument[] = [];
  const toEmbedded: SentimentDocument[] = [];
  for (const p of parsed.values()) {
    if (!('mention' in p)) continue;
    const text = scoringText(p.mention);
    const decision = deps.detectLanguage(text, p.mention.lang);
    routes.set(p.mention.id, decision);
    const doc: SentimentDocument = {
      id: p.mention.id,
      text,
      lang: decision.lang,
      genre: textGenre(p.mention),
    };
    (decision.route === 'comprehend' && deps.comprehend ? toComprehend : toEmbedded).push(doc);
  }

  const verdicts = new Map<string, { sentiment: Sentiment } | { transient: string }>();
  if (toComprehend.length > 0 && deps.comprehend) {
    const unitsBefore = deps.comprehend.unitsUsed ?? 0;
    const outcomes = await deps.comprehend.analyze(toComprehend, options);
    const units = (deps.comprehend.unitsUsed ?? 0) - unitsBefore;
    if (units > 0) deps.metrics.count('ComprehendUnits', units);
    deps.log.info('Comprehend batch scored', {
      documents: toComprehend.length,
      units,
      costUsd: units * 0.0001,
    });
    const byId = new Map(toComprehend.map((d) => [d.id, d]));
    const throttled = outcomes.filter((o) => !o.ok && o.code === 'THROTTLED').length;
    if (throttled > 0) deps.metrics.count('ComprehendThrottled', throttled);
    for (const outcome of outcomes) {
      if (outcome.ok) verdicts.set(outcome.id, { sentiment: outcome.sentiment });
      else if (outcome.retryable)
        verdicts.set(outcome.id, { transient: `${outcome.code}: ${outcome.error}` });
      else {
        deps.log.warn('Comprehend could not score a mention; using the embedded model', {
          mentionId: outcome.id,
          code: outcome.code,
          error: outcome.error,
        });
        const doc = byId.get(outcome.id);
        if (doc) toEmbedded.push(doc);
      }
    }
  }
  for (const outcome of await deps.embedded.analyze(toEmbedded, options)) {
    verdicts.set(
      outcome.id,
      outcome.ok ? { sentiment: outcome.sentiment } : { transient: `${outcome.code}: ${outcome.error}` },
    );
  }

  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    { Records: [...records] },
    async (record: SQSRecord) => {
      try {
        await handleRecord(record);
      } catch (error) {
        deps.log.error('Record failed; SQS will redeliver it', {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: errorMessage(error),
        });
        throw error;
      }
    },
    processor,
    { throwOnFullBatchFailure: false },
  );

  /** Keep a message that can never be stored, with its reason, in the table's rejected items. */
  async function reject(record: SQSRecord, code: string, reason: string): Promise<void> {
    await deps.store.putRejected({
      messageId: record.messageId,
      at: new Date(deps.clock.now()).toISOString(),
      reason,
      code,
      body: record.body,
    });
    deps.metrics.count('MessagesRejected', 1);
    deps.log.warn('Rejected a poison message; kept it with its reason', {
      messageId: record.messageId,
      code,
      reason,
      receiveCount: record.attributes.ApproximateReceiveCount,
    });
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    const p = parsed.get(record.messageId);
    if (!p) throw new Error(`record ${record.messageId} was not parsed`);
    if ('poison' in p) {
      await reject(record, p.poison.code, p.poison.message);
      return;
    }
    const verdict = verdicts.get(p.mention.id);
    if (!verdict || 'transient' in verdict) {
      throw new TransientError(
        `mention ${p.mention.id} not scored: ${verdict ? verdict.transient : 'no verdict'}`,
      );
    }
    const route = routes.get(p.mention.id);
    const scored: ScoredMention = {
      ...p.mention,
      lang: route && route.lang !== 'und' ? route.lang : p.mention.lang,
      sentiment: verdict.sentiment,
      topics: deps.matchTopics(scoringText(p.mention)),
      classifiedAt: new Date(deps.clock.now()).toISOString(),
    };
    let result: Awaited<ReturnType<typeof deps.store.putMention>>;
    try {
      result = await deps.store.putMention(scored);
    } catch (error) {
      // The store refused the item itself: every redelivery would fail the same way, so keep it aside now.
      if (!(error instanceof RejectedWriteError)) throw error;
      await reject(record, 'STORE_REJECTED', error.message);
      return;
    }
    deps.metrics.count('MentionsClassified', 1, { scorer: verdict.sentiment.model });
    if (result.status === 'new') deps.metrics.count('MentionsStored', 1);
    deps.log.info('Classified mention', {
      mentionId: scored.id,
      messageId: record.messageId,
      source: scored.source,
      lang: scored.lang,
      label: result.stored.sentiment.label,
      scorer: result.stored.sentiment.model,
      status: result.status,
    });
  }
}
