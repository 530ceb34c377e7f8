import { describe, expect, it } from 'vitest';
import type { SourceReport } from '#functions/collect/collect.ts';
import type { RunSummary } from '../../cli/local-runtime.ts';
import {
  alertsLine,
  briefSourceError,
  detectionLines,
  digestCoverageLine,
  disabledSourcesNote,
  formatSummary,
  plural,
  REPLAY_COMMAND,
} from '../../cli/summary.ts';

const counts = { fetched: 0, new: 0, duplicate: 0, unmatched: 0, rejected: 0 };

function skipped(sourceId: string): SourceReport {
  return {
    sourceId,
    ok: false,
    ...counts,
    skipped: { code: 'credentials-missing' },
    error: `no credentials for ${sourceId}`,
  } as SourceReport;
}
function failed(sourceId: string): SourceReport {
  return { sourceId, ok: false, ...counts, error: 'SourceNetworkError: ECONNREFUSED' } as SourceReport;
}

function summary(sources: SourceReport[], allSourcesFailed: boolean): RunSummary {
  return {
    mentions: counts,
    sources,
    failedSources: sources
      .filter((s) => !s.ok && !s.skipped)
      .map((s) => ({ sourceId: s.sourceId, error: s.error ?? '' })),
    skippedSources: sources
      .filter((s) => s.skipped)
      .map((s) => ({ sourceId: s.sourceId, code: s.skipped?.code ?? '', reason: s.error ?? '' })),
    classified: 0,
    resumed: { pending: 0, alreadyStored: 0 },
    sentiment: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 },
    rejectedMessages: 0,
    deadLettered: 0,
    alerts: 0,
    alertsDelivered: { total: 0, fromEarlierRuns: 0 },
    heldBack: [],
    detection: {
      clockBefore: null,
      clockAfter: null,
      replayHours: 0,
      replayHoursChecked: 0,
      storedNew: 0,
      replayHoursNew: 0,
      replayHoursBeforeClock: 0,
      replayHoursLate: 0,
      lateMentions: 0,
      skippedHours: 0,
      historic: false,
    },
    digest: '/tmp/x/digests/2026-11-29.md',
    digestDate: '2026-11-29',
    dataDir: '/tmp/x',
    allSourcesFailed,
  };
}

describe('formatSummary', () => {
  it('shows a skipped source as skipped with its code, and says when no source was polled', () => {
    const lines = formatSummary(summary([skipped('bluesky-majalengka'), skipped('x-majalengka')], false));
    expect(lines).toContain(
      '    bluesky-majalengka: skipped (credentials-missing): no credentials for bluesky-majalengka',
    );
    expect(lines).toContain(
      '    x-majalengka: skipped (credentials-missing): no credentials for x-majalengka',
    );
    expect(lines.join('\n')).not.toMatch(/failed/);
    expect(lines).toContain('No source was polled (2 sources skipped), so nothing new was collected.');
  });

  it('says every *polled* source failed and counts the skipped ones apart', () => {
    const sources = [
      skipped('bluesky'),
      skipped('x'),
      skipped('reddit'),
      skipped('youtube'),
      failed('rss-radar'),
    ];
    const lines = formatSummary(summary(sources, true));
    expect(lines).toContain('    rss-radar: failed: ECONNREFUSED');
    expect(lines).toContain(
      'Every source that was polled failed (1 of 5; 4 skipped, not polled), so nothing new was collected (no network?).',
    );
    expect(lines).not.toContain('Every source failed, so nothing new was collected (no network?).');
  });

  it('keeps the short message when nothing was skipped, and no advice when a source worked', () => {
    expect(formatSummary(summary([failed('a'), failed('b')], true))).toContain(
      'Every source failed, so nothing new was collected (no network?).',
    );
    const ok = { sourceId: 'rss-ok', ok: true, ...counts, fetched: 3, new: 2, duplicate: 1 } as SourceReport;
    const lines = formatSummary(summary([ok, skipped('x')], false));
    expect(lines).toContain('    rss-ok: 3 fetched, 2 new, 1 duplicate, 0 unmatched, 0 rejected');
    expect(lines.join('\n')).not.toMatch(/nothing new was collected/);
  });

  it("puts a source's unmatched and rejected items on its own line, as on the headline (QA 5)", () => {
    const replay = {
      sourceId: 'replay',
      ok: true,
      ...counts,
      fetched: 14,
      new: 12,
      duplicate: 2,
      rejected: 13,
      byQuery: 1,
    } as SourceReport;
    expect(formatSummary(summary([replay], false))).toContain(
      '    replay: 14 fetched, 12 new (1 counted for the search keyword: their text names none), 2 duplicate, 0 unmatched, 13 rejected',
    );
  });

  it('names each failed or skipped source once, briefly, with no second list (QA 5)', () => {
    const url = 'https://news.google.com/rss/search?q=Majalengka%20when%3A1d&hl=id&gl=ID&ceid=ID:id';
    const offline = (sourceId: string) =>
      ({
        sourceId,
        ok: false,
        ...counts,
        error: `SourceNetworkError: ${sourceId}: network error fetching ${url}: fetch failed (ENOTFOUND)`,
      }) as SourceReport;
    const sources = [offline('gnews-majalengka'), offline('gnews-bupati'), skipped('bluesky')];
    const lines = formatSummary(summary(sources, true));
    for (const id of ['gnews-majalengka', 'gnews-bupati', 'bluesky'])
      expect(
        lines.filter((l) => l.includes(id)),
        id,
      ).toHaveLength(1);
    expect(lines).toContain(
      '    gnews-majalengka: failed: network error fetching news.google.com: fetch failed (ENOTFOUND)',
    );
    expect(lines).toContain('    bluesky: skipped (credentials-missing): no credentials for bluesky');
    expect(lines.join('\n')).not.toMatch(/see below|sources? failed:|not polled\):/);
  });
});

describe("formatSummary: the digest day's detection coverage", () => {
  const line = 'spike detection checked';
  it("says how many of the digest day's hours were checked when not all were", () => {
    const out = formatSummary({ ...summary([], false), digestChecked: { checked: 3, hours: 24 } }).join('\n');
    expect(out).toContain('spike detection checked 3 of its 24 hours (the digest names the others)');
  });
  it('says nothing when every hour was checked or coverage is unknown', () => {
    for (const s of [
      { ...summary([], false), digestChecked: { checked: 24, hours: 24 } },
      summary([], false),
    ])
      expect(formatSummary(s).join('\n')).not.toContain(line);
  });
});

describe('formatSummary: spikes held back and resumed mentions', () => {
  const spike = {
    detectorId: 'share:all',
    kind: 'share',
    windowStart: '2026-11-10T03:00:00.000Z',
    windowEnd: '2026-11-10T05:00:00.000Z',
    reason: 'too few distinct authors',
    distinctAuthors: 1,
    minDistinctAuthors: 2,
  } as const;

  it('reports a spike held back by the distinct-authors guard beside "alerts raised: 0", with the reason', () => {
    const lines = formatSummary({ ...summary([], false), heldBack: [spike] });
    const at = lines.indexOf('  alerts raised: 0');
    expect(at).toBeGreaterThan(-1);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  spikes held back: 1 (too few distinct authors: 1 < 2)',
      '    2026-11-10 03:00 UTC to 2026-11-10 05:00 UTC: 1 distinct author (alerts need 2); 1 series: all',
    ]);
    expect(formatSummary(summary([], false)).join('\n')).not.toContain('held back');
  });

  it('counts overlapping windows of one story (several series, both tests) as one held-back spike', () => {
    const story = [
      spike,
      { ...spike, detectorId: 'neg:all', kind: 'volume' as const, windowStart: '2026-11-10T02:00:00.000Z' },
      { ...spike, detectorId: 'neg:kw:majalengka', kind: 'volume' as const },
      { ...spike, detectorId: 'share:topic:bencana', windowEnd: '2026-11-10T17:00:00.000Z' },
      { ...spike, detectorId: 'neg:topic:jalan', kind: 'volume' as const, distinctAuthors: 0 },
    ];
    // A second story later that day: its window starts after the first ends (17:00). Events run from the
    // earliest window start to the latest end (each window: the hours holding the negative mentions).
    const later = {
      ...spike,
      windowStart: '2026-11-10T20:00:00.000Z',
      windowEnd: '2026-11-10T22:00:00.000Z',
    };
    const lines = formatSummary({ ...summary([], false), heldBack: [...story, later] });
    expect(lines).toContain('  spikes held back: 2 (too few distinct authors: 1 < 2, 0 < 2)');
    expect(lines).toContain(
      '    2026-11-10 02:00 UTC to 2026-11-10 17:00 UTC: 1 distinct author (alerts need 2); 4 series: all, kw:majalengka, topic:bencana and 1 more',
    );
    expect(lines).toContain(
      '    2026-11-10 20:00 UTC to 2026-11-10 22:00 UTC: 1 distinct author (alerts need 2); 1 series: all',
    );
  });

  it('says when it resumed pending mentions of an interrupted run, and how many were already stored', () => {
    const resumed = formatSummary({ ...summary([], false), resumed: { pending: 110, alreadyStored: 40 } });
    expect(resumed).toContain(
      '  resumed 110 pending mentions from an interrupted run (40 of them already stored before it stopped, counted once)',
    );
    const one = formatSummary({ ...summary([], false), resumed: { pending: 1, alreadyStored: 0 } });
    expect(one).toContain('  resumed 1 pending mention from an interrupted run');
    expect(formatSummary(summary([], false)).join('\n')).not.toContain('resumed');
  });
});

describe('plural', () => {
  it('uses the singular for exactly one', () => {
    expect(plural(0, 'correction')).toBe('0 corrections');
    expect(plural(1, 'correction')).toBe('1 correction');
    expect(plural(2, 'line')).toBe('2 lines');
  });
});

describe('detectionLines', () => {
  // A replay run that stored new mentions (the cases below set which replayed hours they fall in).
  const none = {
    clockBefore: null,
    clockAfter: null,
    replayHours: 0,
    replayHoursChecked: 0,
    storedNew: 12,
    replayHoursNew: 0,
    replayHoursBeforeClock: 0,
    replayHoursLate: 0,
    lateMentions: 0,
    skippedHours: 0,
    historic: true,
  };
  const clock = '2026-11-30T17:00:00.000Z';

  it('says nothing for an ordinary live run', () => {
    expect(detectionLines({ ...none, clockBefore: clock, clockAfter: clock })).toEqual([]);
  });

  it('says replayed hours after a --date before the data were not stepped, instead of calling them history', () => {
    const lines = detectionLines({
      ...none,
      clockAfter: '2000-01-01T16:00:00.000Z',
      replayHours: 105,
      replayHoursNew: 105,
      replayHoursAfter: 105,
      checkedFrom: '1999-12-31T14:00:00.000Z',
      checkedTo: '2000-01-01T16:00:00.000Z',
    });
    expect(lines).toEqual([
      '  replayed hours checked for spikes: 0 of 105 (alerts possible from 1999-12-31 14:00 UTC to 2000-01-01 17:00 UTC; 105 replayed hours after it not stepped (choose a later --date))',
    ]);
  });

  it('counts replayed hours the detector could not check because its clock had passed them by 24 hours or more', () => {
    const lines = detectionLines({
      ...none,
      clockBefore: clock,
      clockAfter: clock,
      replayHours: 37,
      replayHoursNew: 37,
      replayHoursBeforeClock: 37,
    });
    expect(lines).toEqual([
      '  replayed hours checked for spikes: 0 of 37',
      "  not checked for spikes: 37 replayed hours holding mentions this run stored, at least 24 hours before the detector's clock (2026-11-30 17:00 UTC); it steps each hour once and tests late mentions of its last 24 hours only. To check one day of them, replay into a fresh --data-dir with --date <that day> (a replay can alert on its digest day and the 3 hours before it).",
    ]);
  });

  it('says where late mentions were tested, or that they wait for the next hour the detector steps', () => {
    const behind = {
      ...none,
      clockBefore: clock,
      replayHours: 5,
      replayHoursBeforeClock: 5,
      replayHoursLate: 2,
    };
    expect(
      detectionLines({
        ...behind,
        clockAfter: '2026-11-30T18:00:00.000Z',
        replayHoursChecked: 0,
        checkedFrom: '2026-11-30T18:00:00.000Z',
        checkedTo: '2026-11-30T18:00:00.000Z',
        lateMentions: 10,
        lateAddedTo: '2026-11-30T18:00:00.000Z',
      }),
    ).toEqual([
      '  replayed hours checked for spikes: 0 of 5 (alerts possible from 2026-11-30 18:00 UTC to 2026-11-30 19:00 UTC)',
      "  tested as late mentions: 2 replayed hours at or before the detector's clock (2026-11-30 17:00 UTC) but within 24 hours of it; 10 late mentions added to 2026-11-30 18:00 UTC and tested there",
      "  not checked for spikes: 3 replayed hours holding mentions this run stored, at least 24 hours before the detector's clock (2026-11-30 17:00 UTC); it steps each hour once and tests late mentions of its last 24 hours only. To check one day of them, replay into a fresh --data-dir with --date <that day> (a replay can alert on its digest day and the 3 hours before it).",
    ]);
    // Added to an hour outside the alert range (an old --date): learnt, not "tested there".
    expect(
      detectionLines({
        ...behind,
        clockAfter: '2026-11-30T18:00:00.000Z',
        replayHoursChecked: 0,
        checkedFrom: '2026-11-30T19:00:00.000Z',
        checkedTo: '2026-11-30T19:00:00.000Z',
        lateMentions: 10,
        lateAddedTo: '2026-11-30T18:00:00.000Z',
      }),
    ).toContain(
      "  late mentions learnt as history: 2 replayed hours at or before the detector's clock (2026-11-30 17:00 UTC) but within 24 hours of it; 10 late mentions added to 2026-11-30 18:00 UTC, too old to raise an alert",
    );
    expect(detectionLines({ ...behind, clockAfter: clock, replayHoursBeforeClock: 2 })).toEqual([
      '  replayed hours checked for spikes: 0 of 5',
      "  late mentions waiting: 2 replayed hours at or before the detector's clock (2026-11-30 17:00 UTC) but within 24 hours of it; their new mentions are tested at the next hour the detector steps, in a run after 2026-11-30 19:00 UTC",
    ]);
    expect(
      detectionLines({ ...behind, clockAfter: '2026-11-30T18:00:00.000Z', replayHoursBeforeClock: 2 }),
    ).toContain(
      "  late mentions: none new in 2 replayed hours at or before the detector's clock (2026-11-30 17:00 UTC) but within 24 hours of it",
    );
  });

  it('names the hours a replay could alert on, and the hours skipped by a capped catch-up', () => {
    const lines = detectionLines({
      ...none,
      replayHours: 98,
      replayHoursChecked: 2,
      checkedFrom: '2026-11-09T14:00:00.000Z',
      checkedTo: '2026-11-10T16:00:00.000Z',
      skippedHours: 1,
    });
    expect(lines).toEqual([
      '  replayed hours checked for spikes: 2 of 98 (alerts possible from 2026-11-09 14:00 UTC to 2026-11-10 17:00 UTC; earlier replayed hours are history, learnt but not alerted on)',
      '  not checked for spikes: 1 hour skipped; the detector was more than 28 days behind, so it resumed 14 days before the last closed hour',
    ]);
  });
});

describe('detectionLines: a run that stored nothing new (QA: a re-run said its replay was not checked)', () => {
  const rerun = {
    clockBefore: '2026-02-12T16:00:00.000Z',
    clockAfter: '2026-02-12T16:00:00.000Z',
    replayHours: 105,
    replayHoursChecked: 0,
    storedNew: 0,
    replayHoursNew: 0,
    replayHoursBeforeClock: 0,
    replayHoursLate: 0,
    lateMentions: 0,
    skippedHours: 0,
    historic: true,
  };
  const mentions = { fetched: 110, new: 0, duplicate: 110, unmatched: 0, rejected: 0 };

  it('says there was nothing new to check, and never that the replayed hours went unchecked', () => {
    const lines = detectionLines(rerun, mentions);
    expect(lines).toEqual([
      '  spike detection: nothing new to check (every replayed mention was already stored)',
    ]);
    expect(lines.join('\n')).not.toMatch(/not checked|fresh --data-dir|0 of 105/);
  });

  it('names the hours it still stepped after a run stopped in detect, and why none were new', () => {
    expect(
      detectionLines(
        {
          ...rerun,
          clockBefore: '2026-02-12T09:00:00.000Z',
          replayHoursChecked: 1,
          checkedFrom: '2026-02-12T10:00:00.000Z',
          checkedTo: '2026-02-12T16:00:00.000Z',
        },
        mentions,
      ),
    ).toEqual([
      '  spike detection: no new mention (every replayed mention was already stored); it stepped 1 replayed hour it had not reached yet (alerts possible from 2026-02-12 10:00 UTC to 2026-02-12 17:00 UTC)',
    ]);
  });

  it('does not claim the mentions were stored when the replay had only unmatched or rejected lines', () => {
    expect(detectionLines(rerun, { fetched: 4, new: 0, duplicate: 1, unmatched: 2, rejected: 1 })).toEqual([
      '  spike detection: nothing new to check (no replayed mention was new to the store: 1 already stored, 2 unmatched, 1 rejected)',
    ]);
  });
});

describe('digestCoverageLine: why digest hours went unchecked', () => {
  const base = { ...summary([], false), digestDate: '2026-11-10', digestChecked: { checked: 0, hours: 24 } };

  it('blames the detector clock (and advises a fresh --data-dir) for a replay or --date run', () => {
    const line = digestCoverageLine({
      ...base,
      detection: { ...base.detection, historic: true, clockBefore: '2026-11-30T17:00:00.000Z' },
    });
    expect(line).toBe(
      "    spike detection checked 0 of its 24 hours (the digest names the others): the detector's clock (2026-11-30 17:00 UTC) had already passed the day before this run, and it never goes back. To check the day, replay into a fresh --data-dir with --date 2026-11-10",
    );
    expect(line).not.toContain('live run');
  });

  it('keeps the live-run reason for a live run', () => {
    const line = digestCoverageLine({ ...base, digestChecked: { checked: 3, hours: 24 } });
    expect(line).toBe(
      '    spike detection checked 3 of its 24 hours (the digest names the others): one live run checks only the 3 closed hours before it; deployed, the 15-minute schedule checks every hour',
    );
  });
});

describe('alertsLine: alerts raised and delivered (QA: "alerts raised: 1" after a kill where 3 went out)', () => {
  it('is the plain count when this run delivered exactly what it raised', () => {
    expect(alertsLine({ alerts: 3, alertsDelivered: { total: 3, fromEarlierRuns: 0 } })).toBe(
      '  alerts raised: 3',
    );
  });
  it('counts alerts an earlier, stopped run raised and this run delivered', () => {
    expect(alertsLine({ alerts: 1, alertsDelivered: { total: 3, fromEarlierRuns: 2 } })).toBe(
      '  alerts raised: 1; also delivered 2 alerts an earlier run raised but had not sent (it was stopped, or delivery failed)',
    );
  });
  it('says when raised alerts were not delivered', () => {
    expect(alertsLine({ alerts: 2, alertsDelivered: { total: 0, fromEarlierRuns: 0 } })).toBe(
      '  alerts raised: 2; 2 not delivered (kept, and sent by the next run within 24 hours; -v says why)',
    );
  });
});

describe('formatSummary: the replay hint after every source failed', () => {
  it("prints the README's command, with a fresh --data-dir", () => {
    const lines = formatSummary(summary([failed('rss')], true));
    expect(lines).toContain(
      '  npm start -- --replay ../shared/data/replay/majalengka-real/mentions.jsonl --data-dir .pantau-replay',
    );
    expect(REPLAY_COMMAND).toContain('--data-dir .pantau-replay');
  });
});

describe('briefSourceError', () => {
  it("drops the error's class and source id, shows URLs by host, and cuts a long reason", () => {
    expect(
      briefSourceError('SourceHttpError: rss-x: HTTP 503 from https://ex.id/feed.xml?a=1', 'rss-x'),
    ).toBe('HTTP 503 from ex.id');
    expect(briefSourceError('skipped: daily budget spent (10 of 10 posts on 2026-11-30)', 'x')).toBe(
      'daily budget spent (10 of 10 posts on 2026-11-30)',
    );
    const long = briefSourceError(`FeedParseError: rss-x: ${'kata '.repeat(60)}`, 'rss-x');
    expect(long).toHaveLength(100);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('disabledSourcesNote', () => {
  it('names the switched-off sources, and nothing when every source is on', () => {
    expect(disabledSourcesNote([{ id: 'a', enabled: true }])).toBe('');
    expect(
      disabledSourcesNote([
        { id: 'a', enabled: true },
        { id: 'x-majalengka', enabled: false },
      ]),
    ).toBe(' (1 disabled in the config: x-majalengka)');
  });
});
