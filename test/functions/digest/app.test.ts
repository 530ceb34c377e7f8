import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/digest/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { parseRegencyConfig } from '#shared/domain/config.ts';
import type { Digest } from '#shared/domain/digest.ts';
import { buildNarratives } from '#shared/domain/narratives/index.ts';
import { ValidationError } from '#shared/errors.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import type { StoredDigest } from '#shared/ports/mention-store.ts';
import type { DigestSink } from '#shared/ports/publishers.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';

const config = parseRegencyConfig({
  regency: 'majalengka',
  name: 'Kabupaten Majalengka',
  timeZone: 'Asia/Jakarta',
  keywords: [{ id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'] }],
  topics: [{ id: 'infrastruktur', label: 'Infrastruktur & jalan', opd: 'Dinas PUTR', terms: ['jalan'] }],
});

class MemorySink implements DigestSink {
  readonly delivered: { digest: StoredDigest; subject: string }[] = [];
  async deliver(digest: StoredDigest, subject: string): Promise<string> {
    this.delivered.push({ digest, subject });
    return `memory:${digest.date}`;
  }
}

let db: EmbeddedDynamo;
let store: DynamoStore;
const sink = new MemorySink();
// 2026-11-30 07:00 WIB = 2026-11-30T00:00Z: the digest covers Sunday 29 November 2026 (WIB).
const clock = fixedClock(Date.parse('2026-11-30T00:00:00.000Z'));

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'digest-test' });
  await ensureTable(db.client, 'digest-test');
  store = new DynamoStore({ client: db.client, tableName: 'digest-test' });
  const at = (iso: string) => ({ publishedAt: iso });
  const seeded = [
    // 28 Nov 16:59:59 UTC = 28 Nov 23:59:59 WIB: the day before, not in the digest.
    scoredMention(1, { ...at('2026-11-28T16:59:59.000Z'), label: 'NEGATIVE' }),
    // 28 Nov 17:00 UTC = 29 Nov 00:00 WIB: the first instant of the digest day.
    scoredMention(2, {
      ...at('2026-11-28T17:00:00.000Z'),
      label: 'NEGATIVE',
      title: 'Jalan <script>alert(1)</script> rusak & berlubang',
      text: 'Jalan rusak',
      topics: ['infrastruktur'],
    }),
    scoredMention(3, {
      ...at('2026-11-29T05:00:00.000Z'),
      label: 'POSITIVE',
      engagement: { likes: 40, shares: 2 },
    }),
    scoredMention(4, { ...at('2026-11-29T10:00:00.000Z'), label: 'NEUTRAL' }),
    // 29 Nov 16:59:59.999 UTC = 29 Nov 23:59:59.999 WIB: the last instant of the day.
    scoredMention(5, {
      ...at('2026-11-29T16:59:59.999Z'),
      label: 'NEGATIVE',
      url: 'https://news.example.id/a_(b)',
      title: '[Klik](javascript:alert(1))',
    }),
    // 29 Nov 17:00 UTC = 30 Nov 00:00 WIB: the next day.
    scoredMention(6, { ...at('2026-11-29T17:00:00.000Z'), label: 'POSITIVE' }),
    // Earlier days for the 7-day average: 22–28 Nov WIB, 7 mentions in all.
    ...Array.from({ length: 6 }, (_, i) =>
      scoredMention(100 + i, {
        ...at(`2026-11-2${2 + i}T03:00:00.000Z`),
        label: i < 3 ? 'NEGATIVE' : 'NEUTRAL',
      }),
    ),
  ];
  for (const m of seeded) await store.putMention(m);
  await store.recordSourceRun({
    sourceId: 'rss-radar',
    at: '2026-11-29T02:00:00.000Z',
    ok: false,
    fetched: 0,
    new: 0,
    duplicate: 0,
    rejected: 0,
    error: 'rss-radar: HTTP 503',
  });
  await store.recordSourceRun({
    sourceId: 'rss-radar',
    at: '2026-11-29T03:00:00.000Z',
    ok: true,
    fetched: 3,
    new: 1,
    duplicate: 2,
    rejected: 0,
  });
  // Detect runs: the day before (not the day's hours), 00.00–12.00 WIB, 21.00–24.00 WIB (a run just after
  // midnight WIB checks the day's last 3 hours), and one 4 hours after the day (checks none of its hours).
  const checked = (at: string, from: string, to: string) =>
    store.recordDetectionRun({ at, checked: { from, to } });
  await checked('2026-11-28T16:20:00.000Z', '2026-11-28T13:00:00.000Z', '2026-11-28T16:00:00.000Z');
  await checked('2026-11-29T05:20:00.000Z', '2026-11-28T17:00:00.000Z', '2026-11-29T05:00:00.000Z');
  await checked('2026-11-29T17:20:00.000Z', '2026-11-29T14:00:00.000Z', '2026-11-29T17:00:00.000Z');
  await checked('2026-11-29T21:20:00.000Z', '2026-11-29T18:00:00.000Z', '2026-11-29T21:00:00.000Z');
});
afterAll(async () => {
  await db.close();
});

function handler() {
  return createHandler({
    config,
    store,
    sink,
    buildNarratives,
    clock,
    log: new RecordingLog(),
    metrics: new MemoryMetricSink(),
  });
}

describe('digest handler', () => {
  it('covers exactly the previous WIB day, with its numbers and the 7-day comparison', async () => {
    const result = await handler()({}, lambdaContext());
    expect(result.date).toBe('2026-11-29');
    expect(result.mentions).toBe(4);
    // The handler reports the day's detection coverage (15 of 24 hours, from the runs seeded above).
    expect(result.detection).toEqual({ checked: 15, hours: 24 });
    const stored = await store.getDigest('2026-11-29');
    const digest = stored?.data as Digest;
    expect(digest.range).toEqual({ start: '2026-11-28T17:00:00.000Z', end: '2026-11-29T17:00:00.000Z' });
    expect(digest.totals.sentiment).toEqual({ POSITIVE: 1, NEGATIVE: 2, NEUTRAL: 1, MIXED: 0 });
    expect(digest.totals.negativeShare).toBe(0.5);
    // 22–28 Nov WIB hold mentions 100–105 (one each on 22–27 Nov) plus mention 1 (28 Nov 23:59 WIB).
    expect(digest.daily.map((d) => d.total)).toEqual([1, 1, 1, 1, 1, 1, 1, 4]);
    expect(digest.change.sevenDayAverage).toBe(1);
    expect(digest.change.changePct).toBe(300);
    expect(digest.topNegative.map((i) => i.publishedAt).sort()).toEqual([
      '2026-11-28T17:00:00.000Z',
      '2026-11-29T16:59:59.999Z',
    ]);
    expect(digest.mostEngaged.map((i) => i.engagement)).toEqual([42]);
    // 00.00–12.00 and 21.00–24.00 WIB checked; 12.00–21.00 WIB (05:00–14:00 UTC) not.
    expect(digest.detection).toEqual({
      hours: 24,
      checked: 15,
      unchecked: [{ start: '2026-11-29T05:00:00.000Z', end: '2026-11-29T14:00:00.000Z' }],
    });
    expect(stored?.markdown).toContain(
      'Deteksi lonjakan baru memeriksa 15 dari 24 jam hari ini; belum diperiksa: pukul 12.00–21.00 WIB.',
    );
    expect(digest.byTopic).toEqual([
      { topic: 'infrastruktur', label: 'Infrastruktur & jalan', opd: 'Dinas PUTR', count: 1, negative: 1 },
    ]);
    expect(digest.narratives.reduce((n, nar) => n + nar.size, 0)).toBeLessThanOrEqual(2);
    expect(
      digest.narratives.every((nar) =>
        nar.examples.every((e) => e.url.startsWith('https://news.example.id/')),
      ),
    ).toBe(true);
    expect(digest.failedSources).toEqual([
      { sourceId: 'rss-radar', failures: 1, runs: 2, lastError: 'rss-radar: HTTP 503' },
    ]);
  });

  it('escapes user text in HTML and Markdown', async () => {
    await handler()({ date: '2026-11-29' }, lambdaContext());
    const stored = await store.getDigest('2026-11-29');
    expect(stored?.html).not.toContain('<script>');
    expect(stored?.html).toContain('Jalan &lt;script&gt;alert(1)&lt;/script&gt; rusak &amp; berlubang');
    // The link text's brackets are escaped, so `(javascript:…)` stays text; the only link is the mention's.
    expect(stored?.markdown).toContain(
      '[\\[Klik\\](javascript:alert(1))](https://news.example.id/a_%28b%29)',
    );
    expect(stored?.markdown).toContain('Jalan \\<script>alert(1)\\</script> rusak & berlubang');
    expect(stored?.markdown).toContain('Minggu, 29 November 2026');
    expect(stored?.text).toContain(
      'rss-radar: gagal 1 dari 2 kali; kesalahan terakhir: server menjawab dengan galat HTTP 503',
    );
    expect(stored?.markdown).not.toContain('Semua sumber berhasil dikumpulkan');
    expect(stored?.markdown).toContain('## Narasi negatif hari ini');
  });

  it('delivers a date once; a re-run re-renders without sending again unless asked', async () => {
    const before = sink.delivered.filter((d) => d.digest.date === '2026-11-27').length;
    const first = await handler()({ date: '2026-11-27' }, lambdaContext());
    const second = await handler()({ date: '2026-11-27' }, lambdaContext());
    const forced = await handler()({ date: '2026-11-27', resend: true }, lambdaContext());
    expect([first.delivery.sent, second.delivery.sent, forced.delivery.sent]).toEqual([true, false, true]);
    expect(sink.delivered.filter((d) => d.digest.date === '2026-11-27').length - before).toBe(2);
    expect(sink.delivered.at(-1)?.subject).toBe(
      'Ringkasan Harian Pantau — Kabupaten Majalengka, Jumat, 27 November 2026 (WIB)',
    );
  });

  it('says no collection was recorded for a day without runs, instead of "all collected"', async () => {
    await handler()({ date: '2026-11-26' }, lambdaContext());
    const stored = await store.getDigest('2026-11-26');
    expect((stored?.data as Digest | undefined)?.collection.runs).toBe(0);
    for (const out of [stored?.markdown, stored?.text, stored?.html]) {
      expect(out).toContain('Tidak ada pengumpulan yang tercatat pada hari ini');
      expect(out).not.toContain('Semua sumber berhasil dikumpulkan');
    }
  });

  it('expires with its mentions, and cannot be rebuilt (nor kept) once some of them passed retention (QA)', async () => {
    const { ScanCommand, UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    const table = 'digest-retention';
    await ensureTable(db.client, table);
    const own = new DynamoStore({ client: db.client, tableName: table });
    for (const n of [1, 2, 3])
      await own.putMention(
        scoredMention(700 + n, { publishedAt: `2026-11-29T0${n}:00:00.000Z`, label: 'NEGATIVE' }),
      );
    await own.putMention(scoredMention(710, { publishedAt: '2026-11-28T03:00:00.000Z', label: 'NEGATIVE' }));
    const run = createHandler({
      config,
      store: own,
      sink,
      buildNarratives,
      clock,
      log: new RecordingLog(),
      metrics: new MemoryMetricSink(),
    });
    const first = await run({ date: '2026-11-29' }, lambdaContext());
    expect(first.mentions).toBe(3);
    // The digest expires no later than the first of the day's mentions it may quote.
    const raw = await db.client.send(new ScanCommand({ TableName: table }));
    const expiry = (type: string) =>
      (raw.Items ?? []).filter((i) => i['type']?.S === type).map((i) => Number(i['expiresAt']?.N));
    expect(Math.min(...expiry('digest'))).toBeLessThanOrEqual(Math.min(...expiry('mention')));
    // Retention passes for every mention (DynamoDB has not deleted them yet; the store hides them).
    const past = String(Math.floor(Date.now() / 1000) - 1);
    const items = await db.client.send(new ScanCommand({ TableName: table }));
    for (const item of items.Items ?? []) {
      if (item['type']?.S === 'digest' || item['expiresAt'] === undefined) continue;
      await db.client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { PK: item['PK']!, SK: item['SK']! },
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: { ':past': { N: past } },
        }),
      );
    }
    // A digest stored before digests expired with their mentions still quotes them: it is removed.
    const again = await run({ date: '2026-11-29', resend: true }, lambdaContext()).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ValidationError);
    expect((again as Error).message).toBe(
      'no digest can be built for 2026-11-29: 3 of the 3 mentions of 2026-11-29 passed retention (text deleted); the stored digest quoted them and was removed',
    );
    expect(await own.getDigest('2026-11-29')).toBeUndefined();
    const none = await run({ date: '2026-11-28' }, lambdaContext()).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(ValidationError);
    expect((none as ValidationError).issues[0]?.code).toBe('retention_passed');
  });

  it('refuses a malformed date with a ValidationError', async () => {
    await expect(handler()({ date: '29-11-2026' }, lambdaContext())).rejects.toBeInstanceOf(ValidationError);
  });
});
