/**
 * Calendar arithmetic in the regency's time zone (Asia/Jakarta, UTC+7, no DST; the code is zone-generic
 * through `Intl`, so WITA/WIT regencies work too).
 */

/** Offset of `timeZone` from UTC at instant `epochMs`, in minutes (Asia/Jakarta → 420). */
export function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** The local calendar day (`yyyy-mm-dd`) of `epochMs` in `timeZone`. */
export function localDate(epochMs: number, timeZone: string): string {
  return new Date(epochMs + zoneOffsetMinutes(timeZone, epochMs) * 60_000).toISOString().slice(0, 10);
}

/**
 * The UTC instants bounding local day `date` (`yyyy-mm-dd`) in `timeZone`: `[start, end)`, UTC ISO-8601.
 * For Asia/Jakarta, `2026-11-29` → `[2026-11-28T17:00:00.000Z, 2026-11-29T17:00:00.000Z)`.
 * @throws {RangeError} when `date` is not a valid `yyyy-mm-dd`.
 */
export function localDayRange(date: string, timeZone: string): { start: string; end: string } {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
    Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
  ) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  const startOf = (d: string) => {
    const naive = Date.parse(`${d}T00:00:00.000Z`);
    // Two passes settle the offset even on a DST change day.
    let t = naive - zoneOffsetMinutes(timeZone, naive) * 60_000;
    t = naive - zoneOffsetMinutes(timeZone, t) * 60_000;
    return t;
  };
  const next = new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: new Date(startOf(date)).toISOString(), end: new Date(startOf(next)).toISOString() };
}

/** `date` (`yyyy-mm-dd`) plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The local day before the one containing `epochMs` (the digest's default day). */
export function previousLocalDate(epochMs: number, timeZone: string): string {
  return addDays(localDate(epochMs, timeZone), -1);
}
