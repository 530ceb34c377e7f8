/**
 * Replay: mentions from a JSON Lines file, so the pipeline runs on real input without network access.
 * Format (`docs/replay.md`): one object per line with `url`, `publishedAt`, `source` (outlet domain) and
 * `title` and/or `text`/`excerpt`; optional `lang`; other fields ignored. Blank lines are skipped.
 * A bad line is reported in `rejected` with its line number and the reason, never dropped silently and
 * never failing the poll; only an unreadable file fails it. The file is read as bytes and each line decoded
 * strictly, so a line that is not UTF-8 is rejected (`invalid-utf8`) instead of stored with U+FFFD in it.
 *
 * Dates (`docs/replay.md`): a date before 2000-01-01 (local) rejects the line (`date-out-of-range`: no API
 * query could reach it); a date more than five minutes after the poll keeps the line without its date
 * (collect stores it at fetch time, flagged estimated) and says so in `warnings`, as feeds do.
 *
 * Keywords: a replay source is a feed unless its config lists `keywords` — that declares the file to be
 * the results of a search for them, and collect tags lines that name none with them (`matchedBy: query`).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { ReplaySourceSchema } from '#shared/domain/config.ts';
import {
  DEFAULT_TIME_ZONE,
  EARLIEST_PUBLICATION_DATE,
  FUTURE_TOLERANCE_MS,
  parseDate,
  publicationDateProblem,
} from '#shared/domain/dates.ts';
import { cleanText, hasVisibleText } from '#shared/domain/text.ts';
import { InvalidUrlError, parseHttpUrl, siteOf } from '#shared/domain/url.ts';
import { type Clock, systemClock } from '#shared/ports/clock.ts';
import type {
  FetchContext,
  MentionSource,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import { SourceError } from '#shared/ports/mention-source.ts';
import { SourceAbortedError } from './errors.ts';
import { MAX_TITLE_LENGTH, primaryLanguage, type Rejection } from './feed.ts';

/** A parsed `replay` source config. */
export type ReplaySourceConfig = z.infer<typeof ReplaySourceSchema>;

/** The replay file could not be read (missing, unreadable). Not retryable. */
export class ReplayFileError extends SourceError {
  override readonly name = 'ReplayFileError';
  constructor(
    sourceId: string,
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(sourceId, `cannot read replay file ${path}: ${reason}`, false, options);
  }
}

/** One line of a replay file. Unknown fields are stripped. */
export const ReplayLineSchema = z.object({
  url: z.string().min(1),
  publishedAt: z.string().optional(),
  /** Outlet domain, e.g. `radarcirebon.disway.id`. */
  source: z.string().optional(),
  title: z.string().optional(),
  text: z.string().optional(),
  excerpt: z.string().optional(),
  /** ISO 639-1 (`id`, `en`…). */
  lang: z.string().optional(),
});
export type ReplayLine = z.infer<typeof ReplayLineSchema>;

/** What {@link parseReplayLines} returns. */
export interface ParsedReplay {
  readonly items: SourceItem[];
  readonly rejected: Rejection[];
  /** Lines kept with a change the operator should know of (today: future dates dropped). */
  readonly warnings: string[];
}

const MAX_LINE_LENGTH = 1_000_000;
/** Strict per line: one bad byte rejects its own line, not the file. The BOM is handled by the caller. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LF = 0x0a;
const CR = 0x0d;
/** Line numbers listed in one warning; the rest are counted. */
const MAX_LINES_NAMED = 10;

/**
 * Parse JSON Lines into items. Rejection reasons: `invalid-utf8` (bytes only), `invalid-json`,
 * `invalid-line` (schema), `invalid-url`, `invalid-date` (unreadable), `date-out-of-range` (before
 * {@link EARLIEST_PUBLICATION_DATE} local), `no-text`, `line-too-long`; each `detail` starts with `line N:`.
 * A date more than {@link FUTURE_TOLERANCE_MS} after `nowMs` is dropped from its item (the line is kept)
 * and named in one warning. Lines end at LF (a CR before it is dropped); a leading BOM is ignored.
 * @param input - File content: bytes (each line decoded as strict UTF-8, so a line that is not UTF-8 is
 *   rejected as `invalid-utf8`), or text already decoded (which can no longer tell).
 * @param options.timeZone - Zone assumed for zone-less dates and of the 2000-01-01 floor. @default DEFAULT_TIME_ZONE
 * @param options.nowMs - Poll time, epoch ms, for the future check. @default Date.now()
 */
export function parseReplayLines(
  input: string | Uint8Array,
  options: { timeZone?: string; nowMs?: number } = {},
): ParsedReplay {
  const context = { timeZone: options.timeZone ?? DEFAULT_TIME_ZONE, nowMs: options.nowMs ?? Date.now() };
  const items: SourceItem[] = [];
  const rejected: Rejection[] = [];
  const future: number[] = [];
  const lines = typeof input === 'string' ? input.replace(/^\uFEFF/, '').split(/\r?\n/) : byteLines(input);
  lines.forEach((raw, index) => {
    const line = typeof raw === 'string' ? raw : decodeLine(raw);
    if (line === undefined) {
      rejected.push({
        reason: 'invalid-utf8',
        detail: `line ${index + 1}: ${invalidUtf8Why(raw as Uint8Array)}`,
      });
      return;
    }
    if (line.trim() === '') return;
    const result = parseLine(line, context);
    if ('reason' in result)
      rejected.push({ reason: result.reason, detail: `line ${index + 1}: ${result.why}` });
    else {
      items.push(result.item);
      if (result.future) future.push(index + 1);
    }
  });
  return { items, rejected, warnings: future.length > 0 ? [futureWarning(future)] : [] };
}

/**
 * The lines of UTF-8 bytes, without their LF or the CR before it, and without a leading BOM. Splitting on
 * the byte 0x0A is safe: in UTF-8 it only ever encodes LF (every byte of a multi-byte sequence is ≥ 0x80).
 */
function byteLines(bytes: Uint8Array): Uint8Array[] {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lines: Uint8Array[] = [];
  let from = start;
  for (let at = bytes.indexOf(LF, from); at !== -1; at = bytes.indexOf(LF, from)) {
    lines.push(bytes.subarray(from, at > from && bytes[at - 1] === CR ? at - 1 : at));
    from = at + 1;
  }
  lines.push(bytes.subarray(from, bytes.length > from && bytes[bytes.length - 1] === CR ? -1 : undefined));
  return lines;
}

/** The line as text, or undefined when it is not valid UTF-8. */
function decodeLine(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Where a line stops being UTF-8, for the rejection's detail: the byte offset (from 0) of the first
 * sequence that does not decode, and up to four bytes from there in hex.
 */
function invalidUtf8Why(bytes: Uint8Array): string {
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  // Bytes before the first bad sequence decode and re-encode unchanged, so a prefix's UTF-8 length is its
  // byte offset; a U+FFFD the file itself holds (EF BF BD) is text, not the fault.
  let offset = 0;
  let from = 0;
  for (let at = lossy.indexOf('\uFFFD'); at !== -1; at = lossy.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(lossy.slice(from, at));
    from = at;
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) break;
  }
  const shown = [...bytes.subarray(offset, offset + 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not valid UTF-8 at byte ${offset} (${shown})`;
}

function futureWarning(lines: readonly number[]): string {
  const named = lines.slice(0, MAX_LINES_NAMED).join(', ');
  const more = lines.length > MAX_LINES_NAMED ? ` and ${lines.length - MAX_LINES_NAMED} more` : '';
  return `${lines.length} line${lines.length === 1 ? '' : 's'} dated more than ${FUTURE_TOLERANCE_MS / 60_000} minutes after the poll (line${lines.length === 1 ? '' : 's'} ${named}${more}): kept without the date, so stored at fetch time and flagged estimated`;
}

type LineResult = { item: SourceItem; future: boolean } | { reason: string; why: string };

function parseLine(line: string, context: { timeZone: string; nowMs: number }): LineResult {
  const { timeZone } = context;
  if (line.length > MAX_LINE_LENGTH) return { reason: 'line-too-long', why: `${line.length} characters` };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { reason: 'invalid-json', why: error instanceof Error ? error.message : String(error) };
  }
  const parsed = ReplayLineSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
    return { reason: 'invalid-line', why };
  }
  const fields = parsed.data;
  let url: string;
  try {
    url = parseHttpUrl(fields.url).href;
  } catch (error) {
    return { reason: 'invalid-url', why: error instanceof InvalidUrlError ? error.message : String(error) };
  }
  const title = cleanText(fields.title, { maxLength: MAX_TITLE_LENGTH });
  const body = cleanText(fields.text ?? fields.excerpt);
  if (!hasVisibleText(title) && !hasVisibleText(body))
    return { reason: 'no-text', why: 'neither title nor text/excerpt has a visible character' };
  let date: { publishedAt: string; publishedAtEstimated: boolean } | undefined;
  let future = false;
  if (fields.publishedAt !== undefined && fields.publishedAt.trim() !== '') {
    const shown = JSON.stringify(fields.publishedAt.slice(0, 60));
    const parsedDate = parseDate(fields.publishedAt, { timeZone });
    if (!parsedDate) return { reason: 'invalid-date', why: `publishedAt ${shown}` };
    const problem = publicationDateProblem(parsedDate.epochMs, context);
    if (problem === 'too-early')
      return {
        reason: 'date-out-of-range',
        why: `publishedAt ${shown} is before ${EARLIEST_PUBLICATION_DATE} (00:00 ${timeZone}), the earliest date Pantau keeps and the API can query`,
      };
    future = problem === 'future';
    if (!future) date = { publishedAt: parsedDate.iso, publishedAtEstimated: parsedDate.estimated };
  }
  const outlet = cleanText(fields.source, { maxLength: 200 }) || siteOf(url);
  const lang = primaryLanguage(fields.lang);
  return {
    item: {
      url,
      text: body,
      author: {},
      outlet,
      ...(title ? { title } : {}),
      ...(date ?? {}),
      ...(lang ? { lang } : {}),
    },
    future,
  };
}

/** What the replay source needs. */
export interface ReplaySourceDeps {
  /** Directory a relative `config.path` is resolved against. @default process.cwd() */
  readonly baseDir?: string;
  /** @default DEFAULT_TIME_ZONE */
  readonly timeZone?: string;
  /** Poll time for the future-date check. @default systemClock */
  readonly clock?: Clock;
}

/**
 * The source config for replaying one file outside the regency config (`npm start -- --replay FILE`).
 * Without `searchKeywords` the file is a feed: a line counts for the keywords its own text names, and a
 * line naming none is `unmatched`. With them, the caller declares the file to be the results of a search
 * for those keyword ids, and lines naming none are tagged with them (`matchedBy: query`), as Google News
 * results are.
 * @param path - The file; resolved against the working directory when relative.
 */
export function replayFileSource(
  path: string,
  options: { readonly searchKeywords?: readonly string[] } = {},
): ReplaySourceConfig {
  return {
    id: 'replay',
    kind: 'replay',
    path: isAbsolute(path) ? path : resolve(path),
    enabled: true,
    everyMinutes: 15,
    keywords: [...(options.searchKeywords ?? [])],
  };
}

/**
 * A replay source over `config.path`. Each poll reads the whole file again (de-duplication downstream
 * makes a re-run harmless).
 * @throws (from `fetch`) ReplayFileError when the file cannot be read; SourceAbortedError on abort.
 */
export function createReplaySource(config: ReplaySourceConfig, deps: ReplaySourceDeps = {}): MentionSource {
  const path = isAbsolute(config.path) ? config.path : resolve(deps.baseDir ?? process.cwd(), config.path);
  return {
    id: config.id,
    kind: 'replay',
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      let bytes: Buffer;
      try {
        // Bytes, not 'utf8': decoding the whole file would turn bad bytes into U+FFFD without a word.
        bytes = await readFile(path, context.signal ? { signal: context.signal } : {});
      } catch (cause) {
        if (context.signal?.aborted) throw new SourceAbortedError(config.id, { cause });
        const code = (cause as { code?: string }).code;
        throw new ReplayFileError(
          config.id,
          path,
          code ?? (cause instanceof Error ? cause.message : 'failed'),
          { cause },
        );
      }
      if (context.signal?.aborted) throw new SourceAbortedError(config.id, { cause: context.signal.reason });
      const parsed = parseReplayLines(bytes, {
        nowMs: (deps.clock ?? systemClock).now(),
        ...(deps.timeZone === undefined ? {} : { timeZone: deps.timeZone }),
      });
      return {
        items: parsed.items,
        rejected: parsed.rejected,
        ...(parsed.warnings.length > 0 ? { warnings: parsed.warnings } : {}),
      };
    },
  };
}
