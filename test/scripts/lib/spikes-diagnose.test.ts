import { describe, expect, it } from 'vitest';
import { cusumRunsAtBar, type FiredBy } from '../../../scripts/lib/spikes-diagnose.ts';

const row = (cusumStat: number, firedBy: FiredBy = 'none') => ({ cusumStat, firedBy });

describe('cusumRunsAtBar', () => {
  it('counts each run that reaches the bar once and the buckets it spends there', () => {
    const rows = [
      row(0),
      row(5),
      row(10),
      row(12),
      row(3),
      row(0), // run 1 ends: 2 buckets at or above 9
      row(4),
      row(9),
      row(0, 'cusum'), // run 2 ends at its own alert, which counts at the bar: 2 buckets
      row(6),
      row(0), // run 3 never reached the bar
      row(11), // run 4 still open at the end: 1 bucket
    ];
    // 12 rows over 3.5 days: 3 runs are 6 a week.
    const day = 86_400_000;
    const timestampsMs = rows.map((_, i) => (i === rows.length - 1 ? 3.5 * day : i * 1000));
    expect(cusumRunsAtBar(rows, timestampsMs, 9)).toEqual({
      runs: 3,
      perWeek: 6,
      bucketsAtBar: 5,
      medianBucketsPerRun: 2,
    });
  });

  it('reports no runs for a statistic that stays under the bar', () => {
    expect(cusumRunsAtBar([row(0), row(8.9), row(0)], [0, 1, 2], 9)).toEqual({
      runs: 0,
      perWeek: 0,
      bucketsAtBar: 0,
      medianBucketsPerRun: 0,
    });
  });
});
