/** Time source, injectable so tests and replays control "now". */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock fixed at `epochMs` (advance it by assigning `at`). */
export function fixedClock(epochMs: number): Clock & { at: number } {
  const clock = { at: epochMs, now: () => clock.at };
  return clock;
}
