/**
 * Keyword matching: which configured keywords a text mentions.
 *
 * Text and patterns are folded the same way (NFKD, combining marks removed, lower-cased) and split into
 * words (maximal runs of Unicode letters and digits), so matching is case- and diacritic-insensitive and
 * always on word boundaries: `Majalengka` matches `MAJALENGKA`, `Majalengka,` and `Majalengka-nya`, never
 * `Majalengkaraya`. Every term and phrase is a word sequence, so `terms` may hold multi-word entries.
 *
 * Indonesian clitics: a text word may end in `-nya`, `-lah`, `-kah`, `-pun` or `-tah` written solid
 * (`Majalengkanya`, `Kertajatilah`) and still match the last word of a pattern, when at least three letters
 * remain. `-ku`/`-mu` are left out: too short, they would make short terms (`SD`, `UMK`) match unrelated
 * words. Prefixes (`di-`, `ke-`) are never stripped: `diMajalengka` is a typo we do not chase.
 *
 * Excludes: an exclude that contains one of the keyword's own patterns (`Majalengka FC` for `Majalengka`)
 * vetoes only the occurrences it covers, so "Pemkab Majalengka dukung Majalengka FC" still matches; any
 * other exclude (a context word such as `sepak bola`) vetoes the keyword for the whole text.
 * `requires`: a keyword counts only when one of the listed keywords also matches the same text (evaluated
 * to a fixed point, so chains and cycles are well defined). See `docs/sources.md` ("Keyword matching").
 */
import type { Keyword } from './config.ts';

/** Clitics that may be written solid onto the last word of a match. */
export const CLITIC_SUFFIXES: readonly string[] = ['nya', 'lah', 'kah', 'pun', 'tah'];
const MIN_STEM_LENGTH = 3;

const COMBINING_MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Fold text for matching: NFKD (compatibility forms such as full-width letters and ligatures become
 * plain letters), combining marks removed (`é` → `e`), lower-cased (locale-independent).
 */
export function foldForMatch(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** Split text into folded words (see {@link foldForMatch}); punctuation and symbols separate words. */
export function tokenize(text: string): string[] {
  return foldForMatch(text).match(WORD) ?? [];
}

/** The word without a trailing clitic, or undefined when it has none (or too little would remain). */
function stripClitic(word: string): string | undefined {
  for (const suffix of CLITIC_SUFFIXES) {
    if (word.length - suffix.length >= MIN_STEM_LENGTH && word.endsWith(suffix)) {
      return word.slice(0, -suffix.length);
    }
  }
  return undefined;
}

/** One rule of the generic matcher: an id, the patterns that make it match, and its vetoes. */
export interface MatchRule {
  readonly id: string;
  /** Words or phrases (any of them matches). */
  readonly patterns: readonly string[];
  /** Words or phrases that veto the rule (see the module header for covering vs. context excludes). */
  readonly exclude?: readonly string[];
  /** Ids of other rules, one of which must also match. */
  readonly requires?: readonly string[];
}

/** A compiled matcher. */
export interface TextMatcher {
  /**
   * Ids of the rules `text` matches, in configuration order, each once.
   * @param text - Plain text (title and body joined by the caller).
   */
  match(text: string): string[];
  /** Same as {@link TextMatcher.match} for text already split with {@link tokenize}. */
  matchTokens(tokens: readonly string[]): string[];
}

/** `cover`: an exclude containing one of the rule's patterns; `context`: any other exclude. */
type Role = 'term' | 'cover' | 'context';

interface Pattern {
  readonly rule: number;
  readonly role: Role;
  readonly words: readonly string[];
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Compile rules into a matcher. Patterns are indexed by their first word, so matching costs one pass over
 * the text's words plus a hash lookup per word (and per clitic-stripped variant); rule count barely matters.
 * @throws {RangeError} when a pattern has no letters or digits, or a rule id repeats.
 */
export function createTextMatcher(rules: readonly MatchRule[]): TextMatcher {
  const ids = rules.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new RangeError('duplicate rule id');
  const byFirstWord = new Map<string, Pattern[]>();
  const add = (pattern: Pattern) => {
    const first = pattern.words[0] as string;
    const list = byFirstWord.get(first);
    if (list) list.push(pattern);
    else byFirstWord.set(first, [pattern]);
  };
  const requires: number[][] = [];
  rules.forEach((rule, index) => {
    const termWords = rule.patterns.map((p) => {
      const words = tokenize(p);
      if (words.length === 0)
        throw new RangeError(`rule ${rule.id}: pattern ${JSON.stringify(p)} has no words`);
      return words;
    });
    for (const words of termWords) add({ rule: index, role: 'term', words });
    for (const p of rule.exclude ?? []) {
      const words = tokenize(p);
      if (words.length === 0)
        throw new RangeError(`rule ${rule.id}: exclude ${JSON.stringify(p)} has no words`);
      const covering = termWords.some((t) => containsSequence(words, t));
      add({ rule: index, role: covering ? 'cover' : 'context', words });
    }
    requires.push((rule.requires ?? []).map((id) => ids.indexOf(id)).filter((i) => i >= 0));
  });
  const hasRequires = requires.some((r) => r.length > 0);

  const wordMatches = (
    pattern: readonly string[],
    at: number,
    tokens: readonly string[],
    stems: readonly (string | undefined)[],
  ) => {
    const last = pattern.length - 1;
    for (let j = 1; j <= last; j++) {
      const token = tokens[at + j];
      if (token === undefined) return false;
      if (token !== pattern[j] && (j !== last || stems[at + j] !== pattern[j])) return false;
    }
    return true;
  };

  const matchTokens = (tokens: readonly string[]): string[] => {
    const stems = tokens.map(stripClitic);
    /** Per rule: term spans [start, end], covering-exclude spans, and whether a context exclude hit. */
    const terms: [number, number][][] = rules.map(() => []);
    const covers: [number, number][][] = rules.map(() => []);
    const vetoed: boolean[] = rules.map(() => false);
    const visit = (pattern: Pattern, at: number) => {
      const end = at + pattern.words.length - 1;
      if (pattern.role === 'term') terms[pattern.rule]?.push([at, end]);
      else if (pattern.role === 'cover') covers[pattern.rule]?.push([at, end]);
      else vetoed[pattern.rule] = true;
    };
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      for (const pattern of byFirstWord.get(token) ?? []) {
        if (wordMatches(pattern.words, i, tokens, stems)) visit(pattern, i);
      }
      const stem = stems[i];
      if (stem !== undefined) {
        // A clitic sits on the last word, so a stem can only start a one-word pattern.
        for (const pattern of byFirstWord.get(stem) ?? []) if (pattern.words.length === 1) visit(pattern, i);
      }
    }
    const matched = rules.map((_, r) => {
      if (vetoed[r]) return false;
      const ruleCovers = covers[r] ?? [];
      return (terms[r] ?? []).some(([s, e]) => !ruleCovers.some(([cs, ce]) => cs <= s && e <= ce));
    });
    if (hasRequires) {
      let changed = true;
      while (changed) {
        changed = false;
        requires.forEach((needs, r) => {
          if (matched[r] && needs.length > 0 && !needs.some((n) => matched[n])) {
            matched[r] = false;
            changed = true;
          }
        });
      }
    }
    return ids.filter((_, r) => matched[r]);
  };

  return { match: (text) => matchTokens(tokenize(text)), matchTokens };
}

/** Matches texts against the regency's keywords. */
export type KeywordMatcher = TextMatcher;

/**
 * Compile the configured keywords (terms and phrases alike, honouring `exclude` and `requires`).
 * Compile once per cold start and reuse: matching is a single pass over the text's words.
 * @param keywords - Parsed keywords (`KeywordSchema`); `requires` ids unknown here are ignored
 *   (config parsing already rejects them).
 * @returns `match(text)` → matching keyword ids in configuration order.
 * @throws {RangeError} when a term or phrase has no letters or digits, or two keywords share an id.
 * @example createKeywordMatcher(config.keywords).match('Bupati Majalengka resmikan jalan') // ['majalengka', 'bupati']
 */
export function createKeywordMatcher(keywords: readonly Keyword[]): KeywordMatcher {
  return createTextMatcher(
    keywords.map((k) => ({
      id: k.id,
      patterns: [...k.terms, ...k.phrases],
      exclude: k.exclude,
      requires: k.requires,
    })),
  );
}
