import {
  BatchDetectSentimentCommand,
  ComprehendClient,
  TooManyRequestsException,
} from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/classify/app.ts';
import { ComprehendAnalyzer } from '#shared/adapters/aws/comprehend.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { drainQueue, InProcessQueue, toSqsEvent } from '#shared/adapters/local/in-process-queue.ts';
import type { LanguageDecision } from '#shared/domain/language.ts';
import type { Mention } from '#shared/domain/mention.ts';
import { RejectedWriteError } from '#shared/errors.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { KeywordAnalyzer } from '../../helpers/analyzers.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';

const comprehendMock = mockClient(ComprehendClient);
let db: EmbeddedDynamo;
let seq = 0;

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'classify-test' });
});
afterAll(async () => {
  await db.close();
});
beforeEach(() => comprehendMock.reset());

function mention(n: number, text: string, lang = 'id'): Mention {
  const { sentiment: _s, topics: _t, classifiedAt: _c, ...m } = scoredMention(n, { text, lang });
  return m;
}

/** Language routing stand-in: English when the text says "road", Indonesian otherwise. */
function route(text: string): LanguageDecision {
  return /\broad\b/.test(text)
    ? { lang: 'en', route: 'comprehend', confidence: 1 }
    : { lang: 'id', route: 'embedded', confidence: 1 };
}

async function setup(options: { comprehend?: boolean; failPutFor?: string; refusePutFor?: string } = {}) {
  const tableName = `classify-${++seq}`;
  await ensureTable(db.client, tableName);
  const store = new DynamoStore({ client: db.client, tableName });
  const log = new RecordingLog();
  const metrics = new MemoryMetricSink();
  const embedded = new KeywordAnalyzer();
  const handler = createHandler({
    store: {
      putRejected: (m) => store.putRejected(m),
      putMention: async (m) => {
        if (m.id === options.failPutFor) throw new Error('DynamoDB unavailable');
        if (m.id === options.refusePutFor)
          throw new RejectedWriteError(`mention ${m.id} refused: Number underflow`);
        return store.putMention(m);
      },
    },
    embedded,
    ...(options.comprehend
      ? {
          comprehend: new ComprehendAnalyzer({
            client: new ComprehendClient({ region: 'ap-southeast-1' }),
            sleep: async () => {},
          }),
        }
      : {}),
    detectLanguage: route,
    matchTopics: (text) => (/jalan/i.test(text) ? ['infrastruktur'] : []),
    log,
    metrics,
    clock: fixedClock(Date.parse('2026-11-30T05:00:00.000Z')),
  });
  return { handler, store, log, metrics, embedded };
}

describe('classify handler', () => {
  it('stores good mentions and keeps a poison message with its reason, without failing the batch', async () => {
    const { handler, store, log, metrics } = await setup();
    const queue = new InProcessQueue();
    const good = [mention(1, 'Jalan rusak di Majalengka'), mention(2, 'Festival budaya Majalengka')];
    await queue.send(good);
    const poisonId = queue.sendRaw('{"id": "not-a-mention"');
    const schemaPoisonId = queue.sendRaw(JSON.stringify({ ...good[0], url: 'javascript:alert(1)' }));

    const response = await handler(toSqsEvent(queue.receive(10)), lambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect((await store.getMention(good[0]!.id))?.sentiment.label).toBe('NEGATIVE');
    expect((await store.getMention(good[0]!.id))?.topics).toEqual(['infrastruktur']);
    expect((await store.getMention(good[1]!.id))?.sentiment.label).toBe('NEUTRAL');
    const rejected = await store.listRejected('2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(rejected.map((r) => [r.messageId, r.code]).sort()).toEqual(
      [
        [poisonId, 'INVALID_JSON'],
        [schemaPoisonId, 'INVALID_MENTION'],
      ].sort(),
    );
    expect(rejected.find((r) => r.messageId === schemaPoisonId)?.reason).toContain('url');
    expect(metrics.sum('MessagesRejected')).toBe(2);
    expect(
      log
        .find('Rejected a poison message')
        .map((e) => e.context['messageId'])
        .sort(),
    ).toEqual([poisonId, schemaPoisonId].sort());
  });

  it('keeps a mention the store refuses (a value DynamoDB cannot hold) as rejected at once, not after five redeliveries', async () => {
    const refused = mention(40, 'Jalan rusak parah sekali');
    const fine = mention(41, 'Festival budaya Majalengka');
    const { handler, store, metrics } = await setup({ refusePutFor: refused.id });
    const queue = new InProcessQueue();
    await queue.send([refused, fine]);
    const response = await handler(toSqsEvent(queue.receive(10)), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(await store.getMention(fine.id)).toBeDefined();
    const rejected = await store.listRejected('2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(rejected.map((r) => r.code)).toEqual(['STORE_REJECTED']);
    expect(rejected[0]?.reason).toContain('Number underflow');
    expect(JSON.parse(rejected[0]!.body).id).toBe(refused.id);
    expect(metrics.sum('MessagesRejected')).toBe(1);
  });

  it('treats a duplicate delivery as a no-op: stored once, counted once', async () => {
    const { handler, store, log } = await setup();
    const m = mention(3, 'Jalan rusak lagi');
    const queue = new InProcessQueue();
    await queue.send([m]);
    await queue.send([m]);
    const response = await handler(toSqsEvent(queue.receive(10)), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    const statuses = log.find('Classified mention').map((e) => e.context['status']);
    expect(statuses.sort()).toEqual(['duplicate', 'new']);
    const hours = await store.hourlyCounts('all', '2026-11-30T03:00:00.000Z', '2026-11-30T04:00:00.000Z');
    expect(hours[0]?.counts.NEGATIVE).toBe(1);
  });

  it('sends Comprehend languages to Comprehend and falls back to the embedded model on a per-item error', async () => {
    comprehendMock.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => ({
      ResultList: input.TextList.flatMap((t, Index) =>
        t.includes('bad')
          ? []
          : [
              {
                Index,
                Sentiment: 'POSITIVE',
                SentimentScore: { Positive: 0.97, Negative: 0.01, Neutral: 0.01, Mixed: 0.01 },
              },
            ],
      ),
      ErrorList: input.TextList.flatMap((t, Index) =>
        t.includes('bad') ? [{ Index, ErrorCode: 'INVALID_REQUEST', ErrorMessage: 'bad doc' }] : [],
      ),
    }));
    const { handler, store, embedded, metrics } = await setup({ comprehend: true });
    const en = mention(10, 'The new road is great', 'en');
    const enBad = mention(11, 'The road is bad and rusak', 'en');
    const id = mention(12, 'Jalan rusak');
    const queue = new InProcessQueue();
    await queue.send([en, enBad, id]);
    const response = await handler(toSqsEvent(queue.receive(10)), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.getMention(en.id))?.sentiment.model).toBe('comprehend');
    expect((await store.getMention(enBad.id))?.sentiment.model).toBe('test-embedded');
    expect((await store.getMention(enBad.id))?.lang).toBe('en');
    expect(embedded.seen.map((d) => d.id).sort()).toEqual([enBad.id, id.id].sort());
    expect(metrics.sum('ComprehendUnits')).toBe(6);
  });

  it('asks for the news reading for news-feed items, the social one for social posts, and lets replay decide', async () => {
    const { handler, embedded } = await setup();
    const rss = { ...mention(20, 'Banjir rendam tiga desa'), sourceKind: 'rss' as const };
    const gnews = { ...mention(21, 'Jalan rusak lagi'), sourceKind: 'google-news' as const };
    const post = {
      ...mention(22, 'Terima Kasih BPBD Sudah Sigap Evakuasi Korban Longsor'),
      sourceKind: 'mastodon' as const,
    };
    const replay = { ...mention(23, 'Jalan Rusak Di Majalengka'), sourceKind: 'replay' as const };
    const queue = new InProcessQueue();
    await queue.send([rss, gnews, post, replay]);
    await handler(toSqsEvent(queue.receive(10)), lambdaContext());
    const genres = Object.fromEntries(embedded.seen.map((d) => [d.id, d.genre]));
    expect(genres).toEqual({
      [rss.id]: 'news',
      [gnews.id]: 'news',
      [post.id]: 'social',
      [replay.id]: 'auto',
    });
  });

  it('returns throttled Comprehend records as batchItemFailures and keeps the rest', async () => {
    comprehendMock
      .on(BatchDetectSentimentCommand)
      .rejects(new TooManyRequestsException({ message: 'slow', $metadata: {} }));
    const { handler, store, metrics } = await setup({ comprehend: true });
    const en = mention(20, 'The road is closed', 'en');
    const id = mention(21, 'Jalan ditutup');
    const queue = new InProcessQueue();
    await queue.send([en, id]);
    const received = queue.receive(10);
    const response = await handler(toSqsEvent(received), lambdaContext(4_000));
    const enMessage = received.find((r) => JSON.parse(r.body).id === en.id);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: enMessage?.messageId }]);
    expect(await store.getMention(en.id)).toBeUndefined();
    expect(await store.getMention(id.id)).toBeDefined();
    // Counted, so sustained throttling is alarmed (comprehend-throttled), not only visible in logs.
    expect(metrics.sum('ComprehendThrottled')).toBe(1);
  });

  it('fails only the record whose store write failed, logging it with its message id', async () => {
    const bad = mention(30, 'satu');
    const { handler, log } = await setup({ failPutFor: bad.id });
    const queue = new InProcessQueue();
    await queue.send([bad, mention(31, 'dua')]);
    const received = queue.receive(10);
    const response = await handler(toSqsEvent(received), lambdaContext());
    const badMessage = received.find((r) => JSON.parse(r.body).id === bad.id);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: badMessage?.messageId }]);
    expect(log.find('Record failed').map((e) => e.context['messageId'])).toEqual([badMessage?.messageId]);
  });

  it('lands a message that keeps failing in the DLQ after maxReceiveCount, losing nothing', async () => {
    const bad = mention(40, 'tiga');
    const { handler, store } = await setup({ failPutFor: bad.id });
    const dlq = new InProcessQueue({ name: 'dlq' });
    const queue = new InProcessQueue({ deadLetterQueue: dlq, maxReceiveCount: 5 });
    await queue.send([bad, mention(41, 'empat')]);
    const report = await drainQueue(queue, handler, lambdaContext());
    expect(report.deadLettered).toBe(1);
    expect(JSON.parse(dlq.bodies()[0] ?? '{}').id).toBe(bad.id);
    expect(await store.getMention(mention(41, 'empat').id)).toBeDefined();
  });
});
