import { describe, expect, it } from 'vitest';
import { pct, postsFolds } from '../../../scripts/lib/sentiment-social-harness.ts';

describe('sentiment social harness', () => {
  it('deals posts into folds by position after sorting by id, as sentiment-posts-cv.ts does', () => {
    const row = (id: string) => ({ id, text: id, label: 'neutral' as const, lang: 'id' });
    const folds = postsFolds(
      [row('q005'), row('q001'), row('q003'), row('q002'), row('q004'), row('q006')],
      5,
    );
    // Sorted q001…q006 → positions 0…5 → folds 0, 1, 2, 3, 4, 0.
    expect([...folds.entries()].sort()).toEqual([
      ['q001', 0],
      ['q002', 1],
      ['q003', 2],
      ['q004', 3],
      ['q005', 4],
      ['q006', 0],
    ]);
  });

  it('prints fractions as percentages with one decimal', () => {
    expect(pct(0.7974)).toBe('79.7');
    expect(pct(1)).toBe('100.0');
  });
});
