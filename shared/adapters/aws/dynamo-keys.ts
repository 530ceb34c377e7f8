/**
 * Key design of Pantau's single DynamoDB table (documented in `docs/data-model.md`).
 * Pure functions: every key the adapter reads or writes is built here, nowhere else.
 */

/** Shards per day bucket for timelines and counters: spreads a viral keyword over partitions. */
export const SHARDS = 4;

/** Shard of a mention id (its first hex digit, modulo {@link SHARDS}). */
export function shardOf(mentionId: string): number {
  return Number.parseInt(mentionId.charAt(0), 16) % SHARDS;
}

/** `yyyy-mm-dd` (UTC) of an ISO-8601 timestamp. */
export function utcDay(iso: string): string {
  return iso.slice(0, 10);
}

/** `hh` (UTC) of an ISO-8601 timestamp. */
export function utcHour(iso: string): string {
  return iso.slice(11, 13);
}

export const keys = {
  mention: (id: string) => ({ PK: `M#${id}`, SK: 'M' }),
  queued: (id: string) => ({ PK: `M#${id}`, SK: 'Q' }),
  label: (id: string, at: string) => ({ PK: `M#${id}`, SK: `LABEL#${at}` }),
  /** Timeline entry: one per matched keyword (`kw`), or `*` for the all-mentions day index. */
  timelinePk: (keyword: string, day: string, shard: number) => `T#${keyword}#${day}#${shard}`,
  timelineSk: (publishedAt: string, id: string) => `${publishedAt}#${id}`,
  counterPk: (series: string, day: string) => `C#${series}#${day}`,
  counterSk: (hour: string, shard: number) => `${hour}#${shard}`,
  sourceState: (sourceId: string) => ({ PK: `SRC#${sourceId}`, SK: 'STATE' }),
  /** Cross-source story marker (news copies of one article; `shared/domain/story.ts`), 7-day TTL. */
  story: (storyKey: string) => ({ PK: `STORY#${storyKey}`, SK: 'STORY' }),
  sourceRunPk: (day: string) => `RUN#${day}`,
  /** Detect runs of a UTC day (the digest's "which hours were checked"), SK = run time. */
  detectionRunPk: (day: string) => `DRUN#${day}`,
  rejectedPk: (day: string) => `REJ#${day}`,
  labelIndexPk: (month: string) => `LABEL#${month}`,
  alert: (windowStart: string, seriesId: string) => ({
    PK: `A#${windowStart.slice(0, 7)}`,
    SK: `${windowStart}#${seriesId}`,
  }),
  seriesState: (seriesId: string) => ({ PK: `S#${seriesId}`, SK: 'STATE' }),
  digest: (date: string) => ({ PK: `D#${date}`, SK: 'DIGEST' }),
  delivery: (alertId: string, channel: string) => ({ PK: `DLV#${alertId}`, SK: channel }),
};

/** Every UTC day (`yyyy-mm-dd`) touched by `[fromIso, toIso)`, oldest first. */
export function daysBetween(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const end = Date.parse(toIso);
  let t = Date.parse(`${utcDay(fromIso)}T00:00:00.000Z`);
  while (t < end) {
    days.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return days;
}

/** Every UTC month (`yyyy-mm`) touched by `[fromIso, toIso)`, oldest first. */
export function monthsBetween(fromIso: string, toIso: string): string[] {
  const months: string[] = [];
  const end = Date.parse(toIso);
  const d = new Date(`${fromIso.slice(0, 7)}-01T00:00:00.000Z`);
  while (d.getTime() < end) {
    months.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return months;
}
