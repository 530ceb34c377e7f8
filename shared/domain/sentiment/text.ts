/**
 * Text preparation for the embedded sentiment model: normalisation, tokenisation and negation-scope
 * marking. Pure functions; no stopword removal (every common Indonesian stopword list deletes the
 * negators, see `docs/sentiment.md`).
 */

/**
 * Longest input the classifier reads, in UTF-16 code units. Longer text is cut before any work so a
 * 100 KB post costs the same as a 20 KB one; sentiment of a long text is dominated by its opening
 * anyway, and Pantau stores at most 10,000 units per mention (`MAX_TEXT_LENGTH`).
 */
export const MAX_CLASSIFY_CHARS = 20_000;

/** How many tokens after a negator are marked as negated (`neg_x`); two measured best (+1–2 F1 points). */
export const NEGATION_SCOPE = 2;

/** Prefix given to tokens inside a negation scope. */
export const NEGATED_PREFIX = 'neg_';

/**
 * Indonesian negators and their colloquial spellings, mapped to one canonical form so `gak enak` and
 * `tidak enak` share features. Source: the trap list in `/shared/reference/sentiment.md`, written here
 * by hand (no third-party slang dictionary is shipped).
 */
const INDONESIAN_NEGATORS: ReadonlyMap<string, string> = new Map([
  ...[
    'tidak',
    'tdk',
    'tak',
    'gak',
    'ga',
    'gk',
    'g',
    'gx',
    'enggak',
    'engga',
    'nggak',
    'ngga',
    'ndak',
    'kagak',
  ].map((w) => [w, 'tidak'] as const),
  ...['bukan', 'bkn'].map((w) => [w, 'bukan'] as const),
  ...['belum', 'blm', 'blom', 'belom'].map((w) => [w, 'belum'] as const),
  ...['jangan', 'jgn', 'jngn'].map((w) => [w, 'jangan'] as const),
  ...['kurang', 'krg'].map((w) => [w, 'kurang'] as const),
  ['tanpa', 'tanpa'],
]);

/**
 * Sundanese negators. Applied only to text routed as Sundanese: `lain` means "other" in Indonesian,
 * and `tong` is a barrel.
 */
const SUNDANESE_NEGATORS: ReadonlySet<string> = new Set([
  'teu',
  'henteu',
  'sanes',
  'lain',
  'acan',
  'tacan',
  'tong',
  'ulah',
  'kirang',
  'moal',
]);

/** Javanese negators, applied only to text routed as Javanese (`ora`, `ra`, `dudu`, `durung`, `aja`, …). */
const JAVANESE_NEGATORS: ReadonlySet<string> = new Set([
  'ora',
  'ra',
  'dudu',
  'durung',
  'aja',
  'ojo',
  'mboten',
  'boten',
]);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const URL = /(?:https?:\/\/|www\.)\S+|\b\S+\.(?:com|id|ly|co|net|org)\/\S*/g;
const MENTION = /@[\p{L}\p{N}_]+/gu;
/** Invisible format characters (ZWJ, ZWNJ, BOM, RTL/LTR marks), combining marks, emoji skin tones. */
const INVISIBLE = /[\p{Cf}\p{M}\p{Emoji_Modifier}]/gu;
/** Three or more of the same letter (`bagusss`) collapse to one; doubles (`maaf`) are real spelling. */
const ELONGATION = /(\p{L})\1{2,}/gu;
const REPEATED_MARK = /([!?])\1+/g;
const ASCII_ELONGATION = /([a-z])\1{2,}/g;
/** With `i`, the back-reference matches either case, as the lower-cased text would (`SSs` → `S`). */
const ASCII_ELONGATION_ANY_CASE = /([a-z])\1{2,}/gi;
/** Any UTF-16 code unit outside ASCII (surrogates included). */
export const NON_ASCII = /[\u0080-\uffff]/;
const CAPITAL_EMOTICON = /(?:^|\s)[:;=]-?[DP](?=\s|$)/g;
const POSITIVE_EMOTICON = /(?:^|\s)[:;=]-?[)\]dp>](?=\s|$)|\^[_-]?\^/g;
const NEGATIVE_EMOTICON = /(?:^|\s)(?:[:;=]'?-?[([/\\]|>[:;]\()(?=\s|$)|\bT[_.]T\b/g;
const TOKEN = /\p{L}[\p{L}\p{N}]*|\p{N}+|\p{Extended_Pictographic}|[!?.,;:]/gu;

/** Punctuation that ends a negation scope and never becomes a feature itself. */
const CLAUSE_BREAKS: ReadonlySet<string> = new Set(['.', ',', ';', ':']);

/** Placeholder tokens produced by {@link normalizeText}. */
export const PLACEHOLDER = {
  url: 'xurl',
  user: 'xuser',
  number: 'xnum',
  emoPos: 'xemopos',
  emoNeg: 'xemoneg',
};

/**
 * Normalise raw text for the sentiment model: cut to {@link MAX_CLASSIFY_CHARS}, replace lone
 * surrogates, NFKD + strip combining marks and invisible format characters, lower-case, replace URLs,
 * @-handles and emoticons by placeholders, collapse letter elongations (`bagusss` → `bagus`) and runs of `!`/`?`.
 *
 * Never throws, for any string (empty, lone surrogates, RTL, ZWJ sequences).
 *
 * @param text - Plain text, any length.
 * @param keepAsciiCase - Skip lower-casing when the text is pure ASCII (the fast scorer folds case
 *   itself while scanning, saving a string copy). Non-ASCII text is always lower-cased. @default false
 * @returns The normalised text (may be empty).
 */
export function normalizeText(text: string, keepAsciiCase = false): string {
  let out = text.length > MAX_CLASSIFY_CHARS ? text.slice(0, MAX_CLASSIFY_CHARS) : text;
  // One pass over the code units decides which of the regex steps can match at all; most texts need
  // none but lower-casing, and each skipped step is a full scan saved (see BENCHMARKS.sentiment.md).
  const flags = needs(out);
  if (flags & NEEDS_UNICODE) out = out.replace(LONE_SURROGATE, ' ');
  if (flags & NEEDS_URL) out = out.replace(URL, ` ${PLACEHOLDER.url} `);
  if (flags & NEEDS_MENTION) out = out.replace(MENTION, ` ${PLACEHOLDER.user} `);
  // Emoticons are matched before lower-casing so `:D` and `:P` survive; `T_T` needs its capitals too.
  if (flags & NEEDS_EMOTICON) {
    out = out
      .replace(NEGATIVE_EMOTICON, ` ${PLACEHOLDER.emoNeg} `)
      .replace(CAPITAL_EMOTICON, ` ${PLACEHOLDER.emoPos} `);
  }
  if (flags & NEEDS_UNICODE) out = out.normalize('NFKD').replace(INVISIBLE, '');
  const fold = keepAsciiCase && !(flags & NEEDS_UNICODE);
  if (flags & NEEDS_UNICODE || (flags & NEEDS_LOWER && !fold)) out = out.toLowerCase();
  if (flags & NEEDS_EMOTICON) out = out.replace(POSITIVE_EMOTICON, ` ${PLACEHOLDER.emoPos} `);
  if (flags & NEEDS_UNICODE) out = out.replace(ELONGATION, '$1');
  else if (flags & NEEDS_ELONGATION)
    out = out.replace(fold ? ASCII_ELONGATION_ANY_CASE : ASCII_ELONGATION, '$1');
  if (flags & NEEDS_REPEAT) out = out.replace(REPEATED_MARK, '$1');
  return out;
}

const NEEDS_UNICODE = 1;
const NEEDS_URL = 2;
const NEEDS_MENTION = 4;
const NEEDS_EMOTICON = 8;
const NEEDS_LOWER = 16;
const NEEDS_ELONGATION = 32;
const NEEDS_REPEAT = 64;

/**
 * Which normalisation steps can change `text`: a superset test per step (a step flagged here may
 * still find nothing; a step not flagged cannot match). Any non-ASCII code unit flags every step.
 */
function needs(text: string): number {
  let flags = 0;
  let p1 = -1;
  let p2 = -1;
  let p3 = -1;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128) return 127;
    if (c >= 65 && c <= 90) {
      flags |= NEEDS_LOWER;
      // T_T and T.T need the emoticon step; the letter itself is compared lower-cased.
      if (c === 84) flags |= NEEDS_EMOTICON;
      c |= 32;
    } else if (c === 47) flags |= NEEDS_URL;
    else if (c === 46 && p1 === 119 && p2 === 119 && p3 === 119) flags |= NEEDS_URL;
    else if (c === 64) flags |= NEEDS_MENTION;
    else if (c === 58 || c === 59 || c === 61 || c === 94 || c === 62) flags |= NEEDS_EMOTICON;
    else if ((c === 33 || c === 63) && c === p1) flags |= NEEDS_REPEAT;
    if (c >= 97 && c <= 122 && c === p1 && c === p2) flags |= NEEDS_ELONGATION;
    p3 = p2;
    p2 = p1;
    p1 = c;
  }
  return flags;
}

/**
 * Split normalised text into tokens: words (a letter then letters/digits), digit runs (→ `xnum`),
 * single emoji (extended pictographs), and the punctuation `! ? . , ; :` (clause marks are kept so
 * negation scope can stop at them; they are dropped from features later).
 *
 * @param normalized - Output of {@link normalizeText}.
 */
export function tokenize(normalized: string): string[] {
  if (NON_ASCII.test(normalized)) return tokenizeUnicode(normalized);
  // ASCII fast path with the same result as the Unicode regex: after lower-casing, \p{L} is a–z
  // and \p{N} is 0–9, and no ASCII character is an extended pictograph.
  const tokens: string[] = [];
  const n = normalized.length;
  let i = 0;
  while (i < n) {
    const c = normalized.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      const start = i;
      i++;
      while (i < n) {
        const d = normalized.charCodeAt(i);
        if ((d >= 97 && d <= 122) || (d >= 48 && d <= 57)) i++;
        else break;
      }
      tokens.push(normalized.slice(start, i));
    } else if (c >= 48 && c <= 57) {
      i++;
      while (i < n && normalized.charCodeAt(i) >= 48 && normalized.charCodeAt(i) <= 57) i++;
      tokens.push(PLACEHOLDER.number);
    } else {
      // ! ? . , ; :
      if (c === 33 || c === 63 || c === 46 || c === 44 || c === 59 || c === 58) tokens.push(normalized[i]!);
      i++;
    }
  }
  return tokens;
}

function tokenizeUnicode(normalized: string): string[] {
  const tokens: string[] = [];
  for (const match of normalized.matchAll(TOKEN)) {
    const token = match[0];
    const first = token.charCodeAt(0);
    tokens.push(first >= 48 && first <= 57 ? PLACEHOLDER.number : token);
  }
  return tokens;
}

/**
 * Canonical negator for `token` in language `lang`, or undefined. Indonesian negators apply to every
 * language (Majalengka text is code-mixed); Sundanese ones only when `lang` is `su`, Javanese ones
 * only when `lang` is `jv`.
 */
export function negatorOf(token: string, lang: string): string | undefined {
  const indonesian = INDONESIAN_NEGATORS.get(token);
  if (indonesian !== undefined) return indonesian;
  if (lang === 'su' && SUNDANESE_NEGATORS.has(token)) return token;
  if (lang === 'jv' && JAVANESE_NEGATORS.has(token)) return token;
  return undefined;
}

/**
 * Replace negators by their canonical form, prefix the {@link NEGATION_SCOPE} word tokens after a
 * negator with {@link NEGATED_PREFIX}, and drop clause punctuation (which ends a scope). `!` and `?`
 * end a scope too but are kept as tokens. A negator inside a scope starts a new scope.
 *
 * Example (hand-computed): `['rasanya', 'gak', 'enak', 'sama', 'sekali']` →
 * `['rasanya', 'tidak', 'neg_enak', 'neg_sama', 'sekali']`.
 *
 * @param tokens - Output of {@link tokenize}.
 * @param lang - Routed language (`id`, `su`, `jv`, `und` …); selects the negator set.
 */
export function markNegation(tokens: readonly string[], lang: string): string[] {
  const out: string[] = [];
  let scope = 0;
  for (const token of tokens) {
    if (CLAUSE_BREAKS.has(token)) {
      scope = 0;
      continue;
    }
    if (token === '!' || token === '?') {
      scope = 0;
      out.push(token);
      continue;
    }
    const negator = negatorOf(token, lang);
    if (negator !== undefined) {
      out.push(negator);
      scope = NEGATION_SCOPE;
      continue;
    }
    if (scope > 0) {
      out.push(NEGATED_PREFIX + token);
      scope -= 1;
    } else {
      out.push(token);
    }
  }
  return out;
}

/**
 * The full text pipeline: {@link normalizeText} → {@link tokenize} → {@link markNegation}.
 *
 * @param text - Plain text, any length (never throws).
 * @param lang - Routed language.
 */
export function prepareTokens(text: string, lang: string): string[] {
  return markNegation(tokenize(normalizeText(text)), lang);
}

/** Headline shape: how many words at most, and the share of long words that must be capitalised. */
const HEADLINE_MAX_WORDS = 30;
const HEADLINE_MIN_WORDS = 3;
const HEADLINE_LONG_WORD = 4;
const HEADLINE_CAPITALISED_SHARE = 0.6;
const UPPER_LETTER = /\p{Lu}/u;
const LOWER_LETTER = /\p{Ll}/u;
const ANY_LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Whether `text` is shaped like a news headline in Title Case, the way Indonesian outlets write them
 * ("Longsor Timpa Dua Rumah Warga Di Majalengka"): 3–30 words (a word is a letter followed by letters
 * or digits; links, @handles and #hashtags do not count), the first one capitalised, at least two of 4+
 * letters, at least 60 % of those capitalised, and fewer than 60 % of them all in capitals (that is
 * shouting, not Title Case). Reviews and posts in
 * sentence case or lower case are not (0 of the 12,260 SmSA train/valid texts, 1 of the 1,000 NusaX
 * Indonesian/Sundanese train texts; 688 of the 3,597 IndoLEM train0 tweets, mostly news tweets with
 * their links; 110 of the 110 Majalengka headlines). One pass over the text, no allocation for ASCII.
 * Never throws.
 *
 * @param text - Raw text (case matters; only the first {@link MAX_CLASSIFY_CHARS} units are read).
 */
export function headlineShaped(text: string): boolean {
  const n = Math.min(text.length, MAX_CLASSIFY_CHARS);
  let words = 0;
  let long = 0;
  let capitalised = 0;
  let shouted = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // A link, an @handle or a #hashtag is not part of the headline ("Judul Berita https://…/judul-berita").
    if (c === 64 || c === 35 || ((c === 104 || c === 119) && isLinkStart(text, i))) {
      while (i < n && !isSpaceCode(text.charCodeAt(i))) i++;
      continue;
    }
    const asciiLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    if (!asciiLetter && (c < 128 || !ANY_LETTER.test(text.slice(i, i + width)))) {
      i += width;
      continue;
    }
    const upper = asciiLetter ? c <= 90 : UPPER_LETTER.test(text.slice(i, i + width));
    let length = 0;
    let anyLower = false;
    while (i < n) {
      const d = text.charCodeAt(i);
      const w = d >= 0xd800 && d <= 0xdbff && i + 1 < n ? 2 : 1;
      let part: boolean;
      if ((d >= 65 && d <= 90) || (d >= 48 && d <= 57)) part = true;
      else if (d >= 97 && d <= 122) {
        part = true;
        anyLower = true;
      } else if (d >= 128 && LETTER_OR_DIGIT.test(text.slice(i, i + w))) {
        part = true;
        if (!anyLower && LOWER_LETTER.test(text.slice(i, i + w))) anyLower = true;
      } else part = false;
      if (!part) break;
      length++;
      i += w;
    }
    // A headline's first word is capitalised; most posts and reviews are rejected here.
    if (++words === 1 && !upper) return false;
    if (words > HEADLINE_MAX_WORDS) return false;
    if (length >= HEADLINE_LONG_WORD) {
      long++;
      if (upper) capitalised++;
      if (!anyLower) shouted++;
      // Even if every remaining word were long and capitalised, the share could not reach 60 %.
      const lower = long - capitalised;
      if (capitalised + (HEADLINE_MAX_WORDS - words) < 1.5 * lower) return false;
    }
  }
  return (
    words >= HEADLINE_MIN_WORDS &&
    long >= 2 &&
    capitalised >= HEADLINE_CAPITALISED_SHARE * long &&
    // Mostly capitals is shouting (a rant or a greeting), not Title Case.
    shouted < HEADLINE_CAPITALISED_SHARE * long
  );
}

/** Whether `http://`, `https://` or `www.` starts at `i` (any case), by code units (no allocation). */
function isLinkStart(text: string, i: number): boolean {
  const at = (k: number) => text.charCodeAt(i + k) | 32;
  if (at(0) === 119) return at(1) === 119 && at(2) === 119 && text.charCodeAt(i + 3) === 46;
  if (at(0) !== 104 || at(1) !== 116 || at(2) !== 116 || at(3) !== 112) return false;
  const k = at(4) === 115 ? 5 : 4;
  return (
    text.charCodeAt(i + k) === 58 && text.charCodeAt(i + k + 1) === 47 && text.charCodeAt(i + k + 2) === 47
  );
}

/** ASCII white space and the Unicode spaces a pasted link may end at. */
function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200b);
}
