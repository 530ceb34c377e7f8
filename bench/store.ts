/**
 * Store writes: Pantau's `putMention` (put-if-absent + timeline + exactly-once counters) against the naive
 * design a first version would write — `PutItem` + unconditional `ADD` per series — on the same in-process
 * dynalite. Reports ms per mention, DynamoDB requests per mention, and what a redelivery does to each
 * design's counters. Run: `npx tsx bench/store.ts` (also part of `npm run bench`).
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoStore, seriesOf } from '#shared/adapters/aws/dynamo-store.ts';
import { ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { mentionId, type ScoredMention } from '#shared/domain/mention.ts';

function mention(i: number): ScoredMention {
  const url = `https://news.example.id/berita/${i}`;
  return {
    id: mentionId(url),
    source: 'rss-bench',
    sourceKind: 'rss',
    url,
    author: {},
    title: `Jalan rusak di Majalengka ${i}`,
    text: `Warga mengeluhkan jalan rusak di Majalengka, laporan nomor ${i}.`,
    lang: 'id',
    publishedAt: new Date(Date.parse('2026-11-30T00:00:00.000Z') + i * 37_000).toISOString(),
    publishedAtEstimated: false,
    fetchedAt: '2026-11-30T12:00:00.000Z',
    matchedKeywords: ['majalengka', 'jalan'],
    matchedBy: 'text',
    engagement: {},
    sentiment: {
      label: 'NEGATIVE',
      scores: { Positive: 0.1, Negative: 0.8, Neutral: 0.1, Mixed: 0 },
      model: 'bench',
      modelVersion: '1',
    },
    topics: ['infrastruktur'],
    classifiedAt: '2026-11-30T12:00:01.000Z',
  };
}

export async function main(n = 500): Promise<Record<string, number>> {
  const db = await startEmbeddedDynamo({ tableName: 'bench-store' });
  let requests = 0;
  db.client.middlewareStack.add(
    (next) => async (args) => {
      requests++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  try {
    await ensureTable(db.client, 'bench-naive');
    const store = new DynamoStore({ client: db.client, tableName: 'bench-store' });
    const mentions = Array.from({ length: n }, (_, i) => mention(i));

    requests = 0;
    let start = performance.now();
    for (const m of mentions) await store.putMention(m);
    const oursMs = (performance.now() - start) / n;
    const oursRequests = requests / n;
    for (const m of mentions.slice(0, 50)) await store.putMention(m);
    const ours = await store.hourlyCounts('all', '2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');

    const naive = async (m: ScoredMention) => {
      await db.client.send(
        new PutItemCommand({
          TableName: 'bench-naive',
          Item: marshall({ PK: `M#${m.id}`, SK: 'M', data: m }, { removeUndefinedValues: true }),
        }),
      );
      for (const s of seriesOf(m)) {
        await db.client.send(
          new UpdateItemCommand({
            TableName: 'bench-naive',
            Key: marshall({ PK: `C#${s}#${m.publishedAt.slice(0, 10)}`, SK: m.publishedAt.slice(11, 13) }),
            UpdateExpression: 'ADD #l :one',
            ExpressionAttributeNames: { '#l': m.sentiment.label },
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        );
      }
    };
    requests = 0;
    start = performance.now();
    for (const m of mentions) await naive(m);
    const naiveMs = (performance.now() - start) / n;
    const naiveRequests = requests / n;
    for (const m of mentions.slice(0, 50)) await naive(m);
    const naiveStore = new DynamoStore({ client: db.client, tableName: 'bench-naive' });
    const naiveCounts = await naiveStore.hourlyCounts(
      'all',
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    );

    const total = (h: { counts: { NEGATIVE: number } }[]) => h.reduce((s, x) => s + x.counts.NEGATIVE, 0);
    console.log(`store writes, ${n} mentions (2 keywords, 1 topic each), dynalite in-process:`);
    console.log(
      `  pantau putMention: ${oursMs.toFixed(2)} ms/mention, ${oursRequests.toFixed(1)} requests/mention; after 50 redeliveries the 'all' counter says ${total(ours)} (exact: ${n})`,
    );
    console.log(
      `  naive Put + ADD:   ${naiveMs.toFixed(2)} ms/mention, ${naiveRequests.toFixed(1)} requests/mention; after 50 redeliveries the 'all' counter says ${total(naiveCounts)}`,
    );
    return {
      oursMs,
      oursRequests,
      naiveMs,
      naiveRequests,
      oursCount: total(ours),
      naiveCount: total(naiveCounts),
    };
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
