import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, type NabFile } from '#shared/domain/spikes/nab-scorer.ts';
import {
  CALIBRATION_GRID,
  MEMORY_GRID,
  median,
  nestedLofo,
  WIDE_GRID,
} from '../../../scripts/lib/spikes-nested.ts';

const STEP = 300_000;
const N = 20;
const timestampsMs = Array.from({ length: N }, (_, i) => i * STEP);
// One window over rows 10–12 (width 3); probation is floor(0.15 · 20) = 3 rows. A detection at row 10 (the
// left edge) weighs exactly 1; one at row 5 (before any window) −A_FP = −0.11 (standard); a missed window −1.
const windows: [number, number][] = [[10 * STEP, 12 * STEP]];

function file(name: string, marks: Record<number, number>): NabFile {
  const scores = timestampsMs.map((_, i) => marks[i] ?? 0);
  return { name, timestampsMs, scores, windows };
}

describe('nestedLofo', () => {
  // Cell A: f1 hit, f2 hit, f3 a false positive and a miss. Cell B: f1 hit + false positive, f2 miss, f3 hit.
  const cellA = [file('f1', { 10: 0.9 }), file('f2', { 10: 0.9 }), file('f3', { 5: 0.9 })];
  const cellB = [file('f1', { 5: 0.6, 10: 0.6 }), file('f2', {}), file('f3', { 10: 0.6 })];

  it('chooses the cell and θ on the other files, then scores the held-out file with them', () => {
    // Held out f1: on {f2, f3} A scores 1 − 1.11 = −0.11 (θ 0.9), B −1 + 1 = 0 (θ 0.6) → B: f1 = 1 − 0.11.
    // Held out f2: on {f1, f3} A −0.11, B 0.89 + 1 = 1.89 → B: f2 missed, −1.
    // Held out f3: on {f1, f2} A 2, B −0.11 → A at θ 0.9: f3 = −0.11 − 1.
    const r = nestedLofo([cellA, cellB], NAB_PROFILES.standard);
    expect(r.folds.map((f) => [f.file, f.cell, f.threshold])).toEqual([
      ['f1', 1, 0.6],
      ['f2', 1, 0.6],
      ['f3', 0, 0.9],
    ]);
    expect(r.folds[0]!.raw).toBeCloseTo(0.89, 12);
    expect(r.folds[1]!.raw).toBeCloseTo(-1, 12);
    expect(r.folds[2]!.raw).toBeCloseTo(-1.11, 12);
    expect(r.raw).toBeCloseTo(-1.22, 12);
    // Normalised: 100 · (raw + 3) / (3 + 3) with 3 windows, standard profile.
    expect(r.score).toBeCloseTo((100 * 1.78) / 6, 10);
  });

  it('gives a tie to the lower cell index (the shipped cell comes first in the grids)', () => {
    const r = nestedLofo([cellA, cellA], NAB_PROFILES.standard);
    expect(r.folds.every((f) => f.cell === 0)).toBe(true);
  });

  it('refuses cells that score different files', () => {
    expect(() => nestedLofo([cellA, cellB.slice(0, 2)], NAB_PROFILES.standard)).toThrow(RangeError);
    expect(() => nestedLofo([[cellA[0]!]], NAB_PROFILES.standard)).toThrow(RangeError);
  });
});

describe('grids', () => {
  it('list every combination once, the shipped cell first', () => {
    expect(CALIBRATION_GRID).toHaveLength(9);
    expect(WIDE_GRID).toHaveLength(81);
    expect(new Set(WIDE_GRID.map((c) => c.label)).size).toBe(81);
    expect(CALIBRATION_GRID[0]!.overrides).toEqual({
      rarityMs: 3 * 86_400_000,
      calibrationHalfLifeMs: 14 * 86_400_000,
    });
    expect(WIDE_GRID[0]!.overrides).toEqual({
      rarityMs: 3 * 86_400_000,
      calibrationHalfLifeMs: 14 * 86_400_000,
      cusumShift: 2,
      slowLevelHalfLifeMs: 7 * 86_400_000,
    });
    expect(MEMORY_GRID).toHaveLength(9);
    expect(new Set(MEMORY_GRID.map((c) => c.label)).size).toBe(9);
    expect(MEMORY_GRID[0]!.overrides).toEqual({
      eventMemoryMs: 35 * 86_400_000,
      calibrationHalfLifeMs: 14 * 86_400_000,
    });
  });

  it('median takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
