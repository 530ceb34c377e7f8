/**
 * Publication dates as sources write them → UTC ISO-8601 with millisecond precision.
 *
 * Accepted forms (examples are hand-checked in `test/shared/domain/dates.test.ts`):
 * - RFC 822/1123/2822: `Mon, 30 Nov 2026 14:05:00 +0700`, `… GMT`, `… EST`, two-digit years;
 * - Indonesian zones `WIB`/`WITA`/`WIT` (UTC+7/+8/+9) and `GMT+7`-style zones;
 * - Indonesian day and month names, full or abbreviated: `Senin, 30 Nov 2026 14:05 WIB`,
 *   `Kamis, 30 Desember 2025 pukul 14.05 WIB`, `Agu`/`Agt`, `Mei`, `Okt`, `Des`, `Nopember`…;
 * - ISO 8601 with or without seconds, fraction and offset (`2026-11-30T14:05:00+07:00`, `…Z`,
 *   `2026-11-30 14:05`), date-only `2025-06-16`, month-only `2012-02`;
 * - day-first numeric dates `30/11/2026 14:05` (the Indonesian order; never month-first).
 *
 * Missing zone → the regency's zone is assumed (default `Asia/Jakarta`) and the result is flagged.
 * Day-only dates are placed at 12:00 local time and month-only dates at 12:00 on the 1st: noon keeps the
 * date on the same calendar day in UTC and in every Indonesian zone, so day buckets stay right.
 * See `docs/sources.md` ("Dates").
 */

/** The zone assumed when a date carries none: Majalengka's (WIB, UTC+7, no DST since 1964). */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/**
 * How far in the future (relative to fetch time) a publication date may lie before it is distrusted.
 * Five minutes absorbs clock skew between us and the publisher; the common bug beyond that is local WIB
 * time labelled `+0000`/`GMT`, which lands 7 h in the future.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** How precise the source's date was. */
export type DatePrecision = 'second' | 'minute' | 'day' | 'month';

/** A parsed publication date. */
export interface ParsedDate {
  /** UTC ISO-8601 with milliseconds, e.g. `2026-11-30T07:05:00.000Z`. */
  readonly iso: string;
  /** The same instant in epoch milliseconds. */
  readonly epochMs: number;
  readonly precision: DatePrecision;
  /** True when the input had no zone or offset and `timeZone` was assumed. */
  readonly zoneAssumed: boolean;
  /** True when the instant is an estimate: day/month precision, or an assumed zone. */
  readonly estimated: boolean;
}

/** Options for {@link parseDate}. */
export interface ParseDateOptions {
  /** IANA zone assumed for dates without a zone. @default DEFAULT_TIME_ZONE */
  readonly timeZone?: string;
}

/**
 * Years the parser reads: any four-digit year. Whether a date is plausible for a publication is a separate
 * question ({@link publicationDateProblem}), so that a source can say "out of range" rather than "unreadable".
 */
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

/**
 * The earliest publication date Pantau keeps, as a local calendar day: 00:00 of it in the regency's zone
 * (WIB: 1999-12-31T17:00:00Z) is also the earliest instant the API lets a query name
 * (`INSTANT_BOUNDS` in `shared/domain/api/schemas.ts`), so every stored mention can be read back.
 */
export const EARLIEST_PUBLICATION_DATE = '2000-01-01';

/** Why a parsed publication date cannot be used as given. */
export type PublicationDateProblem = 'too-early' | 'future';

/**
 * Epoch ms of 00:00 on {@link EARLIEST_PUBLICATION_DATE} in `timeZone`.
 * @example earliestPublicationMs('Asia/Jakarta') // Date.parse('1999-12-31T17:00:00.000Z')
 * @throws {RangeError} when `timeZone` is not a valid IANA zone.
 */
export function earliestPublicationMs(timeZone: string = DEFAULT_TIME_ZONE): number {
  formatterFor(timeZone);
  const [y, m, d] = EARLIEST_PUBLICATION_DATE.split('-').map(Number);
  return localToEpoch(Date.UTC(y ?? 2000, (m ?? 1) - 1, d ?? 1), timeZone);
}

/**
 * Is a parsed publication instant usable? `too-early`: before 00:00 of {@link EARLIEST_PUBLICATION_DATE}
 * in `timeZone` (no query could reach it); `future`: more than `toleranceMs` after `nowMs` (see
 * {@link FUTURE_TOLERANCE_MS}); `undefined`: fine.
 * @param epochMs the instant, epoch ms. @param context.nowMs fetch time, epoch ms.
 * @param context.timeZone the regency's zone. @default DEFAULT_TIME_ZONE
 * @param context.toleranceMs @default FUTURE_TOLERANCE_MS
 */
export function publicationDateProblem(
  epochMs: number,
  context: { nowMs: number; timeZone?: string; toleranceMs?: number },
): PublicationDateProblem | undefined {
  if (epochMs < earliestPublicationMs(context.timeZone)) return 'too-early';
  if (isImplausiblyFuture(epochMs, context.nowMs, context.toleranceMs)) return 'future';
  return undefined;
}

/** Zone abbreviations → minutes east of UTC. RFC 822 §5.1 names plus Indonesia's three zones. */
const NAMED_ZONES: Readonly<Record<string, number>> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  wib: 7 * 60,
  wita: 8 * 60,
  wit: 9 * 60,
  est: -5 * 60,
  edt: -4 * 60,
  cst: -6 * 60,
  cdt: -5 * 60,
  mst: -7 * 60,
  mdt: -6 * 60,
  pst: -8 * 60,
  pdt: -7 * 60,
};

/** Month names and abbreviations, English and Indonesian (incl. the older `Pebruari`, `Nopember`). */
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  januari: 1,
  january: 1,
  feb: 2,
  peb: 2,
  februari: 2,
  pebruari: 2,
  february: 2,
  mar: 3,
  maret: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  mei: 5,
  jun: 6,
  juni: 6,
  june: 6,
  jul: 7,
  juli: 7,
  july: 7,
  aug: 8,
  agu: 8,
  agt: 8,
  ags: 8,
  agust: 8,
  agustus: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  okt: 10,
  oktober: 10,
  october: 10,
  nov: 11,
  nop: 11,
  november: 11,
  nopember: 11,
  dec: 12,
  des: 12,
  desember: 12,
  december: 12,
};

const DAY_NAMES = new Set([
  'mon',
  'monday',
  'tue',
  'tues',
  'tuesday',
  'wed',
  'wednesday',
  'thu',
  'thur',
  'thurs',
  'thursday',
  'fri',
  'friday',
  'sat',
  'saturday',
  'sun',
  'sunday',
  'senin',
  'sen',
  'selasa',
  'sel',
  'rabu',
  'rab',
  'kamis',
  'kam',
  'jumat',
  "jum'at",
  'jum’at',
  'jum',
  'sabtu',
  'sab',
  'minggu',
  'min',
  'ahad',
]);

/** Connecting words seen between the date and the time (`pukul`, `jam`, `at`, `-`, `|`). */
const FILLER = new Set(['pukul', 'pkl', 'jam', 'at', 'on', '-', '–', '—', '|', '/', 'tanggal', 'tgl']);

const ISO =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(z|[+-]\d{2}(?::?\d{2})?|[a-z]{2,4}|(?:gmt|utc|ut)[+-]\d{1,2}(?::?\d{2})?)?)?)?$/i;
const NUMERIC_DMY =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[\s,]+(?:pukul\s+|jam\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([a-z]{2,4}|[+-]\d{2}:?\d{2})?)?$/i;
const TIME = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$/i;
const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;
const GMT_OFFSET = /^(?:gmt|utc|ut)([+-])(\d{1,2})(?::?(\d{2}))?$/;

interface Fields {
  year: number;
  month: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  /** Minutes east of UTC, when the input gave a zone. */
  offsetMinutes?: number;
}

/** Parse a zone token → minutes east of UTC, or undefined when it is not a zone. */
function parseZone(token: string): number | undefined {
  const t = token.toLowerCase().replace(/^\((.*)\)$/, '$1');
  const named = NAMED_ZONES[t];
  if (named !== undefined) return named;
  const offset = OFFSET.exec(t);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    if (hours > 14 || minutes > 59) return undefined;
    return (offset[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const gmt = GMT_OFFSET.exec(t);
  if (gmt) {
    const hours = Number(gmt[2]);
    const minutes = Number(gmt[3] ?? '0');
    if (hours > 14 || minutes > 59) return undefined;
    return (gmt[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return undefined;
}

function parseIso(s: string): Fields | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const fields: Fields = { year: Number(m[1]), month: Number(m[2]) };
  if (m[3] !== undefined) fields.day = Number(m[3]);
  if (m[4] !== undefined) {
    fields.hour = Number(m[4]);
    fields.minute = Number(m[5]);
  }
  if (m[6] !== undefined) fields.second = Number(m[6]);
  if (m[7] !== undefined) fields.millisecond = Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (m[8] !== undefined) {
    const offset = parseZone(m[8]);
    if (offset === undefined) return undefined;
    fields.offsetMinutes = offset;
  }
  return fields;
}

function parseNumericDmy(s: string): Fields | undefined {
  const m = NUMERIC_DMY.exec(s);
  if (!m) return undefined;
  const fields: Fields = { day: Number(m[1]), month: Number(m[2]), year: Number(m[3]) };
  if (m[4] !== undefined) {
    fields.hour = Number(m[4]);
    fields.minute = Number(m[5]);
    if (m[6] !== undefined) fields.second = Number(m[6]);
  }
  if (m[7] !== undefined) {
    const offset = parseZone(m[7]);
    if (offset === undefined) return undefined;
    fields.offsetMinutes = offset;
  }
  return fields;
}

/** Token-by-token parser for RFC 822 and Indonesian forms; any token it cannot place fails the parse. */
function parseWords(s: string): Fields | undefined {
  const tokens = s
    .toLowerCase()
    .replace(/,/g, ' ')
    .split(/\s+/)
    .filter((t) => t !== '');
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let time: { hour: number; minute: number; second?: number } | undefined;
  let offsetMinutes: number | undefined;
  let meridiem: 'am' | 'pm' | undefined;
  const numbers: string[] = [];
  for (const raw of tokens) {
    const token = raw.replace(/\.$/, '');
    if (DAY_NAMES.has(token) || FILLER.has(token)) continue;
    const monthNumber = MONTHS[token];
    if (monthNumber !== undefined && month === undefined) {
      month = monthNumber;
      continue;
    }
    if ((token === 'am' || token === 'pm') && time !== undefined && meridiem === undefined) {
      meridiem = token;
      continue;
    }
    const t = TIME.exec(raw);
    if (t && time === undefined) {
      time = { hour: Number(t[1]), minute: Number(t[2]) };
      if (t[3] !== undefined) time.second = Number(t[3]);
      if (t[4] !== undefined) {
        offsetMinutes = parseZone(t[4]);
        if (offsetMinutes === undefined) return undefined;
      }
      continue;
    }
    if (/^\d+$/.test(token)) {
      numbers.push(token);
      continue;
    }
    const zone = parseZone(token);
    if (zone !== undefined) {
      // A second zone is an RFC 2822 comment such as `+0700 (WIB)`: the first one given wins.
      offsetMinutes ??= zone;
      continue;
    }
    return undefined;
  }
  if (month === undefined) return undefined;
  for (const n of numbers) {
    if (n.length === 4 && year === undefined) year = Number(n);
    else if (n.length <= 2 && day === undefined) day = Number(n);
    else if (n.length === 2 && year === undefined) year = Number(n) + (Number(n) >= 50 ? 1900 : 2000);
    else return undefined;
  }
  if (year === undefined) return undefined;
  if (time === undefined && offsetMinutes !== undefined && day === undefined) return undefined;
  const fields: Fields = { year, month };
  if (day !== undefined) fields.day = day;
  if (time !== undefined) {
    if (day === undefined) return undefined;
    let hour = time.hour;
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
    }
    fields.hour = hour;
    fields.minute = time.minute;
    if (time.second !== undefined) fields.second = time.second;
  }
  if (offsetMinutes !== undefined) fields.offsetMinutes = offsetMinutes;
  return fields;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at instant `epochMs`, in milliseconds (positive east of UTC). */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** Wall-clock time in `timeZone` → epoch ms (two passes settle DST transitions where a zone has them). */
function localToEpoch(wallAsUtc: number, timeZone: string): number {
  const first = wallAsUtc - zoneOffsetMs(wallAsUtc, timeZone);
  const second = zoneOffsetMs(first, timeZone);
  return wallAsUtc - second;
}

function toParsed(fields: Fields, timeZone: string): ParsedDate | undefined {
  const { year, month } = fields;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return undefined;
  const precision: DatePrecision =
    fields.day === undefined
      ? 'month'
      : fields.hour === undefined
        ? 'day'
        : fields.second === undefined
          ? 'minute'
          : 'second';
  const day = fields.day ?? 1;
  const hour = fields.hour ?? 12;
  const minute = fields.minute ?? 0;
  // A leap second (`:60`) is folded into :59 rather than rejected.
  const second = Math.min(fields.second ?? 0, 59);
  if (hour > 23 || minute > 59 || (fields.second ?? 0) > 60) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, fields.millisecond ?? 0);
  const check = new Date(wall);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const zoneAssumed = fields.offsetMinutes === undefined;
  const epochMs =
    fields.offsetMinutes === undefined ? localToEpoch(wall, timeZone) : wall - fields.offsetMinutes * 60_000;
  return {
    iso: new Date(epochMs).toISOString(),
    epochMs,
    precision,
    zoneAssumed,
    estimated: zoneAssumed || precision === 'day' || precision === 'month',
  };
}

/**
 * Parse a publication date in any of the forms listed in this module's header.
 * Day names are ignored (feeds get them wrong); impossible dates (`31 Feb`), years that are not four
 * digits (1000–9999), and any unrecognised word make the parse fail rather than guess. A readable date
 * may still be implausible (before 2000, in the future): see {@link publicationDateProblem}.
 * @param input - Date text as the source gave it.
 * @returns The parsed date, or `undefined` when missing or unparseable (the caller then uses fetch time
 *   and flags it as estimated).
 * @throws {RangeError} when `options.timeZone` is not a valid IANA zone.
 * @example parseDate('Senin, 30 Nov 2026 14:05 WIB')?.iso // '2026-11-30T07:05:00.000Z'
 */
export function parseDate(
  input: string | null | undefined,
  options: ParseDateOptions = {},
): ParsedDate | undefined {
  if (input === undefined || input === null) return undefined;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  formatterFor(timeZone);
  const s = input
    .replace(/[\u00A0\u2000-\u200B\u202F\u3000]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (s === '' || s.length > 100) return undefined;
  const fields = parseIso(s) ?? parseNumericDmy(s) ?? parseWords(s);
  return fields === undefined ? undefined : toParsed(fields, timeZone);
}

/**
 * True when `epochMs` lies more than `toleranceMs` after `nowMs`: the date is then not trusted
 * (see {@link FUTURE_TOLERANCE_MS}).
 */
export function isImplausiblyFuture(
  epochMs: number,
  nowMs: number,
  toleranceMs: number = FUTURE_TOLERANCE_MS,
): boolean {
  return epochMs - nowMs > toleranceMs;
}

/** Why a source item has no usable `publishedAt`. */
export type DateIssue = 'missing' | 'unparseable' | 'future';

/** What {@link resolvePublishedAt} returns: the fields for a `SourceItem`, and any problem found. */
export interface ResolvedPublishedAt {
  /** UTC ISO-8601, absent when the date is missing, unparseable or implausibly in the future. */
  readonly publishedAt?: string;
  readonly publishedAtEstimated?: boolean;
  readonly issue?: DateIssue;
}

/**
 * Turn a source's raw date into `SourceItem` fields. A date more than {@link FUTURE_TOLERANCE_MS} after
 * `nowMs` is dropped (issue `future`): an article cannot be published after we fetched it, and the fetch
 * time the collect use case then uses is the tighter upper bound.
 * @param raw - Date text from the source.
 * @param context.nowMs - Fetch time in epoch ms.
 * @param context.timeZone - Zone assumed when the date has none. @default DEFAULT_TIME_ZONE
 */
export function resolvePublishedAt(
  raw: string | null | undefined,
  context: { nowMs: number; timeZone?: string },
): ResolvedPublishedAt {
  if (raw === undefined || raw === null || raw.trim() === '') return { issue: 'missing' };
  const parsed = parseDate(raw, context.timeZone === undefined ? {} : { timeZone: context.timeZone });
  if (parsed === undefined) return { issue: 'unparseable' };
  if (isImplausiblyFuture(parsed.epochMs, context.nowMs)) return { issue: 'future' };
  return { publishedAt: parsed.iso, publishedAtEstimated: parsed.estimated };
}
