/**
 * The digest's source-health section (no run, failed runs, enabled sources that never ran), its
 * Indonesian wording, and the Markdown escaping: readable where nothing can break, and checked with a
 * real CommonMark + GFM parser (markdown-it) that hostile text stays text.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { describe, expect, it } from 'vitest';
import { parseRegencyConfig } from '#shared/domain/config.ts';
import {
  buildDigest,
  type DigestInput,
  escapeMarkdown,
  renderDigestHtml,
  renderDigestMarkdown,
  renderDigestText,
  sourceFailureReason,
} from '#shared/domain/digest.ts';
import { testAlert } from '../../functions/api/helpers.ts';
import { scoredMention } from '../../helpers/mentions.ts';

const NO_COLLECTION =
  'Tidak ada pengumpulan yang tercatat pada hari ini — data hari ini mungkin tidak lengkap.';
const ALL_COLLECTED = 'Semua sumber berhasil dikumpulkan.';

function config(overrides: { topics?: unknown[]; keywords?: unknown[] } = {}) {
  return parseRegencyConfig({
    regency: 'majalengka',
    name: 'Kabupaten Majalengka',
    timeZone: 'Asia/Jakarta',
    keywords: overrides.keywords ?? [{ id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'] }],
    topics: overrides.topics ?? [],
    sources: [
      { kind: 'google-news', id: 'gnews-bupati', query: 'bupati majalengka' },
      { kind: 'rss', id: 'rss-radar', url: 'https://radar.example.id/feed' },
      { kind: 'rss', id: 'rss-lama', url: 'https://lama.example.id/feed', enabled: false },
    ],
  });
}

// 29 November 2026 in WIB.
const day = {
  date: '2026-11-29',
  range: { start: '2026-11-28T17:00:00.000Z', end: '2026-11-29T17:00:00.000Z' },
  generatedAt: '2026-11-30T00:00:00.000Z',
};

function input(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    config: config(),
    ...day,
    mentions: [],
    previousDays: [],
    alerts: [],
    sourceRuns: [],
    ...overrides,
  };
}

function allRenderings(i: DigestInput) {
  const d = buildDigest(i);
  return { d, md: renderDigestMarkdown(d), text: renderDigestText(d), html: renderDigestHtml(d) };
}

function section(md: string, heading: string): string {
  const start = md.indexOf(`## ${heading}`);
  const next = md.indexOf('\n## ', start + 3);
  return md.slice(start, next === -1 ? undefined : next);
}

describe('digest source health', () => {
  it('says plainly that nothing was collected on a day without any run', () => {
    const { d, md, text, html } = allRenderings(input());
    expect(d.collection).toEqual({ runs: 0, notCollected: ['gnews-bupati', 'rss-radar'], skipped: [] });
    for (const out of [md, text, html]) {
      expect(out).toContain(NO_COLLECTION);
      expect(out).not.toContain(ALL_COLLECTED);
      expect(out).not.toContain('Tidak ada sebutan yang terkumpul');
    }
    expect(md.startsWith('# Ringkasan Harian Pantau')).toBe(true);
    expect(md.split('\n')[2]).toBe(`**Perhatian:** ${NO_COLLECTION}`);
  });

  it('says a day without a run but with mentions was collected later, not that nothing came in', () => {
    const mentions = [scoredMention(1, { publishedAt: '2026-11-29T03:00:00.000Z', label: 'NEUTRAL' })];
    const { md, text, html } = allRenderings(input({ mentions }));
    for (const out of [md, text]) {
      expect(out).toContain(
        'Tidak ada pengumpulan yang tercatat pada hari ini; sebutan hari ini dikumpulkan kemudian',
      );
      expect(out).not.toContain(NO_COLLECTION);
    }
    expect(html).toContain('dikumpulkan kemudian (misalnya diimpor dari arsip)');
  });

  it('says "all collected" only when every enabled source ran and none failed', () => {
    const { d, md, text, html } = allRenderings(
      input({
        sourceRuns: [
          { sourceId: 'gnews-bupati', ok: true },
          { sourceId: 'rss-radar', ok: true },
          { sourceId: 'rss-radar', ok: true },
        ],
      }),
    );
    expect(d.collection).toEqual({ runs: 3, notCollected: [], skipped: [] });
    expect(d.failedSources).toEqual([]);
    for (const out of [md, text, html]) {
      expect(out).toContain(ALL_COLLECTED);
      expect(out).not.toContain('Perhatian');
    }
    // A quiet day that was collected is calm, and says so.
    expect(md).toContain('_Tidak ada sebutan yang terkumpul pada hari ini._');
  });

  it('lists failed sources and enabled sources that never ran, but not disabled ones', () => {
    const { d, md, text, html } = allRenderings(
      input({
        sourceRuns: [
          { sourceId: 'gnews-bupati', ok: false, error: 'HTTP 503' },
          { sourceId: 'gnews-bupati', ok: true },
          { sourceId: 'gnews-bupati', ok: false, error: 'fetch failed' },
        ],
      }),
    );
    expect(d.collection).toEqual({ runs: 3, notCollected: ['rss-radar'], skipped: [] });
    expect(d.failedSources).toEqual([
      { sourceId: 'gnews-bupati', failures: 2, runs: 3, lastError: 'fetch failed' },
    ]);
    expect(
      section(md, 'Status pengumpulan sumber')
        .split('\n')
        .filter((l) => l.startsWith('- ')),
    ).toEqual([
      '- gnews-bupati: gagal 2 dari 3 kali; kesalahan terakhir: jaringan gagal',
      '- rss-radar: tidak ada pengumpulan yang tercatat pada hari ini',
    ]);
    expect(md.split('\n')[2]).toContain('2 sumber bermasalah (1 gagal, 1 tidak dikumpulkan) pada hari ini');
    const onlyFailed = allRenderings(
      input({
        sourceRuns: [
          { sourceId: 'gnews-bupati', ok: false, error: 'HTTP 503' },
          { sourceId: 'rss-radar', ok: false, error: 'HTTP 500' },
        ],
      }),
    );
    expect(onlyFailed.text).toContain('PERHATIAN: 2 sumber gagal pada hari ini (rincian di bagian akhir)');
    for (const out of [md, text, html]) {
      expect(out).not.toContain(ALL_COLLECTED);
      expect(out).not.toContain('rss-lama');
    }
  });
});

describe('digest spike-detection coverage', () => {
  const run = (from: string, to: string) => ({ checked: { from, to } });
  const hourly = (startIso: string, hours: number) =>
    Array.from({ length: hours }, (_, h) => {
      const from = Date.parse(startIso) + h * 3_600_000;
      return run(new Date(from).toISOString(), new Date(from + 3_600_000).toISOString());
    });

  it('says plainly "no alerts" when detection checked every hour of the day', () => {
    // 24 hourly runs, 17:00 UTC on the 28th (00.00 WIB) to 17:00 UTC on the 29th, plus one outside the day.
    const runs = [
      ...hourly('2026-11-28T17:00:00.000Z', 24),
      run('2026-11-29T17:00:00.000Z', '2026-11-29T18:00:00.000Z'),
    ];
    const { d, md, text, html } = allRenderings(input({ detectionRuns: runs }));
    expect(d.detection).toEqual({ hours: 24, checked: 24, unchecked: [] });
    expect(section(md, 'Peringatan lonjakan')).toContain('_Tidak ada peringatan._');
    for (const out of [md, text, html]) expect(out).not.toContain('Deteksi lonjakan');
  });

  it('names the hours no run checked, in local time, and qualifies "no alerts"', () => {
    // Checked 00.00–06.00 and 09.00–14.00 WIB (overlapping runs count once); 06.00–09.00 and 14.00–24.00 not.
    const runs = [
      run('2026-11-28T17:00:00.000Z', '2026-11-28T20:00:00.000Z'),
      run('2026-11-28T19:00:00.000Z', '2026-11-28T23:00:00.000Z'),
      run('2026-11-29T02:00:00.000Z', '2026-11-29T07:00:00.000Z'),
    ];
    const { d, md, text, html } = allRenderings(input({ detectionRuns: runs }));
    expect(d.detection).toEqual({
      hours: 24,
      checked: 11,
      unchecked: [
        { start: '2026-11-28T23:00:00.000Z', end: '2026-11-29T02:00:00.000Z' },
        { start: '2026-11-29T07:00:00.000Z', end: '2026-11-29T17:00:00.000Z' },
      ],
    });
    const gap =
      'Deteksi lonjakan baru memeriksa 11 dari 24 jam hari ini; belum diperiksa: pukul 06.00–09.00 WIB, pukul 14.00–24.00 WIB.';
    expect(section(md, 'Peringatan lonjakan')).toContain(`**Perhatian:** ${gap}`);
    expect(section(md, 'Peringatan lonjakan')).toContain(
      '_Tidak ada peringatan pada jam yang sudah diperiksa._',
    );
    expect(text).toContain(`PERHATIAN: ${gap}`);
    expect(text).toContain('(tidak ada peringatan pada jam yang sudah diperiksa)');
    expect(html).toContain(gap);
  });

  it('says when no hour of the day was checked at all', () => {
    const { d, md, text, html } = allRenderings(input({ detectionRuns: [{}] }));
    expect(d.detection).toEqual({
      hours: 24,
      checked: 0,
      unchecked: [{ start: '2026-11-28T17:00:00.000Z', end: '2026-11-29T17:00:00.000Z' }],
    });
    expect(section(md, 'Peringatan lonjakan')).toContain(
      'Deteksi lonjakan tidak memeriksa satu jam pun dari hari ini; tidak adanya peringatan belum berarti tidak ada lonjakan.',
    );
    // No "no alerts" line of any kind: nothing was checked.
    for (const out of [md, text, html]) expect(out.toLowerCase()).not.toContain('tidak ada peringatan');
  });

  it('names spikes held back by the distinct-authors guard, merged per event, with their scopes', () => {
    const held = (detectorId: string, windowStart: string, windowEnd: string, distinctAuthors: number) => ({
      detectorId,
      kind: 'volume' as const,
      windowStart,
      windowEnd,
      distinctAuthors,
      minDistinctAuthors: 2,
    });
    const runs = [
      ...hourly('2026-11-28T17:00:00.000Z', 24),
      {
        heldBack: [
          // One burst in the 08:00–09:59 UTC hours (15.00–17.00 WIB), held back by the all-mentions detector at
          // 08:00 and 09:00 and by the keyword's at 08:00; each window is the hours holding its negative
          // mentions. One event, from the earliest start to the latest end.
          held('neg:all', '2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z', 1),
          held('neg:all', '2026-11-29T08:00:00.000Z', '2026-11-29T10:00:00.000Z', 1),
          held('neg:kw:majalengka', '2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z', 1),
          // The day before: not this digest's, also when it was found again by a run of this day (QA: a burst at
          // 23.00 WIB was listed as "pukul 00.00–02.00" on the next day's digest, which had no mention).
          held('neg:all', '2026-11-28T10:00:00.000Z', '2026-11-28T11:00:00.000Z', 1),
          held('neg:all', '2026-11-28T16:00:00.000Z', '2026-11-28T17:00:00.000Z', 1),
        ],
      },
    ];
    const { d, md, text, html } = allRenderings(input({ detectionRuns: runs }));
    expect(d.detection?.heldBack).toEqual([
      {
        start: '2026-11-29T08:00:00.000Z',
        end: '2026-11-29T10:00:00.000Z',
        scopes: ['semua sebutan', 'kata kunci Majalengka'],
        distinctAuthors: 1,
        minDistinctAuthors: 2,
      },
    ]);
    const line =
      'Lonjakan tanpa peringatan, pukul 15.00–17.00 WIB (semua sebutan, kata kunci Majalengka): hanya 1 penulis/media berbeda, kurang dari batas 2; periksa apakah satu akun atau satu media membanjiri percakapan.';
    expect(text).toContain(line);
    expect(html).toContain(line);
    expect(section(md, 'Peringatan lonjakan')).toContain('Lonjakan tanpa peringatan, pukul 15.00–17.00 WIB');
  });

  it('leaves coverage out when the caller does not know it', () => {
    const { d, md } = allRenderings(input());
    expect(d.detection).toBeUndefined();
    expect(section(md, 'Peringatan lonjakan')).toContain('_Tidak ada peringatan._');
  });
});

describe('digest and skipped sources', () => {
  it('lists a source skipped for missing credentials as skipped, not failed, and not as never run', () => {
    const { d, md, text, html } = allRenderings(
      input({
        sourceRuns: [
          { sourceId: 'gnews-bupati', ok: true },
          { sourceId: 'rss-radar', ok: false, error: 'no credentials', skipped: 'credentials-missing' },
        ],
      }),
    );
    expect(d.failedSources).toEqual([]);
    expect(d.collection).toEqual({
      runs: 2,
      notCollected: [],
      skipped: [{ sourceId: 'rss-radar', code: 'credentials-missing' }],
    });
    expect(
      section(md, 'Status pengumpulan sumber')
        .split('\n')
        .filter((l) => l.startsWith('- ')),
    ).toEqual(['- rss-radar: dilewati: kredensial belum diatur']);
    for (const out of [md, text, html]) {
      expect(out).toContain('rss-radar: dilewati: kredensial belum diatur');
      expect(out).not.toContain(ALL_COLLECTED);
      expect(out).not.toContain('gagal 1 dari');
    }
  });
});

describe('digest wording', () => {
  it('says there is nothing to compare the negative count with, in proper Indonesian', () => {
    const { md, text } = allRenderings(input({ sourceRuns: [{ sourceId: 'gnews-bupati', ok: true }] }));
    expect(md).toContain(
      '- **Sebutan negatif:** 0 (belum ada pembanding: 7 hari sebelumnya tanpa sebutan negatif)',
    );
    expect(text).toContain('Jumlah sebutan: 0 (belum ada pembanding: 7 hari sebelumnya tanpa sebutan)');
    expect(md).not.toContain('negatif belum ada pembanding');
  });

  it('compares with the 7 days before', () => {
    // 7 earlier days with 2 negatives of 4 mentions each: averages 4 and 2. The day: 3 negatives of 6.
    const previousDays = Array.from({ length: 7 }, (_, i) => ({
      date: `2026-11-2${2 + i}`,
      total: 4,
      negative: 2,
      positive: 1,
    }));
    const mentions = Array.from({ length: 6 }, (_, i) =>
      scoredMention(i, { publishedAt: '2026-11-29T03:00:00.000Z', label: i < 3 ? 'NEGATIVE' : 'NEUTRAL' }),
    );
    const { md } = allRenderings(input({ previousDays, mentions }));
    // (6 − 4) / 4 = +50 %; (3 − 2) / 2 = +50 %; share 3 / 6 = 50 %.
    expect(md).toContain('- **Jumlah sebutan:** 6 (naik 50,0% dari rata-rata 7 hari sebelumnya)');
    expect(md).toContain(
      '- **Sebutan negatif:** 3 (50,0% dari semua sebutan; naik 50,0% dari rata-rata 7 hari sebelumnya)',
    );
  });

  it('gives the average instead of a percentage when the 7 days before had less than one a day', () => {
    // One mention in the 7 days before: average 1/7 ≈ 0,1 a day; the day has 7 (a "6.900%" rise).
    const previousDays = Array.from({ length: 7 }, (_, i) => ({
      date: `2026-11-2${2 + i}`,
      total: i === 0 ? 1 : 0,
      negative: 0,
      positive: 0,
    }));
    const mentions = Array.from({ length: 7 }, (_, i) =>
      scoredMention(i, { publishedAt: '2026-11-29T03:00:00.000Z', label: 'NEUTRAL' }),
    );
    const { md } = allRenderings(input({ previousDays, mentions }));
    expect(md).toContain('- **Jumlah sebutan:** 7 (rata-rata 7 hari sebelumnya hanya 0,1 sebutan per hari)');
    expect(md).not.toContain('%)');
  });

  it('states a share alert in shares, not as a second "usual" count', () => {
    // testAlert: 12 of 20 negative (0.6) against a baseline share of 0.2.
    const share = testAlert('2026-11-29T03:00:00.000Z', 'share:kw:majalengka', { kind: 'share' });
    const { md } = allRenderings(input({ alerts: [share] }));
    expect(md).toContain(
      'pukul 10.00–11.00 WIB: porsi negatif 60,0% dari 20 sebutan, biasanya sekitar 20,0%;',
    );
  });

  it("says when the times of an alert's negative mentions are estimates (a date without a time; QA)", () => {
    const alert = testAlert('2026-11-29T05:00:00.000Z', 'all', { estimatedTimes: { negative: 12, of: 30 } });
    const { md, text } = allRenderings(input({ alerts: [alert] }));
    for (const out of [md, text]) expect(out).toContain('; jam terbit 12 sebutan negatif hanya perkiraan');
    const plain = allRenderings(input({ alerts: [testAlert('2026-11-29T05:00:00.000Z', 'all')] }));
    expect(plain.text).not.toContain('hanya perkiraan');
  });

  it('says when an alert holds late mentions and when they were published', () => {
    // Observed 10.00–11.00 WIB; published from 02:00 UTC = 09.00 WIB.
    const alert = testAlert('2026-11-29T03:00:00.000Z', 'neg:kw:majalengka', {
      late: { mentions: 6, negative: 6, publishedFrom: '2026-11-29T02:00:00.000Z' },
    });
    const { md, text } = allRenderings(input({ alerts: [alert] }));
    for (const out of [md, text])
      expect(out).toContain(
        'biasanya sekitar 2,5; termasuk 6 sebutan terlambat yang terbit sejak 29 November 2026',
      );
    expect(text).toMatch(/terbit sejak 29 November 2026 (pukul )?09\.00 WIB;/);
  });

  it('lists one story raised in several scopes as one event, handled once any of its alerts is (QA)', () => {
    // 03:00–04:00 UTC = 10.00–11.00 WIB: the same burst on all mentions and on the keyword, and an unrelated
    // story later (14.00–15.00 WIB) on a topic.
    const all = testAlert('2026-11-29T03:00:00.000Z', 'all');
    const kw = testAlert('2026-11-29T03:00:00.000Z', 'kw:majalengka');
    const later = testAlert('2026-11-29T07:00:00.000Z', 'topic:jalan', { topic: 'jalan' });
    // Half an hour later on a topic, same story: same event, its own window named.
    const overlap = testAlert('2026-11-29T03:30:00.000Z', 'topic:jalan', { topic: 'jalan' });
    const acked = { ...kw, acknowledgement: { by: 'humas-ana', at: '2026-11-29T05:00:00.000Z' } };
    const { d, md, text, html } = allRenderings(input({ alerts: [later, acked, overlap, all] }));
    expect(d.alerts.map((a) => [a.event, a.scope])).toEqual([
      [1, 'semua sebutan'],
      [1, 'kata kunci Majalengka'],
      [1, 'topik jalan'],
      [2, 'topik jalan'],
    ]);
    const items = text.split('\n').filter((l) => l.startsWith('  - '));
    const alertItems = items.filter((l) => l.includes('tingkat'));
    expect(alertItems).toHaveLength(2);
    expect(alertItems[0]).toMatch(
      /^ {2}- Semua sebutan, pukul 10\.00–11\.00 WIB: .*; juga melonjak pada kata kunci Majalengka \(12 sebutan negatif, biasanya sekitar 2,5\) dan topik jalan \(pukul 10\.30–11\.30 WIB: 12 sebutan negatif, biasanya sekitar 2,5\) — ditangani oleh humas-ana$/,
    );
    expect(alertItems[1]).toMatch(/^ {2}- Topik jalan, pukul 14\.00–15\.00 WIB: .* — belum ditangani$/);
    expect(section(md, 'Peringatan lonjakan').match(/belum ditangani/g)).toHaveLength(1);
    expect(html.match(/<li style="font:14px Arial,sans-serif;margin-bottom:6px">/g)).toHaveLength(2);
  });

  it('gives an alert its whole window in local time and cuts an overlong title', () => {
    // 03:00–04:00 UTC is 10.00–11.00 WIB.
    const long = `Jalan rusak ${'sangat '.repeat(40)}parah di Majalengka`;
    const mentions = [
      scoredMention(1, { publishedAt: '2026-11-29T03:00:00.000Z', label: 'NEGATIVE', title: long }),
    ];
    const { md, text } = allRenderings(input({ mentions, alerts: [testAlert('2026-11-29T03:00:00.000Z')] }));
    expect(md).toContain(
      '**Kata kunci Majalengka**, pukul 10.00–11.00 WIB: 12 sebutan negatif, biasanya sekitar 2,5;',
    );
    expect(text).toContain('Kata kunci Majalengka, pukul 10.00–11.00 WIB:');
    const shown = md.split('\n').find((l) => l.includes('Jalan rusak sangat'))!;
    expect(shown).toMatch(/sangat…\]/);
    expect(shown).not.toContain('parah di Majalengka');
  });

  it('does not over-escape what cannot break Markdown', () => {
    const { md } = allRenderings(
      input({
        sourceRuns: [
          {
            sourceId: 'gnews-bupati',
            ok: false,
            error:
              'gnews-bupati: fetch failed https://news.google.com/rss/search?q=bupati_majalengka&hl=id (timeout)',
          },
        ],
      }),
    );
    expect(md.split('\n')[0]).toBe(
      '# Ringkasan Harian Pantau — Kabupaten Majalengka, Minggu, 29 November 2026 (WIB)',
    );
    expect(md).toContain('- gnews-bupati: gagal 1 dari 1 kali; kesalahan terakhir: jaringan gagal');
    // The raw error (URL, source id) is for logs and JSON, not for the analysts' digest.
    expect(md).not.toContain('news.google.com');
  });
});

describe('escapeMarkdown', () => {
  it('leaves ordinary punctuation alone', () => {
    for (const plain of [
      'gnews-bupati',
      'news.google.com',
      'a&hl=id',
      '(WIB)',
      'snake_case',
      'Rp 1.500.000!',
      '5 + 3 = 8',
    ])
      expect(escapeMarkdown(plain)).toBe(plain);
  });

  it('escapes what opens markup', () => {
    expect(escapeMarkdown('[a](b)')).toBe('\\[a\\](b)');
    expect(escapeMarkdown('<b>')).toBe('\\<b>');
    expect(escapeMarkdown('*a* _b_ ~c~ `d`')).toBe('\\*a\\* \\_b\\_ \\~c\\~ \\`d\\`');
    expect(escapeMarkdown('&amp; & &#60;')).toBe('\\&amp; & \\&#60;');
    expect(escapeMarkdown('a\\b')).toBe('a\\\\b');
    expect(escapeMarkdown('a\n\n# b')).toBe('a # b');
  });

  it('escapes pipes only in table cells and block markers only at a line start', () => {
    expect(escapeMarkdown('a | b')).toBe('a | b');
    expect(escapeMarkdown('a | b', 'table-cell')).toBe('a \\| b');
    expect(escapeMarkdown('# judul', 'line-start')).toBe('\\# judul');
    expect(escapeMarkdown('  - butir', 'line-start')).toBe('\\- butir');
    expect(escapeMarkdown('2026. tahun', 'line-start')).toBe('2026\\. tahun');
    expect(escapeMarkdown('> kutip', 'line-start')).toBe('\\> kutip');
    expect(escapeMarkdown('2026-11 a', 'line-start')).toBe('2026-11 a');
    expect(escapeMarkdown('# judul')).toBe('# judul');
  });
});

describe('digest Markdown under a CommonMark + GFM parser', () => {
  const hostile = [
    '[Klik](javascript:alert(1))',
    '<img src=x onerror=alert(1)>',
    '<https://evil.example/x>',
    '![gambar](https://evil.example/x.png)',
    '*tebal* __miring__ ~~coret~~ `kode`',
    '&lt;script&gt; &amp; &#60;b&#62;',
    'a | b | c',
    'kurung \\[siku\\] dan \\*bintang\\*',
    '[ref]: https://evil.example/',
  ];
  const md = new MarkdownIt({ html: true, linkify: false });

  /** Text a reader sees in one inline token: text and soft breaks only (markup adds nothing visible). */
  function visible(token: Token): string {
    return (token.children ?? [])
      .map((c) => (c.type === 'text' ? c.content : c.type === 'softbreak' ? ' ' : ''))
      .join('');
  }

  function render() {
    const mentions = hostile.map((title, i) =>
      scoredMention(i, {
        publishedAt: '2026-11-29T03:00:00.000Z',
        label: i % 2 ? 'NEGATIVE' : 'POSITIVE',
        title,
        outlet: hostile[(i + 1) % hostile.length] ?? '',
        topics: ['jalan'],
        engagement: { likes: i + 1 },
      }),
    );
    const digest = buildDigest(
      input({
        config: config({
          topics: [{ id: 'jalan', label: 'a | b <i>x</i>', opd: '# Dinas | PUTR', terms: ['jalan'] }],
          keywords: [{ id: 'majalengka', label: '[Maja](javascript:x)', terms: ['Majalengka'] }],
        }),
        mentions,
        listSize: 20,
        alerts: [
          testAlert('2026-11-29T03:00:00.000Z', 'kw:majalengka', {
            acknowledgement: { by: '<script>x</script>', at: '2026-11-29T04:00:00.000Z' },
          }),
        ],
        sourceRuns: hostile.map((error) => ({ sourceId: 'gnews-bupati', ok: false, error })),
      }),
    );
    return { digest, tokens: md.parse(renderDigestMarkdown(digest), {}) };
  }

  it('creates no HTML, no image, and only the digest own links', () => {
    const { digest, tokens } = render();
    const all = tokens.flatMap((t) => [t, ...(t.children ?? [])]);
    expect(all.filter((t) => t.type.startsWith('html_'))).toEqual([]);
    expect(all.filter((t) => t.type === 'image')).toEqual([]);
    const hrefs = all.filter((t) => t.type === 'link_open').map((t) => t.attrGet('href'));
    const items = [...digest.topNegative, ...digest.topPositive, ...digest.mostEngaged];
    expect(items.length).toBe(hostile.length * 2);
    expect(hrefs.length).toBe(items.length);
    expect(hrefs.every((h) => h?.startsWith('https://news.example.id/berita/'))).toBe(true);
  });

  it('creates no heading, list or table column of its own', () => {
    const { tokens } = render();
    const headings = tokens.flatMap((t, i) =>
      t.type === 'heading_open' ? [visible(tokens[i + 1] as Token)] : [],
    );
    expect(headings.slice(1)).toEqual([
      'Narasi negatif hari ini',
      'Paling negatif',
      'Paling positif',
      'Paling banyak interaksi',
      'Peringatan lonjakan',
      'Per sumber',
      'Per topik',
      'Status pengumpulan sumber',
    ]);
    const rows = tokens.reduce<number[]>((cells, t) => {
      if (t.type === 'tr_open') cells.push(0);
      if (t.type === 'td_open' || t.type === 'th_open') cells[cells.length - 1] = (cells.at(-1) ?? 0) + 1;
      return cells;
    }, []);
    // Per sumber: header + 1 row of 3 cells; per topik: header + 1 row of 4 cells.
    expect(rows).toEqual([3, 3, 4, 4]);
    const topicRow = tokens.filter((t) => t.type === 'inline').map(visible);
    expect(topicRow).toContain('a | b <i>x</i>');
    expect(topicRow).toContain('# Dinas | PUTR');
  });

  it('shows every hostile string exactly as written', () => {
    const { tokens } = render();
    const text = tokens
      .filter((t) => t.type === 'inline')
      .map(visible)
      .join('\n');
    for (const h of hostile) expect(text).toContain(h);
    expect(text).toContain('[Maja](javascript:x)');
    expect(text).toContain('ditangani oleh <script>x</script>');
  });
});

describe('digest date in the title', () => {
  it('writes a single-digit day without a leading zero, as Indonesian does', () => {
    const d = buildDigest(
      input({
        date: '2026-12-01',
        range: { start: '2026-11-30T17:00:00.000Z', end: '2026-12-01T17:00:00.000Z' },
      }),
    );
    expect(renderDigestMarkdown(d).split('\n')[0]).toBe(
      '# Ringkasan Harian Pantau — Kabupaten Majalengka, Selasa, 1 Desember 2026 (WIB)',
    );
  });
});

describe('digest figures and wording agree with the alert messages', () => {
  it('writes the QA replay alert with the alert message’s figures (kurang dari 1, 100,0%)', () => {
    const qa = testAlert('2026-11-29T03:00:00.000Z', 'all', {
      observed: 30,
      expected: 0.05,
      total: 30,
      observedShare: 1,
      expectedShare: 0.05 / 30,
    });
    const share = testAlert('2026-11-29T03:00:00.000Z', 'kw:majalengka', {
      id: '2026-11-29T03:00:00.000Z~share:kw:majalengka',
      kind: 'share',
      observedShare: 1,
      expectedShare: 0.0002,
      total: 30,
    });
    const { text } = allRenderings(input({ alerts: [qa, share] }));
    expect(text).toContain(
      'Semua sebutan, pukul 10.00–11.00 WIB: 30 sebutan negatif, biasanya kurang dari 1;',
    );
    expect(text).toContain(
      'kata kunci Majalengka (porsi negatif 100,0% dari 30 sebutan, biasanya di bawah 0,1%)',
    );
    expect(text).not.toMatch(/sekitar 0,1\b|sekitar 0,0%/);
  });

  it('names the dates of an alert window outside the digest day', () => {
    // 29 Nov 23.00 WIB → 30 Nov 01.00 WIB: it starts in the day and ends the next.
    const a = testAlert('2026-11-29T16:00:00.000Z', 'all', { windowEnd: '2026-11-29T18:00:00.000Z' });
    const { text } = allRenderings(input({ alerts: [a] }));
    expect(text).toContain(
      'Semua sebutan, 29 November 2026 pukul 23.00 sampai 30 November 2026 pukul 01.00 WIB:',
    );
  });

  it('marks an estimated publication time as such', () => {
    const exact = scoredMention(1, { label: 'NEGATIVE', publishedAt: '2026-11-29T05:00:00.000Z' });
    const guessed = scoredMention(2, {
      label: 'NEGATIVE',
      publishedAt: '2026-11-29T05:00:00.000Z',
      publishedAtEstimated: true,
    });
    const { d, text, md, html } = allRenderings(input({ mentions: [exact, guessed] }));
    expect(d.topNegative.find((i) => i.id === guessed.id)?.publishedAtEstimated).toBe(true);
    expect(d.topNegative.find((i) => i.id === exact.id)).not.toHaveProperty('publishedAtEstimated');
    expect(text).toContain('Berita 2 Majalengka [rss-test, perkiraan 12.00 WIB;');
    expect(text).toContain('Berita 1 Majalengka [rss-test, 12.00 WIB;');
    expect(md).toContain('rss-test, perkiraan 12.00 WIB (');
    expect(html).toContain('rss-test, perkiraan 12.00 WIB (');
  });

  it('gives a short Indonesian reason for a failed source; the raw error stays in the JSON', () => {
    const raw =
      'SourceNetworkError: rss-radar: network error fetching https://radar.example.id/feed?x=1: fetch failed (ENOTFOUND)';
    const { d, text, md, html } = allRenderings(
      input({ sourceRuns: [{ sourceId: 'rss-radar', ok: false, error: raw }] }),
    );
    expect(d.failedSources[0]?.lastError).toBe(raw);
    const line =
      'rss-radar: gagal 1 dari 1 kali; kesalahan terakhir: jaringan gagal (alamat tidak ditemukan)';
    for (const r of [text, md, html]) {
      expect(r).toContain(line);
      expect(r).not.toMatch(/SourceNetworkError|radar\.example\.id|fetch failed/);
    }
  });

  it.each([
    ['SourceHttpError: rss-x: HTTP 503 from https://x.id/rss', 'server menjawab dengan galat HTTP 503'],
    [
      'SourceTimeoutError: rss-x: no complete response from https://x.id/rss within 10000 ms',
      'server tidak menjawab tepat waktu',
    ],
    [
      'SourceNetworkError: rss-x: network error fetching https://x.id/rss: fetch failed (ECONNREFUSED)',
      'jaringan gagal (koneksi ditolak)',
    ],
    ['FeedParseError: rss-x: not an RSS or Atom feed (line 3)', 'isi umpan berita (feed) tidak dapat dibaca'],
    ['TypeError: something odd', 'kesalahan lain (rincian di log)'],
  ])('explains %s as "%s"', (raw, reason) => {
    expect(sourceFailureReason(raw)).toBe(reason);
  });

  it('heads the collection section with a title that fits a day without any collection', () => {
    const { text, md } = allRenderings(input());
    expect(text).toContain(`Status pengumpulan sumber:\n  ${NO_COLLECTION}`);
    expect(md).toContain(`## Status pengumpulan sumber\n\n**${NO_COLLECTION}**`);
    expect(`${text}${md}`).not.toContain('gagal dikumpulkan');
  });

  it('never names a narrative by the regency’s own names, in day narratives or alerts of any series', () => {
    const topic = testAlert('2026-11-29T03:00:00.000Z', 'topic:jalan', { topic: 'jalan' });
    const withNames = {
      ...topic,
      narratives: topic.narratives.map((n) => ({
        ...n,
        topTerms: ['banjir', 'jalan', 'laporan', 'majalengka', 'marah'],
      })),
    };
    const { d } = allRenderings(
      input({
        alerts: [withNames],
        narratives: [
          {
            ...withNames.narratives[0]!,
            topTerms: ['kabupaten', 'banjir', 'majalengka'],
          },
        ],
      }),
    );
    expect(d.alerts[0]?.topTerms).toEqual(['banjir', 'jalan', 'laporan', 'marah']);
    expect(d.narratives[0]?.topTerms).toEqual(['banjir']);
  });
});
