/** One merge of overlapping windows for alert delivery, the digest and the CLI summary. */
import { describe, expect, it } from 'vitest';
import { heldBackEvents, overlappingGroups } from '#shared/domain/windows.ts';

describe('overlappingGroups', () => {
  it('groups overlapping windows transitively; touching windows stay apart; ties keep input order', () => {
    const w = (name: string, start: string, end: string) => ({
      name,
      start: `2026-11-30T${start}:00:00.000Z`,
      end: `2026-11-30T${end}:00:00.000Z`,
    });
    const items = [
      w('late', '12', '13'),
      w('c', '08', '09'),
      w('a', '07', '09'),
      w('touching', '09', '10'),
      w('b', '08', '09'),
      w('chain', '12', '14'),
      w('tail', '13', '15'),
    ];
    expect(overlappingGroups(items, (x) => x).map((g) => g.map((x) => x.name))).toEqual([
      ['a', 'c', 'b'],
      ['touching'],
      ['late', 'chain', 'tail'],
    ]);
    expect(overlappingGroups([], (x: { start: string; end: string }) => x)).toEqual([]);
  });
});

describe('heldBackEvents', () => {
  it('merges overlapping windows into events from the earliest start to the latest end', () => {
    const held = (detectorId: string, windowStart: string, windowEnd: string) => ({
      detectorId,
      kind: 'volume' as const,
      windowStart,
      windowEnd,
      reason: 'too few distinct authors' as const,
      distinctAuthors: 1,
      minDistinctAuthors: 2,
    });
    // A burst in the 03:00–04:59 UTC hours, held back by three detectors (each window = the hours holding its
    // negative mentions), and a separate one at 12:00.
    const events = heldBackEvents([
      held('neg:all', '2026-10-28T04:00:00.000Z', '2026-10-28T05:00:00.000Z'),
      held('neg:kw:majalengka', '2026-10-28T03:00:00.000Z', '2026-10-28T05:00:00.000Z'),
      held('share:all', '2026-10-28T03:00:00.000Z', '2026-10-28T04:00:00.000Z'),
      held('neg:all', '2026-10-28T12:00:00.000Z', '2026-10-28T13:00:00.000Z'),
    ]);
    expect(events.map((e) => [e.from, e.to, e.spikes.length])).toEqual([
      ['2026-10-28T03:00:00.000Z', '2026-10-28T05:00:00.000Z', 3],
      ['2026-10-28T12:00:00.000Z', '2026-10-28T13:00:00.000Z', 1],
    ]);
  });
});
