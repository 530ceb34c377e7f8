import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/detect/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import type { Alert, NarrativeSummary } from '#shared/domain/alert.ts';
import { parseRegencyConfig } from '#shared/domain/config.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import type { HourlyCount } from '#shared/ports/mention-store.ts';
import type { AlertPublisher } from '#shared/ports/publishers.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';
import { scoredMention } from '../../helpers/mentions.ts';

const HOUR = 3_600_000;
const config = parseRegencyConfig({
  regency: 'majalengka',
  name: 'Kabupaten Majalengka',
  keywords: [
    { id: 'kertajati', label: 'Bandara Kertajati', terms: ['Kertajati'] },
    { id: 'jatiwangi', label: 'Jatiwangi', terms: ['Jatiwangi'] },
  ],
  topics: [
    { id: 'bandara', label: 'Bandara Kertajati', opd: 'Dinas Perhubungan', terms: ['bandara'] },
    { id: 'pendidikan', label: 'Pendidikan', opd: 'Dinas Pendidikan', terms: ['sekolah'] },
  ],
});
// 2026-11-30 10:20 UTC: the last closed hour is 09:00–10:00 UTC.
const NOW = Date.parse('2026-11-30T10:20:00.000Z');
const BURST_HOUR = Date.parse('2026-11-30T09:00:00.000Z');

/** Quiet history: 6 mentions an hour by day, 2 by night; 1 negative in 3 hours; a burst of 25 negatives on kertajati. */
function syntheticCounts(series: string, from: string, to: string): HourlyCount[] {
  const out: HourlyCount[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += HOUR) {
    const localHour = new Date(t + 7 * HOUR).getUTCHours();
    const base = localHour >= 7 && localHour <= 21 ? 6 : 2;
    const negative =
      (series.endsWith('kertajati') || series === 'topic:bandara') && t === BURST_HOUR
        ? 25
        : Math.floor(t / HOUR) % 3 === 0
          ? 1
          : 0;
    const total = base + negative;
    out.push({
      hour: new Date(t).toISOString(),
      counts: { POSITIVE: 1, NEGATIVE: negative, NEUTRAL: total - negative - 1, MIXED: 0 },
      total,
    });
  }
  return out;
}

class RecordingPublisher implements AlertPublisher {
  readonly sent: { alert: Alert; subject: string; text: string }[] = [];
  failNext = false;
  async publish(alert: Alert, rendered: { subject: string; text: string }): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SNS unavailable');
    }
    this.sent.push({ alert, ...rendered });
  }
}

let db: EmbeddedDynamo;
let seq = 0;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'detect-test' });
});
afterAll(async () => {
  await db.close();
});

async function setup() {
  const tableName = `detect-${++seq}`;
  await ensureTable(db.client, tableName);
  const real = new DynamoStore({ client: db.client, tableName });
  const burst: ScoredMention[] = Array.from({ length: 4 }, (_, i) =>
    scoredMention(500 + i, {
      publishedAt: new Date(BURST_HOUR + i * 60_000).toISOString(),
      matchedKeywords: ['kertajati'],
      label: 'NEGATIVE',
      title: `Penerbangan Kertajati dibatalkan lagi ${i}`,
      author: { handle: `warga${i}` },
    }),
  );
  for (const m of burst) await real.putMention(m);
  // The real store, except that hourly counters come from the synthetic history above.
  const store = {
    hourlyCounts: async (s: string, f: string, t: string) => syntheticCounts(s, f, t),
    listMentions: real.listMentions.bind(real),
    getSeriesState: real.getSeriesState.bind(real),
    putSeriesState: real.putSeriesState.bind(real),
    putAlert: real.putAlert.bind(real),
    markAlertPublished: real.markAlertPublished.bind(real),
    listAlerts: real.listAlerts.bind(real),
  };
  const publisher = new RecordingPublisher();
  const narrativeCalls: { window: readonly ScoredMention[]; baseline: readonly ScoredMention[] }[] = [];
  const clock = fixedClock(NOW);
  const log = new RecordingLog();
  const handler = createHandler({
    config,
    store,
    publisher,
    buildNarratives: (window, baseline): NarrativeSummary[] => {
      narrativeCalls.push({ window, baseline });
      return [];
    },
    clock,
    log,
    metrics: new MemoryMetricSink(),
  });
  return { handler, publisher, real, clock, narrativeCalls, log };
}

describe('detect handler', () => {
  it('raises one volume alert for the negative burst and none for the quiet keyword', async () => {
    const { handler, publisher, narrativeCalls } = await setup();
    const result = await handler({}, lambdaContext());
    const volume = result.alerts.filter((a) => a.seriesId === 'neg:kw:kertajati');
    expect(volume).toHaveLength(1);
    expect(volume[0]).toMatchObject({
      keyword: 'kertajati',
      kind: 'volume',
      observed: 25,
      windowEnd: '2026-11-30T10:00:00.000Z',
    });
    expect(volume[0]?.expected).toBeLessThan(2);
    // The alert's total covers its whole window, not only the last bucket.
    const windowCounts = syntheticCounts(
      'kw:kertajati',
      volume[0]?.windowStart ?? '',
      volume[0]?.windowEnd ?? '',
    );
    expect(volume[0]?.total).toBe(windowCounts.reduce((sum, h) => sum + h.total, 0));
    expect(result.alerts.some((a) => a.keyword === 'jatiwangi' || a.topic === 'pendidikan')).toBe(false);
    const topic = result.alerts.find((a) => a.seriesId === 'neg:topic:bandara');
    expect(topic).toMatchObject({ topic: 'bandara', kind: 'volume', observed: 25 });
    expect(publisher.sent.find((s) => s.alert.topic === 'bandara')?.text).toContain(
      'Topik: Bandara Kertajati',
    );
    expect(publisher.sent.map((s) => s.alert.id)).toEqual(result.alerts.map((a) => a.id));
    expect(publisher.sent[0]?.subject).toContain('Lonjakan negatif');
    expect(publisher.sent.find((s) => s.alert.keyword === 'kertajati')?.text).toContain(
      'Kata kunci: Bandara Kertajati',
    );
    const kertajatiCall = narrativeCalls.find((c) => c.window.length > 0);
    expect(kertajatiCall?.window.map((m) => m.sentiment.label)).toEqual([
      'NEGATIVE',
      'NEGATIVE',
      'NEGATIVE',
      'NEGATIVE',
    ]);
    expect(volume[0]?.distinctAuthors).toBe(4);
  });

  it('is idempotent: a re-run in the same quarter-hour neither steps nor sends again', async () => {
    const { handler, publisher } = await setup();
    const first = await handler({}, lambdaContext());
    const second = await handler({}, lambdaContext());
    expect(first.stepped).toBeGreaterThan(0);
    expect(second.stepped).toBe(0);
    expect(second.alerts).toEqual([]);
    expect(publisher.sent).toHaveLength(first.alerts.length);
  });

  it('keeps an alert whose delivery failed and delivers it on the next run, once', async () => {
    const { handler, publisher, real, clock, log } = await setup();
    publisher.failNext = true;
    const first = await handler({}, lambdaContext());
    expect(first.failed).toHaveLength(1);
    const failedId = first.failed[0]?.alertId ?? '';
    expect((await real.getAlert(failedId))?.publishedAt).toBeUndefined();
    expect(log.find('Alert publishing failed').map((e) => e.context['alertId'])).toEqual([failedId]);

    clock.at += 15 * 60_000;
    const second = await handler({}, lambdaContext());
    expect(second.stepped).toBe(0);
    expect(second.published).toBe(1);
    expect(publisher.sent.filter((s) => s.alert.id === failedId)).toHaveLength(1);
    expect((await real.getAlert(failedId))?.publishedAt).toBe('2026-11-30T10:35:00.000Z');

    clock.at += 15 * 60_000;
    expect((await handler({}, lambdaContext())).published).toBe(0);
  });
});
