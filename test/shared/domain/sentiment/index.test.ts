import { describe, expect, it } from 'vitest';
import { SentimentSchema } from '#shared/domain/mention.ts';
import { loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { MIN_REPORTED_SCORE } from '#shared/domain/sentiment/model.ts';

const ODD_TEXTS = [
  '',
  ' ',
  '\u0000\u0001\u0002',
  '👨‍👩‍👧‍👦👍🏽🇮🇩',
  'e\u0301\u0301\u0301 combining marks',
  'مرحبا بالعالم \u202Eabc\u202C',
  'lone \uD800 high and \uDFFF low surrogates',
  '\uFEFFbom \u200B\u200C\u200D zero width',
  '\u{10FFFF}\uFFFF\uFFFE',
  'Ｍａｋａｎａｎ ｅｎａｋ',
  'x'.repeat(100_000),
  'enak '.repeat(20_000),
  '😀'.repeat(50_000),
];

describe('loadEmbeddedModel', () => {
  it('loads the shipped weights once and returns the cached instance', () => {
    const a = loadEmbeddedModel();
    expect(loadEmbeddedModel()).toBe(a);
    expect(a.name).toBe('pantau-id');
    expect(a.version).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
  });

  it('returns a valid Comprehend-shaped sentiment, scores summing to 1, for odd and huge text', () => {
    const model = loadEmbeddedModel();
    for (const text of ODD_TEXTS) {
      for (const lang of ['id', 'su', 'jv', 'und']) {
        const result = model.classify(text, lang);
        expect(SentimentSchema.safeParse(result).success).toBe(true);
        const s = result.scores;
        expect(Math.abs(s.Positive + s.Negative + s.Neutral + s.Mixed - 1)).toBeLessThan(1e-9);
        expect(result.modelVersion).toBe(model.version);
      }
    }
  });

  it('is deterministic and order-independent (the token cache only memoises)', () => {
    const model = loadEmbeddedModel();
    const text = 'Pelayanan di kantor kecamatan lambat dan petugasnya tidak ramah';
    const first = model.classify(text, 'id');
    model.classify('tempat ini enak sekali, murah dan bersih', 'id');
    expect(model.classify(text, 'id')).toEqual(first);
  });

  it('separates clearly polar Indonesian and Sundanese sentences', () => {
    const model = loadEmbeddedModel();
    expect(
      model.classify('makanannya enak sekali, pelayanannya ramah dan tempatnya bersih', 'id').label,
    ).toBe('POSITIVE');
    expect(model.classify('pelayanannya buruk, kotor dan mahal, saya kecewa', 'id').label).toBe('NEGATIVE');
    expect(model.classify('tuangeunana ngeunah pisan, tempatna beresih', 'su').label).toBe('POSITIVE');
  });

  it('reads an award headline as positive news (issue 3: it was NEUTRAL before penghargaan/raih were in the lexicon)', () => {
    const model = loadEmbeddedModel();
    const result = model.classify('Bupati Majalengka Raih Penghargaan Nasional', 'id', 'news');
    expect(result.label).toBe('POSITIVE');
    expect(result.scores.Positive).toBeGreaterThan(result.scores.Neutral);
  });

  it('reports no score below MIN_REPORTED_SCORE for a long, strongly worded text (they were 1e-140 and broke storage)', () => {
    const model = loadEmbeddedModel();
    // 80 repeats ≈ 4,500 characters: before the floor, Positive came out near 1.9e-140 and Neutral 5e-189.
    const text = 'Jalan rusak parah, pelayanan buruk sekali, kecewa berat. '.repeat(80);
    const { label, scores } = model.classify(text, 'id');
    expect(label).toBe('NEGATIVE');
    for (const value of Object.values(scores)) expect(value === 0 || value >= MIN_REPORTED_SCORE).toBe(true);
    expect(scores.Positive + scores.Negative + scores.Neutral + scores.Mixed).toBeCloseTo(1, 12);
  });
});
