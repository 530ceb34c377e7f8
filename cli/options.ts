/**
 * Parsers for the CLI's option values (commander `argParser`s). Each either returns the parsed value or
 * throws commander's `InvalidArgumentError`, which commander prints as
 * `error: option '--x <v>' argument 'v' is invalid. <reason>` and the CLI exits 2.
 */
import { InvalidArgumentError } from 'commander';
import { printableApiKeyName } from '#shared/domain/api/auth.ts';
import { LabelBodySchema, MAX_NOTE_LENGTH, noteNotice } from '#shared/domain/api/schemas.ts';
import { normalizeText } from '#shared/domain/text.ts';
import { AnalystNameError } from './errors.ts';

/** Earliest digest day `--date` accepts: the replay data starts in 2010, nothing Pantau holds is older. */
export const EARLIEST_DIGEST_DATE = '2000-01-01';

/** Longest analyst note, UTF-16 code units: the API's own limit, so the CLI and the API cannot drift apart. */
export { MAX_NOTE_LENGTH };

/** Largest `--timeout`, ms: a request slower than 2 minutes is a dead source, not a slow one. */
export const MAX_TIMEOUT_MS = 120_000;

/**
 * A calendar date `yyyy-mm-dd` that exists (2026-02-30 does not: `Date.parse` would roll it to 2 March).
 * @throws {InvalidArgumentError} otherwise.
 */
export function parseIsoDate(value: string): string {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('expected a date as yyyy-mm-dd');
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
    throw new InvalidArgumentError(`there is no day ${value} in the calendar`);
  return value;
}

/**
 * The newest day that has begun anywhere at `nowMs` (epoch ms): the UTC+14 date. A digest day after it
 * cannot hold a mention in any time zone, so checking against it needs no regency zone.
 */
export function latestDayAnywhere(nowMs: number): string {
  return new Date(nowMs + 14 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * `--date` of `run`: an existing date from {@link EARLIEST_DIGEST_DATE} to {@link latestDayAnywhere}.
 * Years like 0000 or 0100 make the detector reject its window or walk centuries of empty hours, and a
 * date in the future writes an empty digest under a misleading name.
 * @param nowMs - Current time, epoch ms.
 * @throws {InvalidArgumentError} for a malformed, non-existent or out-of-range date.
 */
export function parseDigestDate(value: string, nowMs: number): string {
  parseIsoDate(value);
  const latest = latestDayAnywhere(nowMs);
  if (value < EARLIEST_DIGEST_DATE || value > latest) {
    throw new InvalidArgumentError(
      `expected a day from ${EARLIEST_DIGEST_DATE} to ${latest} (today in the earliest time zone, UTC+14)`,
    );
  }
  return value;
}

/**
 * A whole number in `[min, max]`, written as plain decimal digits (no sign, exponent, hex or blanks:
 * `Number('')` is 0 and `Number('1e3')` is 1000, which would hide typos).
 * @param unit - Shown in the message, e.g. `ms`.
 * @throws {InvalidArgumentError} otherwise.
 */
export function parseIntegerInRange(value: string, min: number, max: number, unit = ''): number {
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const u = unit ? ` ${unit}` : '';
    throw new InvalidArgumentError(`expected a whole number from ${min}${u} to ${max}${u}`);
  }
  return n;
}

/** `--timeout <ms>`: 1 to {@link MAX_TIMEOUT_MS}. @throws {InvalidArgumentError} otherwise. */
export function parseTimeoutMs(value: string): number {
  return parseIntegerInRange(value, 1, MAX_TIMEOUT_MS, 'ms');
}

/** `--port <n>`: 0 (any free port) to 65535. @throws {InvalidArgumentError} otherwise. */
export function parsePort(value: string): number {
  return parseIntegerInRange(value, 0, 65_535);
}

/** A `label --note` as stored, and what cleaning removed from it (said on stderr, as the API says it). */
export interface NoteArgument {
  /** The cleaned note; empty when it held only blanks. */
  readonly note: string;
  /** `note: …` naming the hidden characters removed (`noteNotice`, the API's notice), when there were any. */
  readonly notice?: string;
}

/**
 * `label --note`: the API's rule — at most {@link MAX_NOTE_LENGTH} characters before cleaning, then
 * normalised (control characters dropped, white space collapsed) — and, as in the API, never silently:
 * hidden characters removed are named in `notice` (QA 2026-12-01: `--note $'ok\u202e'` stored `ok` unsaid).
 * @throws {InvalidArgumentError} for a longer note (refused, not cut, as the API refuses it with 400).
 */
export function parseNote(value: string): NoteArgument {
  const parsed = LabelBodySchema.shape.note.safeParse(value);
  if (!parsed.success || parsed.data === undefined) {
    throw new InvalidArgumentError(
      `expected at most ${MAX_NOTE_LENGTH.toLocaleString('en')} characters (the API's limit); got ${value.length.toLocaleString('en')}`,
    );
  }
  const notice = noteNotice(value, '--note');
  if (parsed.data === '' && value !== '')
    return {
      note: '',
      notice: '--note held only blanks or hidden characters: the label is stored without a note',
    };
  return { note: parsed.data, ...(notice ? { notice: `${notice.path}: ${notice.message}` } : {}) };
}

/** Longest quoted value echoed back in a usage error, in UTF-16 code units. */
export const MAX_ECHOED_VALUE = 60;

/**
 * Shorten every single-quoted value in a usage error to {@link MAX_ECHOED_VALUE} code units plus `…` and
 * its length, so a mistaken 100 KB argument is named, not printed. Never throws.
 * @param message - Commander's error message, e.g. `error: option '--note <text>' argument '…' is invalid.`
 */
export function shortenQuotedValues(message: string): string {
  return message.replace(/'([^'\n]*)'/g, (whole, value: string) =>
    value.length > MAX_ECHOED_VALUE
      ? `'${Array.from(value.slice(0, MAX_ECHOED_VALUE))
          .join('')
          .replace(/[\uD800-\uDBFF]$/, '')}…' (${value.length.toLocaleString('en')} characters)`
      : whole,
  );
}

/** Longest `label --by`, UTF-16 code units. */
export const MAX_ANALYST_NAME_LENGTH = 200;

/**
 * `label --by`: who made the correction, checked by the API key name rule (`api-key create --name`):
 * surrounding white space is trimmed, and a control, format (bidi overrides such as U+202E, zero-width),
 * separator, private-use or unassigned character is refused rather than silently dropped, so
 * `evil\u202Eadmin` cannot be stored as `eviladmin`. The message names the character, never echoes it.
 * @returns The name to store (NFC, inner white space runs as one space).
 * @throws {AnalystNameError} when it is empty, longer than {@link MAX_ANALYST_NAME_LENGTH} or holds such a
 *   character.
 */
export function parseAnalystName(value: string): string {
  // Trim Unicode white space only: String#trim also drops U+FEFF (a byte-order mark), which is a format
  // character and must be refused like the others, not silently removed.
  const trimmed = value.normalize('NFC').replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
  const chars = [...trimmed];
  // The API key name check escapes exactly the forbidden characters: one it changes is forbidden.
  const at = chars.findIndex((c) => printableApiKeyName(c) !== c);
  if (at >= 0) {
    const code = (chars[at]?.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new AnalystNameError(
      `label --by contains U+${code} at character ${at + 1}: control, format and text-direction characters are not allowed (as in API key names)`,
    );
  }
  if (trimmed.length === 0) throw new AnalystNameError('label --by is empty: name the analyst');
  if (trimmed.length > MAX_ANALYST_NAME_LENGTH)
    throw new AnalystNameError(
      `label --by is ${trimmed.length.toLocaleString('en')} characters long; at most ${MAX_ANALYST_NAME_LENGTH}`,
    );
  return normalizeText(trimmed, MAX_ANALYST_NAME_LENGTH);
}

/**
 * `serve --host <address>`: refuses an empty or blank value, which Node would read as "listen on every
 * interface" (an unset `$HOST` in `--host "$HOST"` would quietly open the API to the network).
 * @returns The address, trimmed.
 * @throws {InvalidArgumentError} for an empty or blank value.
 */
export function parseHost(value: string): string {
  const host = value.trim();
  if (host === '')
    throw new InvalidArgumentError(
      '--host needs an address (it was empty; an empty host would listen on every interface), e.g. 127.0.0.1',
    );
  return host;
}

/**
 * A path option that must not be empty (`--config ""`, `--data-dir ""`, as an unset variable gives):
 * `nonEmptyPath('--config', 'a file path')` refuses '' with `--config needs a file path`.
 * @throws {InvalidArgumentError} for an empty or blank value.
 */
export function nonEmptyPath(option: string, what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`${option} needs ${what} (it was empty)`);
    return value;
  };
}
