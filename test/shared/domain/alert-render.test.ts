/**
 * One message per event: alerts whose windows overlap are grouped under a primary, and the message lists
 * the others; alerts at different times stay apart.
 */
import { describe, expect, it } from 'vitest';
import { groupAlerts, renderAlert } from '#shared/domain/alert-render.ts';
import { testAlert } from '../../functions/api/helpers.ts';

const options = { timeZone: 'Asia/Jakarta', regencyName: 'Kabupaten Majalengka' };

describe('groupAlerts', () => {
  it('groups overlapping windows transitively and keeps separate events apart', () => {
    // 07–09 (all) overlaps 08–09 (keyword, topic); 09–10 only touches them at 09:00, which is no overlap;
    // 12–13 stands alone.
    const a = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati');
    const b = testAlert('2026-11-30T07:00:00.000Z', 'all', { windowEnd: '2026-11-30T09:00:00.000Z' });
    const c = testAlert('2026-11-30T08:00:00.000Z', 'topic:bandara', { topic: 'bandara' });
    const d = testAlert('2026-11-30T09:00:00.000Z', 'kw:jatiwangi');
    const e = testAlert('2026-11-30T12:00:00.000Z', 'kw:majalengka');
    const groups = groupAlerts([e, d, c, a, b]);
    expect(groups.map((g) => g.map((x) => x.seriesId))).toEqual([
      // Same severity: the broadest scope (all mentions) leads, then the keyword, then the topic.
      ['all', 'kw:kertajati', 'topic:bandara'],
      ['kw:jatiwangi'],
      ['kw:majalengka'],
    ]);
  });

  it('puts the most severe alert first, whatever its scope', () => {
    const all = testAlert('2026-11-30T08:00:00.000Z', 'all', { severity: 'sedang' });
    const kw = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati', { severity: 'kritis' });
    const share = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati', {
      id: '2026-11-30T08:00:00.000Z~share:kw:kertajati',
      kind: 'share',
      severity: 'kritis',
    });
    expect(groupAlerts([all, share, kw])[0]?.map((x) => [x.kind, x.severity, x.seriesId])).toEqual([
      ['volume', 'kritis', 'kw:kertajati'],
      ['share', 'kritis', 'kw:kertajati'],
      ['volume', 'sedang', 'all'],
    ]);
  });
});

describe('groupAlerts: different stories in the same hours', () => {
  /** An alert whose one narrative holds the given mentions and top terms. */
  const story = (seriesId: string, mentionIds: string[], topTerms: string[], overrides = {}) => {
    const base = testAlert('2026-11-30T08:00:00.000Z', seriesId, overrides);
    return { ...base, narratives: base.narratives.map((n) => ({ ...n, mentionIds, topTerms })) };
  };

  it('sends two messages when the overlapping alerts share no mention and no top term', () => {
    const road = story('kw:cigasong', ['m1', 'm2'], ['jalan', 'amblas']);
    const hoax = story('kw:kertajati', ['m7', 'm8'], ['hoaks', 'bandara', 'ditutup']);
    expect(groupAlerts([hoax, road]).map((g) => g.map((a) => a.seriesId))).toEqual([
      ['kw:cigasong'],
      ['kw:kertajati'],
    ]);
  });

  it('keeps them together when one mention or one top term is shared', () => {
    const road = story('kw:cigasong', ['m1', 'm2'], ['jalan', 'amblas']);
    const byMention = story('kw:majalengka', ['m2', 'm9'], ['banjir']);
    const byTerm = story('kw:bupati', ['m5'], ['amblas', 'kapan']);
    expect(groupAlerts([road, byMention]).length).toBe(1);
    expect(groupAlerts([road, byTerm]).length).toBe(1);
  });

  it('keeps an alert without narratives with every alert it overlaps (its content is unknown)', () => {
    const road = story('kw:cigasong', ['m1'], ['jalan']);
    const hoax = story('kw:kertajati', ['m7'], ['hoaks']);
    const bare = { ...testAlert('2026-11-30T08:00:00.000Z', 'kw:rsud'), narratives: [] };
    // Linked to both, so all three are one event.
    expect(groupAlerts([road, hoax, bare]).map((g) => g.length)).toEqual([3]);
  });

  it('keeps an alert whose narratives name no mention and no term with the alerts it overlaps', () => {
    const road = story('kw:cigasong', ['m1'], ['jalan']);
    const blank = story('kw:rsud', [], []);
    expect(groupAlerts([road, blank]).length).toBe(1);
  });

  it('joins both stories under an all-mentions alert whose narratives cover both', () => {
    const road = story('kw:cigasong', ['m1', 'm2'], ['jalan', 'amblas']);
    const hoax = story('kw:kertajati', ['m7', 'm8'], ['hoaks', 'bandara']);
    const all = {
      ...testAlert('2026-11-30T07:00:00.000Z', 'all', { windowEnd: '2026-11-30T09:00:00.000Z' }),
    };
    all.narratives = [
      { ...all.narratives[0]!, id: 'a', mentionIds: ['m1', 'm2'], topTerms: ['amblas'] },
      { ...all.narratives[0]!, id: 'b', mentionIds: ['m7'], topTerms: ['hoaks'] },
    ];
    expect(groupAlerts([road, hoax, all]).map((g) => g.map((a) => a.seriesId))).toEqual([
      ['all', 'kw:cigasong', 'kw:kertajati'],
    ]);
    // Covering only the road story, it joins that one and the hoax goes out alone.
    all.narratives = [all.narratives[0]!];
    expect(groupAlerts([road, hoax, all]).map((g) => g.map((a) => a.seriesId))).toEqual([
      ['all', 'kw:cigasong'],
      ['kw:kertajati'],
    ]);
  });

  it('does not link stories through time alone: windows must overlap pairwise to be linked', () => {
    // 07–09 and 08–10 overlap, 08–10 and 09:30–10:30 overlap, but 07–09 and 09:30–10:30 do not; the
    // first and last share terms, the middle one is another story, so three events.
    const a = story('kw:a', ['m1'], ['jalan'], { windowEnd: '2026-11-30T09:00:00.000Z' });
    a.windowStart = '2026-11-30T07:00:00.000Z';
    const b = story('kw:b', ['m5'], ['hoaks'], { windowEnd: '2026-11-30T10:00:00.000Z' });
    const c = story('kw:c', ['m9'], ['jalan'], { windowEnd: '2026-11-30T10:30:00.000Z' });
    c.windowStart = '2026-11-30T09:30:00.000Z';
    expect(groupAlerts([a, b, c]).map((g) => g.map((x) => x.seriesId))).toEqual([
      ['kw:a'],
      ['kw:b'],
      ['kw:c'],
    ]);
  });
});

describe('renderAlert with related alerts', () => {
  it('lists every related alert with its scope, numbers and id, and counts them in the subject', () => {
    const primary = testAlert('2026-11-30T08:00:00.000Z', 'all');
    const kw = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati', { observed: 9, expected: 1.25 });
    const share = testAlert('2026-11-30T08:00:00.000Z', 'topic:bandara', {
      topic: 'bandara',
      kind: 'share',
      observedShare: 0.45,
      expectedShare: 0.2,
      total: 40,
      late: { mentions: 3, negative: 2, publishedFrom: '2026-11-30T05:00:00.000Z' },
    });
    const out = renderAlert(primary, {
      ...options,
      keywordLabel: 'Semua sebutan',
      related: [
        { alert: kw, label: 'Bandara Kertajati' },
        { alert: share, label: 'Bandara' },
      ],
    });
    expect(out.subject).toBe('[Pantau TINGGI] Lonjakan negatif: Semua sebutan (+2 lingkup lain)');
    // 15.00–16.00 WIB on one day, its date said once; 9 and 1,3 (1.25 to one decimal in Indonesian
    // notation); shares in percent with one decimal, as the digest writes them.
    expect(out.text).toContain(
      `• Kata kunci: Bandara Kertajati — sebutan negatif 9 (biasanya sekitar 1,3), 30 November 2026, pukul 15.00–16.00 WIB; tingkat tinggi; narasi: jalan, rusak, cigasong; ID: ${kw.id}`,
    );
    expect(out.text).toContain(
      `• Topik: Bandara — porsi negatif 45,0% dari 40 sebutan (biasanya sekitar 20,0%); termasuk 3 sebutan terlambat,`,
    );
    expect(out.text).toContain(`ID peringatan terkait: ${kw.id}, ${share.id}`);
  });

  it('keeps the related count when a long label must be cut to the 99-character subject', () => {
    const out = renderAlert(testAlert('2026-11-30T08:00:00.000Z', 'all'), {
      ...options,
      keywordLabel: 'x'.repeat(200),
      related: [{ alert: testAlert('2026-11-30T08:00:00.000Z', 'kw:a'), label: 'A' }],
    });
    expect(out.subject.length).toBe(99);
    expect(out.subject.endsWith(' (+1 lingkup lain)')).toBe(true);
  });

  it('renders a lone alert as before: no related section, no count', () => {
    const out = renderAlert(testAlert('2026-11-30T08:00:00.000Z', 'all'), {
      ...options,
      keywordLabel: 'Semua sebutan',
    });
    expect(out.subject).toBe('[Pantau TINGGI] Lonjakan negatif: Semua sebutan');
    expect(out.text).not.toContain('lingkup lain');
    expect(out.text).not.toContain('terkait');
  });
});

describe('renderAlert wording', () => {
  it('counts authors as "penulis/media", as the digest does (replayed news counts outlets)', () => {
    const alert = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati');
    const out = renderAlert(alert, { ...options, keywordLabel: 'Bandara Kertajati' });
    expect(out.text).toContain(`penulis/media berbeda: ${alert.distinctAuthors}`);
    const n = alert.narratives[0];
    expect(out.text).toContain(`${n?.size} sebutan, ${n?.distinctAuthors} penulis/media`);
  });
});

describe('renderAlert figures and window (QA replay: 30 negatives from one outlet in one hour)', () => {
  // The QA pass's alert: 30 of 30 mentions negative, 0.05 expected; expectedShare = 0.05 / 30 = 0.001667.
  const qa = testAlert('2026-11-28T03:00:00.000Z', 'all', {
    observed: 30,
    expected: 0.05,
    total: 30,
    observedShare: 1,
    expectedShare: 0.05 / 30,
  });
  const { text } = renderAlert(qa, { ...options, keywordLabel: 'Semua sebutan' });

  it('says "kurang dari 1" for an expected count below 1 and gives shares with one decimal', () => {
    expect(text).toContain('Sebutan negatif: 30 (biasanya kurang dari 1)');
    // 1 → 100,0 %; 0.001667 → 0,2 % (not 0 % beside a non-zero expected count).
    expect(text).toContain('Porsi negatif: 100,0% dari 30 sebutan (biasanya sekitar 0,2%)');
    expect(text).not.toMatch(/\b0,1\b|\(biasanya 0%\)|perkiraan normal/);
  });

  it('says a share baseline that would round to zero is under 0,1 %, never 0 %', () => {
    const tiny = renderAlert(testAlert('2026-11-28T03:00:00.000Z', 'all', { expectedShare: 0.0004 }), {
      ...options,
      keywordLabel: 'Semua sebutan',
    }).text;
    expect(tiny).toContain('(biasanya di bawah 0,1%)');
  });

  it('writes thousands with a dot', () => {
    const big = renderAlert(
      testAlert('2026-11-28T03:00:00.000Z', 'all', { observed: 1234, total: 2500, expected: 1000.04 }),
      { ...options, keywordLabel: 'Semua sebutan' },
    ).text;
    expect(big).toContain('Sebutan negatif: 1.234 (biasanya sekitar 1.000,0)');
    expect(big).toContain('dari 2.500 sebutan');
  });

  it('names a same-day window’s date once, and both dates across midnight', () => {
    expect(text).toContain('Jendela waktu: 28 November 2026, pukul 10.00–11.00 WIB');
    const late = renderAlert(
      testAlert('2026-11-28T16:00:00.000Z', 'all', { windowEnd: '2026-11-28T18:00:00.000Z' }),
      { ...options, keywordLabel: 'Semua sebutan' },
    ).text;
    expect(late).toContain(
      'Jendela waktu: 28 November 2026 pukul 23.00 sampai 29 November 2026 pukul 01.00 WIB',
    );
    const lastHour = renderAlert(testAlert('2026-11-28T16:00:00.000Z', 'all'), {
      ...options,
      keywordLabel: 'Semua sebutan',
    }).text;
    expect(lastHour).toContain('Jendela waktu: 28 November 2026, pukul 23.00–24.00 WIB');
  });

  it('calls an all-mentions alert’s scope "Lingkup", never "cakupan"', () => {
    expect(text).toContain('Lingkup: Semua sebutan');
    expect(text).not.toMatch(/cakupan/i);
  });
});

describe('renderAlert narrative terms', () => {
  const withTerms = (seriesId: string, topTerms: string[], overrides = {}) => {
    const base = testAlert('2026-11-28T03:00:00.000Z', seriesId, overrides);
    return { ...base, narratives: base.narratives.map((n) => ({ ...n, topTerms })) };
  };

  it('leaves out the regency name and keyword labels, but keeps a topic label’s subject words', () => {
    const topic = withTerms('topic:infrastruktur', ['banjir', 'jalan', 'laporan', 'majalengka', 'marah'], {
      topic: 'infrastruktur',
    });
    const kw = withTerms('kw:kertajati', ['kertajati', 'bandara', 'sepi']);
    const { text } = renderAlert(topic, {
      ...options,
      keywordLabel: 'Infrastruktur & jalan',
      related: [{ alert: kw, label: 'Bandara Kertajati' }],
    });
    expect(text).toContain('1. banjir, jalan, laporan, marah — 9 sebutan');
    expect(text).toContain('; narasi: sepi;');
  });

  it('uses the given excludeTerms instead when the caller has the config', () => {
    const all = withTerms('all', ['bijb', 'majalengka', 'tutup']);
    const { text } = renderAlert(all, {
      ...options,
      keywordLabel: 'Semua sebutan',
      excludeTerms: ['BIJB', 'majalengka'],
    });
    expect(text).toContain('1. tutup — 9 sebutan');
  });
});

describe('renderAlert with estimated publication times (QA 2026-12-01)', () => {
  it('says the window may be off when the times of its negative mentions are estimates', () => {
    const all = testAlert('2026-11-20T05:00:00.000Z', 'all', { estimatedTimes: { negative: 30, of: 30 } });
    expect(renderAlert(all, { ...options, keywordLabel: 'Semua sebutan' }).text).toContain(
      'Jam terbit semua 30 sebutan negatif hanya perkiraan: sumbernya memberi tanggal tanpa jam, dicatat pukul 12.00; jendela waktu di atas bisa tidak tepat.',
    );
    const some = testAlert('2026-11-20T05:00:00.000Z', 'all', { estimatedTimes: { negative: 4, of: 30 } });
    expect(renderAlert(some, { ...options, keywordLabel: 'Semua sebutan' }).text).toContain(
      'Jam terbit 4 dari 30 sebutan negatif hanya perkiraan',
    );
    const exact = testAlert('2026-11-20T05:00:00.000Z', 'all');
    expect(renderAlert(exact, { ...options, keywordLabel: 'Semua sebutan' }).text).not.toContain('perkiraan');
  });
});
