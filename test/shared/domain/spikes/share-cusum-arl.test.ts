import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#shared/domain/random.ts';
import { shareCusumSlice, shareCusumThreshold } from '#shared/domain/spikes/share-cusum.ts';
import {
  directArl,
  drawIncrement,
  incrementDistribution,
  renewalArl,
  thresholdFor,
} from '../../../../scripts/lib/spikes-share-arl.ts';

describe('share CUSUM ARL simulation', () => {
  it("estimates a hand-computed run length by Page's renewal identity and by direct runs", () => {
    // Increments +1 (q = 0.2) or −1, h = 2: L1 = 1 + 0.8·L0, L0 = 1 + 0.2·L1 + 0.8·L0 ⇒ L0 = 1/q + 1/q² = 30.
    const u = mulberry32(1);
    const step = () => (u() < 0.2 ? 1 : -1);
    const { arl } = renewalArl(step, [1, 2], 200_000);
    expect(arl[0]).toBeGreaterThan(5 * 0.97);
    expect(arl[0]).toBeLessThan(5 * 1.03);
    expect(arl[1]).toBeGreaterThan(30 * 0.95);
    expect(arl[1]).toBeLessThan(30 * 1.05);
    const direct = directArl(step, 2, 20_000);
    expect(Math.abs(direct.arl - 30)).toBeLessThan(4 * direct.se);
  });

  it('draws the null increments of a likelihood ratio: E₀[e^LLR] = 1 and a negative drift', () => {
    const d = incrementDistribution(10, 0.1, 0.005, 3);
    expect(d.expMean).toBeCloseTo(1, 6);
    expect(d.mean).toBeLessThan(0);
    const u = mulberry32(3);
    let s = 0;
    for (let i = 0; i < 50_000; i++) s += drawIncrement(d, u);
    expect(s / 50_000).toBeCloseTo(d.mean, 1);
  });

  it("gives the committed table's threshold the run length it was tabulated for (independent seed)", () => {
    // ν 32 mentions/bucket, p0 0.1, ρ 10^-2.5: the table's h for ARL₀ 168 buckets, checked by 3000 direct runs.
    const h = shareCusumThreshold(shareCusumSlice(168, 3), 32, 0.1, 10 ** -2.5);
    expect(h).toBeLessThan(Math.log(168));
    const d = incrementDistribution(32, 0.1, 10 ** -2.5, 3);
    const u = mulberry32(99);
    const { arl, se } = directArl(() => drawIncrement(d, u), h, 3000);
    expect(Math.abs(arl - 168)).toBeLessThan(4 * se + 0.05 * 168);
  });

  it('interpolates the threshold of an ARL curve in ln ARL', () => {
    // ARL e^1 at h 1 and e^3 at h 2: ARL e^2 lies halfway, h 1.5; below the first point, the floor.
    expect(thresholdFor([1, 2], [Math.E, Math.E ** 3], Math.E ** 2)).toBeCloseTo(1.5, 12);
    expect(thresholdFor([1, 2], [Math.E, Math.E ** 3], 1)).toBe(1);
    expect(thresholdFor([1, 2], [Math.E, Math.E ** 3], 1e6)).toBeNaN();
  });
});
