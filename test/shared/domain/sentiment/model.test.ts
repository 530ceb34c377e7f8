import { describe, expect, it } from 'vitest';
import { SentimentScoresSchema } from '#shared/domain/mention.ts';
import { lexiconCounts, SparseBuffer } from '#shared/domain/sentiment/features.ts';
import {
  calibratedProbabilities,
  classifyWith,
  type Decision,
  decide,
  decodeBase64,
  decodeWeightFile,
  encodeBase64,
  type LinearModel,
  ModelFormatError,
  referenceLogits,
  TokenCache,
  verdictFor,
} from '#shared/domain/sentiment/model.ts';
import { MAX_CLASSIFY_CHARS, prepareTokens } from '#shared/domain/sentiment/text.ts';
import { mulberry32 } from '#shared/domain/sentiment/train.ts';

const NO_RULES = { neutralBand: 0, mixedThreshold: 1 };

function sum(s: { Positive: number; Negative: number; Neutral: number; Mixed: number }): number {
  return s.Positive + s.Negative + s.Neutral + s.Mixed;
}

describe('decide', () => {
  it('takes the argmax when no rule applies', () => {
    const { label, scores } = decide([0.2, 0.1, 0.7], NO_RULES);
    expect(label).toBe('POSITIVE');
    expect(scores.Positive).toBeCloseTo(0.7, 12);
    expect(scores.Negative).toBeCloseTo(0.2, 12);
    expect(scores.Mixed).toBe(0);
  });

  it('moves mass to Neutral inside the band (hand-computed: λ = 1 / 1.75)', () => {
    const { label, scores } = decide([0.4, 0.15, 0.45], { neutralBand: 0.1, mixedThreshold: 1 });
    expect(label).toBe('NEUTRAL');
    expect(scores.Positive).toBeCloseTo(0.45 / 1.75, 10);
    expect(scores.Negative).toBeCloseTo(0.4 / 1.75, 10);
    expect(scores.Neutral).toBeCloseTo(0.9 / 1.75, 10);
    expect(sum(scores)).toBeCloseTo(1, 12);
  });

  it('leaves polar text outside the band alone', () => {
    expect(decide([0.2, 0.15, 0.65], { neutralBand: 0.1, mixedThreshold: 1 }).label).toBe('POSITIVE');
  });

  it('says MIXED when both polarities reach the threshold (hand-computed)', () => {
    const { label, scores } = decide([0.42, 0.1, 0.48], { neutralBand: 0.1, mixedThreshold: 0.4 });
    expect(label).toBe('MIXED');
    expect(scores.Mixed).toBeCloseTo(0.84, 12);
    expect(scores.Positive).toBeCloseTo(0.06, 12);
    expect(scores.Negative).toBeCloseTo(0, 12);
    expect(scores.Neutral).toBeCloseTo(0.1, 12);
  });

  it('always returns scores that sum to 1 with the label as their argmax', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 2_000; i++) {
      const raw = [random(), random(), random()];
      const total = raw[0]! + raw[1]! + raw[2]!;
      const p: [number, number, number] = [raw[0]! / total, raw[1]! / total, raw[2]! / total];
      const { label, scores } = decide(p, {
        neutralBand: random() * 0.5,
        mixedThreshold: 0.3 + random() * 0.3,
      });
      expect(SentimentScoresSchema.safeParse(scores).success).toBe(true);
      const top = Math.max(scores.Positive, scores.Negative, scores.Neutral, scores.Mixed);
      expect(scores[(label.charAt(0) + label.slice(1).toLowerCase()) as keyof typeof scores]).toBe(top);
    }
  });
});

describe('calibratedProbabilities', () => {
  it('divides by the temperature and adds the class bias (hand-computed 1/5, 1/5, 3/5)', () => {
    const decision: Decision = { temperature: 2, classBias: [0, 0, 0], ...NO_RULES };
    const p = calibratedProbabilities([0, 0, 2 * Math.log(3)], decision);
    expect(p[0]).toBeCloseTo(0.2, 12);
    expect(p[2]).toBeCloseTo(0.6, 12);
    const biased = calibratedProbabilities([0, 0, 0], { ...decision, classBias: [0, Math.log(2), 0] });
    expect(biased[1]).toBeCloseTo(0.5, 12);
  });
});

describe('base64', () => {
  it('encodes a known vector and round-trips every length', () => {
    expect(encodeBase64(Uint8Array.from([1, 2, 3, 4]))).toBe('AQIDBA==');
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => decodeBase64('AQ*D')).toThrow(ModelFormatError);
  });
});

function randomModel(hashBits: number, seed: number): LinearModel {
  const random = mulberry32(seed);
  const weights = Int8Array.from({ length: 2 ** hashBits * 3 }, () => Math.round(random() * 254 - 127));
  return {
    name: 't',
    version: '0',
    features: { hashBits, word: 1, bigram: 0.8, char: 1.2, charMin: 2, charMax: 5, lexicon: 0.3 },
    decision: { temperature: 1, classBias: [0, 0, 0], ...NO_RULES },
    bias: Float64Array.from([0.1, -0.2, 0.05]),
    weights,
    scale: 0.01,
  };
}

/**
 * Raw ASCII text is tokenised without normalisation unless one of the replacement rules could match.
 * Pieces that sit on both sides of each rule's boundary: emoticons only after a space, URLs only after
 * `:` or a listed domain, handles only before a word character, `T_T`, `www.`, runs of `!`, elongation.
 */
const PIECES = [
  ' ',
  ' ',
  ' ',
  '\t',
  '\n',
  'a',
  'enak',
  'Bagus',
  'TIDAK',
  'gak',
  'teu',
  'ora',
  'T',
  't',
  '_',
  '.',
  ',',
  ':',
  ';',
  '=',
  '>',
  '^',
  '/',
  '\\',
  '@',
  '@ ',
  '@budi',
  'w',
  'www.',
  'WWW.',
  'http://',
  'https://x',
  '.com/',
  '.id/',
  'x.co/',
  '.org',
  '!',
  '?',
  '!!',
  '??!',
  '(',
  ')',
  '[',
  ']',
  'D',
  'P',
  'd',
  'p',
  '-',
  "'",
  '1',
  '2024',
  'xnum',
  'T_T',
  'T.T',
  ':)',
  ':(',
  ':D',
  ':-P',
  ";'(",
  '>:(',
  '^_^',
  'sss',
  'Sss',
  'bagusss',
  'é',
  '👍🏽',
  '\u200d',
  '\uD800',
];

describe('TokenCache', () => {
  it('computes the same logits as the reference feature definition', () => {
    const model = randomModel(12, 3);
    const cache = new TokenCache(model);
    const buffer = new SparseBuffer();
    const texts = [
      '',
      'enak',
      'Makanannya GAK enak sama sekali, mahal! tapi tempatnya bagus 100%',
      'tidak tidak tidak enak',
      'teu ngeunah pisan, lain kitu',
      'Kerenn 👍🏽 café https://x.id/a @budi :)',
      'ora enak, aja tuku',
      '12 34 !!! ??? . , ; :',
    ];
    for (const lang of ['id', 'su', 'jv', 'und']) {
      for (const text of [...texts, ...texts]) {
        const fast = cache.logits(text, lang);
        const reference = referenceLogits(model, text, lang, buffer);
        // The reference path stores feature values as float32, hence 6 decimals rather than 12.
        for (let c = 0; c < 3; c++) expect(fast[c]).toBeCloseTo(reference[c]!, 6);
      }
    }
  });

  it('gives the reference logits for random text around every normalisation rule', () => {
    const model = randomModel(12, 5);
    const cache = new TokenCache(model);
    const buffer = new SparseBuffer();
    const random = mulberry32(11);
    for (let i = 0; i < 4_000; i++) {
      let text = '';
      const pieces = 1 + Math.floor(random() * 12);
      for (let p = 0; p < pieces; p++) text += PIECES[Math.floor(random() * PIECES.length)]!;
      const lang = ['id', 'su', 'jv'][i % 3]!;
      const fast = cache.logits(text, lang);
      const reference = referenceLogits(model, text, lang, buffer);
      for (let c = 0; c < 3; c++) expect(fast[c], JSON.stringify(text)).toBeCloseTo(reference[c]!, 5);
    }
  });

  it('reads raw text only up to MAX_CLASSIFY_CHARS, as normalisation cuts it', () => {
    const model = randomModel(12, 6);
    const cache = new TokenCache(model);
    const buffer = new SparseBuffer();
    // The cut falls before plain words, after `:)` (an emoticon), between `:` and `)`, and inside `T_T`.
    for (const [fill, tail] of [
      [MAX_CLASSIFY_CHARS - 3, ' bagus enak sekali'],
      [MAX_CLASSIFY_CHARS - 3, ' :) bagus'],
      [MAX_CLASSIFY_CHARS - 2, ' :) bagus'],
      [MAX_CLASSIFY_CHARS - 2, ' T_T'],
      [MAX_CLASSIFY_CHARS - 1, ' T_T'],
    ] as const) {
      const text = 'ab '.repeat(fill / 3) + 'c'.repeat(fill % 3) + tail;
      const fast = cache.logits(text, 'id');
      const reference = referenceLogits(model, text, 'id', buffer);
      for (let c = 0; c < 3; c++) expect(fast[c]).toBeCloseTo(reference[c]!, 5);
    }
  });

  it('gives the same bits after the cache fills up and is emptied', () => {
    const model = randomModel(12, 7);
    const probes = ['enak tidak enak', 'Gak BAGUS!! 12', 'teu ngeunah, ulah', 'café :) mantap'];
    const expected = probes.map((t) => new TokenCache(model).logits(t, 'su'));
    const cache = new TokenCache(model);
    const word = (i: number) => `q${i.toString(36)}`;
    for (let doc = 0; doc < 40; doc++) {
      const words = Array.from({ length: 1_000 }, (_, i) => word(doc * 1_000 + i));
      cache.logits(`tidak ${words.join(' ')}`, 'su');
      expect(probes.map((t) => cache.logits(t, 'su'))).toEqual(expected);
    }
  });
});

describe('classifyWith', () => {
  it('is bit-for-bit decide(calibratedProbabilities(logits)) with the model name and version', () => {
    const model: LinearModel = {
      ...randomModel(12, 8),
      decision: { temperature: 1.7, classBias: [0.1, -0.3, 0.2], neutralBand: 0.2, mixedThreshold: 0.3 },
    };
    const cache = new TokenCache(model);
    const reference = new TokenCache(model);
    const random = mulberry32(13);
    const labels = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      let text = '';
      for (let p = 0; p < 1 + Math.floor(random() * 8); p++)
        text += `${PIECES[Math.floor(random() * PIECES.length)]!} `;
      const verdict = classifyWith(model, text, 'id', cache);
      const expected = decide(
        calibratedProbabilities(reference.logits(text, 'id'), model.decision),
        model.decision,
      );
      expect(verdict).toEqual({ ...expected, model: 't', modelVersion: '0' });
      labels.add(verdict.label);
    }
    expect([...labels].sort()).toEqual(['MIXED', 'NEGATIVE', 'NEUTRAL', 'POSITIVE']);
  });
});

describe('the news decision', () => {
  const NEWS: Decision = {
    temperature: 1,
    classBias: [0, 0, 0],
    ...NO_RULES,
    news: { classBias: [0, 0, 0], neutralBand: 0, eventPrior: Math.log(2), polarPrior: Math.log(3) },
  };

  it('adds the lexicon priors to the calibrated logits (hand-computed)', () => {
    // One adverse event: z = [ln 2, 0, 0] → e = [2, 1, 1] / 4.
    const event = verdictFor([0, 0, 0], { event: 1, neg: 0, pos: 0 }, NEWS, true);
    expect(event.label).toBe('NEGATIVE');
    expect(event.scores.Negative).toBeCloseTo(0.5, 12);
    expect(event.scores.Neutral).toBeCloseTo(0.25, 12);
    // One positive word: z = [0, 0, ln 3] → e = [1, 1, 3] / 5.
    const praise = verdictFor([0, 0, 0], { event: 0, neg: 0, pos: 1 }, NEWS, true);
    expect(praise.label).toBe('POSITIVE');
    expect(praise.scores.Positive).toBeCloseTo(0.6, 12);
    // Not news, or a model without a news decision: the general rules (a three-way tie → NEUTRAL).
    expect(verdictFor([0, 0, 0], { event: 1, neg: 0, pos: 0 }, NEWS, false).label).toBe('NEUTRAL');
    const { news: _, ...general } = NEWS;
    expect(verdictFor([0, 0, 0], { event: 1, neg: 0, pos: 0 }, general, true).label).toBe('NEUTRAL');
  });

  it('counts the same lexicon hits on the fast path as on the reference tokens', () => {
    const model = randomModel(12, 9);
    const cache = new TokenCache(model);
    const random = mulberry32(17);
    const words = [
      'banjir',
      'korupsi',
      'tidak',
      'bagus',
      'rusak',
      'Tewas',
      'MANTAP',
      'teu',
      'alus',
      'gak',
      'ora',
    ];
    for (let i = 0; i < 2_000; i++) {
      let text = '';
      for (let p = 0; p < 1 + Math.floor(random() * 10); p++) {
        const pool = random() < 0.5 ? words : PIECES;
        text += `${pool[Math.floor(random() * pool.length)]!} `;
      }
      const lang = ['id', 'su', 'jv'][i % 3]!;
      cache.logits(text, lang);
      expect(cache.lastHits(), JSON.stringify(text)).toEqual(lexiconCounts(prepareTokens(text, lang), lang));
    }
  });

  it('reads Title Case headlines as news under `auto`, and obeys a forced genre', () => {
    const model: LinearModel = { ...randomModel(12, 10), decision: NEWS };
    const cache = new TokenCache(model);
    const reference = new TokenCache(model);
    const expectVerdict = (text: string, genre: 'auto' | 'news' | 'general', news: boolean) => {
      const raw = reference.logits(text, 'id');
      const expected = verdictFor(raw, reference.lastHits(), model.decision, news);
      expect(classifyWith(model, text, 'id', cache, genre)).toEqual({
        ...expected,
        model: 't',
        modelVersion: '0',
      });
    };
    const headline = 'Banjir Rendam Tiga Desa Di Majalengka';
    const post = 'banjir lagi di desa kami, jalan rusak';
    expectVerdict(headline, 'auto', true);
    expectVerdict(headline, 'general', false);
    expectVerdict(post, 'auto', false);
    expectVerdict(post, 'news', true);
  });
});

describe('decodeWeightFile', () => {
  const valid = {
    format: 'pantau-linear-hashed/1',
    name: 'pantau-id',
    version: '0.0.1',
    features: { hashBits: 8, word: 1, bigram: 1, char: 1, charMin: 2, charMax: 5, lexicon: 0.3 },
    decision: { temperature: 1, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold: 1 },
    bias: [0, 0, 0],
    scale: 0.01,
    weights: encodeBase64(new Uint8Array(256 * 3)),
    provenance: {},
  };

  it('decodes a well-formed file', () => {
    const model = decodeWeightFile(valid);
    expect(model.weights.length).toBe(768);
    expect(model.version).toBe('0.0.1');
  });

  it('rejects a schema mismatch and a wrong weight count with ModelFormatError', () => {
    expect(() => decodeWeightFile({ ...valid, format: 'other' })).toThrow(ModelFormatError);
    expect(() => decodeWeightFile({ ...valid, weights: encodeBase64(new Uint8Array(10)) })).toThrow(
      /expected 768/,
    );
  });
});
