import { describe, expect, it } from 'vitest';
import {
  type ShareCusumTable,
  shareCusumLlr,
  shareCusumSlice,
  shareCusumThreshold,
} from '#shared/domain/spikes/share-cusum.ts';
import { SHARE_CUSUM_TABLE } from '#shared/domain/spikes/share-cusum-table.ts';

/** 2 ARLs (10, 20 buckets) × 2 volumes (1, 4) × 2 shares (0.1, 0.2) × 2 ρ (0.01, 0.1); h = 1 + index / 10. */
const TINY: ShareCusumTable = {
  shift: 3,
  volume: { first: 1, ratio: 4, count: 2 },
  share: { first: 0.1, ratio: 2, count: 2 },
  rho: { first: 0.01, ratio: 10, count: 2 },
  arlBuckets: { first: 10, ratio: 2, count: 2 },
  floor: Math.LN2,
  h: Array.from({ length: 16 }, (_, i) => 1 + i / 10),
};

describe('shareCusumLlr', () => {
  it('tends to the Bernoulli CUSUM weight x·ln R − n·ln(1 − p0 + R·p0) without overdispersion', () => {
    // 9 of 36 negative, p0 0.1, R 3: 9·ln 3 − 36·ln 1.2 = 9.887511 − 6.563576 = 3.323935 (Steiner et al. 2000).
    expect(shareCusumLlr(36, 9, 0.1, 1e-8, 3)).toBeCloseTo(3.323935, 3);
    // 0 of 10: −10·ln 1.2 = −1.823216.
    expect(shareCusumLlr(10, 0, 0.1, 1e-8, 3)).toBeCloseTo(-1.823216, 3);
    expect(shareCusumLlr(0, 0, 0.1, 0.01, 3)).toBe(0);
  });
});

describe('shareCusumThreshold', () => {
  it('reads grid nodes, interpolates on log scales and caps at Lorden', () => {
    const at10 = shareCusumSlice(10, 3, TINY);
    // [arl 0][volume 0][share 0][ρ 0] = 1.0; [0][1][1][1] = 1.7, but Lorden's ln 10 = 2.303 is above both.
    expect(shareCusumThreshold(at10, 1, 0.1, 0.01, TINY)).toBeCloseTo(1.0, 12);
    expect(shareCusumThreshold(at10, 4, 0.2, 0.1, TINY)).toBeCloseTo(1.7, 12);
    // Geometric midpoints (volume 2, share √0.02, ρ √0.001): the mean of the eight corners 1.0 … 1.7 = 1.35.
    expect(shareCusumThreshold(at10, 2, Math.sqrt(0.02), Math.sqrt(0.001), TINY)).toBeCloseTo(1.35, 12);
    // Between the ARLs (ln-midpoint √200): halfway between 1.0 and 1.8.
    expect(shareCusumThreshold(shareCusumSlice(Math.sqrt(200), 3, TINY), 1, 0.1, 0.01, TINY)).toBeCloseTo(
      1.4,
      12,
    );
    // Above the grid: slope 1 in ln ARL, 1.8 + ln 2 = 2.493, under Lorden's ln 40 = 3.689.
    expect(shareCusumThreshold(shareCusumSlice(40, 3, TINY), 1, 0.1, 0.01, TINY)).toBeCloseTo(
      1.8 + Math.LN2,
      12,
    );
    // Capped at Lorden: a table value of 2.5 at ARL 10 (ln 10 = 2.303) comes out as ln 10.
    const high = { ...TINY, h: TINY.h.map((x) => x + 1) };
    expect(shareCusumThreshold(shareCusumSlice(10, 3, high), 4, 0.2, 0.1, high)).toBeCloseTo(
      Math.log(10),
      12,
    );
  });

  it("falls back to Lorden's ln ARL₀ off the table, and clamps the volume", () => {
    const at10 = shareCusumSlice(10, 3, TINY);
    expect(shareCusumThreshold(at10, 1, 0.05, 0.01, TINY)).toBeCloseTo(Math.log(10), 12);
    expect(shareCusumThreshold(at10, 1, 0.1, 0.5, TINY)).toBeCloseTo(Math.log(10), 12);
    expect(shareCusumThreshold(shareCusumSlice(10, 2, TINY), 1, 0.1, 0.01, TINY)).toBeCloseTo(
      Math.log(10),
      12,
    );
    expect(shareCusumThreshold(shareCusumSlice(5, 3, TINY), 1, 0.1, 0.01, TINY)).toBeCloseTo(Math.log(5), 12);
    expect(shareCusumThreshold(at10, 0.01, 0.1, 0.01, TINY)).toBeCloseTo(1.0, 12);
    expect(shareCusumThreshold(at10, 1000, 0.1, 0.01, TINY)).toBeCloseTo(1.4, 12);
  });

  it('commits a table that is within the floor and Lorden, and grows with the run length', () => {
    const t = SHARE_CUSUM_TABLE;
    const size = t.volume.count * t.share.count * t.rho.count;
    expect(t.h).toHaveLength(t.arlBuckets.count * size);
    for (let a = 0; a < t.arlBuckets.count; a++) {
      const lorden = Math.log(t.arlBuckets.first * t.arlBuckets.ratio ** a);
      for (let k = 0; k < size; k++) {
        const h = t.h[a * size + k]!;
        expect(h).toBeGreaterThanOrEqual(t.floor - 1e-3);
        expect(h).toBeLessThanOrEqual(lorden + 1e-9);
        if (a > 0) expect(h).toBeGreaterThanOrEqual(t.h[(a - 1) * size + k]! - 1e-9);
      }
    }
  });
});
