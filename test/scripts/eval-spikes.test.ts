import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeResults } from '../../scripts/eval-spikes.ts';
import { formatNabTimestamp, readSeriesCsv } from '../../scripts/lib/spikes-data.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pantau-spikes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval-spikes --input/--out', () => {
  it('writes a NAB result file per input CSV with scores in [0, 1] and flags a burst', () => {
    const input = path.join(dir, 'in');
    const out = path.join(dir, 'out');
    const start = Date.UTC(2015, 2, 1);
    const n = 12 * 24 * 5;
    let seed = 7;
    const rows = Array.from({ length: n }, (_, i) => {
      seed = (seed * 16_807) % 2_147_483_647;
      const value = i >= n - 12 && i < n - 6 ? 60 : 3 + (seed % 4);
      return `${formatNabTimestamp(start + i * 300_000)},${value}`;
    });
    mkdirSync(input, { recursive: true });
    writeFileSync(path.join(input, 'Twitter_volume_TEST.csv'), `timestamp,value\n${rows.join('\n')}\n`);
    expect(writeResults(input, out)).toEqual(['pantau_Twitter_volume_TEST.csv']);

    const text = readFileSync(path.join(out, 'pantau_Twitter_volume_TEST.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('timestamp,value,anomaly_score');
    const result = readSeriesCsv(path.join(out, 'pantau_Twitter_volume_TEST.csv'));
    expect(result.timestampsMs).toHaveLength(n);
    const scores = result.columns['anomaly_score']!;
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(Math.max(...scores.slice(n - 12, n - 6))).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...scores.slice(12 * 24, n - 12))).toBeLessThan(0.5);
  });
});

describe('eval-spikes --diagnose', () => {
  it('lists a burst inside a window as a hit by the count test and one outside as a detection outside', async () => {
    const { diagnoseNab } = await import('../../scripts/lib/spikes-diagnose.ts');
    const { nabDetectorParams } = await import('../../scripts/lib/spikes-nab.ts');
    const start = Date.UTC(2015, 2, 1);
    const n = 12 * 24 * 8;
    let seed = 7;
    const inside = n - 200;
    const outside = n - 800;
    const timestampsMs = Array.from({ length: n }, (_, i) => start + i * 300_000);
    const values = timestampsMs.map((_, i) => {
      seed = (seed * 16_807) % 2_147_483_647;
      return i === inside || i === outside ? 80 : 3 + (seed % 4);
    });
    const window: [number, number] = [timestampsMs[inside - 50]!, timestampsMs[inside + 50]!];
    const [d] = diagnoseNab(
      [{ name: 'T.csv', timestampsMs, values, columns: {}, windows: [window] }],
      nabDetectorParams(),
    );
    expect(d!.windows).toHaveLength(1);
    expect(d!.windows[0]!.hitMs).toBe(timestampsMs[inside]);
    expect(d!.windows[0]!.firedBy).toBe('count');
    expect(d!.windows[0]!.weight).toBeGreaterThan(0.5);
    expect(d!.falsePositives.map((p) => p.atMs)).toContain(timestampsMs[outside]);
    expect(d!.falsePositives.find((p) => p.atMs === timestampsMs[outside])!.weight).toBeCloseTo(-0.11, 6);
  });
});
