import { describe, expect, it } from 'vitest';
import { mentionId, type ScoredMention, ScoredMentionSchema } from '#shared/domain/mention.ts';
import {
  buildNarratives,
  g2,
  isStopword,
  minhash,
  nearDuplicateGroups,
  regencyNameTerms,
  risingTerms,
  shingles,
  terms,
  words,
} from '#shared/domain/narratives/index.ts';

let counter = 0;
function mention(text: string, author: string | null, likes = 0, outlet?: string): ScoredMention {
  counter += 1;
  const url = `https://example.id/p/${counter}`;
  return ScoredMentionSchema.parse({
    id: mentionId(url),
    source: 'test',
    sourceKind: 'mastodon',
    url,
    ...(outlet ? { outlet } : {}),
    author: author === null ? {} : { handle: author },
    text,
    lang: 'id',
    publishedAt: '2026-11-30T03:00:00.000Z',
    publishedAtEstimated: false,
    fetchedAt: '2026-11-30T03:05:00.000Z',
    matchedKeywords: ['majalengka'],
    matchedBy: 'text',
    engagement: { likes },
    sentiment: {
      label: 'NEGATIVE',
      scores: { Positive: 0, Negative: 1, Neutral: 0, Mixed: 0 },
      model: 'test',
      modelVersion: '1',
    },
    classifiedAt: '2026-11-30T03:06:00.000Z',
  });
}

const CAMPAIGN =
  'Bupati harus mundur sekarang juga karena proyek jalan Kertajati mangkrak dan dana rakyat hilang tanpa jejak';

const BASELINE = [
  ...Array.from({ length: 30 }, (_, i) =>
    mention(`Kegiatan rutin pemerintah daerah Majalengka hari ke ${i}`, `b${i}`),
  ),
  ...Array.from({ length: 10 }, (_, i) => mention(`Jalan di desa ${i} sedang diperbaiki petugas`, `c${i}`)),
];

describe('G²', () => {
  it('matches a hand-computed 2×2 table', () => {
    // 6 of 10 window posts and 5 of 100 baseline posts use the term. Expected counts:
    // E = [11·10/110, 11·100/110, 99·10/110, 99·100/110] = [1, 10, 9, 90];
    // G² = 2(6 ln 6 + 5 ln 0.5 + 4 ln(4/9) + 95 ln(95/90)) = 18.354972
    expect(g2(6, 10, 5, 100)).toBeCloseTo(18.354972, 5);
    expect(g2(1, 10, 10, 100)).toBeCloseTo(0, 10);
  });

  it('ranks terms that rose against the baseline and drops the insignificant ones', () => {
    const win = [
      ...Array.from({ length: 6 }, () => new Set(['banjir', 'warga'])),
      ...Array.from({ length: 3 }, () => new Set(['jalan', 'warga'])),
      new Set(['warga']),
    ];
    const base = [
      ...Array.from({ length: 5 }, () => new Set(['banjir'])),
      ...Array.from({ length: 20 }, () => new Set(['jalan'])),
      ...Array.from({ length: 75 }, () => new Set(['lain'])),
    ];
    const r = risingTerms(win, base);
    // warga: 10/10 vs 0/100, G² = 2(10 ln 11 + 100 ln(110/100)) = 67.0199
    expect(r.map((t) => t.term)).toEqual(['warga', 'banjir']);
    expect(r[0]!.g2).toBeCloseTo(67.0199, 3);
    expect(r[1]!.g2).toBeCloseTo(18.354972, 5);
  });
});

describe('tokens', () => {
  it('keeps Indonesian negators out of the stopwords', () => {
    for (const n of ['tidak', 'bukan', 'belum', 'jangan', 'tak', 'gak', 'nggak'])
      expect(isStopword(n)).toBe(false);
    expect(isStopword('yang')).toBe(true);
    expect(terms('Air PDAM tidak mengalir di https://x.id/a @warga')).toEqual(
      new Set(['air', 'pdam', 'tidak', 'mengalir']),
    );
  });

  it('finds near-duplicates by MinHash/LSH and separates different texts', () => {
    const texts = [
      CAMPAIGN,
      `${CAMPAIGN} #MajalengkaMenggugat`,
      `RT ${CAMPAIGN}!!`,
      'Harga cabai di pasar Cigasong naik lagi',
    ];
    const sigs = texts.map((t) => minhash(shingles(words(t))));
    const groups = nearDuplicateGroups(sigs);
    expect(groups[0]).toEqual([0, 1, 2]);
    expect(groups[1]).toEqual([3]);
  });
});

describe('buildNarratives', () => {
  it('flags a copy-paste campaign by many authors as coordinated', () => {
    const campaign = Array.from({ length: 6 }, (_, i) =>
      mention(i % 2 ? `${CAMPAIGN} #tolak` : CAMPAIGN, `akun${i}`, i),
    );
    const other = [
      mention('Harga cabai di pasar Cigasong naik lagi, pedagang mengeluh', 'p1', 50),
      mention('Pedagang pasar Cigasong mengeluh harga cabai naik tinggi', 'p2', 3),
      mention('Cabai mahal, pasar Cigasong sepi pembeli', 'p3', 1),
    ];
    const out = buildNarratives([...other, ...campaign], BASELINE);
    const coordinated = out.find((n) => n.coordinated);
    expect(coordinated).toBeDefined();
    expect(coordinated!.mentionIds).toEqual(campaign.map((m) => m.id).sort());
    expect(coordinated!.distinctAuthors).toBe(6);
    expect(coordinated!.largestDuplicateGroup).toEqual({ mentions: 6, distinctAuthors: 6 });
    expect(coordinated!.size).toBe(6);
    expect(coordinated!.examples[0]!.engagement).toBe(5);
    expect(coordinated!.examples[0]!.url).toMatch(/^https:\/\/example\.id\/p\//);

    const market = out.find((n) => !n.coordinated)!;
    expect(market.mentionIds).toHaveLength(3);
    expect(market.topTerms.slice(0, 3).sort()).toEqual(['cabai', 'cigasong', 'pasar']);
    expect(market.examples[0]!.engagement).toBe(50);
  });

  it('names a narrative by the terms its posts share when no term rose (no baseline; QA 2026-12-01)', () => {
    // One headline copied by three outlets, against no baseline: G² of 3/3 against an empty baseline of the
    // window's size is 2(3 ln 2 + 3 ln 2) = 8.32 < 10.83, so no term rose.
    const story = ['a1', 'a2', 'a3'].map((a) =>
      mention('Korupsi dana desa Sukamaju, kades ditahan kejaksaan', a),
    );
    const [n] = buildNarratives(story, []);
    // All seven terms are in all three posts: the first five alphabetically.
    expect(n!.topTerms).toEqual(['dana', 'desa', 'ditahan', 'kades', 'kejaksaan']);
    expect(n!.termScores.every((t) => t.g2 === 0)).toBe(true);
  });

  it('does not call one author repeating themselves coordinated', () => {
    const spam = Array.from({ length: 5 }, () => mention(CAMPAIGN, 'satu-akun'));
    const [n] = buildNarratives(spam, BASELINE);
    expect(n!.coordinated).toBe(false);
    expect(n!.distinctAuthors).toBe(1);
  });

  it('counts a news outlet without bylines as one author and is deterministic', () => {
    const news = Array.from({ length: 3 }, (_, i) =>
      mention(
        `Banjir merendam ${i + 3} desa di Majalengka, warga mengungsi ke balai desa`,
        null,
        0,
        'koran.id',
      ),
    );
    const a = buildNarratives(news, BASELINE);
    const b = buildNarratives([...news].reverse(), BASELINE);
    expect(a).toEqual(b);
    expect(a[0]!.distinctAuthors).toBe(1);
    expect(a[0]!.sources).toEqual(['koran.id']);
    expect(a[0]!.topTerms).toContain('banjir');
    expect(a[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('returns nothing for an empty window', () => {
    expect(buildNarratives([], BASELINE)).toEqual([]);
  });
});

describe("the regency's own names in narratives", () => {
  const config = {
    name: 'Kabupaten Majalengka',
    keywords: [
      { label: 'Majalengka', terms: ['Majalengka'], phrases: [] },
      {
        label: 'Bandara Kertajati',
        terms: ['Kertajati', 'BIJB'],
        phrases: ['Bandara Internasional Jawa Barat'],
      },
    ],
  };
  // A topic series: its thin baseline never names the regency, so "majalengka" rises with the complaint.
  const window = [
    mention('Banjir di jalan Majalengka, warga marah laporan diabaikan', 'w1'),
    mention('Warga marah, banjir jalan Majalengka tak surut, laporan diabaikan', 'w2'),
    mention('Laporan banjir jalan Majalengka diabaikan, warga marah', 'w3'),
    mention('Jalan Majalengka banjir lagi, laporan warga diabaikan dan marah', 'w4'),
  ];
  const topicBaseline = Array.from({ length: 12 }, (_, i) =>
    mention(`Perbaikan saluran desa ${i} selesai`, `t${i}`),
  );

  it('lists the words of the regency name and of every keyword label, term and phrase', () => {
    expect([...regencyNameTerms(config)].sort()).toEqual(
      ['bandara', 'barat', 'bijb', 'internasional', 'jawa', 'kabupaten', 'kertajati', 'majalengka'].sort(),
    );
  });

  it('rises in a topic series unless excluded, and is excluded when asked', () => {
    const plain = buildNarratives(window, topicBaseline);
    expect(plain[0]?.topTerms).toContain('majalengka');
    const named = buildNarratives(window, topicBaseline, { excludeTerms: regencyNameTerms(config) });
    expect(named).toHaveLength(1);
    expect(named[0]!.topTerms).not.toContain('majalengka');
    expect(named[0]!.topTerms.length).toBeGreaterThan(0);
    expect(named[0]!.size).toBe(4);
  });
});
