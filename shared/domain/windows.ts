/**
 * Time windows that overlap belong to one event: alerts raised for one story in several scopes, and
 * spikes held back in successive hours. One merge, used by alert delivery, the digest and the CLI summary.
 */

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
 * Held-back spikes merged into events where their windows overlap; an event runs from the earliest window
 * start to the latest end. Events oldest first. Since 2026-12-01 a held-back spike's window is the hours
 * that hold its negative mentions (`functions/detect/detect.ts`), so the event names the burst's hours and
 * the day it happened; records written before then carry the whole test window (up to 3 hours, ending with
 * the hour the spike was found in), which this shows as it is (QA: "pukul 00.00–02.00" on a day with no
 * mention, for a burst at 23.00 the day before).
 */
export function heldBackEvents<T extends { readonly windowStart: string; readonly windowEnd: string }>(
  spikes: readonly T[],
): { from: string; to: string; spikes: T[] }[] {
  return overlappingGroups(spikes, (h) => ({ start: h.windowStart, end: h.windowEnd })).map((group) => ({
    from: group.map((h) => h.windowStart).sort()[0] ?? '',
    to:
      group
        .map((h) => h.windowEnd)
        .sort()
        .at(-1) ?? '',
    spikes: group,
  }));
}
