import { describe, expect, it } from 'vitest';
import { detectorParams } from '#shared/domain/spikes/detector.ts';
import { NAB_SEDANG, nabDetectorParams } from '../../../scripts/lib/spikes-nab.ts';

const DAY = 86_400_000;

describe('nabDetectorParams', () => {
  it('keeps the NAB-chosen sedang values (p < 1e-4, 5-week memory, 3-day rarity) whatever the hourly preset', () => {
    const nab = nabDetectorParams();
    expect(nab.alertSurprise).toBe(4);
    expect(nab.eventMemoryMs).toBe(35 * DAY);
    expect(nab.rarityMs).toBe(3 * DAY);
    expect(nab.bucketMs).toBe(300_000);
    expect(nab.volumeCalibration).toBe('scale');
    // Everything else is the hourly sedang preset's.
    expect(nab).toEqual(
      detectorParams('sedang', {
        ...NAB_SEDANG,
        bucketMs: 300_000,
        tzOffsetMinutes: 0,
        minDistinctAuthors: 0,
      }),
    );
  });

  it('lets overrides win over the pinned values (the nested grids vary them)', () => {
    expect(nabDetectorParams({ eventMemoryMs: 28 * DAY }).eventMemoryMs).toBe(28 * DAY);
    expect(nabDetectorParams({ alertSurprise: 5 }).alertSurprise).toBe(5);
  });
});
