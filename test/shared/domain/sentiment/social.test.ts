/**
 * The social block (design R, since 2026.12.4): a residual over the fixed general logits, read only by the
 * `social` genre. Hand-computed cases on a tiny model, format compatibility, and the shipped file's merged
 * table against the reference path on the repo's dev posts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type FeatureConfig,
  SparseBuffer,
  socialBucket,
  unigramBucket,
} from '#shared/domain/sentiment/features.ts';
import { embeddedModelFrom, loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';
import {
  decodeWeightFile,
  type LinearModel,
  ModelFormatError,
  referenceLogits,
  socialLogits,
  socialReadingModel,
  toDatasetClass,
  verdictFor,
  type WeightFile,
  WeightFileSchema,
} from '#shared/domain/sentiment/model.ts';
import { trainSocialBlock, withSocialBlock } from '#shared/domain/sentiment/train.ts';
import {
  DEFAULT_GOV_POSTS,
  DEFAULT_GOV_POSTS_2,
  DEFAULT_GOV_POSTS_4,
  readGovPosts,
} from '../../../../scripts/lib/sentiment-data.ts';

/** Word unigrams only, so a one-word text has exactly one feature of value 1 (1 / √1). */
const FEATURES: FeatureConfig = {
  hashBits: 10,
  word: 1,
  bigram: 0,
  char: 0,
  charMin: 2,
  charMax: 5,
  lexicon: 0,
};
const DECISION = { temperature: 1, classBias: [0, 0.6, 0], neutralBand: 0.1, mixedThreshold: 0.4 };
const SOCIAL_BITS = 8;
const NO_HITS = { event: 0, neg: 0, pos: 0 };

/** General weights all 0; the social block puts q = 100 × 0.02 = 2 on the negative logit of `mantap`. */
function tinyModel(): LinearModel {
  const social = new Int8Array(2 ** SOCIAL_BITS * 3);
  social[socialBucket(unigramBucket('mantap', FEATURES.hashBits), SOCIAL_BITS) * 3] = 100;
  return {
    name: 'tiny',
    version: '0.0.1',
    features: FEATURES,
    decision: DECISION,
    bias: Float64Array.from([0, 0, 0]),
    weights: new Int8Array(2 ** FEATURES.hashBits * 3),
    scale: 1,
    social: {
      copy: { bits: SOCIAL_BITS, value: 1 },
      bias: Float64Array.from([0, 0, 0]),
      weights: social,
      scale: 0.02,
    },
  };
}

describe('the social reading (hand-computed)', () => {
  const buffer = new SparseBuffer();

  it('adds the social block to the general logits only for the social reading', () => {
    const model = tinyModel();
    expect(referenceLogits(model, 'mantap', 'id', buffer)).toEqual([0, 0, 0]);
    const z = socialLogits(model, 'mantap', 'id', buffer);
    expect(z[0]).toBeCloseTo(2, 6);
    expect(z[1]).toBe(0);
    expect(z[2]).toBe(0);
    // Two words: each unigram is 1/√2, so `mantap` adds 2/√2 (the buckets of the two words differ).
    expect(socialLogits(model, 'mantap sekali', 'id', buffer)[0]).toBeCloseTo(Math.SQRT2, 6);
  });

  it('moves only the social reading, and only for text with the social-only feature', () => {
    const fast = embeddedModelFrom(tinyModel());
    // Logits [0, 0, 0] + class bias [0, 0.6, 0]: neutral wins; with the block [2, 0.6, 0]: negative.
    expect(fast.classify('mantap', 'id', 'general').label).toBe('NEUTRAL');
    expect(fast.classify('mantap', 'id', 'auto').label).toBe('NEUTRAL');
    const social = fast.classify('mantap', 'id', 'social');
    expect(social.label).toBe('NEGATIVE');
    // e^2 / (e^2 + e^0.6 + e^0) = 7.3891 / 10.2112
    expect(social.scores.Negative).toBeCloseTo(0.7236, 3);
    expect(fast.classify('biasa', 'id', 'social')).toEqual(fast.classify('biasa', 'id', 'general'));
  });

  it('folds the block into one int8 table for the fast path (same logits up to rounding)', () => {
    const model = tinyModel();
    const merged = socialReadingModel(model);
    expect(merged.social).toBeUndefined();
    expect(referenceLogits(merged, 'mantap', 'id', buffer)[0]).toBeCloseTo(2, 2);
    const { social: _social, ...plain } = model;
    expect(socialReadingModel(plain)).toBe(plain);
  });
});

describe('trainSocialBlock', () => {
  const general = { ...tinyModel(), social: undefined };
  const rows = [
    { text: 'mantap jalannya', label: 'negative' as const, lang: 'id' },
    { text: 'terima kasih', label: 'positive' as const, lang: 'id' },
  ];
  const options = {
    copy: { bits: SOCIAL_BITS, value: 1 },
    epochs: 20,
    learningRate: 0.1,
    l2: 1e-4,
    seed: 1,
    bagSize: 2,
  };

  it('learns the residual without touching the general model, deterministically', () => {
    const weights = Int8Array.from(general.weights);
    const block = trainSocialBlock(rows, general, options);
    expect(general.weights).toEqual(weights);
    expect(trainSocialBlock(rows, general, options).weights).toEqual(block.weights);
    const buffer = new SparseBuffer();
    const z = socialLogits(
      { ...general, social: { ...block, weights: new Int8Array(0), scale: 1 } },
      '',
      'id',
      buffer,
    );
    expect(z).toEqual(Array.from(block.bias));
    const file = withSocialBlock(tinyFile(), block, '0.0.2', { note: 'test' });
    const model = decodeWeightFile(file);
    const read = (text: string) =>
      toDatasetClass(verdictFor(socialLogits(model, text, 'id', buffer), NO_HITS, DECISION, false), false);
    expect(read('mantap jalannya')).toBe('negative');
    expect(read('terima kasih')).toBe('positive');
  });

  it('refuses an empty bag', () => {
    expect(() => trainSocialBlock(rows, general, { ...options, bagSize: 0 })).toThrow(RangeError);
  });
});

function tinyFile(): WeightFile {
  return {
    format: 'pantau-linear-hashed/1',
    name: 'tiny',
    version: '0.0.1',
    features: FEATURES,
    decision: DECISION,
    bias: [0, 0, 0],
    scale: 1,
    weights: Buffer.alloc(2 ** FEATURES.hashBits * 3).toString('base64'),
    provenance: {},
  };
}

describe('weight-file formats', () => {
  it('loads format-1 files (no block: the social reading is the general one)', () => {
    const file = JSON.parse(readFileSync('models/sentiment-id-2026.12.3.json', 'utf8')) as WeightFile;
    expect(file.format).toBe('pantau-linear-hashed/1');
    const model = decodeWeightFile(file);
    expect(model.social).toBeUndefined();
    const fast = embeddedModelFrom(model);
    const text = 'Mantap pak bupati, jalan Cigasong udah kayak kolam ikan';
    expect(fast.classify(text, 'id', 'social')).toEqual(fast.classify(text, 'id', 'general'));
  });

  it('keeps the general block of 2026.12.3 byte for byte in 2026.12.6 and adds a format-2 block', () => {
    const old = JSON.parse(readFileSync('models/sentiment-id-2026.12.3.json', 'utf8')) as WeightFile;
    const next = JSON.parse(readFileSync('models/sentiment-id-2026.12.6.json', 'utf8')) as WeightFile;
    expect(next.format).toBe('pantau-linear-hashed/2');
    for (const key of ['weights', 'scale', 'bias', 'decision', 'features'] as const)
      expect(next[key]).toEqual(old[key]);
    expect(next.social?.bits).toBe(17);
  });

  it('refuses a social block in a format-1 file and a block of the wrong size', () => {
    const block = { bits: SOCIAL_BITS, value: 1, bias: [0, 0, 0], scale: 1, weights: 'AAAA' };
    expect(WeightFileSchema.safeParse({ ...tinyFile(), social: block }).success).toBe(false);
    expect(() =>
      decodeWeightFile({ ...tinyFile(), format: 'pantau-linear-hashed/2', social: block }),
    ).toThrow(ModelFormatError);
  });
});

describe('the shipped model on the dev posts', () => {
  it('gives the reference social reading’s class through the merged table (fast path)', () => {
    const model = decodeWeightFile(JSON.parse(readFileSync('models/sentiment-id-2026.12.6.json', 'utf8')));
    const fast = loadEmbeddedModel();
    const buffer = new SparseBuffer();
    const rows = [
      ...readGovPosts(DEFAULT_GOV_POSTS, 'dev'),
      ...readGovPosts(DEFAULT_GOV_POSTS_2, 'dev'),
      ...readGovPosts(DEFAULT_GOV_POSTS_4, 'dev'),
    ];
    expect(rows.length).toBe(463);
    let same = 0;
    for (const r of rows) {
      const reference = toDatasetClass(
        verdictFor(socialLogits(model, r.text, r.lang, buffer), NO_HITS, model.decision, false),
        false,
      );
      if (toDatasetClass(fast.classify(r.text, r.lang, 'social'), false) === reference) same++;
    }
    expect(same).toBe(rows.length);
  });
});
