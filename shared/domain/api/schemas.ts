/**
 * zod schemas of the HTTP API: query strings, path parameters, bodies and responses. The router parses
 * every input with them and the OpenAPI document is generated from them (`openapi.ts`), so the docs
 * cannot drift from what the code accepts. Pure.
 *
 * Query strings arrive as API Gateway v2 gives them: a parameter repeated in the URL is joined with
 * commas (`?sentiment=NEGATIVE&sentiment=MIXED` → `"NEGATIVE,MIXED"`). Pantau decides per parameter:
 * `sentiment` is a list (repeat it or separate values with commas); every other parameter must appear
 * once, and a comma in it is answered 400 `repeated_parameter`. Unknown parameters are answered 400
 * (`unrecognized_keys`) so a typo such as `sentimen=` never silently returns everything.
 */

import { z } from 'zod';
import { normalizeText } from '#shared/domain/text.ts';
import { localDayRange } from '#shared/domain/time.ts';
import { AcknowledgementSchema, AlertSchema } from '../alert.ts';
import { IsoUtcSchema, ScoredMentionSchema, SentimentLabelSchema } from '../mention.ts';
import { ApiScopeSchema } from './auth.ts';

/** Page size bounds. */
export const LIMIT = { min: 1, max: 200, default: 50 } as const;
/** Default and largest time span of a query, in days. */
export const RANGE_DAYS = { default: 7, max: 92 } as const;
/**
 * Instants a query may name: from 2000-01-01 00:00 in the regency's zone (no mention predates it; the CLI's
 * `--date` has the same floor; the ISO value here is that instant for UTC) to `aheadDays` days after now (a `to` at the end of next month still works; year 9999 does
 * not).
 */
export const INSTANT_BOUNDS = { earliest: '2000-01-01T00:00:00.000Z', aheadDays: 366 } as const;
/** Unknown parameters named one by one in a 400; the rest are counted in one more issue. */
export const MAX_UNKNOWN_NAMED = 10;

/** One problem with a request, as the API reports it. */
export interface ApiIssue {
  /** Where: `query.limit`, `body.label`, `path.id`, `header.x-api-key`, or `` for the whole input. */
  readonly path: string;
  /** Machine-readable: zod's codes (`invalid_type`, `too_small` …) or Pantau's (`repeated_parameter` …). */
  readonly code: string;
  readonly message: string;
}

/**
 * Turn zod issues into API issues, prefixing paths with `where` (`query`, `body`, `path`). A custom
 * issue's `params.code` becomes its code. Unrecognised keys are named one issue each up to
 * {@link MAX_UNKNOWN_NAMED}; any beyond are counted in one last issue at `where` (a request with 2,000
 * made-up parameters gets 11 issues, not 2,000).
 */
export function toIssues(error: z.ZodError, where: string): ApiIssue[] {
  let unknown = 0;
  const issues = error.issues.flatMap((issue): ApiIssue[] => {
    const base = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const named = issue.keys.slice(0, Math.max(0, MAX_UNKNOWN_NAMED - unknown));
      unknown += issue.keys.length;
      return named.map((key) => ({
        path: `${base}.${key}`,
        code: 'unrecognized_keys',
        message: `unknown parameter '${key.length > 40 ? `${key.slice(0, 40)}…` : key}'`,
      }));
    }
    const custom =
      issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
    return [{ path: base, code: custom ?? issue.code, message: issue.message }];
  });
  if (unknown > MAX_UNKNOWN_NAMED) {
    const more = unknown - MAX_UNKNOWN_NAMED;
    issues.push({
      path: where,
      code: 'unrecognized_keys',
      message: `and ${more} more unknown parameter${more === 1 ? '' : 's'} (not listed)`,
    });
  }
  return issues;
}

/** A parameter that must appear once: a comma means API Gateway joined a repeated parameter. */
function once<O extends z.core.$ZodType<unknown, string>>(out: O) {
  return z
    .string()
    .refine((v) => !v.includes(','), {
      abort: true,
      message: 'give this parameter once (a repeated parameter arrives joined with commas)',
      params: { code: 'repeated_parameter' },
    })
    .pipe(out);
}

const KeywordIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'a keyword id: 1–40 lowercase letters, digits or dashes, starting with a letter or digit',
  );
const TopicIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'a topic id: 1–40 lowercase letters, digits or dashes, starting with a letter or digit',
  );
const SourceIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,59}$/,
    'a source id: 1–60 lowercase letters, digits or dashes, starting with a letter or digit',
  );
/**
 * ISO-8601 as the API accepts it: a date `yyyy-mm-dd`, or a date-time to the minute, second or fraction
 * of a second with `Z` or an offset `±hh:mm` (`2026-11-20T00:00Z`, `2026-11-20T07:00:00.5+07:00`).
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;

/** Largest UTC offset in use anywhere (Kiribati, UTC+14:00); also the bound west of UTC. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * The instant an API date or date-time names, in epoch milliseconds; `undefined` when it is not one
 * (bad shape, a day the month lacks, hour 24, an offset beyond ±14:00). A bare date means 00:00 of that
 * day in `timeZone`, the regency's day (as in the digest).
 * @param timeZone IANA zone for bare dates. @default UTC
 */
export function parseInstant(text: string, timeZone = 'UTC'): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const dayMs = Date.UTC(year, month - 1, day);
  const date = new Date(dayMs);
  if (month < 1 || month > 12 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1)
    return undefined;
  if (h === undefined) return Date.parse(localDayRange(`${y}-${mo}-${d}`, timeZone).start);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (!zulu) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
    if (offsetMinutes > 59 || Math.abs(offset) > MAX_OFFSET_MINUTES) return undefined;
  }
  const millis = Math.floor(Number(`0.${frac ?? '0'}`) * 1000);
  return dayMs + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis;
}

const InstantSchema = z
  .string()
  .regex(
    INSTANT,
    'expected an ISO-8601 date (2026-11-30) or date-time to the minute or second with Z or an offset (2026-11-30T07:00Z, 2026-11-30T07:00:00+07:00; write + as %2B)',
  )
  // Only for the right shape: the regex has already reported the wrong one.
  .refine((v) => !INSTANT.test(v) || parseInstant(v) !== undefined, {
    message: 'not a real date or time, or an offset beyond ±14:00',
    params: { code: 'invalid_format' },
  });

/**
 * A whole-number query parameter in `[min, max]`, written in plain decimal digits (no sign, spaces,
 * exponent, hex or leading zeros). Every bad value gets exactly one issue that states the allowed range:
 * `invalid_format` for anything but digits, `too_small` / `too_big` outside the range. The range is
 * checked on the digits, not on a JavaScript number, so `99999999999999999999` is `too_big` like `201`
 * (a coerced number would lose precision and add zod's safe-integer issue).
 * @param min smallest allowed value. @param max largest allowed value (≤ 10^15).
 */
export function integerParam(min: number, max: number) {
  const range = `${min}–${max}`;
  return z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, `a whole number ${range} in decimal digits (e.g. ${max})`)
    .transform((digits, ctx) => {
      // More digits than `max` has cannot be in range; Number() of them could round.
      const value = digits.length > String(max).length ? Number.POSITIVE_INFINITY : Number(digits);
      if (value >= min && value <= max) return value;
      ctx.addIssue({
        code: 'custom',
        message: `must be from ${min} to ${max}`,
        params: { code: value < min ? 'too_small' : 'too_big' },
      });
      return z.NEVER;
    });
}

const from = once(InstantSchema)
  .optional()
  .describe(
    `Inclusive start, ISO-8601 (a date = 00:00 in the regency's time zone). Default: \`to\` − ${RANGE_DAYS.default} days. From ${INSTANT_BOUNDS.earliest.slice(0, 10)} to ${INSTANT_BOUNDS.aheadDays} days after now.`,
  );
const to = once(InstantSchema)
  .optional()
  .describe(`Exclusive end, ISO-8601. Default: now. At most ${RANGE_DAYS.max} days after \`from\`.`);

export const MentionsQuerySchema = z.strictObject({
  keyword: once(KeywordIdSchema).optional().describe('Only mentions matching this keyword id'),
  topic: once(TopicIdSchema).optional().describe('Only mentions in this topic id'),
  sentiment: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim().toUpperCase()))
    .pipe(z.array(SentimentLabelSchema).min(1).max(4))
    .optional()
    .describe('One or more labels: repeat the parameter or separate with commas (NEGATIVE,MIXED)'),
  source: once(SourceIdSchema)
    .optional()
    .describe(
      'Only mentions first delivered by this source id (configured, or collected into this store; an unknown id is a 400 `unknown_source`)',
    ),
  from,
  to,
  limit: once(integerParam(LIMIT.min, LIMIT.max))
    .default(LIMIT.default)
    .describe(`Page size, ${LIMIT.min}–${LIMIT.max}`),
  cursor: once(z.string().min(1).max(2_000))
    .optional()
    .describe('`next` of the previous page; only valid with the same filters and API key, for 15 minutes'),
});
export type MentionsQuery = z.infer<typeof MentionsQuerySchema>;

export const TrendsQuerySchema = z.strictObject({
  keyword: once(KeywordIdSchema)
    .optional()
    .describe('Keyword id (give keyword or topic, or neither for all mentions)'),
  topic: once(TopicIdSchema).optional().describe('Topic id'),
  from,
  to,
  interval: once(z.enum(['hour', 'day']))
    .default('hour')
    .describe("Bucket size; hours and days of the regency's time zone (Asia/Jakarta)"),
});
export type TrendsQuery = z.infer<typeof TrendsQuerySchema>;

export const AlertsQuerySchema = z.strictObject({ from, to });
export type AlertsQuery = z.infer<typeof AlertsQuerySchema>;

export const DigestQuerySchema = z.strictObject({
  format: once(z.enum(['json', 'html', 'markdown', 'text']))
    .default('json')
    .describe('json (default), or the rendered html, markdown or text'),
});

export const EmptyQuerySchema = z.strictObject({});

export const MentionIdParamSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'a mention id: 32 lowercase hex characters');
/** A digest's day: a real calendar date `yyyy-mm-dd` (the regency's local day). */
export const DigestDateParamSchema = z.iso.date({
  message: 'a date yyyy-mm-dd that exists (e.g. 2026-11-29)',
});

/**
 * Longest alert id: a 24-character `windowStart`, `~`, and a series id of at most 80 characters (the
 * longest the detector writes is `share:topic:<40-character topic id>`, 52).
 */
export const MAX_ALERT_ID_LENGTH = 24 + 1 + 80;
const ALERT_ID = new RegExp(
  `^(?=.{26,${MAX_ALERT_ID_LENGTH}}$)\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z~[a-z]+(?::[a-z0-9-]+)*$`,
);
/**
 * `<windowStart>~<seriesId>` (deterministic, `alertId` in `shared/domain/alert.ts`), e.g.
 * `2026-11-30T06:00:00.000Z~kw:kertajati`: at most {@link MAX_ALERT_ID_LENGTH} characters, `windowStart`
 * a real UTC instant. One `invalid_format` issue otherwise; the message never repeats the id.
 */
export const AlertIdParamSchema = z
  .string()
  .regex(ALERT_ID, `an alert id: <windowStart>~<seriesId>, at most ${MAX_ALERT_ID_LENGTH} characters`)
  .refine(
    (v) => {
      const start = v.slice(0, 24);
      const ms = Date.parse(start);
      return !ALERT_ID.test(v) || (Number.isFinite(ms) && new Date(ms).toISOString() === start);
    },
    { message: 'the alert id does not start with a real UTC instant', params: { code: 'invalid_format' } },
  );

/** Longest analyst note (acknowledgement or label correction), UTF-16 code units, before cleaning. */
export const MAX_NOTE_LENGTH = 2_000;
/** Removed characters named one by one in a {@link noteNotice}; the rest are counted. */
export const MAX_REMOVED_NAMED = 5;

/**
 * A note is free text, so it is cleaned, not refused (`normalizeText`: NFC, white space collapsed, and
 * hidden characters removed — controls such as NUL, bidi embeddings/overrides/isolates U+202A–U+202E and
 * U+2066–U+2069, zero-width space, soft hyphen, BOM, lone surrogates); identity-like values (ids in the
 * path and query, key names) are refused instead. So that the cleaning is never silent, this names
 * every hidden character the cleaning removed, by code point and 1-based character (code point)
 * position in the note as sent. White space collapsed to one space is not reported.
 * The set is read from `normalizeText` itself (a character is hidden when it is not white space and
 * cleans to nothing), so the notice cannot drift from what is stored.
 * @returns a notice `{ path, code: 'characters_removed', message }`, or undefined when nothing hidden was removed.
 */
export function noteNotice(note: string, path = 'body.note'): ApiIssue | undefined {
  const removed: string[] = [];
  let count = 0;
  let position = 0;
  for (const char of note) {
    position++;
    // White space that cleaning collapses is not hidden; U+FEFF (a byte-order mark) counts as \s in
    // JavaScript but is an invisible format character, so it is reported.
    if ((char !== '\uFEFF' && /^\s$/u.test(char)) || normalizeText(char) !== '') continue;
    count++;
    if (removed.length < MAX_REMOVED_NAMED) removed.push(`${codePointOf(char)} at character ${position}`);
  }
  if (count === 0) return undefined;
  const more = count > removed.length ? ` and ${count - removed.length} more` : '';
  return {
    path,
    code: 'characters_removed',
    message: `removed ${count} hidden character${count === 1 ? '' : 's'} (control, text-direction or zero-width; not stored): ${removed.join(', ')}${more}`,
  };
}

/** `U+202E` for a character (its first code point). */
function codePointOf(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export const AckBodySchema = z.strictObject({
  note: z
    .string()
    .max(MAX_NOTE_LENGTH)
    .transform((v) => normalizeText(v))
    .optional()
    .describe('Why, or what was done'),
});
export const LabelBodySchema = z.strictObject({
  label: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(SentimentLabelSchema)
    .describe('The correct label'),
  note: z
    .string()
    .max(MAX_NOTE_LENGTH)
    .transform((v) => normalizeText(v))
    .optional(),
});

// Responses.

/** Something the API changed in the input without refusing it (today: hidden characters removed from a note). */
export const NoticeSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });

export const ErrorResponseSchema = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});

const RangeSchema = { from: IsoUtcSchema, to: IsoUtcSchema };

export const MentionPageSchema = z.object({
  items: z.array(
    ScoredMentionSchema.extend({
      analystLabel: z
        .object({ label: SentimentLabelSchema, by: z.string(), at: IsoUtcSchema })
        .optional()
        .describe("The latest analyst correction of the mention's label, when there is one"),
    }),
  ),
  /** Cursor of the next page; absent on the last page. */
  next: z.string().optional(),
  ...RangeSchema,
});

export const AnalystLabelSchema = z.object({
  mentionId: z.string(),
  label: SentimentLabelSchema,
  by: z.string(),
  at: IsoUtcSchema,
  note: z.string().optional(),
});
export const MentionDetailSchema = z.object({
  mention: ScoredMentionSchema,
  labels: z.array(AnalystLabelSchema),
});
export const LabelResponseSchema = z.object({
  label: AnalystLabelSchema,
  modelLabel: SentimentLabelSchema,
  notices: z
    .array(NoticeSchema)
    .optional()
    .describe('Present when the note was cleaned (characters_removed)'),
});

const CountsSchema = z.object({
  POSITIVE: z.number().int(),
  NEGATIVE: z.number().int(),
  NEUTRAL: z.number().int(),
  MIXED: z.number().int(),
});
export const TrendBucketSchema = z.object({
  /** Bucket start, UTC ISO-8601. */
  start: IsoUtcSchema,
  /** Day buckets: the regency's calendar day `yyyy-mm-dd` (the digest's date for the same day). */
  date: z.iso.date().optional().describe('Day buckets only: the local calendar day, as the digest names it'),
  counts: CountsSchema,
  total: z.number().int(),
  /** (positive − negative) / total in [−1, 1]; 0 for an empty bucket. */
  netSentiment: z.number().min(-1).max(1),
});
export const TrendsResponseSchema = z.object({
  series: z.string().describe('all, kw:<id> or topic:<id>'),
  interval: z.enum(['hour', 'day']),
  timeZone: z.string().describe("IANA zone of the bucket boundaries: the regency's (Asia/Jakarta)"),
  utcOffset: z
    .string()
    .regex(/^[+-]\d{2}:\d{2}$/)
    .describe('Offset of that zone from UTC at `from`, e.g. +07:00 (a local day starts at 17:00Z)'),
  ...RangeSchema,
  buckets: z.array(TrendBucketSchema),
  totals: CountsSchema.extend({ total: z.number().int(), netSentiment: z.number() }),
});

export const StoredAlertSchema = AlertSchema.extend({ publishedAt: IsoUtcSchema.optional() });
export const AlertsResponseSchema = z.object({ items: z.array(StoredAlertSchema), ...RangeSchema });
export const AckResponseSchema = z.object({
  alert: StoredAlertSchema,
  notices: z
    .array(NoticeSchema)
    .optional()
    .describe('Present when the note was cleaned (characters_removed)'),
});
export const AlreadyAcknowledgedSchema = ErrorResponseSchema.extend({
  acknowledgement: AcknowledgementSchema,
});

export const DigestResponseSchema = z.object({
  date: z.iso.date(),
  generatedAt: IsoUtcSchema,
  sentAt: IsoUtcSchema.optional(),
  digest: z.unknown().describe('The digest numbers (shape: Digest in shared/domain/digest.ts)'),
});

export const KeywordsResponseSchema = z.object({
  keywords: z.array(z.object({ id: z.string(), label: z.string() })),
  topics: z.array(z.object({ id: z.string(), label: z.string(), opd: z.string() })),
});
export const TopicsResponseSchema = z.object({
  topics: z.array(z.object({ id: z.string(), label: z.string(), opd: z.string() })),
});

export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  time: IsoUtcSchema,
  service: z.string(),
});

export const PrincipalResponseSchema = z.object({ name: z.string(), scope: ApiScopeSchema });

/**
 * Resolve `from`/`to` to UTC ISO-8601 with defaults (`to` = now, `from` = `to` − 7 days) and bounds.
 * A bare date is 00:00 of that day in `timeZone` (see {@link parseInstant}).
 * @param nowMs epoch milliseconds.
 * @param timeZone the regency's IANA zone. @default UTC
 * @returns the range, or issues (`invalid_format` for an unreadable value, `date_out_of_range` before
 * 2000-01-01 or more than {@link INSTANT_BOUNDS}.aheadDays days after now, `invalid_range` when
 * `from` ≥ `to`, `range_too_long` beyond 92 days).
 */
export function resolveRange(
  input: { readonly from?: string | undefined; readonly to?: string | undefined },
  nowMs: number,
  timeZone = 'UTC',
  days: { readonly default: number; readonly max: number } = RANGE_DAYS,
): { from: string; to: string } | { issues: ApiIssue[] } {
  const issues: ApiIssue[] = [];
  // 2000-01-01 is a local day like every bare date: its midnight in the regency's zone (WIB: 1999-12-31T17:00Z).
  const earliest =
    parseInstant(INSTANT_BOUNDS.earliest.slice(0, 10), timeZone) ?? Date.parse(INSTANT_BOUNDS.earliest);
  const latest = nowMs + INSTANT_BOUNDS.aheadDays * 86_400_000;
  const read = (name: 'from' | 'to'): number | undefined => {
    const text = input[name];
    if (text === undefined) return undefined;
    const ms = parseInstant(text, timeZone);
    if (ms === undefined) {
      issues.push({
        path: `query.${name}`,
        code: 'invalid_format',
        message: `\`${name}\` is not an ISO-8601 date or date-time`,
      });
    } else if (ms < earliest || ms > latest) {
      issues.push({
        path: `query.${name}`,
        code: 'date_out_of_range',
        message: `\`${name}\` must lie between ${INSTANT_BOUNDS.earliest.slice(0, 10)} and ${INSTANT_BOUNDS.aheadDays} days after now`,
      });
    }
    return ms;
  };
  const givenFrom = read('from');
  const givenTo = read('to');
  if (issues.length > 0) return { issues };
  const toMs = givenTo ?? nowMs;
  const fromMs = givenFrom ?? toMs - days.default * 86_400_000;
  if (!(fromMs < toMs))
    return { issues: [{ path: 'query.from', code: 'invalid_range', message: '`from` must be before `to`' }] };
  if (toMs - fromMs > days.max * 86_400_000)
    return {
      issues: [
        {
          path: 'query.to',
          code: 'range_too_long',
          message: `at most ${days.max} days between \`from\` and \`to\``,
        },
      ],
    };
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}
