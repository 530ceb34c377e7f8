import { describe, expect, it } from 'vitest';
import { LATE_WINDOW_MS, lateDelta, nextSeen, parseSeen } from '#functions/detect/late.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-30T06:00:00.000Z');
const tally = (h: number, total: number, negative: number) => ({ hourMs: T0 + h * H, total, negative });

describe('late mentions ring', () => {
  it('finds what stepped hours gained since they were stepped, never negative, negatives within the total', () => {
    const seen = parseSeen([
      [T0, 7, 1],
      [T0 + H, 6, 0],
      [T0 + 2 * H, 6, 2],
    ]);
    // 06:00 gained 10 (all negative), 07:00 gained 3 (1 negative), 08:00 reads lower (never negative);
    // 09:00 is after the clock (08:00): on time, not late.
    const current = [tally(0, 17, 11), tally(1, 9, 1), tally(2, 5, 1), tally(3, 20, 20)];
    expect(lateDelta(seen, current, T0 + 2 * H)).toEqual({ total: 13, negative: 11, fromMs: T0 });
    // A count whose negatives rose more than its total (not a real counter) adds at most its total.
    expect(lateDelta(parseSeen([[T0, 7, 1]]), [tally(0, 9, 5)], T0)).toEqual({
      total: 2,
      negative: 2,
      fromMs: T0,
    });
  });

  it('adds nothing for hours without an entry (absent or malformed ring) or without a clock', () => {
    const current = [tally(0, 17, 11)];
    const none = { total: 0, negative: 0, fromMs: null };
    expect(lateDelta(parseSeen(undefined), current, T0)).toEqual(none);
    expect(lateDelta(parseSeen([[T0, -1, 0]]), current, T0)).toEqual(none);
    expect(lateDelta(parseSeen({ v: 1 }), current, T0)).toEqual(none);
    expect(lateDelta(parseSeen([[T0, 7, 1]]), current, null)).toEqual(none);
  });

  it('keeps the counts read of the last 24 hours up to the clock, oldest first', () => {
    const read = [tally(24, 4, 0), tally(0, 17, 11), tally(1, 9, 1), tally(25, 3, 3)];
    // Clock 2026-12-01 06:00 (T0 + 24 h): 06:00 on 2026-11-30 falls out, 07:00 the day after is not stepped.
    expect(nextSeen(read, T0 + LATE_WINDOW_MS)).toEqual([
      [T0 + H, 9, 1],
      [T0 + 24 * H, 4, 0],
    ]);
  });
});
