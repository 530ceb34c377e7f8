/**
 * Time windows that overlap belong to one event: alerts raised for one story in several scopes, and
 * spikes held back in successive hours. One merge, used by alert delivery, the digest and the CLI summary.
 */

const HOUR_MS = 3_600_000;

/**
 * Group items whose windows `[start, end)` overlap, transitively (windows that only touch do not).
 * Groups come in order of their first start; items within a group in order of start, ties in input order.
 * @param windowOf - The item's window, UTC ISO-8601 strings as `toISOString()` writes them (they then
 *   compare as times).
 */
export function overlappingGroups<T>(
  items: readonly T[],
  windowOf: (item: T) => { readonly start: string; readonly end: string },
): T[][] {
  const sorted = items
    .map((item, i) => ({ item, i, ...windowOf(item) }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.i - b.i));
  const groups: T[][] = [];
  let end = '';
  for (const w of sorted) {
    const last = groups.at(-1);
    if (last && w.start < end) {
      last.push(w.item);
      if (w.end > end) end = w.end;
    } else {
      groups.push([w.item]);
      end = w.end;
    }
  }
  return groups;
}

/**
 * Held-back spikes (detector windows ending with the hour each was found in) merged into events where
 * their windows overlap. An event runs from the first hour a spike was found in to the end of its last
 * window: the start of a 3-hour window test would put it hours before the burst. Events oldest first.
 */
export function heldBackEvents<T extends { readonly windowStart: string; readonly windowEnd: string }>(
  spikes: readonly T[],
): { from: string; to: string; spikes: T[] }[] {
  return overlappingGroups(spikes, (h) => ({ start: h.windowStart, end: h.windowEnd })).map((group) => {
    const ends = group.map((h) => h.windowEnd).sort();
    return {
      from: new Date(Date.parse(ends[0] ?? '') - HOUR_MS).toISOString(),
      to: ends.at(-1) ?? '',
      spikes: group,
    };
  });
}
