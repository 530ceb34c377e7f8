/**
 * `pantau classify`: score texts with the embedded model from a stream, one result per line.
 *
 * Input: one text per line, or JSON Lines objects with a `text` field (and an optional `lang` hint and
 * `genre`: `auto`, `news`, `general` or `social`, overriding `--genre`). A line is read as JSON only when it starts
 * with `{`. Output: one JSON object per input line,
 * `{"line","label","scores","lang","route","genre","model","modelVersion"}`, or `{"error","line"}` for a
 * bad line. `genre` is the reading applied: `news` (media-monitoring convention, for news headlines and
 * articles), `social` (posts and comments of social sources: the social block over the general weights)
 * or `general` (reviews and other text); under `auto` a Title Case headline is read as news, anything else
 * as general.
 * Empty lines are skipped (not counted). Texts routed to Comprehend are still scored by the embedded
 * model here (the CLI works offline); `route` says where the pipeline would send them.
 *
 * Rules (README, "Other commands"):
 * - A text longer than {@link MAX_TEXT_LENGTH} UTF-16 units is cut to it, plain or JSON alike — the
 *   pipeline stores and scores mention text at that length — and the caller is told how many were cut.
 * - A line that is not valid UTF-8, holds a NUL, or is more than {@link MAX_CONTROL_SHARE} control or
 *   replacement characters (U+FFFD) is binary, not text: it gets an error object and is not scored.
 * - A line or JSON `text` with no visible character (only white space, zero-width or other
 *   default-ignorable characters) gets the error an empty JSON `text` gets, `text: empty text`; only an
 *   empty line (nothing, or a BOM or CR alone) is skipped. Tabs, emoji and every other script are
 *   ordinary text.
 */
import { z } from 'zod';
import { detectLanguage } from '#shared/domain/language.ts';
import { MAX_TEXT_LENGTH } from '#shared/domain/mention.ts';
import {
  type EmbeddedModel,
  loadEmbeddedModel,
  TEXT_GENRES,
  type TextGenre,
} from '#shared/domain/sentiment/index.ts';
import { headlineShaped } from '#shared/domain/sentiment/text.ts';
import { hasVisibleText, truncateText } from '#shared/domain/text.ts';

const JsonLineSchema = z.object({
  text: z.string().trim().min(1, 'empty text'),
  // null is read as absent, as JSON writers often spell "not given" (QA).
  lang: z
    .string()
    .max(35)
    .nullish()
    .transform((v) => v ?? undefined),
  genre: z
    .enum(TEXT_GENRES)
    .nullish()
    .transform((v) => v ?? undefined),
});

/** Above this share of control/replacement characters (of all code points) a line is binary. */
export const MAX_CONTROL_SHARE = 0.1;

/** One output line for a scored text. */
export interface ClassifyResult {
  /** 1-based input line number (blank lines are skipped but counted), to join results back to input. */
  line: number;
  label: string;
  scores: { Positive: number; Negative: number; Neutral: number; Mixed: number };
  lang: string;
  route: 'embedded' | 'comprehend';
  /** The reading applied: `news`, `social` or `general` (see the module comment). */
  genre: 'news' | 'general' | 'social';
  model: string;
  modelVersion: string;
}

/** What {@link classifyCommand} read. */
export interface ClassifyCounts {
  /** Non-empty lines read. */
  lines: number;
  /** Lines answered with an error object. */
  errors: number;
  /** Texts cut to {@link MAX_TEXT_LENGTH} before scoring. */
  cut: number;
  /**
   * Texts routed to a language Amazon Comprehend scores (`route: comprehend`): scored here by the
   * embedded Indonesian model, which knows little of those languages, so their labels mean little.
   */
  comprehendRouted: number;
}

class NotTextError extends Error {
  override readonly name = 'NotTextError';
}

/** The text has no visible character; its message is the one an empty JSON `text` gets from the schema. */
class EmptyTextError extends Error {
  override readonly name = 'EmptyTextError';
  constructor() {
    super('text: empty text');
  }
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError)
    return error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
  if (error instanceof SyntaxError) return `invalid JSON: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** C0 controls but tab, DEL, C1 controls and U+FFFD (what a decoder makes of bytes it cannot read). */
function isControlOrReplacement(codePoint: number): boolean {
  return (
    (codePoint < 0x20 && codePoint !== 0x09) ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0xfffd
  );
}

/**
 * Decode one raw line as text and trim it (CR of a CRLF ending, BOM and blanks go).
 * @returns The trimmed text; `''` for a blank line.
 * @throws {NotTextError} for invalid UTF-8, a NUL, or too many control/replacement characters.
 */
export function decodeTextLine(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes).trim();
  } catch (error) {
    throw new NotTextError('not valid UTF-8 text', { cause: error });
  }
  checkIsText(text);
  return text;
}

/**
 * The text rules shared by a raw line and a JSON `text` value (whose escapes can spell what raw bytes
 * cannot): no NUL, no lone surrogate, at most {@link MAX_CONTROL_SHARE} control/replacement characters.
 * @throws {NotTextError} naming the rule broken.
 */
function checkIsText(text: string): void {
  if (text.includes('\u0000')) throw new NotTextError('not text: contains NUL characters');
  if (!text.isWellFormed()) throw new NotTextError('not valid Unicode: contains a lone surrogate');
  let codePoints = 0;
  let bad = 0;
  for (const ch of text) {
    codePoints++;
    if (isControlOrReplacement(ch.codePointAt(0) ?? 0)) bad++;
  }
  // Line ends never count: lines are split on LF and trimmed before this check.
  if (bad > MAX_CONTROL_SHARE * codePoints) {
    throw new NotTextError('not text: mostly control or replacement characters');
  }
}

/** A raw line with no bytes, or only a BOM and/or the CR of a CRLF ending. */
function isEmptyLine(bytes: Uint8Array): boolean {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let end = bytes.length;
  if (end > start && bytes[end - 1] === 0x0d) end--;
  return end <= start;
}

/** Raw lines of a byte (or string) stream, split on LF, without the LF. */
async function* rawLines(input: NodeJS.ReadableStream): AsyncGenerator<Uint8Array> {
  let pending: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a)) {
      pending.push(buf.subarray(0, nl));
      yield pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      pending = [];
      buf = buf.subarray(nl + 1);
    }
    if (buf.length > 0) pending.push(buf);
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}

/**
 * Classify every line of `input` and write one JSON result per line to `output`.
 *
 * @param input - Byte stream (UTF-8 expected), e.g. `process.stdin`; string chunks are read as UTF-8.
 * @param output - Destination, e.g. `process.stdout`; back-pressure is respected.
 * @param model - Scorer. @default the shipped embedded model
 * @param genre - Reading for lines that do not give one. @default 'auto'
 * @returns Non-empty lines read, how many produced an error object, and how many texts were cut.
 */
export async function classifyCommand(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  model: EmbeddedModel = loadEmbeddedModel(),
  genre: TextGenre = 'auto',
): Promise<ClassifyCounts> {
  let lines = 0;
  let errors = 0;
  let cut = 0;
  let comprehendRouted = 0;
  let lineNumber = 0;
  for await (const bytes of rawLines(input)) {
    lineNumber++;
    let record: string | undefined;
    let counted = false;
    try {
      // Only an empty line is skipped (a CRLF's CR or a BOM alone counts as empty); a line of blanks
      // (spaces, tabs, U+00A0, U+3000) is a line with no visible text, an error like an empty JSON text.
      if (isEmptyLine(bytes)) continue;
      const line = decodeTextLine(bytes);
      lines++;
      counted = true;
      if (line === '') throw new EmptyTextError();
      const parsed = line.startsWith('{')
        ? JsonLineSchema.parse(JSON.parse(line))
        : { text: line, lang: undefined, genre: undefined };
      if (line.startsWith('{')) checkIsText(parsed.text);
      // Replay rejects such text as no-text; scoring it would label nothing (NEUTRAL, lang und).
      if (!hasVisibleText(parsed.text)) throw new EmptyTextError();
      const text = truncateText(parsed.text, MAX_TEXT_LENGTH);
      if (text.length < parsed.text.length) cut++;
      const routed = detectLanguage(text, parsed.lang);
      if (routed.route === 'comprehend') comprehendRouted++;
      const asked = parsed.genre ?? genre;
      const sentiment = model.classify(text, routed.lang, asked);
      const result: ClassifyResult = {
        line: lineNumber,
        label: sentiment.label,
        scores: sentiment.scores,
        lang: routed.lang,
        route: routed.route,
        genre: asked === 'auto' ? (headlineShaped(text) ? 'news' : 'general') : asked,
        model: sentiment.model,
        modelVersion: sentiment.modelVersion,
      };
      record = JSON.stringify(result);
    } catch (error) {
      // A binary line is counted even though it is never trimmed to ''.
      if (!counted) lines++;
      errors++;
      record = JSON.stringify({ error: describe(error), line: lineNumber });
    }
    if (!output.write(`${record}\n`)) {
      await new Promise<void>((resolve) => output.once('drain', () => resolve()));
    }
  }
  return { lines, errors, cut, comprehendRouted };
}
