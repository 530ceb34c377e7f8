/**
 * The linear sentiment model: weight-file schema, decoding, and the pure scoring function that turns
 * text into a Comprehend-shaped {@link Sentiment}.
 */
import { z } from 'zod';
import type { Sentiment, SentimentLabel, SentimentScores } from '#shared/domain/mention.ts';
import {
  appendSocialCopy,
  bigramBucket,
  bigramHash,
  extractFeatures,
  FeatureConfigSchema,
  type LexiconCounts,
  lexiconBucket,
  lexiconHit,
  type SocialCopy,
  SocialCopySchema,
  type SparseBuffer,
  socialBucket,
  sumCharGrams,
  unigramBucket,
} from './features.ts';
import {
  headlineShaped,
  MAX_CLASSIFY_CHARS,
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

/**
 * How news is read differently from reviews and posts. In media monitoring (the office's convention)
 * a headline about a flood or a corruption case is negative and one about an award positive, while the
 * review and tweet corpora the model learnt from label such reports neutral; the model's own weights
 * for the adverse-event lexicon feature even lean away from negative (−0.62 on positive, +0.21 on
 * neutral, +0.06 on negative in 2026.11.2). So for news the calibrated logits z/T + classBias get
 * `eventPrior` × (adverse-event hits) added to the negative logit and `polarPrior` × (evaluative hits of
 * each polarity, negation-swapped) to that polarity, and the neutral band is its own. Temperature and the
 * MIXED rule are shared.
 */
export const NewsDecisionSchema = z.object({
  classBias: z.array(z.number()).length(NUM_CLASSES),
  neutralBand: z.number().min(0).max(1),
  eventPrior: z.number().min(0),
  polarPrior: z.number().min(0),
});
export type NewsDecision = z.infer<typeof NewsDecisionSchema>;

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
  /**
   * The decision for news text (since 2026.11.3; absent in older files, which then use the rules above
   * for every text). Fitted on labelled Majalengka headlines; see {@link NewsDecisionSchema}.
   */
  news: NewsDecisionSchema.optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/**
 * Which reading a text gets: `news` applies {@link NewsDecision} (when the model has one), `general`
 * the valid-calibrated rules, `social` the same rules over the general logits plus the social block's
 * (for posts and comments of social sources; the general reading when the model has no social block;
 * since 2026.12.4, `docs/model-card.md`, "Eleventh attempt"), and `auto` chooses `news` for text
 * shaped like a Title Case headline (`headlineShaped`), else `general`.
 */
export const TEXT_GENRES = ['auto', 'news', 'general', 'social'] as const;
export type TextGenre = (typeof TEXT_GENRES)[number];

/** Format 1: the general block only. Format 2 (since 2026.12.4): optionally a social block too. */
export const WEIGHT_FILE_FORMATS = ['pantau-linear-hashed/1', 'pantau-linear-hashed/2'] as const;

/** The shipped weight file (`models/sentiment-id-<version>.json`). */
export const WeightFileSchema = z
  .object({
    format: z.enum(WEIGHT_FILE_FORMATS),
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
    /**
     * Format 2 only, optional: the social block (see `SocialCopySchema`), a residual correction fitted on
     * social posts with the general weights held fixed: its own intercepts and base64 of `2^bits × 3` int8
     * values with its own scale (weight = q × scale), read only by the `social` reading.
     */
    social: SocialCopySchema.extend({
      bias: z.array(z.number()).length(NUM_CLASSES),
      scale: z.number().positive(),
      weights: z.string(),
    }).optional(),
  })
  .refine((file) => file.social === undefined || file.format === 'pantau-linear-hashed/2', {
    message: 'a social block needs format pantau-linear-hashed/2',
    path: ['social'],
  });
export type WeightFile = z.infer<typeof WeightFileSchema>;

/** The weight file did not parse or does not match its declared size. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

/** The decoded social block of a format-2 file: a residual over the general logits of social posts. */
export interface SocialBlock {
  readonly copy: SocialCopy;
  readonly bias: Float64Array;
  readonly weights: Int8Array;
  readonly scale: number;
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
  /**
   * The social block (format 2; see `SocialCopySchema`): intercepts added to {@link LinearModel.bias} and
   * `2^copy.bits × 3` int8 weights, weight = q × `scale`. Absent for models without one, whose `social`
   * reading is the general one.
   */
  readonly social?: SocialBlock;
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
  const model: LinearModel = {
    name: file.name,
    version: file.version,
    features: file.features,
    decision: file.decision,
    bias: Float64Array.from(file.bias),
    weights,
    scale: file.scale,
  };
  if (file.social === undefined) return model;
  const social = decodeWeights(file.social.weights);
  if (social.length !== 2 ** file.social.bits * NUM_CLASSES)
    throw new ModelFormatError(
      `expected ${2 ** file.social.bits * NUM_CLASSES} social weights, found ${social.length}`,
    );
  return {
    ...model,
    social: {
      copy: { bits: file.social.bits, value: file.social.value },
      bias: Float64Array.from(file.social.bias),
      weights: new Int8Array(social.buffer, social.byteOffset, social.length),
      scale: file.social.scale,
    },
  };
}

/**
 * Raw class logits of a text under the `social` reading, by the reference feature definition:
 * {@link referenceLogits} plus the social block's intercepts and, for each general feature (b, v),
 * v · copy.value × social weight row `socialBucket(b)`. Equal to {@link referenceLogits} for a model
 * without a social block. {@link socialReadingModel} gives the same numbers up to one int8 rounding.
 *
 * @param buffer - Scratch buffer (reused across calls by the caller); holds both blocks' entries after.
 */
export function socialLogits(
  model: Pick<LinearModel, 'features' | 'bias' | 'weights' | 'scale' | 'social'>,
  text: string,
  lang: string,
  buffer: SparseBuffer,
): [number, number, number] {
  const z = referenceLogits(model, text, lang, buffer);
  const social = model.social;
  if (social === undefined) return z;
  z[0] += social.bias[0]!;
  z[1] += social.bias[1]!;
  z[2] += social.bias[2]!;
  const general = buffer.size;
  appendSocialCopy(buffer, social.copy, 0);
  const w = social.weights;
  for (let i = general; i < buffer.size; i++) {
    const row = buffer.index[i]! * 3;
    const v = buffer.value[i]! * social.scale;
    z[0] += v * w[row]!;
    z[1] += v * w[row + 1]!;
    z[2] += v * w[row + 2]!;
  }
  return z;
}

/**
 * Symmetric int8 quantisation: scale = max |w| / 127, q = round(w / scale) (scale 1 for all-zero weights).
 *
 * @returns The scale and the int8 values as bytes, in input order.
 */
export function quantize(weights: Float32Array): { scale: number; bytes: Uint8Array } {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs(weights[i]!));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.round(weights[i]! / scale);
  return { scale, bytes: new Uint8Array(q.buffer) };
}

/**
 * The `social` reading as an ordinary general-only model, so the {@link TokenCache} fast path serves it
 * unchanged. A social copy carries its general feature's value × copy.value, so the social logits are
 * bias + social.bias + Σ v · M[b] with M[b] = scale · W[b] + copy.value · social.scale · S[socialBucket(b)]: one merged
 * `2^hashBits × 3` table, re-quantised to int8 (one rounding more than {@link socialLogits}; a test checks
 * that real posts get the same class both ways). Costs one pass over the table (a few ms, once per model).
 *
 * @returns `model` itself when it has no social block; else a model without one, with the merged table.
 */
export function socialReadingModel(model: LinearModel): LinearModel {
  const social = model.social;
  if (social === undefined) return model;
  const buckets = 2 ** model.features.hashBits;
  const merged = new Float32Array(buckets * NUM_CLASSES);
  const general = model.scale;
  const copy = social.copy.value * social.scale;
  for (let b = 0; b < buckets; b++) {
    const s = socialBucket(b, social.copy.bits) * NUM_CLASSES;
    const g = b * NUM_CLASSES;
    for (let c = 0; c < NUM_CLASSES; c++)
      merged[g + c] = general * model.weights[g + c]! + copy * social.weights[s + c]!;
  }
  const { scale, bytes } = quantize(merged);
  const { social: _social, ...rest } = model;
  const bias = Float64Array.from(model.bias, (b, c) => b + social.bias[c]!);
  return { ...rest, bias, weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), scale };
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

/**
 * Entries kept per language before that cache is emptied. With at most 10,000 more from one document and
 * a `neg_` variant each, records stay under 131,072 × 48 bytes (6.3 MB) per language.
 */
const TOKEN_CACHE_LIMIT = 30_000;
/**
 * Open-addressing slots per table (power of two). The cache is only emptied between documents, so one
 * document may add up to `MAX_CLASSIFY_CHARS / 2` words past the limit: load factor ≤ 0.62.
 */
const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
/**
 * Int32s per entry record (48 bytes). Weights stay int8 and n-gram sums int32, multiplied by the scale
 * while summing: the same products as multiplying once when the entry is built, in a third of the
 * memory, which is what the scan waits on.
 */
const REC = 12;
/** The two key hashes (h1 | 1, h2). */
const R_H1 = 0;
const R_H2 = 1;
const R_BIGRAM = 2;
/** Sums of the token's character n-gram weights (int8 units), per class, and how many n-grams it has. */
const R_CHAR = 3;
const R_CHAR_COUNT = 6;
/** Entry of the canonical negator when the token is a negator in the table's language, else {@link NONE}. */
const R_NEGATOR = 7;
/** Entry of `neg_<token>` once built, else {@link NONE}. */
const R_NEGATED = 8;
/** Byte offsets in a record of the three unigram and three lexicon int8 weights (0 when no lexicon hit). */
const B_UNIGRAM = 36;
const B_LEXICON = 40;
/** The effective lexicon class the entry fires: 0 none, then {@link LEX_EVENT}, {@link LEX_NEG}, {@link LEX_POS}. */
const R_LEX_CLASS = 11;
const LEX_EVENT = 1;
const LEX_NEG = 2;
const LEX_POS = 3;
const NONE = -1;
const INITIAL_ENTRIES = 4096;

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
 * What each distinct (marked) token contributes, independent of the document it appears in, as one
 * fixed-size integer record per entry (an entry is an integer id), and a token → id table keyed by two
 * hashes of the characters (63 bits), so the ASCII scan can look a token up straight from the text: no
 * substring, no string hashing, no character comparison. Two tokens sharing both hashes would share an
 * entry; with ≤ 40,000 entries the chance is about 1e-10 (40,000² / 2⁶⁴). Records in one typed array rather than one
 * object per token: a lookup touches one or two cache lines instead of a dozen boxed numbers, and the
 * garbage collector has nothing to trace (a `Map<string, object>` once cost a third of the time).
 */
class EntryTable {
  /** Per slot: entry id + 1, or 0 for an empty slot. */
  private readonly slots = new Int32Array(1 << TABLE_BITS);
  /** Slots in use. */
  size = 0;
  /** Entries allocated (table entries plus their `neg_` variants). */
  count = 0;
  records = new Int32Array(INITIAL_ENTRIES * REC);
  /** Byte view of {@link records}, for the int8 weights. */
  bytes = new Int8Array(this.records.buffer);
  /** The token of each entry (kept to build its `neg_` variant). */
  tokens: string[] = [];
  /** Entries of `xnum`, `!` and `?`, found once per table. */
  numberId = NONE;
  bangId = NONE;
  questionId = NONE;

  /** Entry id of the token with hashes (h1 | 1, h2), or {@link NONE}. */
  find(h1: number, h2: number): number {
    const slots = this.slots;
    const records = this.records;
    let i = h1 & TABLE_MASK;
    for (;;) {
      const slot = slots[i]!;
      if (slot === 0) return NONE;
      const o = (slot - 1) * REC;
      if (records[o + R_H1] === h1 && records[o + R_H2] === h2) return slot - 1;
      i = (i + 1) & TABLE_MASK;
    }
  }

  /** Make entry `id` (whose record holds its hashes) findable. */
  insert(id: number): void {
    const slots = this.slots;
    let i = this.records[id * REC + R_H1]! & TABLE_MASK;
    while (slots[i] !== 0) i = (i + 1) & TABLE_MASK;
    slots[i] = id + 1;
    this.size++;
  }

  /** A new, zeroed entry for `token` (links set to {@link NONE}); grows the records when full. */
  allocate(token: string): number {
    const id = this.count++;
    const o = id * REC;
    if (o >= this.records.length) {
      const records = new Int32Array(this.records.length * 2);
      records.set(this.records);
      this.records = records;
      this.bytes = new Int8Array(records.buffer);
    }
    this.records.fill(0, o, o + REC);
    this.records[o + R_NEGATOR] = NONE;
    this.records[o + R_NEGATED] = NONE;
    this.tokens[id] = token;
    return id;
  }

  clear(): void {
    this.slots.fill(0);
    this.size = 0;
    this.count = 0;
    this.tokens.length = 0;
    this.numberId = this.bangId = this.questionId = NONE;
  }
}

/**
 * Memoised per-token contributions. Every block of the linear score is a sum over tokens of a
 * document-independent vector times a per-document scale (1/√count), so each distinct token's
 * unigram, character n-gram and lexicon weights are summed once and reused; only bigrams are looked
 * up per document. Pure ASCII text that normalisation would leave unchanged (apart from case) is
 * tokenised, negation-marked and looked up in the same single pass over the raw text, which also checks
 * that normalisation has nothing to do; any other text is normalised first. Same logits as
 * {@link referenceLogits} up to float summation order (a test checks this on the public data), and the
 * same bits as every earlier version of this cache: tokens are summed in text order.
 */
export class TokenCache {
  private readonly byLang = new Map<string, EntryTable>();
  private lastLang: string | undefined;
  private lastTable: EntryTable | undefined;
  /** Entry ids of the current document's marked tokens, in order. */
  private ids = new Int32Array(1024);
  private readonly hashes = new Int32Array(2);
  private readonly out = new Float64Array(3);
  /** Lexicon hits of the last scored document, by effective class (indexed by the `LEX_*` codes). */
  private readonly hits = new Int32Array(4);
  private readonly bits: number;
  private readonly bigrams: boolean;
  constructor(private readonly model: Pick<LinearModel, 'features' | 'bias' | 'weights' | 'scale'>) {
    this.bits = model.features.hashBits;
    this.bigrams = model.features.bigram > 0;
  }

  /** Cache key: negators differ for Sundanese and Javanese, the lexicon for Sundanese. */
  private tableFor(lang: string): EntryTable {
    if (lang === this.lastLang && this.lastTable !== undefined) return this.lastTable;
    const key = lang === 'su' || lang === 'jv' ? lang : '*';
    let table = this.byLang.get(key);
    if (table === undefined) {
      table = new EntryTable();
      this.byLang.set(key, table);
    }
    this.lastLang = lang;
    this.lastTable = table;
    return table;
  }

  /** Entry of the (lower-case) `token`, built and inserted on a miss. */
  private idOf(token: string, lang: string, table: EntryTable): number {
    const h = this.hashes;
    rangeHashes(token, 0, token.length, h);
    const id = table.find(h[0]!, h[1]!);
    return id !== NONE ? id : this.insert(token, lang, table, h[0]!, h[1]!);
  }

  /** Build the entry of `token` (hashes `h1`, `h2`), insert it, and link its canonical negator. */
  private insert(token: string, lang: string, table: EntryTable, h1: number, h2: number): number {
    const id = this.build(token, lang, table, NONE);
    const o = id * REC;
    table.records[o + R_H1] = h1;
    table.records[o + R_H2] = h2;
    table.insert(id);
    const canonical = negatorOf(token, lang);
    if (canonical !== undefined) {
      const negator = canonical === token ? id : this.idOf(canonical, lang, table);
      table.records[o + R_NEGATOR] = negator;
    }
    return id;
  }

  /** Entry of `neg_<token of id>`, built on first use. */
  private negatedOf(id: number, lang: string, table: EntryTable): number {
    const known = table.records[id * REC + R_NEGATED]!;
    if (known !== NONE) return known;
    const negated = this.build(NEGATED_PREFIX + table.tokens[id]!, lang, table, id);
    table.records[id * REC + R_NEGATED] = negated;
    return negated;
  }

  /**
   * Fill a new entry for `token`. A `neg_` token has the character n-grams of its base word, so they are
   * copied from `base` (its entry) rather than hashed again.
   */
  private build(token: string, lang: string, table: EntryTable, base: number): number {
    const id = table.allocate(token);
    const f = this.model.features;
    const w = this.model.weights;
    const records = table.records;
    const bytes = table.bytes;
    const o = id * REC;
    const u = unigramBucket(token, f.hashBits) * 3;
    bytes[o * 4 + B_UNIGRAM] = w[u]!;
    bytes[o * 4 + B_UNIGRAM + 1] = w[u + 1]!;
    bytes[o * 4 + B_UNIGRAM + 2] = w[u + 2]!;
    if (base !== NONE) {
      const b = base * REC;
      records[o + R_CHAR] = records[b + R_CHAR]!;
      records[o + R_CHAR + 1] = records[b + R_CHAR + 1]!;
      records[o + R_CHAR + 2] = records[b + R_CHAR + 2]!;
      records[o + R_CHAR_COUNT] = records[b + R_CHAR_COUNT]!;
    } else if (f.char > 0) {
      records[o + R_CHAR_COUNT] = sumCharGrams(token, f, w, records, o + R_CHAR);
    }
    const hit = lexiconHit(token, lang);
    records[o + R_LEX_CLASS] =
      hit === 'event' ? LEX_EVENT : hit === 'neg' ? LEX_NEG : hit === 'pos' ? LEX_POS : 0;
    const lex = f.lexicon > 0 ? lexiconBucket(token, lang, f.hashBits) : -1;
    if (lex >= 0) {
      bytes[o * 4 + B_LEXICON] = w[lex * 3]!;
      bytes[o * 4 + B_LEXICON + 1] = w[lex * 3 + 1]!;
      bytes[o * 4 + B_LEXICON + 2] = w[lex * 3 + 2]!;
    }
    records[o + R_BIGRAM] = bigramHash(token);
    return id;
  }

  private reserve(tokens: number): Int32Array {
    if (this.ids.length < tokens) this.ids = new Int32Array(Math.max(tokens, this.ids.length * 2));
    return this.ids;
  }

  /**
   * Fused {@link normalizeText} check + {@link tokenize} + {@link markNegation} for ASCII text: letters are
   * folded to lower case while hashing, and a token's string is only built (lower-cased) on a cache miss.
   * Writes the marked tokens' entry ids to `this.ids`.
   *
   * @param raw - True when `s` is the caller's text rather than normalised text: the scan then stops at
   *   the first character that would make {@link normalizeText} change more than case (the same tests as
   *   its `needs`), and reads at most {@link MAX_CLASSIFY_CHARS} units.
   * @returns The number of tokens, or −1 when a `raw` scan stopped (the text must be normalised first).
   */
  private scanAscii(s: string, lang: string, table: EntryTable, raw: boolean): number {
    const n = raw && s.length > MAX_CLASSIFY_CHARS ? MAX_CLASSIFY_CHARS : s.length;
    const ids = this.reserve(n);
    let count = 0;
    let scope = 0;
    let i = 0;
    while (i < n) {
      const first = s.charCodeAt(i);
      const c = first >= 65 && first <= 90 ? first | 32 : first;
      const letter = c >= 97 && c <= 122;
      if (letter || (c >= 48 && c <= 57)) {
        let id: number;
        if (letter) {
          // `T_T` and `T.T` are emoticons that normalisation replaces.
          if (raw && first === 84 && i + 1 < n && isEmoticonJoint(s.charCodeAt(i + 1))) return -1;
          const start = i;
          i++;
          // Same hashes as `rangeHashes` over the lower-cased token, computed while reading it.
          let h1 = Math.imul(0x811c9dc5 ^ c, 0x01000193);
          let h2 = Math.imul(0x2545f491 + c, 0x9e3779b1);
          let upper = first !== c;
          let p1 = c;
          let p2 = -1;
          while (i < n) {
            let d = s.charCodeAt(i);
            if (d >= 65 && d <= 90) {
              if (raw && d === 84 && i + 1 < n && isEmoticonJoint(s.charCodeAt(i + 1))) return -1;
              d |= 32;
              upper = true;
            } else if (!((d >= 97 && d <= 122) || (d >= 48 && d <= 57))) break;
            // Three equal letters (`bagusss`) are collapsed by normalisation.
            if (raw && d === p1 && d === p2 && d >= 97) return -1;
            h1 = Math.imul(h1 ^ d, 0x01000193);
            h2 = Math.imul(h2 + d, 0x9e3779b1);
            p2 = p1;
            p1 = d;
            i++;
          }
          id = table.find(h1 | 1, h2);
          if (id === NONE) {
            const slice = start === 0 && i === s.length ? s : s.slice(start, i);
            id = this.insert(upper ? slice.toLowerCase() : slice, lang, table, h1 | 1, h2);
          }
        } else {
          i++;
          while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
          id = table.numberId;
          if (id === NONE) id = table.numberId = this.idOf(PLACEHOLDER.number, lang, table);
        }
        const negator = table.records[id * REC + R_NEGATOR]!;
        if (negator !== NONE) {
          id = negator;
          scope = NEGATION_SCOPE;
        } else if (scope > 0) {
          id = this.negatedOf(id, lang, table);
          scope--;
        }
        ids[count++] = id;
        continue;
      }
      if (c === 46 || c === 44) {
        if (raw && c === 46 && isWww(s, i)) return -1;
        scope = 0;
      } else if (c === 33 || c === 63) {
        scope = 0;
        // A run of `!` or `?` counts once, as normalisation collapses it.
        if (s.charCodeAt(i - 1) !== c) {
          let id = c === 33 ? table.bangId : table.questionId;
          if (id === NONE) {
            id = this.idOf(c === 33 ? '!' : '?', lang, table);
            if (c === 33) table.bangId = id;
            else table.questionId = id;
          }
          ids[count++] = id;
        }
      } else if (c === 59 || c === 58) {
        if (raw && isEmoticonStart(s, i, n)) return -1;
        scope = 0;
      } else if (
        raw &&
        (c >= 128 ||
          (c === 47 && isUrlSlash(s, i)) ||
          (c === 64 && isHandleStart(s, i, n)) ||
          ((c === 61 || c === 62) && isEmoticonStart(s, i, n)) ||
          c === 94)
      ) {
        return -1;
      }
      i++;
    }
    return count;
  }

  /** {@link tokenize} + {@link markNegation} for normalised non-ASCII text; writes ids like {@link scanAscii}. */
  private scanTokens(normalized: string, lang: string, table: EntryTable): number {
    const tokens = markNegation(tokenize(normalized), lang);
    const ids = this.reserve(tokens.length);
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t]!;
      const negated = token.startsWith(NEGATED_PREFIX);
      const id = this.idOf(negated ? token.slice(NEGATED_PREFIX.length) : token, lang, table);
      ids[t] = negated ? this.negatedOf(id, lang, table) : id;
    }
    return tokens.length;
  }

  /**
   * Write the raw class logits of `text` to `this.out`, in {@link CLASSES} order, and, when `countHits`,
   * its lexicon hits to `this.hits` (a second pass over the token ids, paid only by the news reading).
   */
  private score(text: string, lang: string, countHits: boolean): Float64Array {
    const table = this.tableFor(lang);
    // Emptied only between documents, so entry ids stay valid while one is scored.
    if (table.size >= TOKEN_CACHE_LIMIT) table.clear();
    let n = this.scanAscii(text, lang, table, true);
    if (n < 0) {
      // ASCII text keeps its case here (the scan folds it); anything else comes back lower-cased.
      const normalized = normalizeText(text, true);
      n = NON_ASCII.test(normalized)
        ? this.scanTokens(normalized, lang, table)
        : this.scanAscii(normalized, lang, table, false);
    }
    const { features: f, bias, weights: w, scale: k } = this.model;
    const ids = this.ids;
    const records = table.records;
    const bytes = table.bytes;
    const bits = this.bits;
    const bigrams = this.bigrams;
    let u0 = 0;
    let u1 = 0;
    let u2 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    let charCount = 0;
    let previous = 0;
    for (let t = 0; t < n; t++) {
      const o = ids[t]! * REC;
      const ub = o * 4 + B_UNIGRAM;
      const lb = o * 4 + B_LEXICON;
      u0 += bytes[ub]! * k;
      u1 += bytes[ub + 1]! * k;
      u2 += bytes[ub + 2]! * k;
      c0 += records[o + R_CHAR]! * k;
      c1 += records[o + R_CHAR + 1]! * k;
      c2 += records[o + R_CHAR + 2]! * k;
      l0 += bytes[lb]! * k;
      l1 += bytes[lb + 1]! * k;
      l2 += bytes[lb + 2]! * k;
      charCount += records[o + R_CHAR_COUNT]!;
      const h = records[o + R_BIGRAM]!;
      if (t > 0 && bigrams) {
        const row = bigramBucket(previous, h, bits) * 3;
        b0 += w[row]!;
        b1 += w[row + 1]!;
        b2 += w[row + 2]!;
      }
      previous = h;
    }
    const su = n > 0 ? f.word / Math.sqrt(n) : 0;
    // Bigram sums are of raw int8 values; the scale is applied once here.
    const sb = n > 1 ? (f.bigram * this.model.scale) / Math.sqrt(n - 1) : 0;
    const sc = charCount > 0 ? f.char / Math.sqrt(charCount) : 0;
    const sl = f.lexicon;
    if (countHits) {
      const hits = this.hits;
      hits.fill(0);
      for (let t = 0; t < n; t++) hits[records[ids[t]! * REC + R_LEX_CLASS]!]!++;
    }
    const out = this.out;
    out[NEG] = bias[NEG]! + su * u0 + sb * b0 + sc * c0 + sl * l0;
    out[NEU] = bias[NEU]! + su * u1 + sb * b1 + sc * c1 + sl * l1;
    out[POS] = bias[POS]! + su * u2 + sb * b2 + sc * c2 + sl * l2;
    return out;
  }

  /** Raw class logits (before calibration), in {@link CLASSES} order. */
  logits(text: string, lang: string): [number, number, number] {
    const out = this.score(text, lang, true);
    return [out[NEG]!, out[NEU]!, out[POS]!];
  }

  /** Lexicon hits of the last text scored by {@link logits} or {@link classify}. */
  lastHits(): LexiconCounts {
    const h = this.hits;
    return { event: h[LEX_EVENT]!, neg: h[LEX_NEG]!, pos: h[LEX_POS]! };
  }

  /**
   * Score `text` and apply the decision rules: {@link classifyWith} without the intermediate arrays.
   *
   * @param name - Model name copied into the result.
   * @param version - Model version copied into the result.
   */
  classify(
    text: string,
    lang: string,
    decision: Decision,
    name: string,
    version: string,
    genre: TextGenre = 'auto',
  ): Sentiment {
    const news = decision.news;
    const readAsNews = news !== undefined && (genre === 'news' || (genre === 'auto' && headlineShaped(text)));
    const out = this.score(text, lang, readAsNews);
    if (readAsNews) {
      const h = this.hits;
      return newsVerdictOfLogits(
        out[NEG]!,
        out[NEU]!,
        out[POS]!,
        h[LEX_EVENT]!,
        h[LEX_NEG]!,
        h[LEX_POS]!,
        decision,
        news,
        name,
        version,
      );
    }
    return verdictOfLogits(out[NEG]!, out[NEU]!, out[POS]!, decision, name, version);
  }
}

/*
 * Fast-path tests for the ASCII scan of raw text. Each is a necessary condition for one of
 * `normalizeText`'s replacements to match at `i`, so text that passes them all is already normalised
 * (apart from case): the scan then gives exactly the tokens of the normalised text. Text that fails one
 * is normalised first, so a test may fire needlessly but must never miss.
 */

/** `_` or `.`: the middle of a `T_T` / `T.T` emoticon (`\bT[_.]T\b`). */
function isEmoticonJoint(c: number): boolean {
  return c === 95 || c === 46;
}

/** Whether the `.` at `i` follows `www` in any case (URL rule `www\.`). */
function isWww(s: string, i: number): boolean {
  return (
    i >= 3 &&
    (s.charCodeAt(i - 1) | 32) === 119 &&
    (s.charCodeAt(i - 2) | 32) === 119 &&
    (s.charCodeAt(i - 3) | 32) === 119
  );
}

/** Top-level domains of the URL rule `\b\S+\.(?:com|id|ly|co|net|org)\/`, each with its dot. */
const URL_SUFFIXES = ['.com', '.id', '.ly', '.co', '.net', '.org'];

/** Whether the `/` at `i` can be part of a URL: after `:` (`https?://`) or after a listed domain. */
function isUrlSlash(s: string, i: number): boolean {
  if (s.charCodeAt(i - 1) === 58) return true;
  for (const suffix of URL_SUFFIXES) {
    const from = i - suffix.length;
    if (from >= 0 && s.startsWith(suffix, from)) return true;
  }
  return false;
}

/** Whether the `@` at `i` starts a handle (`@[\p{L}\p{N}_]+`: an ASCII letter, digit or `_` follows). */
function isHandleStart(s: string, i: number, n: number): boolean {
  if (i + 1 >= n) return false;
  const c = s.charCodeAt(i + 1);
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}

/** ASCII `\s`: tab, line feed, vertical tab, form feed, carriage return, space. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Whether the `:`, `;`, `=` or `>` at `i` can start an emoticon. Every emoticon rule needs start of text
 * or `\s` before it, and then: after `[:;=]` one of `' - ( [ / \ D P ) ] d p >`; after `>` one of `: ;`.
 */
function isEmoticonStart(s: string, i: number, n: number): boolean {
  if (i > 0 && !isSpace(s.charCodeAt(i - 1))) return false;
  if (i + 1 >= n) return false;
  const next = s.charCodeAt(i + 1);
  if (s.charCodeAt(i) === 62) return next === 58 || next === 59;
  switch (next) {
    case 39: // '
    case 45: // -
    case 40: // (
    case 91: // [
    case 47: // /
    case 92: // \
    case 68: // D
    case 80: // P
    case 41: // )
    case 93: // ]
    case 100: // d
    case 112: // p
    case 62: // >
      return true;
    default:
      return false;
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
  const { label, scores } = verdict(p[NEG], p[NEU], p[POS], decision, '', '');
  return { label, scores };
}

/**
 * {@link decide} on probabilities passed as numbers, returning the whole {@link Sentiment} so the
 * classify path allocates nothing but its result.
 */
function verdict(
  pNeg: number,
  pNeu: number,
  pPos: number,
  decision: Pick<Decision, 'neutralBand' | 'mixedThreshold'>,
  model: string,
  modelVersion: string,
): Sentiment {
  let neg = pNeg;
  let neu = pNeu;
  let pos = pPos;
  const shared = Math.min(pos, neg);
  if (decision.mixedThreshold < 0.5 && shared >= decision.mixedThreshold) {
    const mixed = 2 * shared;
    pos -= shared;
    neg -= shared;
    return { label: 'MIXED', scores: normalise(pos, neg, neu, mixed), model, modelVersion };
  }
  const top = Math.max(pos, neg);
  if (Math.abs(pos - neg) < decision.neutralBand && neu <= top) {
    const lambda = 1 / (pos + neg + 2 * top);
    if (lambda < 1) {
      pos *= lambda;
      neg *= lambda;
      neu = 1 - pos - neg;
    }
    return { label: 'NEUTRAL', scores: normalise(pos, neg, neu, 0), model, modelVersion };
  }
  const scores = normalise(pos, neg, neu, 0);
  const label: SentimentLabel = neu >= pos && neu >= neg ? 'NEUTRAL' : pos >= neg ? 'POSITIVE' : 'NEGATIVE';
  return { label, scores, model, modelVersion };
}

/**
 * {@link calibratedProbabilities} then {@link decide}, on raw logits passed as numbers (the same
 * operations in the same order, so the same bits).
 */
function verdictOfLogits(
  r0: number,
  r1: number,
  r2: number,
  decision: Decision,
  model: string,
  modelVersion: string,
): Sentiment {
  const t = decision.temperature;
  const b = decision.classBias;
  const z0 = r0 / t + b[0]!;
  const z1 = r1 / t + b[1]!;
  const z2 = r2 / t + b[2]!;
  return verdictOfCalibrated(z0, z1, z2, decision, model, modelVersion);
}

/** Softmax of calibrated logits (max-shifted), then {@link verdict}: the tail both decisions share. */
function verdictOfCalibrated(
  z0: number,
  z1: number,
  z2: number,
  rules: Pick<Decision, 'neutralBand' | 'mixedThreshold'>,
  model: string,
  modelVersion: string,
): Sentiment {
  const max = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - max);
  const e1 = Math.exp(z1 - max);
  const e2 = Math.exp(z2 - max);
  const sum = e0 + e1 + e2;
  return verdict(e0 / sum, e1 / sum, e2 / sum, rules, model, modelVersion);
}

/**
 * {@link verdictOfLogits} under a {@link NewsDecision}: the calibrated logits get the lexicon priors
 * (negative += eventPrior·events + polarPrior·negatives, positive += polarPrior·positives) and the news
 * class bias, and the news neutral band applies.
 */
function newsVerdictOfLogits(
  r0: number,
  r1: number,
  r2: number,
  events: number,
  negatives: number,
  positives: number,
  decision: Decision,
  news: NewsDecision,
  model: string,
  modelVersion: string,
): Sentiment {
  const t = decision.temperature;
  const b = news.classBias;
  const z0 = r0 / t + b[0]! + news.eventPrior * events + news.polarPrior * negatives;
  const z1 = r1 / t + b[1]!;
  const z2 = r2 / t + b[2]! + news.polarPrior * positives;
  return verdictOfCalibrated(
    z0,
    z1,
    z2,
    { neutralBand: news.neutralBand, mixedThreshold: decision.mixedThreshold },
    model,
    modelVersion,
  );
}

/**
 * The verdict for raw logits and lexicon hits, as {@link TokenCache.classify} computes it: under the
 * news decision when `news` is true and the model has one, else under the general rules. For training
 * (fitting the news decision) and tests.
 *
 * @param raw - Raw logits in {@link CLASSES} order.
 * @param hits - Lexicon hits of the text (`lexiconCounts`).
 */
export function verdictFor(
  raw: readonly [number, number, number],
  hits: LexiconCounts,
  decision: Decision,
  news: boolean,
): Sentiment {
  if (news && decision.news !== undefined) {
    return newsVerdictOfLogits(
      raw[0],
      raw[1],
      raw[2],
      hits.event,
      hits.neg,
      hits.pos,
      decision,
      decision.news,
      '',
      '',
    );
  }
  return verdictOfLogits(raw[0], raw[1], raw[2], decision, '', '');
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
function normalise(positive: number, negative: number, neutral: number, mixed: number): SentimentScores {
  const p = positive < MIN_REPORTED_SCORE ? 0 : positive;
  const n = negative < MIN_REPORTED_SCORE ? 0 : negative;
  const u = neutral < MIN_REPORTED_SCORE ? 0 : neutral;
  const m = mixed < MIN_REPORTED_SCORE ? 0 : mixed;
  const sum = p + n + u + m;
  if (!(sum > 0) || !Number.isFinite(sum)) return { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 };
  return { Positive: p / sum, Negative: n / sum, Neutral: u / sum, Mixed: m / sum };
}

/**
 * Classify one text with a decoded model. Deterministic (the cache only memoises); never throws for
 * any string input (empty text scores from the intercepts alone).
 *
 * @param model - Decoded weights.
 * @param text - Plain text of any length (cut at `MAX_CLASSIFY_CHARS`).
 * @param lang - Routed language (`id`, `su`, `jv`, `und` …).
 * @param cache - The model's {@link TokenCache}; one per model instance. For the `social` reading of a
 *   model with a social block, the cache of {@link socialReadingModel}(model) (the weights are the cache's).
 * @param genre - `auto` (default): the news decision for Title Case headlines; `news` / `general` force one;
 *   `social` is read by the general rules (never as news).
 */
export function classifyWith(
  model: LinearModel,
  text: string,
  lang: string,
  cache: TokenCache,
  genre: TextGenre = 'auto',
): Sentiment {
  return cache.classify(text, lang, model.decision, model.name, model.version, genre);
}
