import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#shared/domain/random.ts';
import { presetOverrides, volumeBurstBenchmark, volumeSettingsGrid } from '../../bench/spikes.ts';
import type { LabelledSeries } from '../../scripts/lib/spikes-data.ts';

describe('volumeBurstBenchmark', () => {
  it('skips with a message when the data folder is absent', () => {
    expect(volumeBurstBenchmark(['sedang'], null)).toEqual([
      'hourly volume-burst benchmark skipped: ../shared/data/spikes is absent',
    ]);
  });

  it('prints a row per preset and calibration, the level and quiet-run tables, and the verdict', () => {
    const u = mulberry32(8);
    const n = 20 * 288;
    const t0 = Date.UTC(2026, 0, 5);
    const series: LabelledSeries = {
      name: 'Twitter_volume_T.csv',
      timestampsMs: Array.from({ length: n }, (_, i) => t0 + i * 300_000),
      values: Array.from({ length: n }, () => Math.floor(u() * 5)),
      columns: {},
      windows: [],
    };
    const lines = volumeBurstBenchmark(['sedang'], [series], []);
    const summaryRows = lines.filter((l) => l.startsWith('| `sedang` |'));
    expect(summaryRows.map((l) => l.split(' | ')[1])).toEqual(['`scale`', '`event`', '`bucket`']);
    expect(lines.filter((l) => /^\| (real|tens|units) \|/.test(l))).toHaveLength(9);
    expect(lines.some((l) => l.includes('| T real / tens / units (all alerts) |'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('| `scale` |'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('| 0 |'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^Verdict: /);
  });
});

describe('volumeSettingsGrid and presetOverrides (fifteenth round)', () => {
  const WEEK = 7 * 24 * 3_600_000;

  it('skips with a message when the data folder is absent', () => {
    expect(volumeSettingsGrid(null)).toEqual([
      'hourly settings grid skipped: ../shared/data/spikes is absent',
    ]);
  });

  it('gives sedang the cell, rendah and tinggi its memory, and tinggi the lower of 3.5 and its threshold', () => {
    const cell = { alertSurprise: 3, eventMemoryMs: WEEK };
    expect(presetOverrides(cell, 'sedang')).toEqual(cell);
    expect(presetOverrides(cell, 'rendah')).toEqual({ eventMemoryMs: WEEK });
    expect(presetOverrides(cell, 'tinggi')).toEqual({ eventMemoryMs: WEEK, alertSurprise: 3 });
    expect(presetOverrides({ alertSurprise: 4, eventMemoryMs: 5 * WEEK }, 'tinggi')).toEqual({
      eventMemoryMs: 5 * WEEK,
      alertSurprise: 3.5,
    });
  });
});
