/**
 * EventBridge Scheduler expressions for Pantau's jobs. Intervals that divide the hour (or the day) become
 * cron expressions aligned to the wall clock in the regency's time zone, so "every 15 minutes" means
 * :00, :15, :30, :45 WIB and runs line up with the detector's 15-minute windows. Other intervals fall back
 * to `rate(...)`, which starts counting at deployment time.
 */

/** Minutes between detect runs: one run per detector window, so every run steps the hours just closed. */
export const DETECT_EVERY_MINUTES = 15;

/** Minutes past each quarter hour the detector runs, so mentions collected on the quarter are classified. */
export const DETECT_OFFSET_MINUTES = 5;

/**
 * Expression for a job every `minutes` minutes (5–1440).
 * @example everyMinutesExpression(15) === 'cron(0/15 * * * ? *)'
 * @example everyMinutesExpression(120) === 'cron(0 0/2 * * ? *)'
 * @example everyMinutesExpression(45) === 'rate(45 minutes)'
 * @throws {RangeError} when `minutes` is not an integer in 1–1440.
 */
export function everyMinutesExpression(minutes: number, offsetMinutes = 0): string {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new RangeError(`interval must be an integer number of minutes in 1–1440, got ${minutes}`);
  }
  if (!Number.isInteger(offsetMinutes) || offsetMinutes < 0 || offsetMinutes >= Math.min(minutes, 60)) {
    throw new RangeError(`offset must be an integer in 0–${Math.min(minutes, 60) - 1}, got ${offsetMinutes}`);
  }
  if (minutes < 60 && 60 % minutes === 0) return `cron(${offsetMinutes}/${minutes} * * * ? *)`;
  if (minutes === 60) return `cron(${offsetMinutes} * * * ? *)`;
  const hours = minutes / 60;
  if (Number.isInteger(hours) && 24 % hours === 0) {
    return hours === 24 ? `cron(${offsetMinutes} 0 * * ? *)` : `cron(${offsetMinutes} 0/${hours} * * ? *)`;
  }
  return `rate(${minutes} minutes)`;
}

/**
 * Expression for a job once a day at `hour`:00 local time (the schedule carries the time zone).
 * @throws {RangeError} when `hour` is not an integer in 0–23.
 */
export function dailyAtExpression(hour: number): string {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23)
    throw new RangeError(`hour must be 0–23, got ${hour}`);
  return `cron(0 ${hour} * * ? *)`;
}
