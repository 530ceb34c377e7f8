/**
 * The linear sentiment model: weight-file schema, decoding, and the pure scoring function that turns
 * text into a Comprehend-shaped {@link Sentiment}.
 */
import { z } from 'zod';
import type { Sentiment, SentimentLabel, SentimentScores } from '#shared/domain/mention.ts';
import {
  appendCharGrams,
  bigramBucket,
  bigramHash,
  extractFeatures,
  FeatureConfigSchema,
  lexiconBucket,
  SparseBuffer,
  unigramBucket,
} from './features.ts';
import {
  markNegation,
  NEGATED_PREFIX,
  NEGATION_SCOPE,
  NON_ASCII,
  negatorOf,
  normalizeText,
  PLACEHOLDER,
  prepareTokens,
  tokenize,
} from './text.ts';

/** Class order of every weight row and probability vector. */
export const CLASSES = ['negative', 'neutral', 'positive'] as const;
export type SentimentClass = (typeof CLASSES)[number];
export const NUM_CLASSES = CLASSES.length;
const NEG = 0;
const NEU = 1;
const POS = 2;

/** Decision rules applied to the calibrated class probabilities. */
export const DecisionSchema = z.object({
  /** Logit divisor fitted on the valid splits (minimum log-loss). */
  temperature: z.number().positive(),
  /** Added to the calibrated logits, per class in {@link CLASSES} order (tuned on valid macro-F1). */
  classBias: z.array(z.number()).length(NUM_CLASSES),
  /** Text is NEUTRAL when |P(pos) − P(neg)| is below this (0 disables the band). */
  neutralBand: z.number().min(0).max(1),
  /** Text is MIXED when both P(pos) and P(neg) reach this (≥ 0.5 disables MIXED). */
  mixedThreshold: z.number().min(0).max(1),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** The shipped weight file (`models/sentiment-id-<version>.json`). */
export const WeightFileSchema = z.object({
  format: z.literal('pantau-linear-hashed/1'),
  name: z.string().min(1),
  version: z.string().min(1),
  features: FeatureConfigSchema,
  decision: DecisionSchema,
  /** Intercepts, per class. */
  bias: z.array(z.number()).length(NUM_CLASSES),
  /** Weights are int8 `q` with weight = q × scale. */
  scale: z.number().positive(),
  /** Base64 of `2^hashBits × 3` int8 values, row-major by bucket then class. */
  weights: z.string(),
  /** Free-form facts about how the file was made (data, seed, metrics); not read at inference. */
  provenance: z.record(z.string(), z.unknown()),
});
export type WeightFile = z.infer<typeof WeightFileSchema>;

/** The weight file did not parse or does not match its declared size. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

/** A decoded, ready-to-score model: int8 weights (× `scale`) and the decision rules. */
export interface LinearModel {
  readonly name: string;
  readonly version: string;
  readonly features: z.infer<typeof FeatureConfigSchema>;
  readonly decision: Decision;
  readonly bias: Float64Array;
  /**
   * `2^hashBits × 3` quantised weights, row-major by bucket then class; weight = q × `scale`. Kept as
   * int8 at inference: the 0.75 MB table stays in CPU cache, which doubles throughput over float32.
   */
  readonly weights: Int8Array;
  readonly scale: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_LOOKUP[BASE64.charCodeAt(i)] = i;

/**
 * Decode standard base64 (padding optional) without Node's `Buffer`, so the domain stays runtime-free.
 *
 * @throws {ModelFormatError} on a character outside the base64 alphabet.
 */
export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? BASE64_LOOKUP[code]! : -1;
    if (v < 0) throw new ModelFormatError(`invalid base64 character at ${i}`);
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

interface NodeBufferLike {
  from(text: string, encoding: 'base64'): Uint8Array;
}

/**
 * Decode the weight table: Node's native `Buffer` when the runtime has one (about 1 ms for 1 MB,
 * against 15–45 ms for the JavaScript loop before the JIT has warmed up at cold start), else
 * {@link decodeBase64}. `Buffer` skips invalid characters instead of failing, so callers must check
 * the decoded length, as {@link decodeWeightFile} does.
 */
function decodeWeights(text: string): Uint8Array {
  const buffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
  if (buffer !== undefined) {
    const bytes = buffer.from(text, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return decodeBase64(text);
}

/** Encode bytes as standard base64 with padding (inverse of {@link decodeBase64}). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + BASE64[(n >> 6) & 63]! + BASE64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${BASE64[n >> 18]!}${BASE64[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${BASE64[n >> 18]!}${BASE64[(n >> 12) & 63]!}${BASE64[(n >> 6) & 63]!}=`;
  }
  return out;
}

/**
 * Validate and decode a weight file into a {@link LinearModel}.
 *
 * @param raw - Parsed JSON of a weight file.
 * @throws {ModelFormatError} when the schema or the weight length does not match (`cause` = zod error).
 */
export function decodeWeightFile(raw: unknown): LinearModel {
  const parsed = WeightFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new ModelFormatError('weight file does not match its schema', { cause: parsed.error });
  const file = parsed.data;
  const bytes = decodeWeights(file.weights);
  const expected = 2 ** file.features.hashBits * NUM_CLASSES;
  if (bytes.length !== expected) {
    throw new ModelFormatError(`expected ${expected} weights, found ${bytes.length}`);
  }
  const weights = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    name: file.name,
    version: file.version,
    features: file.features,
    decision: file.decision,
    bias: Float64Array.from(file.bias),
    weights,
    scale: file.scale,
  };
}

/**
 * Raw class logits by the reference feature definition (`extractFeatures`), in {@link CLASSES} order.
 * Used by training and calibration; {@link TokenCache} gives the same numbers faster.
 *
 * @param buffer - Scratch buffer (reused across calls by the caller).
 */
export function referenceLogits(
  model: Pick<LinearModel, 'features' | 'bias' | 'weights' | 'scale'>,
  text: string,
  lang: string,
  buffer: SparseBuffer,
): [number, number, number] {
  extractFeatures(prepareTokens(text, lang), lang, model.features, buffer);
  let neg = model.bias[NEG]!;
  let neu = model.bias[NEU]!;
  let pos = model.bias[POS]!;
  const w = model.weights;
  for (let i = 0; i < buffer.size; i++) {
    const row = buffer.index[i]! * 3;
    const v = buffer.value[i]! * model.scale;
    neg += v * w[row]!;
    neu += v * w[row + 1]!;
    pos += v * w[row + 2]!;
  }
  return [neg, neu, pos];
}

/** What one (marked) token contributes, independent of the document it appears in. */
class TokenEntry {
  /** Entry of `neg_<token>`, built on first use. */
  negated: TokenEntry | undefined;
  /** Entry of the canonical negator when this token is a negator in the cache's language. */
  negator: TokenEntry | undefined;
  constructor(
    readonly token: string,
    /** Unigram weights (negative, neutral, positive). */
    readonly u0: number,
    readonly u1: number,
    readonly u2: number,
    /** Sums of the token's character n-gram weights, and how many n-grams it has. */
    readonly c0: number,
    readonly c1: number,
    readonly c2: number,
    readonly charCount: number,
    /** Lexicon weights (0 when the token is not in the lexicon). */
    readonly l0: number,
    readonly l1: number,
    readonly l2: number,
    readonly bigramHash: number,
  ) {}
}

/** Entries kept per language before that cache is emptied (bounds memory at roughly 20 MB). */
const TOKEN_CACHE_LIMIT = 30_000;
/** Open-addressing slots per table (power of two, load factor ≤ 0.39 at the limit). */
const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/** Two independent 32-bit hashes of `s[start..end)` (FNV-1a, and a multiplicative hash). */
function rangeHashes(s: string, start: number, end: number, out: Int32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x2545f491;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 + c, 0x9e3779b1);
  }
  out[0] = h1 | 1;
  out[1] = h2;
}

/**
 * Token → entry table keyed by two hashes of the characters (63 bits), so the ASCII scan can look a
 * token up straight from the text: no substring, no string hashing, no character comparison. Two
 * tokens sharing both hashes would share an entry; with ≤ 30,000 entries the chance is about 1e-10.
 * (A `Map<string, …>` cost a third of the classification time.)
 */
class EntryTable {
  /** Interleaved (h1 | 1, h2) pairs; h1 = 0 marks an empty slot. */
  private readonly keys = new Int32Array(2 << TABLE_BITS);
  private readonly slots: (TokenEntry | undefined)[] = new Array<TokenEntry | undefined>(
    1 << TABLE_BITS,
  ).fill(undefined);
  private size = 0;

  find(h1: number, h2: number): TokenEntry | undefined {
    let i = h1 & TABLE_MASK;
    for (;;) {
      const k = this.keys[2 * i]!;
      if (k === 0) return undefined;
      if (k === h1 && this.keys[2 * i + 1] === h2) return this.slots[i];
      i = (i + 1) & TABLE_MASK;
    }
  }

  insert(h1: number, h2: number, entry: TokenEntry): void {
    if (this.size >= TOKEN_CACHE_LIMIT) {
      this.keys.fill(0);
      this.slots.fill(undefined);
      this.size = 0;
    }
    let i = h1 & TABLE_MASK;
    while (this.keys[2 * i] !== 0) i = (i + 1) & TABLE_MASK;
    this.keys[2 * i] = h1;
    this.keys[2 * i + 1] = h2;
    this.slots[i] = entry;
    this.size++;
  }
}

/** Running sums of one document's score blocks. */
class Accumulator {
  u0 = 0;
  u1 = 0;
  u2 = 0;
  b0 = 0;
  b1 = 0;
  b2 = 0;
  c0 = 0;
  c1 = 0;
  c2 = 0;
  l0 = 0;
  l1 = 0;
  l2 = 0;
  charCount = 0;
  tokens = 0;
  previous = 0;
  reset(): void {
    this.u0 = this.u1 = this.u2 = this.b0 = this.b1 = this.b2 = 0;
    this.c0 = this.c1 = this.c2 = this.l0 = this.l1 = this.l2 = 0;
    this.charCount = this.tokens = this.previous = 0;
  }
}

/**
 * Memoised per-token contributions. Every block of the linear score is a sum over tokens of a
 * document-independent vector times a per-document scale (1/√count), so each distinct token's
 * unigram, character n-gram and lexicon weights are summed once and reused; only bigrams are looked
 * up per document. For ASCII text, tokenising and negation marking are fused into one scan that
 * builds no token array. Same logits as {@link referenceLogits} up to float summation order (a test
 * checks this on the public data).
 */
export class TokenCache {
  private readonly byLang = new Map<string, EntryTable>();
  private readonly scratch = new SparseBuffer(256);
  private readonly acc = new Accumulator();
  private readonly hashes = new Int32Array(2);
  private readonly bigrams: boolean;
  constructor(private readonly model: Pick<LinearModel, 'features' | 'bias' | 'weights' | 'scale'>) {
    this.bigrams = model.features.bigram > 0;
  }

  /** Cache key: negators differ for Sundanese and Javanese, the lexicon for Sundanese. */
  private cacheFor(lang: string): EntryTable {
    const key = lang === 'su' || lang === 'jv' ? lang : '*';
    let cache = this.byLang.get(key);
    if (cache === undefined) {
      cache = new EntryTable();
      this.byLang.set(key, cache);
    }
    return cache;
  }

  private entry(token: string, lang: string, cache: EntryTable): TokenEntry {
    const h = this.hashes;
    rangeHashes(token, 0, token.length, h);
    return this.entryAt(token, 0, token.length, lang, cache, h[0]!, h[1]!);
  }

  /**
   * Entry of the token `s[start..end)` with hashes `h1`, `h2` (see `rangeHashes`; the ASCII scan
   * computes them while reading the characters). The substring is only created on a cache miss,
   * lower-cased when `fold` says the range has capitals.
   */
  private entryAt(
    s: string,
    start: number,
    end: number,
    lang: string,
    cache: EntryTable,
    h1: number,
    h2: number,
    fold = false,
  ): TokenEntry {
    const hit = cache.find(h1, h2);
    if (hit !== undefined) return hit;
    const raw = start === 0 && end === s.length ? s : s.slice(start, end);
    const token = fold ? raw.toLowerCase() : raw;
    const entry = this.build(token, lang);
    cache.insert(h1, h2, entry);
    const canonical = negatorOf(token, lang);
    if (canonical !== undefined)
      entry.negator = canonical === token ? entry : this.entry(canonical, lang, cache);
    return entry;
  }

  private negatedOf(entry: TokenEntry, lang: string): TokenEntry {
    entry.negated ??= this.build(NEGATED_PREFIX + entry.token, lang);
    return entry.negated;
  }

  private build(token: string, lang: string): TokenEntry {
    const f = this.model.features;
    const w = this.model.weights;
    const u = unigramBucket(token, f.hashBits) * 3;
    const scratch = this.scratch;
    scratch.size = 0;
    const count = f.char > 0 ? appendCharGrams(token, f, scratch) : 0;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; i < count; i++) {
      const row = scratch.index[i]! * 3;
      c0 += w[row]!;
      c1 += w[row + 1]!;
      c2 += w[row + 2]!;
    }
    const lex = f.lexicon > 0 ? lexiconBucket(token, lang, f.hashBits) : -1;
    const l = lex * 3;
    const k = this.model.scale;
    return new TokenEntry(
      token,
      w[u]! * k,
      w[u + 1]! * k,
      w[u + 2]! * k,
      c0 * k,
      c1 * k,
      c2 * k,
      count,
      lex < 0 ? 0 : w[l]! * k,
      lex < 0 ? 0 : w[l + 1]! * k,
      lex < 0 ? 0 : w[l + 2]! * k,
      bigramHash(token),
    );
  }

  private add(e: TokenEntry): void {
    const a = this.acc;
    const w = this.model.weights;
    a.u0 += e.u0;
    a.u1 += e.u1;
    a.u2 += e.u2;
    a.c0 += e.c0;
    a.c1 += e.c1;
    a.c2 += e.c2;
    a.charCount += e.charCount;
    a.l0 += e.l0;
    a.l1 += e.l1;
    a.l2 += e.l2;
    if (a.tokens > 0 && this.bigrams) {
      const row = bigramBucket(a.previous, e.bigramHash, this.model.features.hashBits) * 3;
      a.b0 += w[row]!;
      a.b1 += w[row + 1]!;
      a.b2 += w[row + 2]!;
    }
    a.previous = e.bigramHash;
    a.tokens++;
  }

  /**
   * Fused {@link tokenize} + {@link markNegation} for ASCII text that may still contain capitals
   * (`normalizeText(text, true)`): letters are folded to lower case while hashing, and a token's
   * string is only built (lower-cased) on a cache miss. Same token stream as the reference path.
   */
  private scanAscii(s: string, lang: string, cache: EntryTable): void {
    const n = s.length;
    let scope = 0;
    let i = 0;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (c >= 65 && c <= 90) c |= 32;
      const letter = c >= 97 && c <= 122;
      if (letter || (c >= 48 && c <= 57)) {
        const start = i;
        i++;
        // Same hashes as `rangeHashes` over the lower-cased token, computed while reading it.
        let h1 = Math.imul(0x811c9dc5 ^ c, 0x01000193);
        let h2 = Math.imul(0x2545f491 + c, 0x9e3779b1);
        let upper = false;
        if (letter) {
          while (i < n) {
            let d = s.charCodeAt(i);
            if (d >= 65 && d <= 90) {
              d |= 32;
              upper = true;
            } else if (!((d >= 97 && d <= 122) || (d >= 48 && d <= 57))) break;
            h1 = Math.imul(h1 ^ d, 0x01000193);
            h2 = Math.imul(h2 + d, 0x9e3779b1);
            i++;
          }
        } else {
          while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        }
        let e = letter
          ? this.entryAt(s, start, i, lang, cache, h1 | 1, h2, upper || s.charCodeAt(start) <= 90)
          : this.entry(PLACEHOLDER.number, lang, cache);
        if (e.negator !== undefined) {
          e = e.negator;
          scope = NEGATION_SCOPE;
        } else if (scope > 0) {
          e = this.negatedOf(e, lang);
          scope--;
        }
        this.add(e);
        continue;
      }
      if (c === 46 || c === 44 || c === 59 || c === 58) {
        scope = 0;
      } else if (c === 33 || c === 63) {
        scope = 0;
        this.add(this.entry(c === 33 ? '!' : '?', lang, cache));
      }
      i++;
    }
  }

  /** Raw class logits (before calibration), in {@link CLASSES} order. */
  logits(text: string, lang: string): [number, number, number] {
    const { features: f, bias } = this.model;
    const cache = this.cacheFor(lang);
    // ASCII text keeps its case here (the scan folds it); anything else comes back lower-cased.
    const normalized = normalizeText(text, true);
    this.acc.reset();
    if (NON_ASCII.test(normalized)) {
      for (const token of markNegation(tokenize(normalized), lang)) {
        const negated = token.startsWith(NEGATED_PREFIX);
        const e = this.entry(negated ? token.slice(NEGATED_PREFIX.length) : token, lang, cache);
        this.add(negated ? this.negatedOf(e, lang) : e);
      }
    } else {
      this.scanAscii(normalized, lang, cache);
    }
    const a = this.acc;
    const n = a.tokens;
    const su = n > 0 ? f.word / Math.sqrt(n) : 0;
    // Bigram sums are of raw int8 values; the scale is applied once here.
    const sb = n > 1 ? (f.bigram * this.model.scale) / Math.sqrt(n - 1) : 0;
    const sc = a.charCount > 0 ? f.char / Math.sqrt(a.charCount) : 0;
    const sl = f.lexicon;
    return [
      bias[NEG]! + su * a.u0 + sb * a.b0 + sc * a.c0 + sl * a.l0,
      bias[NEU]! + su * a.u1 + sb * a.b1 + sc * a.c1 + sl * a.l1,
      bias[POS]! + su * a.u2 + sb * a.b2 + sc * a.c2 + sl * a.l2,
    ];
  }
}

/** Softmax of `z / temperature + classBias`, in {@link CLASSES} order (sums to 1). */
export function calibratedProbabilities(
  raw: readonly number[],
  decision: Decision,
): [number, number, number] {
  const t = decision.temperature;
  const b = decision.classBias;
  const z0 = raw[0]! / t + b[0]!;
  const z1 = raw[1]! / t + b[1]!;
  const z2 = raw[2]! / t + b[2]!;
  const max = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - max);
  const e1 = Math.exp(z1 - max);
  const e2 = Math.exp(z2 - max);
  const sum = e0 + e1 + e2;
  return [e0 / sum, e1 / sum, e2 / sum];
}

/**
 * Turn calibrated probabilities into Comprehend's four scores and a label that is always their argmax.
 *
 * Rules, in order:
 * 1. MIXED when P(pos) and P(neg) both reach `mixedThreshold` (< 0.5): the shared mass
 *    2·min(P(pos), P(neg)) moves to Mixed, which is then the largest score.
 * 2. NEUTRAL when |P(pos) − P(neg)| < `neutralBand` and neutral is not already the argmax: positive
 *    and negative are shrunk by λ = 1 / (P(pos) + P(neg) + 2·max) and the freed mass moves to Neutral,
 *    so Neutral = 2·λ·max > the larger polarity.
 * 3. Otherwise the argmax of the three probabilities.
 *
 * @param p - Probabilities in {@link CLASSES} order, summing to 1.
 */
export function decide(
  p: readonly [number, number, number],
  decision: Pick<Decision, 'neutralBand' | 'mixedThreshold'>,
): { label: SentimentLabel; scores: SentimentScores } {
  let neg = p[NEG];
  let neu = p[NEU];
  let pos = p[POS];
  let mixed = 0;
  const shared = Math.min(pos, neg);
  if (decision.mixedThreshold < 0.5 && shared >= decision.mixedThreshold) {
    mixed = 2 * shared;
    pos -= shared;
    neg -= shared;
    return {
      label: 'MIXED',
      scores: normalise({ Positive: pos, Negative: neg, Neutral: neu, Mixed: mixed }),
    };
  }
  const top = Math.max(pos, neg);
  if (Math.abs(pos - neg) < decision.neutralBand && neu <= top) {
    const lambda = 1 / (pos + neg + 2 * top);
    if (lambda < 1) {
      pos *= lambda;
      neg *= lambda;
      neu = 1 - pos - neg;
    }
    return { label: 'NEUTRAL', scores: normalise({ Positive: pos, Negative: neg, Neutral: neu, Mixed: 0 }) };
  }
  const scores = normalise({ Positive: pos, Negative: neg, Neutral: neu, Mixed: 0 });
  const label: SentimentLabel = neu >= pos && neu >= neg ? 'NEUTRAL' : pos >= neg ? 'POSITIVE' : 'NEGATIVE';
  return { label, scores };
}

/**
 * Map a four-way verdict onto a data set's classes, for evaluation. MIXED becomes its stronger
 * polarity (annotators of a mixed text picked one polarity; MIXED does not mean "no sentiment"); on
 * binary data NEUTRAL does too (a forced choice, as the data has no neutral class).
 *
 * @param binary - True for negative/positive data sets (IndoLEM, NusaTranslation).
 */
export function toDatasetClass(
  verdict: { label: SentimentLabel; scores: SentimentScores },
  binary: boolean,
): SentimentClass {
  const stronger = verdict.scores.Positive >= verdict.scores.Negative ? 'positive' : 'negative';
  switch (verdict.label) {
    case 'POSITIVE':
      return 'positive';
    case 'NEGATIVE':
      return 'negative';
    case 'MIXED':
      return stronger;
    default:
      return binary ? stronger : 'neutral';
  }
}

/**
 * Scores below this are reported as 0. A long text with many strong words drives the softmax to values
 * like 1e-174, which carry no information at this model's calibration and which DynamoDB cannot store
 * (its numbers end at 1e-130: "Number underflow").
 */
export const MIN_REPORTED_SCORE = 1e-12;

/**
 * Re-normalise so the four scores sum to 1 exactly in floating point (rounding can leave 1 ± 1e-16),
 * after flushing scores below {@link MIN_REPORTED_SCORE} to 0.
 */
function normalise(s: SentimentScores): SentimentScores {
  const flush = (x: number) => (x < MIN_REPORTED_SCORE ? 0 : x);
  const f = {
    Positive: flush(s.Positive),
    Negative: flush(s.Negative),
    Neutral: flush(s.Neutral),
    Mixed: flush(s.Mixed),
  };
  const sum = f.Positive + f.Negative + f.Neutral + f.Mixed;
  if (!(sum > 0) || !Number.isFinite(sum)) return { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 };
  return {
    Positive: f.Positive / sum,
    Negative: f.Negative / sum,
    Neutral: f.Neutral / sum,
    Mixed: f.Mixed / sum,
  };
}

/**
 * Classify one text with a decoded model. Deterministic (the cache only memoises); never throws for
 * any string input (empty text scores from the intercepts alone).
 *
 * @param model - Decoded weights.
 * @param text - Plain text of any length (cut at `MAX_CLASSIFY_CHARS`).
 * @param lang - Routed language (`id`, `su`, `jv`, `und` …).
 * @param cache - The model's {@link TokenCache}; one per model instance.
 */
export function classifyWith(model: LinearModel, text: string, lang: string, cache: TokenCache): Sentiment {
  const p = calibratedProbabilities(cache.logits(text, lang), model.decision);
  const { label, scores } = decide(p, model.decision);
  return { label, scores, model: model.name, modelVersion: model.version };
}
