import { describe, expect, it } from 'vitest';
import {
  appendCharGrams,
  type FeatureConfig,
  SparseBuffer,
  sumCharGrams,
} from '#shared/domain/sentiment/features.ts';
import { mulberry32 } from '#shared/domain/sentiment/train.ts';

describe('sumCharGrams', () => {
  const hashBits = 10;
  const random = mulberry32(3);
  const weights = Int8Array.from({ length: 2 ** hashBits * 3 }, () => Math.round(random() * 254 - 127));

  /** The sums over the buckets {@link appendCharGrams} lists, the reference definition. */
  function reference(token: string, config: FeatureConfig): [number, number, number, number] {
    const buffer = new SparseBuffer(4);
    const count = appendCharGrams(token, config, buffer);
    const sums: [number, number, number, number] = [0, 0, 0, count];
    for (let i = 0; i < buffer.size; i++) {
      for (let c = 0; c < 3; c++) sums[c]! += weights[buffer.index[i]! * 3 + c]!;
    }
    return sums;
  }

  it('sums the weights of the same n-grams as appendCharGrams, and counts them', () => {
    const tokens = [
      '',
      'a',
      'ab',
      'enak',
      'neg_enak',
      'xnum',
      'neg_xnum',
      'xurl',
      'bagus123',
      'x'.repeat(40),
      'x'.repeat(41),
      '👍',
    ];
    for (const [charMin, charMax] of [
      [2, 5],
      [1, 8],
      [3, 3],
    ] as const) {
      const config: FeatureConfig = { hashBits, word: 1, bigram: 1, char: 1, charMin, charMax, lexicon: 0.3 };
      const out = new Int32Array(5).fill(99);
      for (const token of tokens) {
        const count = sumCharGrams(token, config, weights, out, 1);
        expect([out[1], out[2], out[3], count], token).toEqual(reference(token, config));
      }
    }
  });

  it('has (length + 2) n-grams of each size it fits for a short word (hand-computed: `ab` → 4 + 3)', () => {
    const config: FeatureConfig = {
      hashBits,
      word: 1,
      bigram: 1,
      char: 1,
      charMin: 2,
      charMax: 3,
      lexicon: 0,
    };
    // ` ab `: bigrams ` a`, `ab`, `b ` (3) and trigrams ` ab`, `ab ` (2) → 5.
    expect(sumCharGrams('ab', config, weights, new Int32Array(3), 0)).toBe(5);
  });
});
