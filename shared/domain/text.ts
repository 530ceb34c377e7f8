/**
 * Plain-text cleaning for everything a source hands us: strip HTML tags, decode entities exactly once,
 * NFC-normalise, drop control characters and lone surrogates, collapse whitespace and cap the length at
 * {@link MAX_TEXT_LENGTH} UTF-16 code units without splitting a surrogate pair.
 *
 * "Exactly once" matters because feeds double-encode: `&amp;amp;` is an encoded `&amp;`, which is what
 * the publisher's text literally says after one decode. Decoding until nothing changes would turn it into
 * `&` and, worse, turn an escaped `&lt;script&gt;` the publisher meant as text into markup.
 * See `docs/sources.md` ("Text cleaning").
 */
import { DecodingMode, decodeHTML } from 'entities';
import { MAX_TEXT_LENGTH } from './mention.ts';

/** Options for {@link cleanText}. */
export interface CleanTextOptions {
  /**
   * Treat the input as HTML: strip tags, then decode HTML entities once.
   * When false the input is plain text and entities are left alone (they were decoded upstream).
   * @default false
   */
  readonly html?: boolean;
  /** Length cap in UTF-16 code units. @default MAX_TEXT_LENGTH (10 000) */
  readonly maxLength?: number;
}

/** Elements whose content is never visible text. */
const INVISIBLE_ELEMENTS =
  /<(script|style|noscript|template|iframe|object|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA_MARKERS = /<!\[CDATA\[|\]\]>/g;
/** Declarations and processing instructions (`<!DOCTYPE …>`, `<?xml …?>`). */
const DECLARATION = /<[!?][^>]*>/g;
/**
 * A start or end tag: `<` + a letter-led name + attributes (quoted values may contain `>`) + `>`.
 * A `<` not followed by a letter or `/letter` is text (`harga < 5 juta`) and stays.
 */
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>/g;
/** Tags that separate words visually; replaced by a space so `a</p><p>b` does not become `ab`. */
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'caption',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'img',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

/**
 * Remove HTML markup, keeping the text. Comments, `<script>`/`<style>`-like elements (with their content),
 * CDATA markers and declarations are dropped; block-level tags become a space. Entities are NOT decoded
 * here (see {@link htmlToText}), so an escaped `&lt;b&gt;` survives as text.
 * @param html - HTML fragment (e.g. an RSS `<description>` after XML parsing).
 * @returns The text with tags removed (whitespace not yet collapsed).
 */
export function stripTags(html: string): string {
  return html
    .replace(COMMENT, ' ')
    .replace(INVISIBLE_ELEMENTS, ' ')
    .replace(CDATA_MARKERS, '')
    .replace(DECLARATION, ' ')
    .replace(TAG, (_tag, name: string) => (BLOCK_TAGS.has(name.toLowerCase()) ? ' ' : ''));
}

/**
 * Decode HTML character references exactly once, the way a browser does (named, decimal, hex; legacy
 * references without `;` such as `&amp` too). `&amp;amp;` becomes `&amp;`, never `&`.
 * Invalid code points (`&#0;`, surrogates) become U+FFFD per the HTML standard.
 */
export function decodeEntitiesOnce(text: string): string {
  return decodeHTML(text, DecodingMode.Legacy);
}

/**
 * Decode character references found in XML text nodes, exactly once. Strict: a reference needs its `;`.
 * Accepts HTML named references too (`&nbsp;`), because feeds use them without declaring a DTD.
 */
export function decodeXmlText(text: string): string {
  return decodeHTML(text, DecodingMode.Strict);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * Characters removed outright: C0 controls other than tab/newline/CR, DEL, C1 controls, the BOM/zero-width
 * no-break space, zero-width space, word joiner and soft hyphen (invisible, but they split words and so
 * defeat keyword matching), and the bidirectional embedding/override/isolate controls U+202A–U+202E and
 * U+2066–U+2069 (they can make a link or a name read differently from what it is: "Trojan Source").
 * ZWJ/ZWNJ stay: emoji sequences and some scripts need them.
 */
const INVISIBLE_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;
/** Any run of Unicode white space (includes NBSP, U+2000–U+200A, line/paragraph separators, U+3000). */
const WHITESPACE_RUN = /\s+/gu;

/**
 * Normalise plain text: remove lone surrogates and invisible/control characters, NFC-normalise, collapse
 * every run of white space to one ASCII space, trim, then cap the length.
 * @param text - Plain text (already decoded).
 * @param maxLength - Cap in UTF-16 code units. @default MAX_TEXT_LENGTH
 */
export function normalizeText(text: string, maxLength: number = MAX_TEXT_LENGTH): string {
  const cleaned = text
    .replace(LONE_SURROGATE, '')
    .replace(INVISIBLE_CHARS, '')
    .normalize('NFC')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
  return truncateText(cleaned, maxLength);
}

/**
 * Cut `text` to at most `maxLength` UTF-16 code units without splitting a surrogate pair (an emoji at the
 * boundary is dropped whole rather than left half). Trailing white space left by the cut is trimmed.
 * @throws {RangeError} when `maxLength` is negative or not an integer.
 */
export function truncateText(text: string, maxLength: number = MAX_TEXT_LENGTH): string {
  if (!Number.isInteger(maxLength) || maxLength < 0)
    throw new RangeError(`maxLength must be a non-negative integer`);
  if (text.length <= maxLength) return text;
  let end = maxLength;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd();
}

/**
 * HTML fragment → clean plain text: {@link stripTags}, {@link decodeEntitiesOnce}, {@link normalizeText}.
 * Tags are stripped before decoding so that text the publisher escaped (`&lt;b&gt;`) is kept as text.
 */
export function htmlToText(html: string, maxLength: number = MAX_TEXT_LENGTH): string {
  return normalizeText(decodeEntitiesOnce(stripTags(html)), maxLength);
}

/**
 * Clean one text field from a source.
 * @param input - Raw field value; `undefined`/`null` give `''`.
 * @returns Plain text, NFC, single-spaced, at most `maxLength` code units (may be `''`).
 * @example cleanText('<p>Jalan &amp; jembatan</p>', { html: true }) // 'Jalan & jembatan'
 */
export function cleanText(input: string | null | undefined, options: CleanTextOptions = {}): string {
  if (input === undefined || input === null) return '';
  const maxLength = options.maxLength ?? MAX_TEXT_LENGTH;
  return options.html ? htmlToText(input, maxLength) : normalizeText(input, maxLength);
}

/**
 * White space, controls and default-ignorable code points (zero-width space and joiners, word joiner, soft
 * hyphen, BOM, variation selectors, bidi controls, Hangul fillers): what renders as nothing. Unicode
 * `Default_Ignorable_Code_Point` (UAX #44) is the standard's list of what a renderer shows as nothing.
 */
const INVISIBLE = /[\s\p{Cc}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * Whether `text` has at least one character that renders as something: one rule for `classify` (an
 * invisible-only line is an error) and replay (`no-text`), so a title of zero-width joiners is refused by both.
 */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}
