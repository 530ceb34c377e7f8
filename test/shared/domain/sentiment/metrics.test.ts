import { describe, expect, it } from 'vitest';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';

describe('classificationReport', () => {
  it('computes the confusion matrix, per-class and macro F1 (hand-computed)', () => {
    // gold:      a a a b b c
    // predicted: a a b b c c
    // a: P 2/2, R 2/3 → F1 0.8; b: P 1/2, R 1/2 → 0.5; c: P 1/2, R 1/1 → 2/3
    const r = classificationReport(
      ['a', 'a', 'a', 'b', 'b', 'c'],
      ['a', 'a', 'b', 'b', 'c', 'c'],
      ['a', 'b', 'c'],
    );
    expect(r.matrix).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(r.f1['a']).toBeCloseTo(0.8, 12);
    expect(r.f1['b']).toBeCloseTo(0.5, 12);
    expect(r.f1['c']).toBeCloseTo(2 / 3, 12);
    expect(r.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
  });

  it('counts predictions outside the label set as errors and scores empty classes 0', () => {
    const r = classificationReport(['a', 'b'], ['x', 'b'], ['a', 'b', 'c']);
    expect(r.f1['a']).toBe(0);
    expect(r.f1['c']).toBe(0);
    expect(r.f1['b']).toBe(1);
  });

  it('rejects arrays of different length', () => {
    expect(() => classificationReport(['a'], [], ['a'])).toThrow(RangeError);
  });
});
