/**
 * Hashed sparse features for the linear sentiment model (the "hashing trick", Weinberger et al. 2009):
 * word unigrams and bigrams over negation-marked tokens, character n-grams inside words, and
 * authored-lexicon hits. No vocabulary is stored, so the weight file is a fixed-size table.
 */
import { z } from 'zod';
import { type LexiconClass, lexiconClass } from './lexicon.ts';
import { NEGATED_PREFIX, PLACEHOLDER } from './text.ts';

/** Feature settings; stored in the weight file so training and inference always agree. */
export const FeatureConfigSchema = z.object({
  /** log2 of the number of hash buckets. */
  hashBits: z.number().int().min(8).max(24),
  /** Scale of the word-unigram block (each block is divided by √(its feature count)). */
  word: z.number().min(0),
  /** Scale of the word-bigram block. */
  bigram: z.number().min(0),
  /** Scale of the character n-gram block. */
  char: z.number().min(0),
  /** Shortest and longest character n-gram (words are padded with one space each side). */
  charMin: z.number().int().min(1).max(8),
  charMax: z.number().int().min(1).max(8),
  /** Scale of the lexicon block (`lex:pos`, `lex:neg`, `lex:event`, counted per hit). */
  lexicon: z.number().min(0),
});
export type FeatureConfig = z.infer<typeof FeatureConfigSchema>;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x1b873593;
const SEED_BIGRAM = 0x5bd1e995;
const SEED_CHAR = 0x27d4eb2f;
const SEED_LEX = 0x165667b1;
const PLACEHOLDERS: ReadonlySet<string> = new Set(Object.values(PLACEHOLDER));
/** Words longer than this (URL remains, run-together text) get no character n-grams. */
const MAX_CHAR_GRAM_WORD = 40;

/** Murmur3 finaliser: spreads FNV's low-entropy high bits before bucketing. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function fnv(text: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** A reusable sparse vector: `size` entries of (bucket index, value); duplicates allowed and additive. */
export class SparseBuffer {
  index: Int32Array;
  value: Float32Array;
  size = 0;
  constructor(capacity = 1024) {
    this.index = new Int32Array(capacity);
    this.value = new Float32Array(capacity);
  }
  push(bucket: number, value: number): void {
    if (this.size === this.index.length) {
      const index = new Int32Array(this.size * 2);
      index.set(this.index);
      this.index = index;
      const values = new Float32Array(this.size * 2);
      values.set(this.value);
      this.value = values;
    }
    this.index[this.size] = bucket;
    this.value[this.size] = value;
    this.size++;
  }
  /** Multiply the values of entries `from`..`size-1` by `factor`. */
  scaleFrom(from: number, factor: number): void {
    for (let i = from; i < this.size; i++) this.value[i] = this.value[i]! * factor;
  }
}

/**
 * The social block's hashed space (since 2026.12.4; `docs/model-card.md`, "Eleventh attempt"): every general
 * feature (bucket b, value v) of a social post also fires bucket `socialBucket(b)` of a separate `2^bits`
 * block with value `value · v`. The block is fitted afterwards on social posts alone, as a residual over the
 * fixed general logits, so it changes only the `social` reading.
 */
export const SocialCopySchema = z.object({
  /** log2 of the social block's buckets. */
  bits: z.number().int().min(8).max(24),
  /** Scale of the block's feature values relative to the general ones (1 since 2026.12.4). */
  value: z.number().positive(),
});
export type SocialCopy = z.infer<typeof SocialCopySchema>;

const SEED_SOCIAL = 0x3c6ef372;

/** Bucket in the social block (0 … 2^bits − 1) of general bucket `bucket`: a salted re-hash. */
export function socialBucket(bucket: number, bits: number): number {
  return fmix(Math.imul(bucket, 0x9e3779b1) ^ SEED_SOCIAL) >>> (32 - bits);
}

/**
 * Append the social copy of the general entries `0 … size−1` of `out`, at indices `offset + socialBucket(b)`
 * (`offset` = 2^hashBits for a concatenated training table, 0 to index a separate social table).
 */
export function appendSocialCopy(out: SparseBuffer, copy: SocialCopy, offset: number): SparseBuffer {
  const n = out.size;
  for (let i = 0; i < n; i++)
    out.push(offset + socialBucket(out.index[i]!, copy.bits), out.value[i]! * copy.value);
  return out;
}

/** Bucket of a token's unigram feature. */
export function unigramBucket(token: string, hashBits: number): number {
  return fmix(fnv(token, SEED_WORD)) >>> (32 - hashBits);
}

/** Per-token hash that {@link bigramBucket} combines. */
export function bigramHash(token: string): number {
  return fnv(token, SEED_BIGRAM);
}

/** Bucket of the bigram (previous, current) from their {@link bigramHash}es. */
export function bigramBucket(previous: number, current: number, hashBits: number): number {
  return fmix(Math.imul(previous, 0x9e3779b1) ^ current) >>> (32 - hashBits);
}

/**
 * Append the character n-gram buckets of one token (its `neg_` prefix removed; padded as ` word `)
 * to `out` with value 1. Tokens shorter than 2, longer than 40, or placeholders give none.
 *
 * @returns How many entries were appended.
 */
export function appendCharGrams(token: string, config: FeatureConfig, out: SparseBuffer): number {
  const word = token.startsWith(NEGATED_PREFIX) ? token.slice(NEGATED_PREFIX.length) : token;
  const len = word.length;
  if (len < 2 || len > MAX_CHAR_GRAM_WORD || PLACEHOLDERS.has(word)) return 0;
  const shift = 32 - config.hashBits;
  const minN = config.charMin;
  const maxN = config.charMax;
  const padded = len + 2;
  const before = out.size;
  for (let i = 0; i < padded; i++) {
    let h = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
    for (let k = 0; k < maxN && i + k < padded; k++) {
      const p = i + k;
      h ^= p === 0 || p === padded - 1 ? 32 : word.charCodeAt(p - 1);
      h = Math.imul(h, FNV_PRIME);
      if (k + 1 >= minN) out.push(fmix(h ^ (k + 1)) >>> shift, 1);
    }
  }
  return out.size - before;
}

/**
 * Sum the weight rows of one token's character n-grams without materialising them: the same buckets, in
 * the same order, as {@link appendCharGrams} (a test checks this), read straight from `weights`. The sums
 * are of raw int8 values, so they are exact whatever the order (|sum| ≤ 42 × 8 × 128).
 *
 * @param token - A token (its `neg_` prefix, if any, is ignored as in {@link appendCharGrams}).
 * @param weights - `2^hashBits × 3` int8 weights, row-major by bucket then class.
 * @param out - Receives the three class sums at indices `at`, `at + 1`, `at + 2`.
 * @returns How many n-grams the token has (0 when {@link appendCharGrams} would append none).
 */
export function sumCharGrams(
  token: string,
  config: FeatureConfig,
  weights: Int8Array,
  out: Int32Array,
  at: number,
): number {
  const word = token.startsWith(NEGATED_PREFIX) ? token.slice(NEGATED_PREFIX.length) : token;
  const len = word.length;
  out[at] = 0;
  out[at + 1] = 0;
  out[at + 2] = 0;
  if (len < 2 || len > MAX_CHAR_GRAM_WORD || PLACEHOLDERS.has(word)) return 0;
  const shift = 32 - config.hashBits;
  const minN = config.charMin;
  const maxN = config.charMax;
  const padded = len + 2;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let count = 0;
  for (let i = 0; i < padded; i++) {
    let h = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
    for (let k = 0; k < maxN && i + k < padded; k++) {
      const p = i + k;
      h ^= p === 0 || p === padded - 1 ? 32 : word.charCodeAt(p - 1);
      h = Math.imul(h, FNV_PRIME);
      if (k + 1 >= minN) {
        const row = (fmix(h ^ (k + 1)) >>> shift) * 3;
        s0 += weights[row]!;
        s1 += weights[row + 1]!;
        s2 += weights[row + 2]!;
        count++;
      }
    }
  }
  out[at] = s0;
  out[at + 1] = s1;
  out[at + 2] = s2;
  return count;
}

/**
 * Bucket of the lexicon feature a token fires (`pos`/`neg` swapped inside a negation scope, `event`
 * kept), or −1 when the token is not in the lexicon.
 */
export function lexiconBucket(token: string, lang: string, hashBits: number): number {
  const effective = lexiconHit(token, lang);
  return effective === undefined ? -1 : fmix(fnv(effective, SEED_LEX)) >>> (32 - hashBits);
}

/**
 * The lexicon class a marked token fires: its class in the authored lexicon, with `pos` and `neg`
 * swapped inside a negation scope (`neg_bagus` fires `neg`) and `event` kept; undefined when absent.
 *
 * @param token - A token from `prepareTokens` (possibly with the `neg_` prefix).
 * @param lang - Routed language (selects Sundanese entries).
 */
export function lexiconHit(token: string, lang: string): LexiconClass | undefined {
  const negated = token.startsWith(NEGATED_PREFIX);
  const cls = lexiconClass(negated ? token.slice(NEGATED_PREFIX.length) : token, lang);
  if (cls === undefined || !negated || cls === 'event') return cls;
  return cls === 'pos' ? 'neg' : 'pos';
}

/** Lexicon hits of one document, by effective class (see {@link lexiconHit}). */
export interface LexiconCounts {
  event: number;
  neg: number;
  pos: number;
}

/**
 * Count the lexicon hits of a marked token sequence, by effective class.
 *
 * @param tokens - Output of `prepareTokens`.
 * @param lang - Routed language.
 */
export function lexiconCounts(tokens: readonly string[], lang: string): LexiconCounts {
  const counts: LexiconCounts = { event: 0, neg: 0, pos: 0 };
  for (const token of tokens) {
    const hit = lexiconHit(token, lang);
    if (hit !== undefined) counts[hit]++;
  }
  return counts;
}

/**
 * Write the hashed features of one token sequence into `out` (cleared first). This is the reference
 * definition used for training; `model.ts` computes the same logits faster with per-token caching.
 *
 * Blocks: unigrams of marked tokens (`neg_enak` ≠ `enak`); bigrams of adjacent marked tokens
 * (punctuation already removed, `!`/`?` kept); character n-grams of each unmarked word padded as
 * ` word `; one feature per lexicon hit. Unigram, bigram and character values are
 * `scale / √(entries in the block)`, a cheap stand-in for per-block L2 normalisation that needs no
 * de-duplication; lexicon hits have value `config.lexicon` each.
 *
 * @param tokens - Output of `prepareTokens`.
 * @param lang - Routed language (selects Sundanese lexicon entries).
 * @param config - Feature settings from the weight file.
 * @param out - Buffer to fill; returned for chaining.
 */
export function extractFeatures(
  tokens: readonly string[],
  lang: string,
  config: FeatureConfig,
  out: SparseBuffer,
): SparseBuffer {
  out.size = 0;
  const bits = config.hashBits;
  const n = tokens.length;
  if (config.word > 0 && n > 0) {
    for (let i = 0; i < n; i++) out.push(unigramBucket(tokens[i]!, bits), 1);
    out.scaleFrom(0, config.word / Math.sqrt(n));
  }
  if (config.bigram > 0 && n > 1) {
    const start = out.size;
    let previous = bigramHash(tokens[0]!);
    for (let i = 1; i < n; i++) {
      const h = bigramHash(tokens[i]!);
      out.push(bigramBucket(previous, h, bits), 1);
      previous = h;
    }
    out.scaleFrom(start, config.bigram / Math.sqrt(n - 1));
  }
  if (config.char > 0) {
    const start = out.size;
    for (let t = 0; t < n; t++) appendCharGrams(tokens[t]!, config, out);
    const count = out.size - start;
    if (count > 0) out.scaleFrom(start, config.char / Math.sqrt(count));
  }
  if (config.lexicon > 0) {
    for (let t = 0; t < n; t++) {
      const bucket = lexiconBucket(tokens[t]!, lang, bits);
      if (bucket >= 0) out.push(bucket, config.lexicon);
    }
  }
  return out;
}
