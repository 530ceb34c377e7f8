import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/detect/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import type { Alert, NarrativeSummary } from '#shared/domain/alert.ts';
import { parseRegencyConfig } from '#shared/domain/config.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { RejectedWriteError } from '#shared/errors.ts';
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

/** Four negative mentions of the burst hour, by `author(i)` (default: four distinct handles). */
function burstMentions(
  author: (i: number) => Partial<ScoredMention> = (i) => ({ author: { handle: `warga${i}` } }),
) {
  return Array.from({ length: 4 }, (_, i) =>
    scoredMention(500 + i, {
      publishedAt: new Date(BURST_HOUR + i * 60_000).toISOString(),
      matchedKeywords: ['kertajati'],
      topics: ['bandara'],
      label: 'NEGATIVE',
      title: `Penerbangan Kertajati dibatalkan lagi ${i}`,
      ...author(i),
    }),
  );
}

async function setup(
  options: {
    burst?: ScoredMention[];
    config?: typeof config;
    putSeriesState?: (real: DynamoStore) => DynamoStore['putSeriesState'];
  } = {},
) {
  const tableName = `detect-${++seq}`;
  await ensureTable(db.client, tableName);
  const real = new DynamoStore({ client: db.client, tableName });
  for (const m of options.burst ?? burstMentions()) await real.putMention(m);
  const countCalls: { series: string; from: string; to: string }[] = [];
  // The real store, except that hourly counters come from the synthetic history above.
  const store = {
    hourlyCounts: async (series: string, from: string, to: string) => {
      countCalls.push({ series, from, to });
      return syntheticCounts(series, from, to);
    },
    listMentions: real.listMentions.bind(real),
    getSeriesState: real.getSeriesState.bind(real),
    putSeriesState: options.putSeriesState?.(real) ?? real.putSeriesState.bind(real),
    putAlert: real.putAlert.bind(real),
    markAlertPublished: real.markAlertPublished.bind(real),
    listAlerts: real.listAlerts.bind(real),
  };
  const publisher = new RecordingPublisher();
  const narrativeCalls: { window: readonly ScoredMention[]; baseline: readonly ScoredMention[] }[] = [];
  const clock = fixedClock(NOW);
  const log = new RecordingLog();
  const metrics = new MemoryMetricSink();
  const handler = createHandler({
    config: options.config ?? config,
    store,
    publisher,
    buildNarratives: (window, baseline): NarrativeSummary[] => {
      narrativeCalls.push({ window, baseline });
      return [];
    },
    clock,
    log,
    metrics,
  });
  return { handler, publisher, real, clock, narrativeCalls, log, countCalls, metrics };
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

  it('alerts only when the window has minDistinctAuthors distinct authors; news without authors count as their outlet', async () => {
    // One account posting all four: suppressed (config minDistinctAuthors 2), no alert, a log line.
    const one = await setup({ burst: burstMentions(() => ({ author: { handle: 'akun_tunggal' } })) });
    const suppressed = await one.handler({}, lambdaContext());
    expect(suppressed.alerts.filter((a) => a.keyword === 'kertajati')).toEqual([]);
    expect(one.metrics.sum('AlertsSuppressed')).toBeGreaterThan(0);
    expect(one.log.find('too few distinct authors').map((e) => e.context)).toContainEqual(
      expect.objectContaining({
        detectorId: 'neg:kw:kertajati',
        kind: 'volume',
        distinctAuthors: 1,
        minDistinctAuthors: 2,
      }),
    );

    // Four articles without authors from one outlet are one author; from two outlets, two.
    const outlet = (i: number) => ({ author: {}, outlet: i < 2 ? 'radarcirebon.disway.id' : 'kompas.com' });
    const singleOutlet = await setup({ burst: burstMentions(() => ({ author: {}, outlet: 'kompas.com' })) });
    expect(
      (await singleOutlet.handler({}, lambdaContext())).alerts.filter((a) => a.keyword === 'kertajati'),
    ).toEqual([]);
    const twoOutlets = await setup({ burst: burstMentions(outlet) });
    const raised = (await twoOutlets.handler({}, lambdaContext())).alerts.filter(
      (a) => a.keyword === 'kertajati',
    );
    expect(raised.map((a) => [a.kind, a.distinctAuthors])).toEqual([
      ['volume', 2],
      ['share', 2],
    ]);

    // With minDistinctAuthors 1 the single account's burst alerts.
    const lenient = parseRegencyConfig({ ...config, alerts: { ...config.alerts, minDistinctAuthors: 1 } });
    const oneOk = await setup({
      burst: burstMentions(() => ({ author: { handle: 'akun_tunggal' } })),
      config: lenient,
    });
    const alerted = (await oneOk.handler({}, lambdaContext())).alerts.filter(
      (a) => a.keyword === 'kertajati',
    );
    expect(alerted.map((a) => [a.kind, a.distinctAuthors])).toEqual([
      ['volume', 1],
      ['share', 1],
    ]);
  });

  it('catches up at most 28 days: a series 26 years behind steps the last 14 days and reports the hours skipped', async () => {
    const { handler, clock, log, countCalls, metrics } = await setup();
    // A data folder last run for 2000-01-01: the detectors' clock is 1999-12-31 23:00 UTC.
    clock.at = Date.parse('2000-01-01T00:20:00.000Z');
    expect((await handler({}, lambdaContext())).skippedHours).toBe(0);
    countCalls.length = 0;
    clock.at = NOW;
    const caughtUp = await handler({}, lambdaContext());
    // 1999-12-31 23:00 → 2026-11-30 09:00 is 235,930 hours; the last 336 (14 days) are stepped.
    expect(caughtUp.skippedHours).toBe(235_930 - 336);
    // 5 series (all, 2 keywords, 2 topics) × 2 detectors × 336 hours.
    expect(caughtUp.stepped).toBe(5 * 2 * 336);
    expect(countCalls.map((c) => c.from)).toEqual(Array(5).fill('2026-11-16T10:00:00.000Z'));
    expect(log.find('Detector too far behind').map((e) => e.context)).toEqual([
      {
        series: ['all', 'kw:kertajati', 'kw:jatiwangi', 'topic:bandara', 'topic:pendidikan'],
        skippedFrom: '2000-01-01T00:00:00.000Z',
        resumedAt: '2026-11-16T10:00:00.000Z',
        skippedHours: 235_594,
      },
    ]);
    expect(metrics.sum('DetectorHoursSkipped')).toBe(235_594);
    // The burst in the last closed hour still alerts after the skip.
    expect(caughtUp.alerts.some((a) => a.seriesId === 'neg:kw:kertajati')).toBe(true);
  });

  it('steps every missed hour when a series is at most 28 days behind', async () => {
    const { handler, clock } = await setup();
    clock.at = NOW - 20 * 24 * HOUR;
    await handler({}, lambdaContext());
    clock.at = NOW;
    const result = await handler({}, lambdaContext());
    expect(result.skippedHours).toBe(0);
    expect(result.stepped).toBe(5 * 2 * 20 * 24);
  });

  it('keeps running when the store refuses a detector state: other series saved, alerts delivered, an error logged', async () => {
    let refuse = true;
    const { handler, publisher, log, clock, metrics } = await setup({
      putSeriesState: (real) => async (id, state, version) => {
        if (refuse && id === 'neg:kw:kertajati')
          throw new RejectedWriteError(`detector state ${id} not written: state.level is 1e-131`);
        return real.putSeriesState(id, state, version);
      },
    });
    const first = await handler({}, lambdaContext());
    expect(first.unsaved).toEqual(['neg:kw:kertajati']);
    expect(metrics.sum('DetectorStateUnsaved')).toBe(1);
    expect(publisher.sent.some((s) => s.alert.seriesId === 'neg:kw:kertajati')).toBe(true);
    expect(log.find('Detector state not saved')[0]?.context).toEqual({
      detectorId: 'neg:kw:kertajati',
      error: 'RejectedWriteError: detector state neg:kw:kertajati not written: state.level is 1e-131',
    });
    // Next run: only the unsaved series steps its hours again; its alert (same id) is not sent twice.
    refuse = false;
    clock.at += 15 * 60_000;
    const second = await handler({}, lambdaContext());
    expect(second.unsaved).toEqual([]);
    expect(second.stepped).toBe(14 * 24);
    expect(publisher.sent.filter((s) => s.alert.seriesId === 'neg:kw:kertajati')).toHaveLength(1);
  });
});
