/**
 * Trend buckets for the API: hourly counter rows summed into UTC hours or UTC days, with net sentiment
 * per bucket. Pure.
 */
import { SENTIMENT_LABELS, type SentimentLabel } from '../mention.ts';

type Counts = Record<SentimentLabel, number>;

/** One input row: an hourly bucket as `MentionStore.hourlyCounts` returns it. */
export interface HourRow {
  /** UTC ISO-8601 hour start. */
  readonly hour: string;
  readonly counts: Readonly<Counts>;
}

export interface TrendBucket {
  /** UTC ISO-8601 bucket start. */
  readonly start: string;
  readonly counts: Counts;
  readonly total: number;
  /** (positive − negative) / total, in [−1, 1]; 0 when the bucket is empty. Same formula as the digest. */
  readonly netSentiment: number;
}

/** Net sentiment (positive − negative) / total rounded to 4 decimals; 0 for no mentions. */
export function netSentiment(counts: Readonly<Counts>): number {
  const total = SENTIMENT_LABELS.reduce((s, l) => s + counts[l], 0);
  return total === 0 ? 0 : Math.round(((counts.POSITIVE - counts.NEGATIVE) / total) * 10_000) / 10_000;
}

/**
 * Align a range to whole buckets: `from` down and `to` up to the hour (or UTC day).
 * @returns UTC ISO-8601 strings.
 */
export function alignRange(from: string, to: string, interval: 'hour' | 'day'): { from: string; to: string } {
  const size = interval === 'hour' ? 3_600_000 : 86_400_000;
  const start = Math.floor(Date.parse(from) / size) * size;
  const end = Math.ceil(Date.parse(to) / size) * size;
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

/**
 * Sum hourly rows into buckets of `interval` over the aligned `[from, to)`, oldest first, zero-filled.
 * @param from @param to aligned with {@link alignRange}.
 */
export function bucketize(
  rows: readonly HourRow[],
  from: string,
  to: string,
  interval: 'hour' | 'day',
): TrendBucket[] {
  const size = interval === 'hour' ? 3_600_000 : 86_400_000;
  const start = Date.parse(from);
  const end = Date.parse(to);
  const buckets: Counts[] = [];
  for (let t = start; t < end; t += size) buckets.push({ POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 });
  for (const row of rows) {
    const index = Math.floor((Date.parse(row.hour) - start) / size);
    const bucket = buckets[index];
    if (!bucket) continue;
    for (const label of SENTIMENT_LABELS) bucket[label] += row.counts[label];
  }
  return buckets.map((counts, i) => ({
    start: new Date(start + i * size).toISOString(),
    counts,
    total: SENTIMENT_LABELS.reduce((s, l) => s + counts[l], 0),
    netSentiment: netSentiment(counts),
  }));
}
