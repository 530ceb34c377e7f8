/**
 * Trend buckets for the API: hourly counter rows (stored per UTC hour) summed into hours or calendar
 * days of the regency's time zone, with net sentiment per bucket. Pure.
 *
 * Local days are built from UTC hours, which is exact only when the zone's offset is a whole number of
 * hours (WIB +07:00, WITA +08:00, WIT +09:00: every Indonesian zone). A zone with a half- or
 * quarter-hour offset (e.g. Asia/Kolkata, +05:30) would need finer counters; it is refused with
 * {@link UnsupportedTimeZoneError} rather than answered with days that are off by 30 minutes.
 */
import { SENTIMENT_LABELS, type SentimentLabel } from '../mention.ts';
import { addDays, localDate, localDayRange, zoneOffsetMinutes } from '../time.ts';

type Counts = Record<SentimentLabel, number>;

const HOUR_MS = 3_600_000;

/** One input row: an hourly bucket as `MentionStore.hourlyCounts` returns it. */
export interface HourRow {
  /** UTC ISO-8601 hour start. */
  readonly hour: string;
  readonly counts: Readonly<Counts>;
}

export interface TrendBucket {
  /** UTC ISO-8601 bucket start. */
  readonly start: string;
  /** Day buckets only: the local calendar day `yyyy-mm-dd` (the digest's date for the same day). */
  readonly date?: string;
  readonly counts: Counts;
  readonly total: number;
  /** (positive − negative) / total, in [−1, 1]; 0 when the bucket is empty. Same formula as the digest. */
  readonly netSentiment: number;
}

/** The zone's offset is not a whole number of hours, so hourly counters cannot be summed into its days. */
export class UnsupportedTimeZoneError extends Error {
  override readonly name = 'UnsupportedTimeZoneError';
}

/** Net sentiment (positive − negative) / total rounded to 4 decimals; 0 for no mentions. */
export function netSentiment(counts: Readonly<Counts>): number {
  const total = SENTIMENT_LABELS.reduce((s, l) => s + counts[l], 0);
  return total === 0 ? 0 : Math.round(((counts.POSITIVE - counts.NEGATIVE) / total) * 10_000) / 10_000;
}

/**
 * The offset of `timeZone` at `epochMs` as `±hh:mm` (Asia/Jakarta → `+07:00`).
 * @throws {UnsupportedTimeZoneError} when it is not a whole number of hours.
 */
export function wholeHourOffset(timeZone: string, epochMs: number): string {
  const minutes = zoneOffsetMinutes(timeZone, epochMs);
  if (minutes % 60 !== 0)
    throw new UnsupportedTimeZoneError(
      `time zone ${timeZone} is ${minutes} minutes from UTC at ${new Date(epochMs).toISOString()}: trend days need a whole-hour offset`,
    );
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Start (epoch ms) of the local day holding `epochMs`. */
function dayStart(epochMs: number, timeZone: string): number {
  return Date.parse(localDayRange(localDate(epochMs, timeZone), timeZone).start);
}

/**
 * Align a range to whole buckets: `from` down and `to` up to the hour, or to local midnight in
 * `timeZone` for days.
 * @param from @param to UTC ISO-8601.
 * @param timeZone IANA zone of day boundaries. @default UTC
 * @returns UTC ISO-8601 strings.
 * @throws {UnsupportedTimeZoneError} for a zone without a whole-hour offset at either end.
 */
export function alignRange(
  from: string,
  to: string,
  interval: 'hour' | 'day',
  timeZone = 'UTC',
): { from: string; to: string } {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  wholeHourOffset(timeZone, fromMs);
  wholeHourOffset(timeZone, toMs);
  if (interval === 'hour') {
    return {
      from: new Date(Math.floor(fromMs / HOUR_MS) * HOUR_MS).toISOString(),
      to: new Date(Math.ceil(toMs / HOUR_MS) * HOUR_MS).toISOString(),
    };
  }
  const end =
    dayStart(toMs, timeZone) === toMs
      ? toMs
      : Date.parse(localDayRange(localDate(toMs, timeZone), timeZone).end);
  return { from: new Date(dayStart(fromMs, timeZone)).toISOString(), to: new Date(end).toISOString() };
}

/**
 * Sum hourly rows into buckets of `interval` over the aligned `[from, to)`, oldest first, zero-filled.
 * Day buckets are the local days of `timeZone` and carry their `date`.
 * @param from @param to aligned with {@link alignRange} (same `timeZone`).
 * @param timeZone @default UTC
 * @throws {UnsupportedTimeZoneError} for a zone without a whole-hour offset on one of the days.
 */
export function bucketize(
  rows: readonly HourRow[],
  from: string,
  to: string,
  interval: 'hour' | 'day',
  timeZone = 'UTC',
): TrendBucket[] {
  const end = Date.parse(to);
  const starts: { start: number; date?: string }[] = [];
  if (interval === 'hour') {
    for (let t = Date.parse(from); t < end; t += HOUR_MS) starts.push({ start: t });
  } else {
    for (let date = localDate(Date.parse(from), timeZone); ; date = addDays(date, 1)) {
      const start = Date.parse(localDayRange(date, timeZone).start);
      if (start >= end) break;
      wholeHourOffset(timeZone, start);
      starts.push({ start, date });
    }
  }
  const buckets = starts.map(() => ({ POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 }) as Counts);
  const first = Date.parse(from);
  for (const row of rows) {
    const at = Date.parse(row.hour);
    if (at < first || at >= end) continue;
    const bucket = buckets[indexOf(starts, at)];
    if (!bucket) continue;
    for (const label of SENTIMENT_LABELS) bucket[label] += row.counts[label];
  }
  return buckets.map((counts, i) => ({
    start: new Date(starts[i]?.start ?? 0).toISOString(),
    ...(starts[i]?.date ? { date: starts[i]?.date } : {}),
    counts,
    total: SENTIMENT_LABELS.reduce((s, l) => s + counts[l], 0),
    netSentiment: netSentiment(counts),
  }));
}

/** Index of the last bucket starting at or before `at` (binary search over sorted starts). */
function indexOf(starts: readonly { readonly start: number }[], at: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((starts[mid]?.start ?? Number.POSITIVE_INFINITY) <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}
