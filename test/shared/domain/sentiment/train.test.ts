import { describe, expect, it } from 'vitest';
import { embeddedModelFrom } from '#shared/domain/sentiment/index.ts';
import { CLASSES, decodeWeightFile } from '#shared/domain/sentiment/model.ts';
import { quantize, type TrainingExample, type TrainOptions } from '#shared/domain/sentiment/train.ts';
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

describe('quantize', () => {
  it('scales by max |w| / 127 and rounds (hand-computed)', () => {
    const { scale, bytes } = quantize(Float32Array.from([0.5, -1.27, 0.01]));
    expect(scale).toBeCloseTo(0.01, 7);
    expect(Array.from(new Int8Array(bytes.buffer))).toEqual([50, -127, 1]);
  });
});
