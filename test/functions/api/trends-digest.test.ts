/**
 * The digest and `GET /v1/trends?interval=day` count the same day alike: both built from one store, the
 * mentions placed where UTC and WIB days differ (after 17:00Z a WIB day has already turned).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/api/app.ts';
import { runDigest } from '#functions/digest/digest.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import type { Digest } from '#shared/domain/digest.ts';
import type { SentimentLabel } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';
import { apiEvent, body, testConfig } from './helpers.ts';

const NOW = Date.parse('2026-11-13T01:00:00.000Z');
const LABELS: SentimentLabel[] = ['NEGATIVE', 'POSITIVE', 'NEUTRAL', 'MIXED', 'NEGATIVE'];

/**
 * 45 mentions: 5 at 2026-11-09T18:00Z (10 Nov 01:00 WIB), 35 on 10 Nov between 01:00Z and 16:00Z
 * (WIB the same day), 5 at 2026-11-10T20:00Z (11 Nov 03:00 WIB). By WIB day: 10 Nov 40, 11 Nov 5.
 * By UTC day it would be 9 Nov 5, 10 Nov 40, 11 Nov 0.
 */
const AT = [
  ...Array.from({ length: 5 }, () => '2026-11-09T18:00:00.000Z'),
  ...Array.from(
    { length: 35 },
    (_, i) => `2026-11-10T${String(1 + (i % 16)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00.000Z`,
  ),
  ...Array.from({ length: 5 }, () => '2026-11-10T20:00:00.000Z'),
];

let db: EmbeddedDynamo;
let store: DynamoStore;
const clock = fixedClock(NOW);

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'trends-digest' });
  store = new DynamoStore({ client: db.client, tableName: 'trends-digest' });
  for (const [i, publishedAt] of AT.entries())
    await store.putMention(scoredMention(i, { publishedAt, label: LABELS[i % 5] ?? 'NEUTRAL' }));
});
afterAll(async () => {
  await db?.close();
});

async function digestOf(date: string): Promise<Digest> {
  const result = await runDigest(
    {
      config: testConfig,
      store,
      sink: { deliver: async () => 'test' },
      buildNarratives: () => [],
      clock,
      log: new RecordingLog(),
      metrics: new MemoryMetricSink(),
    },
    { date },
  );
  return result.digest;
}

async function trendDays(from: string, to: string) {
  const handler = createHandler({
    store,
    config: testConfig,
    cursorKey: Buffer.alloc(32, 9),
    clock,
    log: new RecordingLog(),
    metrics: new MemoryMetricSink(),
  });
  const result = await handler(
    apiEvent({ path: '/v1/trends', query: `from=${from}&to=${to}&interval=day` }),
    lambdaContext(),
  );
  expect(result.statusCode, String(result.body)).toBe(200);
  return body<{ buckets: { date: string; counts: Record<SentimentLabel, number>; total: number }[] }>(result)
    .buckets;
}

describe('digest and trends agree on a day', () => {
  it('count 40 on 10 Nov and 5 on 11 Nov (WIB), in the digest and in the API', async () => {
    const [tenth, eleventh] = [await digestOf('2026-11-10'), await digestOf('2026-11-11')];
    expect([tenth.totals.mentions, eleventh.totals.mentions]).toEqual([40, 5]);
    const days = await trendDays('2026-11-09', '2026-11-12');
    expect(days.map((d) => [d.date, d.total])).toEqual([
      ['2026-11-09', 0],
      ['2026-11-10', 40],
      ['2026-11-11', 5],
    ]);
    expect(days[1]?.counts).toEqual(tenth.totals.sentiment);
    expect(days[2]?.counts).toEqual(eleventh.totals.sentiment);
  });

  it("match the digest's 8-day series day by day", async () => {
    const digest = await digestOf('2026-11-12');
    const days = await trendDays('2026-11-05', '2026-11-13');
    expect(days.map((d) => [d.date, d.total, d.counts.NEGATIVE, d.counts.POSITIVE])).toEqual(
      digest.daily.map((d) => [d.date, d.total, d.negative, d.positive]),
    );
    expect(digest.daily.map((d) => d.total)).toEqual([0, 0, 0, 0, 0, 40, 5, 0]);
  });
});
