// The dashboard's one rule for "which period": pure date arithmetic (no DOM, no state), so it can be
// tested in Node. Every panel (chart, summary, alerts, mentions and their next pages) asks the API for the
// same `from`/`to`, and they are already whole buckets, so the trend answer's aligned range is that range.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Asia/Jakarta has kept UTC+07:00 without daylight saving since 1964 (IANA tzdata), so a fixed offset is
// exact and needs no time-zone database in the browser.
const WIB_OFFSET = 7 * HOUR;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];

/**
 * The first day the API answers for (`INSTANT_BOUNDS.earliest` in `shared/domain/api/schemas.ts`, read as a
 * day in the regency's zone: 00:00 WIB on 1 Jan 2000). A period starting earlier gets a 400, so the page
 * refuses it before asking.
 */
export const EARLIEST_DATE = '2000-01-01';

/** A period that would start before {@link EARLIEST_DATE}; `earliestUntil` is the first end date allowed. */
export class PeriodTooEarlyError extends RangeError {
  /**
   * @param {string} earliestUntil `yyyy-mm-dd`
   */
  constructor(earliestUntil) {
    super(`period starts before ${EARLIEST_DATE}; end it on ${earliestUntil} or later`);
    this.name = 'PeriodTooEarlyError';
    this.earliestUntil = earliestUntil;
  }
}

/**
 * The WIB calendar date of an instant.
 * @param {number} ms epoch milliseconds
 * @returns {string} `yyyy-mm-dd`, e.g. wibDate(Date.parse('2026-11-30T17:00:00Z')) → "2026-12-01"
 */
export function wibDate(ms) {
  return new Date(ms + WIB_OFFSET).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 WIB on `date` (`yyyy-mm-dd`); NaN when it is not such a date. */
function wibMidnight(date) {
  const match = DATE.exec(date);
  if (!match) return Number.NaN;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  return new Date(0).setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - WIB_OFFSET;
}

/**
 * The first "Sampai tanggal" whose period starts on or after {@link EARLIEST_DATE}: 1 Jan 2000 for "24 jam"
 * (its 24 hours), 1 Jan 2000 + N − 1 days for "N hari" (e.g. "2000-01-07" for 7 days). The `min` of the
 * date input.
 * @param {number} days period length in days; a positive integer
 * @returns {string} `yyyy-mm-dd`
 */
export function earliestUntil(days) {
  return wibDate(wibMidnight(EARLIEST_DATE) + (Math.max(1, days) - 1) * DAY);
}

/**
 * The period every panel shows, as the query parameters the API takes.
 *
 * - "N hari" (N ≥ 2) = the last N WIB calendar days including today: `from` = 00:00 WIB N − 1 days ago,
 *   `to` = 00:00 WIB tomorrow (today is partly in the future; nothing is stored there). With an end date
 *   D ("Sampai tanggal"): the N WIB days ending with D. This is what the trend's day buckets count (the
 *   API aligns day ranges to WIB midnights), so the chart has exactly N bars and the lists match it.
 * - "24 jam" (N = 1) = the last 24 whole hours including the current one (24 hour bars); with D: the
 *   24 hours of D.
 * - An end date after today (WIB) is read as today: the future holds no data.
 * @param {number} days period length in days (1, 7, 30, 90); a positive integer
 * @param {string} until end date `yyyy-mm-dd` (WIB), or '' for "up to now"
 * @param {number} nowMs the current instant, epoch milliseconds
 * @returns {{ from: string, to: string, interval: 'hour' | 'day' }} `from` inclusive, `to` exclusive, UTC
 *   ISO-8601 (e.g. 7 days at 2026-12-01T02:19Z → from 2026-11-24T17:00:00.000Z, to 2026-12-01T17:00:00.000Z)
 * @throws {RangeError} when `days` is not a positive integer or `until` is neither '' nor a real date
 * @throws {PeriodTooEarlyError} when the period would start before {@link EARLIEST_DATE} (the API refuses it)
 */
export function periodRange(days, until, nowMs) {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`period of ${days} days`);
  const interval = days === 1 ? 'hour' : 'day';
  const today = wibDate(nowMs);
  if (until) {
    const end = wibMidnight(until);
    if (Number.isNaN(end) || wibDate(end) !== until) throw new RangeError(`end date ${until}`);
    // yyyy-mm-dd strings of four-digit years sort as dates.
    if (until < earliestUntil(days)) throw new PeriodTooEarlyError(earliestUntil(days));
  }
  if (!until && interval === 'hour') {
    const to = Math.floor(nowMs / HOUR) * HOUR + HOUR;
    return { from: new Date(to - DAY).toISOString(), to: new Date(to).toISOString(), interval };
  }
  const last = until && until < today ? until : today;
  const to = wibMidnight(last) + DAY;
  return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString(), interval };
}

function dayMonth(date) {
  const [, , month, day] = DATE.exec(date) ?? [];
  return `${Number(day)} ${MONTHS[Number(month) - 1]}`;
}

/**
 * A date in words, the Indonesian way.
 * @param {string} date `yyyy-mm-dd`
 * @returns {string} e.g. "7 Jan 2000"
 */
export function dateText(date) {
  return `${dayMonth(date)} ${date.slice(0, 4)}`;
}

function clock(ms) {
  const time = new Date(ms + WIB_OFFSET).toISOString();
  return `${time.slice(11, 13)}.${time.slice(14, 16)}`;
}

/**
 * The period in words for the page, in WIB, written the Indonesian way (day month year, `.` in times,
 * an en dash between the ends; the last day is the one before the exclusive `to`).
 * @param {{ from: string, to: string }} range UTC ISO-8601 instants, as `periodRange` returns them
 * @returns {string} "24–30 Nov 2026 (WIB)", "24 Nov – 1 Des 2026 (WIB)", "25 Des 2026 – 2 Jan 2027 (WIB)",
 *   "30 Nov 2026 (WIB)" for one whole day, "30 Nov 10.00 – 1 Des 2026 10.00 WIB" for hours
 */
export function periodCaption(range) {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const first = wibDate(from);
  const wholeDays = (from + WIB_OFFSET) % DAY === 0 && (to + WIB_OFFSET) % DAY === 0;
  const last = wholeDays ? wibDate(to - DAY) : wibDate(to);
  const year = last.slice(0, 4);
  const firstText = first.slice(0, 4) === year ? dayMonth(first) : `${dayMonth(first)} ${first.slice(0, 4)}`;
  if (!wholeDays) return `${firstText} ${clock(from)} – ${dayMonth(last)} ${year} ${clock(to)} WIB`;
  if (first === last) return `${dayMonth(last)} ${year} (WIB)`;
  if (first.slice(0, 7) === last.slice(0, 7)) {
    return `${Number(first.slice(8))}–${dayMonth(last)} ${year} (WIB)`;
  }
  return `${firstText} – ${dayMonth(last)} ${year} (WIB)`;
}
