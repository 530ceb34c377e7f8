import { describe, expect, it } from 'vitest';
import { embeddedModelFrom } from '#shared/domain/sentiment/index.ts';
import { CLASSES, decodeWeightFile, type SentimentClass } from '#shared/domain/sentiment/model.ts';
import {
  fitDecision,
  fitNewsDecision,
  quantize,
  type TrainingExample,
  type TrainOptions,
  trainLinear,
  vectorize,
} from '#shared/domain/sentiment/train.ts';
import { type TrainingData, trainModel } from '../../../../scripts/lib/sentiment-pipeline.ts';

const POSITIVE = ['enak', 'bagus', 'ramah', 'bersih', 'murah', 'nyaman'];
const NEGATIVE = ['jelek', 'kotor', 'mahal', 'lambat', 'kasar', 'bau'];
const NEUTRAL = ['rapat', 'kantor', 'jadwal', 'jalan', 'bupati', 'besok'];

/** A tiny synthetic corpus: each class uses its own word list, plus negated positives as negatives. */
function corpus(): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (let i = 0; i < 60; i++) {
    const a = i % 6;
    const b = (i * 5 + 1) % 6;
    out.push({ text: `tempat ini ${POSITIVE[a]} dan ${POSITIVE[b]}`, label: 'positive', lang: 'id' });
    out.push({ text: `tempat ini ${NEGATIVE[a]} dan ${NEGATIVE[b]}`, label: 'negative', lang: 'id' });
    out.push({ text: `tempat ini tidak ${POSITIVE[a]}`, label: 'negative', lang: 'id' });
    out.push({ text: `${NEUTRAL[a]} ${NEUTRAL[b]} hari ini`, label: 'neutral', lang: 'id' });
  }
  return out;
}

const OPTIONS: TrainOptions = {
  features: { hashBits: 10, word: 1, bigram: 1, char: 1, charMin: 2, charMax: 4, lexicon: 0.3 },
  epochs: 4,
  learningRate: 0.1,
  l2: 1e-4,
  seed: 42,
  nbScaling: true,
  balanced: false,
};

function data(): TrainingData {
  const all = corpus();
  return {
    train: all.filter((_, i) => i % 5 !== 0),
    valid: [
      {
        name: 'valid',
        rows: all.filter((_, i) => i % 5 === 0).map((r, i) => ({ ...r, id: String(i) })),
        classes: CLASSES,
      },
    ],
    counts: {},
  };
}

describe('trainModel', () => {
  it('trains social rows into a format-2 social block only: the general block is that of the same data without them', () => {
    const social = [
      { id: 's1', text: 'mantap jalannya bagus', label: 'negative' as const, lang: 'id' },
      { id: 's2', text: 'terima kasih bupati', label: 'positive' as const, lang: 'id' },
    ];
    const plain = trainModel(data(), '0.0.1', OPTIONS).file;
    const withSocial = trainModel({ ...data(), social }, '0.0.1', OPTIONS, () => 0, 3, {
      copy: { bits: 8, value: 1 },
      epochs: 30,
      learningRate: 0.1,
      l2: 1e-4,
      seed: 1,
      bagSize: 1,
    }).file;
    expect(plain.format).toBe('pantau-linear-hashed/1');
    expect(plain.social).toBeUndefined();
    expect(withSocial.format).toBe('pantau-linear-hashed/2');
    const { format: _f1, social: _s, provenance: _p1, ...generalWith } = withSocial;
    const { format: _f2, provenance: _p2, ...generalPlain } = plain;
    expect(generalWith).toEqual(generalPlain);
    const model = embeddedModelFrom(decodeWeightFile(withSocial));
    expect(model.classify('mantap jalannya bagus', 'id', 'social').label).toBe('NEGATIVE');
    expect(model.classify('mantap jalannya bagus', 'id', 'general')).toEqual(
      embeddedModelFrom(decodeWeightFile(plain)).classify('mantap jalannya bagus', 'id', 'general'),
    );
  });

  it('is deterministic: the same data, options and seed give a byte-identical weight file', () => {
    const a = JSON.stringify(trainModel(data(), '0.0.1', OPTIONS).file);
    const b = JSON.stringify(trainModel(data(), '0.0.1', OPTIONS).file);
    expect(a).toBe(b);
  });

  it('depends on the seed', () => {
    const a = trainModel(data(), '0.0.1', OPTIONS).file.weights;
    const b = trainModel(data(), '0.0.1', { ...OPTIONS, seed: 43 }).file.weights;
    expect(a).not.toBe(b);
  });

  it('learns the corpus, including negation, and ships a loadable file', () => {
    const { file, validMacroF1 } = trainModel(data(), '0.0.1', OPTIONS);
    expect(validMacroF1['valid']).toBeGreaterThan(0.9);
    const model = embeddedModelFrom(decodeWeightFile(file));
    expect(model.classify('tempat ini enak dan murah', 'id').label).toBe('POSITIVE');
    expect(model.classify('tempat ini tidak enak', 'id').label).toBe('NEGATIVE');
    expect(model.classify('rapat bupati besok', 'id').label).toBe('NEUTRAL');
  });
});

describe('trainLinear with binary (partial-label) rows', () => {
  const one: TrainOptions = { ...OPTIONS, epochs: 1, nbScaling: false };

  it('moves only the polar logits on a binary row (hand-computed first AdaGrad step)', () => {
    // z = 0: restricted softmax gives P(neg) = P(pos) = 1/2, so grad = [+1/2, 0, −1/2] and the first
    // AdaGrad step moves each bias by −η·g/|g| = ∓η (η = 0.1); the neutral bias stays at 0.
    const binary = trainLinear(
      vectorize([{ text: 'bagus', label: 'positive', lang: 'id', binary: true }], one.features),
      one,
    );
    expect(binary.bias[0]).toBeCloseTo(-0.1, 6);
    expect(binary.bias[1]).toBe(0);
    expect(binary.bias[2]).toBeCloseTo(0.1, 6);
    // The same row as a 3-class row: grad = [1/3, 1/3, −2/3], so neutral moves down too.
    const full = trainLinear(
      vectorize([{ text: 'bagus', label: 'positive', lang: 'id' }], one.features),
      one,
    );
    expect(full.bias[1]).toBeCloseTo(-0.1, 6);
  });

  it('leaves every neutral weight at exactly 0 when all rows are binary', () => {
    const rows = corpus()
      .filter((r) => r.label !== 'neutral')
      .map((r) => ({ ...r, binary: true }));
    for (const nbScaling of [false, true]) {
      const model = trainLinear(vectorize(rows, OPTIONS.features), { ...OPTIONS, nbScaling });
      let neutralMax = 0;
      for (let i = 1; i < model.weights.length; i += 3)
        neutralMax = Math.max(neutralMax, Math.abs(model.weights[i]!));
      expect(neutralMax).toBe(0);
      expect(model.bias[1]).toBe(0);
    }
  });
});

describe('fitDecision on a binary group', () => {
  it('fits the temperature on the polar-restricted probability, ignoring neutral mass', () => {
    // Logits whose neutral component varies wildly but whose polar margin is the same ±2: the
    // restricted log-loss is then minimised at the smallest temperature of the grid (0.25).
    const logits = Array.from({ length: 20 }, (_, i): [number, number, number] =>
      i % 2 === 0 ? [2, 10 * (i % 3), 0] : [0, 10 * (i % 3), 2],
    );
    const gold = logits.map((z): SentimentClass => (z[0] > z[2] ? 'negative' : 'positive'));
    const decision = fitDecision([{ name: 'b', logits, gold, classes: ['negative', 'positive'] }]);
    expect(decision.temperature).toBe(0.25);
  });
});

describe('quantize', () => {
  it('scales by max |w| / 127 and rounds (hand-computed)', () => {
    const { scale, bytes } = quantize(Float32Array.from([0.5, -1.27, 0.01]));
    expect(scale).toBeCloseTo(0.01, 7);
    expect(Array.from(new Int8Array(bytes.buffer))).toEqual([50, -127, 1]);
  });
});

describe('the shipped weight file', () => {
  it('was trained with the current recipe defaults (else retrain a new version)', async () => {
    const { default: file } = await import('../../../../models/sentiment-id-2026.12.6.json', {
      with: { type: 'json' },
    });
    const { DEFAULT_BAG_SIZE, DEFAULT_INDOLEM_WEIGHT, DEFAULT_SOCIAL_TRAIN_OPTIONS, DEFAULT_TRAIN_OPTIONS } =
      await import('../../../../scripts/lib/sentiment-pipeline.ts');
    const { features, ...options } = DEFAULT_TRAIN_OPTIONS;
    expect(file.features).toEqual(features);
    expect(file.provenance.options).toEqual({ ...options, bagSize: DEFAULT_BAG_SIZE });
    expect(file.provenance.data['indolem-mit/train0'] !== undefined).toBe(DEFAULT_INDOLEM_WEIGHT > 0);
    expect(file.provenance.socialOptions).toEqual(DEFAULT_SOCIAL_TRAIN_OPTIONS);
  });
});

describe('fitNewsDecision', () => {
  const general = { temperature: 1, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold: 1 };
  const none = { event: 0, neg: 0, pos: 0 };

  it('finds the smallest event prior that turns neutral-leaning adverse-event news negative (hand-computed)', () => {
    // Reports of events lean neutral (logit 1 vs 0). With shift 0 an event prior of 1 only ties
    // (a tie is NEUTRAL), so 2 is the first grid point that gets every row right.
    const rows = [
      { logits: [0, 1, 0] as const, hits: { ...none, event: 1 }, gold: 'negative' as const },
      { logits: [0, 1, 0] as const, hits: none, gold: 'neutral' as const },
      { logits: [0, 0, 1] as const, hits: none, gold: 'positive' as const },
    ];
    expect(fitNewsDecision(rows, general)).toEqual({
      classBias: [0, 0, 0],
      neutralBand: 0,
      eventPrior: 2,
      polarPrior: 0,
    });
  });

  it('keeps the general rules when they are already right', () => {
    const rows = [
      { logits: [1, 0, 0] as const, hits: { ...none, event: 1 }, gold: 'negative' as const },
      { logits: [0, 1, 0] as const, hits: none, gold: 'neutral' as const },
    ];
    expect(fitNewsDecision(rows, { ...general, classBias: [0, 0.6, 0] })).toEqual({
      classBias: [0, 0.6, 0],
      neutralBand: 0,
      eventPrior: 0,
      polarPrior: 0,
    });
  });
});
