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
import { testAlert } from '../api/helpers.ts';

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

/** Records each message, and each alert delivered (an alert delivered inside another's message shares its text). */
class RecordingPublisher implements AlertPublisher {
  readonly messages: { alert: Alert; related: readonly Alert[]; subject: string; text: string }[] = [];
  readonly sent: { alert: Alert; subject: string; text: string }[] = [];
  failNext = false;
  async publish(
    alert: Alert,
    rendered: { subject: string; text: string },
    related: readonly Alert[] = [],
  ): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SNS unavailable');
    }
    this.messages.push({ alert, related, ...rendered });
    for (const a of [alert, ...related]) this.sent.push({ alert: a, ...rendered });
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
    /** Narratives for a window's negative mentions (default: none). */
    narratives?: (window: readonly ScoredMention[]) => NarrativeSummary[];
  } = {},
) {
  const tableName = `detect-${++seq}`;
  await ensureTable(db.client, tableName);
  const real = new DynamoStore({ client: db.client, tableName });
  for (const m of options.burst ?? burstMentions()) await real.putMention(m);
  const countCalls: { series: string; from: string; to: string }[] = [];
  /** Mentions stored later than the synthetic history: series → hour start (ms) → negatives added. */
  const extra = new Map<string, Map<number, number>>();
  // The real store, except that hourly counters come from the synthetic history above (plus `extra`).
  const store = {
    hourlyCounts: async (series: string, from: string, to: string) => {
      countCalls.push({ series, from, to });
      return syntheticCounts(series, from, to).map((h) => {
        const added = extra.get(series)?.get(Date.parse(h.hour)) ?? 0;
        return added === 0
          ? h
          : {
              ...h,
              counts: { ...h.counts, NEGATIVE: h.counts.NEGATIVE + added },
              total: h.total + added,
            };
      });
    },
    listMentions: real.listMentions.bind(real),
    getSeriesState: real.getSeriesState.bind(real),
    putSeriesState: options.putSeriesState?.(real) ?? real.putSeriesState.bind(real),
    putAlert: real.putAlert.bind(real),
    markAlertPublished: real.markAlertPublished.bind(real),
    getAlert: real.getAlert.bind(real),
    listAlerts: real.listAlerts.bind(real),
    recordDetectionRun: real.recordDetectionRun.bind(real),
  };
  const publisher = new RecordingPublisher();
  const narrativeCalls: {
    window: readonly ScoredMention[];
    baseline: readonly ScoredMention[];
    excludeTerms: string[];
  }[] = [];
  const clock = fixedClock(NOW);
  const log = new RecordingLog();
  const metrics = new MemoryMetricSink();
  const handler = createHandler({
    config: options.config ?? config,
    store,
    publisher,
    buildNarratives: (window, baseline, narrativeOptions): NarrativeSummary[] => {
      narrativeCalls.push({ window, baseline, excludeTerms: [...(narrativeOptions?.excludeTerms ?? [])] });
      return options.narratives?.(window) ?? [];
    },
    clock,
    log,
    metrics,
  });
  return { handler, publisher, real, clock, narrativeCalls, log, countCalls, metrics, extra };
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
    // The regency's own names are in every mention, so they never name a narrative (QA 2026-12-01).
    expect(narrativeCalls[0]?.excludeTerms).toEqual(expect.arrayContaining(['majalengka', 'kertajati']));
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
    expect(publisher.sent.map((s) => s.alert.id).sort()).toEqual(result.alerts.map((a) => a.id).sort());
    // One event, one message: the alerts' windows overlap, so they go out together under the primary.
    expect(result.alerts.length).toBeGreaterThan(1);
    expect(publisher.messages).toHaveLength(1);
    const message = publisher.messages[0];
    expect(message?.subject).toContain('Lonjakan negatif');
    expect(message?.subject).toContain(`(+${result.alerts.length - 1} lingkup lain)`);
    for (const a of message?.related ?? []) expect(message?.text).toContain(`ID: ${a.id}`);
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

  it('sends two messages for two unrelated stories in the same hour: their narratives share no mention and no term', async () => {
    // A second burst, on Jatiwangi (factory lay-offs), in the hour of the Kertajati one (cancelled flights).
    const layoffs = Array.from({ length: 4 }, (_, i) =>
      scoredMention(600 + i, {
        publishedAt: new Date(BURST_HOUR + i * 60_000).toISOString(),
        matchedKeywords: ['jatiwangi'],
        label: 'NEGATIVE',
        title: `PHK massal pabrik Jatiwangi ${i}`,
        author: { handle: `buruh${i}` },
      }),
    );
    const template = testAlert('2026-11-30T09:00:00.000Z').narratives[0]!;
    // One narrative per window, named by the first word of its titles: `penerbangan` or `phk`.
    const narratives = (window: readonly ScoredMention[]): NarrativeSummary[] =>
      window.length === 0
        ? []
        : [
            {
              ...template,
              id: `n-${window[0]?.id}`,
              mentionIds: window.map((m) => m.id),
              size: window.length,
              topTerms: [...new Set(window.map((m) => (m.title ?? '').split(' ')[0]!.toLowerCase()))],
            },
          ];
    const ctx = await setup({ burst: [...burstMentions(), ...layoffs], narratives });
    ctx.extra.set('kw:jatiwangi', new Map([[BURST_HOUR, 25]]));
    const result = await ctx.handler({}, lambdaContext());
    const keywords = new Set(result.alerts.map((a) => a.keyword ?? a.topic));
    expect(keywords).toEqual(new Set(['kertajati', 'bandara', 'jatiwangi']));
    // Kertajati and its topic share the same mentions: one event. Jatiwangi is another story: its own message.
    expect(ctx.publisher.messages).toHaveLength(2);
    const scopes = ctx.publisher.messages.map((m) =>
      [m.alert, ...m.related].map((a) => a.keyword ?? a.topic).sort(),
    );
    expect(scopes.some((s) => s.every((k) => k === 'jatiwangi'))).toBe(true);
    expect(
      scopes.some((s) => s.includes('kertajati') && s.includes('bandara') && !s.includes('jatiwangi')),
    ).toBe(true);
    expect(ctx.publisher.messages.every((m) => !m.subject.includes('Lanjutan'))).toBe(true);
  });

  it('sends an alert that overlaps an event already told in an earlier run as its follow-up, naming what was sent', async () => {
    const { handler, publisher, real } = await setup();
    // An earlier run delivered a share alert on all mentions for 08:00–10:00 UTC (the burst's hour included).
    const earlier = testAlert('2026-11-30T08:00:00.000Z', 'share:all', {
      kind: 'share',
      windowEnd: '2026-11-30T10:00:00.000Z',
    });
    await real.putAlert(earlier);
    await real.markAlertPublished(earlier.id, '2026-11-30T09:05:00.000Z');
    const result = await handler({}, lambdaContext());
    expect(result.alerts.length).toBeGreaterThan(0);
    expect(publisher.messages).toHaveLength(1);
    const message = publisher.messages[0];
    expect(message?.subject).toContain('Lanjutan lonjakan negatif');
    expect(message?.text).toContain(
      `Lanjutan dari peristiwa yang sudah diperingatkan: Semua sebutan (ID ${earlier.id}).`,
    );
    // The earlier alert is not sent again.
    expect(publisher.sent.some((s) => s.alert.id === earlier.id)).toBe(false);
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
    // The one message of the event failed: every alert in it stays unpublished.
    expect(first.failed.map((f) => f.alertId).sort()).toEqual(first.alerts.map((a) => a.id).sort());
    const failedId = first.failed[0]?.alertId ?? '';
    expect((await real.getAlert(failedId))?.publishedAt).toBeUndefined();
    expect(log.find('Alert publishing failed')).toHaveLength(1);

    clock.at += 15 * 60_000;
    const second = await handler({}, lambdaContext());
    expect(second.stepped).toBe(0);
    expect(second.published).toBe(first.alerts.length);
    expect(publisher.messages).toHaveLength(1);
    expect(publisher.sent.filter((s) => s.alert.id === failedId)).toHaveLength(1);
    expect((await real.getAlert(failedId))?.publishedAt).toBe('2026-11-30T10:35:00.000Z');

    clock.at += 15 * 60_000;
    expect((await handler({}, lambdaContext())).published).toBe(0);
  });

  it('redelivers a named alert older than the 24-hour retry window, once, on an operator event', async () => {
    const { handler, publisher, real } = await setup({ burst: [] });
    // Raised three days ago; its publish failed and the automatic retries have run out.
    const stale = testAlert('2026-11-27T08:00:00.000Z', 'kw:kertajati');
    await real.putAlert(stale);
    const scheduled = await handler({}, lambdaContext());
    expect(publisher.sent.some((s) => s.alert.id === stale.id)).toBe(false);
    expect(scheduled.redelivery).toBeUndefined();

    const unknown = '2026-11-01T00:00:00.000Z~kw:kertajati';
    const run = await handler({ redeliver: [stale.id, unknown] }, lambdaContext());
    expect(run).toMatchObject({
      stepped: 0,
      published: 1,
      failed: [],
      redelivery: { alreadyPublished: [], notFound: [unknown] },
    });
    expect(publisher.messages.filter((m) => m.alert.id === stale.id)).toHaveLength(1);
    // Detect's own Indonesian message, as the scheduled run would have sent it.
    expect(publisher.messages.at(-1)?.subject).toContain('Lonjakan negatif: Bandara Kertajati');
    expect((await real.getAlert(stale.id))?.publishedAt).toBeDefined();

    // Ids named twice count once against the limit of 50.
    const repeated = await handler({ redeliver: Array(60).fill(stale.id) }, lambdaContext());
    expect(repeated).toMatchObject({ published: 0, redelivery: { alreadyPublished: [stale.id] } });
    const again = await handler({ redeliver: [stale.id] }, lambdaContext());
    expect(again).toMatchObject({ published: 0, redelivery: { alreadyPublished: [stale.id], notFound: [] } });
    expect(publisher.messages.filter((m) => m.alert.id === stale.id)).toHaveLength(1);
  });

  it('redelivers an alert of an event already told as its delayed follow-up, as a scheduled run would', async () => {
    const { handler, publisher, real } = await setup({ burst: [] });
    // The all-mentions alert of 25 November went out; the keyword alert of the same window did not.
    const told = testAlert('2026-11-25T08:00:00.000Z', 'all');
    const stale = testAlert('2026-11-25T08:00:00.000Z', 'kw:kertajati');
    await real.putAlert(told);
    await real.markAlertPublished(told.id, '2026-11-25T09:05:00.000Z');
    await real.putAlert(stale);
    const run = await handler({ redeliver: [told.id, stale.id] }, lambdaContext());
    expect(run).toMatchObject({ published: 1, redelivery: { alreadyPublished: [told.id], notFound: [] } });
    const message = publisher.messages.at(-1);
    expect(message?.alert.id).toBe(stale.id);
    expect(message?.subject).toContain('Lanjutan lonjakan negatif');
    expect(message?.text).toContain(
      `Lanjutan dari peristiwa yang sudah diperingatkan: Semua sebutan (ID ${told.id}).`,
    );
    expect(message?.text).toContain('Pesan tertunda: peringatan ini dibuat');
  });

  it('refuses a redeliver event that is not 1-50 alert ids, or any other field, without stepping or sending', async () => {
    const { handler, publisher } = await setup();
    for (const event of [
      { redeliver: [] },
      { redeliver: ['not-an-id'] },
      { redeliver: 'x' },
      { Redeliver: ['2026-11-25T08:00:00.000Z~kw:kertajati'] },
      // 51 distinct ids.
      {
        redeliver: Array.from(
          { length: 51 },
          (_, i) =>
            `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000Z~all`,
        ),
      },
    ]) {
      await expect(handler(event, lambdaContext())).rejects.toMatchObject({ name: 'ValidationError' });
    }
    expect(publisher.messages).toHaveLength(0);
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
    // The run's result names the held-back spike too, with its window, so callers can say why it was silent.
    expect(suppressed.suppressed).toContainEqual({
      detectorId: 'neg:kw:kertajati',
      kind: 'volume',
      windowStart: expect.any(String),
      windowEnd: '2026-11-30T10:00:00.000Z',
      distinctAuthors: 1,
      minDistinctAuthors: 2,
    });
    expect(suppressed.suppressed.length).toBe(one.metrics.sum('AlertsSuppressed'));
    // …and the run's record keeps them, for the digest ("not quiet, only unalerted").
    const [record] = await one.real.listDetectionRuns('2026-11-30T10:00:00.000Z', '2026-11-30T11:00:00.000Z');
    expect(record?.heldBack).toEqual(suppressed.suppressed);
    expect(record?.checked).toEqual({ from: '2026-11-30T07:00:00.000Z', to: '2026-11-30T10:00:00.000Z' });

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

  it('records which hours of the all-mentions series each run checked, learnt as history or skipped', async () => {
    const { handler, clock, real } = await setup();
    clock.at = Date.parse('2000-01-01T00:20:00.000Z');
    await handler({}, lambdaContext());
    clock.at = NOW;
    await handler({}, lambdaContext());
    clock.at = NOW + HOUR;
    await handler({}, lambdaContext());
    await handler({}, lambdaContext()); // steps nothing: not recorded
    const day = await real.listDetectionRuns('2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    // Hand-computed: at 10:20 the hours that may alert are those ending after 07:20 (07:00–09:00); the
    // 14 days of history before them are learnt; 1999-12-31 23:00 (the old clock) + 1 h to the resume
    // point are skipped. At 11:20 only the 10:00 hour is new.
    expect(day).toEqual([
      {
        at: '2026-11-30T10:20:00.000Z',
        checked: { from: '2026-11-30T07:00:00.000Z', to: '2026-11-30T10:00:00.000Z' },
        learnt: { from: '2026-11-16T10:00:00.000Z', to: '2026-11-30T07:00:00.000Z' },
        skipped: { from: '2000-01-01T00:00:00.000Z', to: '2026-11-16T10:00:00.000Z' },
      },
      {
        at: '2026-11-30T11:20:00.000Z',
        checked: { from: '2026-11-30T10:00:00.000Z', to: '2026-11-30T11:00:00.000Z' },
      },
    ]);
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

describe('detect handler: late mentions (stored after their hour was stepped)', () => {
  // Quiet jatiwangi history (synthetic): 06:00 and 09:00 UTC hold 7 mentions, 1 negative; 07:00 and 08:00
  // hold 6, none negative. The late burst: 10 negative mentions published 06:05–06:50 UTC by ten accounts.
  const LATE_HOUR = Date.parse('2026-11-30T06:00:00.000Z');
  const at = (iso: string) => Date.parse(`2026-11-30T${iso}:00.000Z`);
  const lateBurst = Array.from({ length: 10 }, (_, i) =>
    scoredMention(700 + i, {
      publishedAt: new Date(LATE_HOUR + (5 + i * 5) * 60_000).toISOString(),
      matchedKeywords: ['jatiwangi'],
      label: 'NEGATIVE',
      title: `Jalan Jatiwangi rusak parah ${i}`,
      author: { handle: `warga_jatiwangi${i}` },
    }),
  );

  /** Runs at 07:20, 08:20 and 09:20 UTC (06:00–08:00 stepped on time), then the burst is stored. */
  async function lateAfterThreeHours(options: Parameters<typeof setup>[0] = {}) {
    const ctx = await setup({ burst: [], ...options });
    for (const t of ['07:20', '08:20', '09:20']) {
      ctx.clock.at = at(t);
      const run = await ctx.handler({}, lambdaContext());
      expect(run.alerts.filter((a) => a.keyword === 'jatiwangi')).toEqual([]);
    }
    // Stored at 10:10, three hours after 06:00 was stepped (07:20): counted under 06:00 (publishedAt).
    for (const m of lateBurst) await ctx.real.putMention(m);
    for (const series of ['all', 'kw:jatiwangi']) ctx.extra.set(series, new Map([[LATE_HOUR, 10]]));
    return ctx;
  }

  it('tests a late burst at the next hour stepped and raises the alert there, with the late mentions as narratives', async () => {
    const { handler, clock, log, narrativeCalls, metrics, publisher } = await lateAfterThreeHours();
    clock.at = at('10:20');
    const run = await handler({}, lambdaContext());
    // 09:00 is stepped with its own 7 mentions (1 negative) plus the 10 late ones: 17, of which 11 negative.
    const volume = run.alerts.find((a) => a.seriesId === 'neg:kw:jatiwangi');
    expect(volume).toMatchObject({
      kind: 'volume',
      observed: 11,
      total: 17,
      windowStart: '2026-11-30T09:00:00.000Z',
      windowEnd: '2026-11-30T10:00:00.000Z',
      distinctAuthors: 10,
      late: { mentions: 10, negative: 10, publishedFrom: '2026-11-30T06:00:00.000Z' },
    });
    expect(run.alerts.find((a) => a.seriesId === 'share:kw:jatiwangi')).toMatchObject({
      kind: 'share',
      observed: 11,
      total: 17,
      observedShare: 11 / 17,
      windowEnd: '2026-11-30T10:00:00.000Z',
    });
    expect(run.late).toContainEqual({
      detectorId: 'neg:kw:jatiwangi',
      hour: '2026-11-30T09:00:00.000Z',
      from: '2026-11-30T06:00:00.000Z',
      total: 10,
      negative: 10,
    });
    expect(run.late.map((l) => l.detectorId).sort()).toEqual([
      'neg:all',
      'neg:kw:jatiwangi',
      'share:all',
      'share:kw:jatiwangi',
    ]);
    const lines = log.find('Late mentions added to detection');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.context['late']).toEqual(run.late);
    // The message says the window is when they were observed: published from 06:00 UTC = 13.00 WIB.
    const text = publisher.sent.find((m) => m.alert.seriesId === 'neg:kw:jatiwangi')?.text ?? '';
    expect(text).toContain('Termasuk 10 sebutan terlambat (10 negatif) yang terbit sejak 30 November 2026');
    expect(text).toMatch(
      /terbit sejak 30 November 2026 (pukul )?13\.00 WIB dan baru masuk setelah jamnya diperiksa\./,
    );
    // Counted once, from the all-mentions detector: the 10 late mentions.
    expect(metrics.sum('MentionsLateDetected')).toBe(run.late.find((l) => l.detectorId === 'neg:all')?.total);
    expect(metrics.sum('MentionsLateDetected')).toBe(10);
    // The narratives read from 06:00, so the late negatives (published before the window) are in them.
    const window = narrativeCalls.find((c) => c.window.some((m) => m.matchedKeywords.includes('jatiwangi')));
    expect(window?.window).toHaveLength(10);
  });

  it('after a catch-up, adds late mentions to the newest hour stepped, the one that can still alert', async () => {
    const ctx = await setup({ burst: [] });
    ctx.clock.at = at('07:20');
    await ctx.handler({}, lambdaContext());
    for (const m of lateBurst) await ctx.real.putMention(m);
    for (const series of ['all', 'kw:jatiwangi']) ctx.extra.set(series, new Map([[LATE_HOUR, 10]]));
    // The next run comes five hours later and steps 07:00–11:00; 07:00 is older than the 3-hour alert
    // look-back, so late counts added there would only be learnt as history.
    ctx.clock.at = at('12:20');
    const run = await ctx.handler({}, lambdaContext());
    expect(run.late.find((l) => l.detectorId === 'neg:kw:jatiwangi')).toMatchObject({
      hour: '2026-11-30T11:00:00.000Z',
      total: 10,
    });
    const alert = run.alerts.find((a) => a.seriesId === 'neg:kw:jatiwangi');
    expect(alert?.windowEnd).toBe('2026-11-30T12:00:00.000Z');
    expect(alert?.observed).toBeGreaterThanOrEqual(10);
  });

  it('adds late mentions once: neither the next run nor a re-run of the same hour adds them again', async () => {
    const { handler, clock, log, publisher } = await lateAfterThreeHours();
    clock.at = at('10:20');
    const first = await handler({}, lambdaContext());
    expect(first.late.length).toBe(4);
    clock.at = at('10:35');
    const rerun = await handler({}, lambdaContext());
    expect(rerun).toMatchObject({ stepped: 0, alerts: [], late: [] });
    clock.at = at('11:20');
    const next = await handler({}, lambdaContext());
    expect(next.stepped).toBe(5 * 2);
    expect(next.late).toEqual([]);
    expect(next.alerts.filter((a) => a.keyword === 'jatiwangi')).toEqual([]);
    expect(log.find('Late mentions added to detection')).toHaveLength(1);
    expect(publisher.sent.filter((s) => s.alert.seriesId === 'neg:kw:jatiwangi')).toHaveLength(1);
  });

  it('re-run after a run whose state was not saved adds the same late mentions to the same hour, once', async () => {
    let refuse = false;
    const { handler, clock, publisher } = await lateAfterThreeHours({
      putSeriesState: (real) => async (id, state, version, seen) => {
        if (refuse && id === 'neg:kw:jatiwangi')
          throw new RejectedWriteError(`detector state ${id} not written`);
        return real.putSeriesState(id, state, version, seen);
      },
    });
    refuse = true;
    clock.at = at('10:20');
    const first = await handler({}, lambdaContext());
    expect(first.unsaved).toEqual(['neg:kw:jatiwangi']);
    refuse = false;
    clock.at = at('10:35');
    const rerun = await handler({}, lambdaContext());
    // Only the unsaved detector steps 09:00 again, with the same 10 late mentions: the same alert id.
    expect(rerun.stepped).toBe(1);
    expect(rerun.late).toEqual([
      {
        detectorId: 'neg:kw:jatiwangi',
        hour: '2026-11-30T09:00:00.000Z',
        from: '2026-11-30T06:00:00.000Z',
        total: 10,
        negative: 10,
      },
    ]);
    expect(rerun.alerts.map((a) => a.id)).toEqual(
      first.alerts.filter((a) => a.seriesId === 'neg:kw:jatiwangi').map((a) => a.id),
    );
    clock.at = at('11:20');
    expect((await handler({}, lambdaContext())).late).toEqual([]);
    expect(publisher.sent.filter((s) => s.alert.seriesId === 'neg:kw:jatiwangi')).toHaveLength(1);
  });

  it('keeps late mentions pending through a run that steps no hour, and adds them at the next one', async () => {
    const { handler, clock, countCalls } = await lateAfterThreeHours();
    // 09:35: 08:00 was stepped at 09:20 and 09:00 is still open.
    clock.at = at('09:35');
    countCalls.length = 0;
    const idle = await handler({}, lambdaContext());
    expect(idle).toMatchObject({ stepped: 0, late: [], alerts: [] });
    expect(countCalls).toEqual([]);
    clock.at = at('10:20');
    const run = await handler({}, lambdaContext());
    expect(run.late.find((l) => l.detectorId === 'share:kw:jatiwangi')).toMatchObject({
      hour: '2026-11-30T09:00:00.000Z',
      total: 10,
      negative: 10,
    });
    expect(run.alerts.some((a) => a.seriesId === 'neg:kw:jatiwangi')).toBe(true);
  });

  it('re-reads only the last 24 stepped hours: a mention arriving later than that is not tested', async () => {
    const { handler, clock, extra, countCalls } = await setup({ burst: [] });
    clock.at = at('07:20');
    await handler({}, lambdaContext());
    clock.at = Date.parse('2026-12-01T07:20:00.000Z');
    await handler({}, lambdaContext());
    // 06:00 on 2026-11-30 was stepped 25 hours ago; its 10 late negatives arrive now.
    extra.set('kw:jatiwangi', new Map([[LATE_HOUR, 10]]));
    clock.at = Date.parse('2026-12-01T08:20:00.000Z');
    countCalls.length = 0;
    const run = await handler({}, lambdaContext());
    // Clock 2026-12-01 06:00: the ring holds 2026-11-30 07:00 … 2026-12-01 06:00, read with the new hour 07:00.
    expect(countCalls[0]).toEqual({
      series: 'all',
      from: '2026-11-30T07:00:00.000Z',
      to: '2026-12-01T08:00:00.000Z',
    });
    expect(run.late).toEqual([]);
    expect(run.alerts).toEqual([]);
  });
});
