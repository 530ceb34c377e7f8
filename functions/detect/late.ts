/**
 * Late mentions: counts that reach an hourly counter after the detector stepped that hour (a news search
 * item that surfaces hours after publication, a late feed, a replay). Pure: no store, no clock.
 *
 * Each detector keeps a small ring beside its state: for each of its last {@link LATE_WINDOW_MS} of stepped
 * hours, the counts it saw (`[hourStartMs, total, negative]`). Before stepping new hours the handler re-reads
 * those hours; what they hold beyond the ring is late, and is added to the newest hour stepped in that run.
 * The ring is then rebuilt from the counts read, so a late mention is added once.
 */
import { z } from 'zod';

const HOUR_MS = 3_600_000;
/** Stepped hours whose counters are re-read for late mentions, back from the detector's clock, ms (24 h). */
export const LATE_WINDOW_MS = 24 * HOUR_MS;

/**
 * The stored ring: `[hourStartMs, total, negative]` (epoch ms, mention counts) per stepped hour, oldest
 * first, at most 24 entries.
 */
export const SeenRingSchema = z
  .array(z.tuple([z.number().int(), z.number().int().min(0), z.number().int().min(0)]))
  .max(LATE_WINDOW_MS / HOUR_MS);
export type SeenRing = z.infer<typeof SeenRingSchema>;

/** Counts of one hour as read from the counters. */
export interface HourTally {
  /** Hour start, epoch ms. */
  readonly hourMs: number;
  readonly total: number;
  readonly negative: number;
}

/** Late counts found in one detector's ring. */
export interface LateDelta {
  /** Mentions counted after their hour was stepped. */
  readonly total: number;
  /** Of those, negative. */
  readonly negative: number;
  /** Start (epoch ms) of the oldest hour holding any of them, or null when there are none. */
  readonly fromMs: number | null;
}

/**
 * Parse a stored ring. Absent or malformed reads as empty: hours without an entry add no late counts and
 * take the current counts, so a ring lost or not yet written can never count a mention twice.
 * @returns the ring as a map from hour start (epoch ms) to the counts seen.
 */
export function parseSeen(value: unknown): Map<number, { total: number; negative: number }> {
  const parsed = SeenRingSchema.safeParse(value ?? []);
  const out = new Map<number, { total: number; negative: number }>();
  if (parsed.success) for (const [h, total, negative] of parsed.data) out.set(h, { total, negative });
  return out;
}

/**
 * The counts that arrived after their hour was stepped: for each ring hour at or before `clockMs` (the last
 * stepped hour, epoch ms), current − seen, never negative; negatives never exceed the hour's total delta.
 * Hours absent from the ring or from `current` add nothing.
 */
export function lateDelta(
  seen: ReadonlyMap<number, { total: number; negative: number }>,
  current: readonly HourTally[],
  clockMs: number | null,
): LateDelta {
  let total = 0;
  let negative = 0;
  let fromMs: number | null = null;
  if (clockMs === null) return { total, negative, fromMs };
  for (const c of current) {
    const before = seen.get(c.hourMs);
    if (!before || c.hourMs > clockMs) continue;
    const t = Math.max(0, c.total - before.total);
    const n = Math.min(t, Math.max(0, c.negative - before.negative));
    if (t === 0) continue;
    total += t;
    negative += n;
    fromMs = fromMs === null ? c.hourMs : Math.min(fromMs, c.hourMs);
  }
  return { total, negative, fromMs };
}

/**
 * The ring after a run that stepped up to `clockMs` (epoch ms): the counts read (re-read hours with their
 * late mentions, stepped hours as they were stepped) of the hours in (`clockMs` − {@link LATE_WINDOW_MS},
 * `clockMs`], oldest first.
 */
export function nextSeen(read: readonly HourTally[], clockMs: number): SeenRing {
  return read
    .filter((c) => c.hourMs <= clockMs && c.hourMs > clockMs - LATE_WINDOW_MS)
    .sort((a, b) => a.hourMs - b.hourMs)
    .map((c): [number, number, number] => [c.hourMs, c.total, c.negative]);
}
