/**
 * Amazon Comprehend adapter for {@link SentimentAnalyzer}: `BatchDetectSentiment`, documents grouped by
 * language, ≤ 25 per call, each cut below the 5,000-byte UTF-8 limit without splitting a character,
 * `ErrorList` entries mapped back by index, throttling retried with jittered backoff while the caller's
 * time allows. Facts: `../shared/reference/aws.md` (Comprehend section).
 */
import {
  BatchDetectSentimentCommand,
  type BatchDetectSentimentCommandOutput,
  type ComprehendClient,
  type LanguageCode,
} from '@aws-sdk/client-comprehend';
import { z } from 'zod';
import { COMPREHEND_SENTIMENT_LANGUAGES } from '#shared/domain/language.ts';
import type { SentimentLabel } from '#shared/domain/mention.ts';
import type {
  AnalyzeOptions,
  SentimentAnalyzer,
  SentimentDocument,
  SentimentOutcome,
} from '#shared/ports/sentiment-analyzer.ts';

/** Languages `DetectSentiment`/`BatchDetectSentiment` accept (one list, kept with the language router). */
export const COMPREHEND_LANGUAGES: ReadonlySet<string> = COMPREHEND_SENTIMENT_LANGUAGES;
/** Documents per `BatchDetectSentiment` call. */
export const COMPREHEND_BATCH_SIZE = 25;
/** Byte budget per document: the 5,000-byte limit minus a safety margin. */
export const COMPREHEND_MAX_BYTES = 4_900;
/** Version string recorded on Comprehend verdicts (the API version). */
export const COMPREHEND_MODEL_VERSION = 'comprehend-2017-11-27';

/**
 * Cut `text` to at most `maxBytes` UTF-8 bytes on a grapheme boundary (an emoji, a ZWJ sequence or a
 * letter with combining marks is never split). Lone surrogates are replaced by U+FFFD first, since they
 * are not valid UTF-8.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const clean = text.toWellFormed();
  if (Buffer.byteLength(clean, 'utf8') <= maxBytes) return clean;
  let bytes = 0;
  let out = '';
  for (const { segment } of new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(clean)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += segment;
  }
  return out;
}

/**
 * Comprehend's billing units for one document: one unit per 100 characters, at least 3
 * (USD 0.0001 per unit; aws.md "Amazon Comprehend").
 */
export function comprehendUnits(text: string): number {
  return Math.max(3, Math.ceil(text.length / 100));
}

const ScoreSchema = z.object({
  Positive: z.number().default(0),
  Negative: z.number().default(0),
  Neutral: z.number().default(0),
  Mixed: z.number().default(0),
});
const ResultSchema = z.object({
  Index: z.number().int().nonnegative(),
  Sentiment: z.enum(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED']),
  SentimentScore: ScoreSchema,
});

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'InternalServerException',
]);

export interface ComprehendAnalyzerOptions {
  readonly client: ComprehendClient;
  /** Attempts per call under throttling. @default 5 */
  readonly maxAttempts?: number;
  /** Base backoff in ms (full jitter, doubling). @default 200 */
  readonly baseDelayMs?: number;
  /** Stop retrying when less than this many ms remain. @default 3_000 */
  readonly safetyMarginMs?: number;
  /** Injectable sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injectable randomness in [0, 1) for jitter (tests). */
  readonly random?: () => number;
}

export class ComprehendAnalyzer implements SentimentAnalyzer {
  readonly name = 'comprehend';
  /** Units billed by every call so far (cost = units × USD 0.0001). */
  unitsUsed = 0;
  readonly #options: Required<Omit<ComprehendAnalyzerOptions, 'client'>> & { client: ComprehendClient };

  constructor(options: ComprehendAnalyzerOptions) {
    this.#options = {
      maxAttempts: 5,
      baseDelayMs: 200,
      safetyMarginMs: 3_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      ...options,
    };
  }

  /**
   * Score documents; unsupported languages and empty texts come back as non-retryable failures
   * (`UNSUPPORTED_LANGUAGE`, `EMPTY_TEXT`) so the caller routes them to the embedded model; throttling
   * that outlasts the retries or the caller's time comes back as retryable `THROTTLED`.
   */
  async analyze(
    documents: readonly SentimentDocument[],
    options: AnalyzeOptions = {},
  ): Promise<SentimentOutcome[]> {
    const outcomes: SentimentOutcome[] = [];
    const byLanguage = new Map<string, { id: string; text: string }[]>();
    for (const doc of documents) {
      if (!COMPREHEND_LANGUAGES.has(doc.lang)) {
        outcomes.push(
          failure(doc.id, 'UNSUPPORTED_LANGUAGE', `Comprehend has no sentiment for '${doc.lang}'`, false),
        );
        continue;
      }
      const text = truncateUtf8(doc.text.trim(), COMPREHEND_MAX_BYTES);
      if (text.length === 0) {
        outcomes.push(failure(doc.id, 'EMPTY_TEXT', 'empty text', false));
        continue;
      }
      const group = byLanguage.get(doc.lang) ?? [];
      group.push({ id: doc.id, text });
      byLanguage.set(doc.lang, group);
    }
    for (const [lang, docs] of byLanguage) {
      for (let i = 0; i < docs.length; i += COMPREHEND_BATCH_SIZE) {
        outcomes.push(...(await this.#batch(lang, docs.slice(i, i + COMPREHEND_BATCH_SIZE), options)));
      }
    }
    return outcomes;
  }

  async #batch(
    lang: string,
    docs: readonly { id: string; text: string }[],
    options: AnalyzeOptions,
  ): Promise<SentimentOutcome[]> {
    const { maxAttempts, baseDelayMs, safetyMarginMs, sleep, random } = this.#options;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let output: BatchDetectSentimentCommandOutput;
      try {
        output = await this.#options.client.send(
          new BatchDetectSentimentCommand({
            LanguageCode: lang as LanguageCode,
            TextList: docs.map((d) => d.text),
          }),
        );
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (!THROTTLING.has(name)) {
          const retryable = !(
            name === 'TextSizeLimitExceededException' ||
            name === 'UnsupportedLanguageException' ||
            name === 'InvalidRequestException' ||
            name === 'BatchSizeLimitExceededException'
          );
          return docs.map((d) => failure(d.id, name, lastError, retryable));
        }
        const delay = Math.floor(random() * baseDelayMs * 2 ** (attempt - 1));
        const remaining = options.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY;
        if (attempt === maxAttempts || remaining - delay < safetyMarginMs) break;
        await sleep(delay);
        continue;
      }
      this.unitsUsed += docs.reduce((sum, d) => sum + comprehendUnits(d.text), 0);
      const out: SentimentOutcome[] = [];
      const answered = new Set<number>();
      for (const raw of output.ResultList ?? []) {
        const parsed = ResultSchema.safeParse(raw);
        const doc = parsed.success ? docs[parsed.data.Index] : undefined;
        if (!parsed.success || !doc) continue;
        answered.add(parsed.data.Index);
        out.push({
          id: doc.id,
          ok: true,
          sentiment: {
            label: parsed.data.Sentiment as SentimentLabel,
            scores: normalise(parsed.data.SentimentScore),
            model: 'comprehend',
            modelVersion: COMPREHEND_MODEL_VERSION,
          },
        });
      }
      for (const err of output.ErrorList ?? []) {
        const doc = err.Index === undefined ? undefined : docs[err.Index];
        if (!doc || err.Index === undefined) continue;
        answered.add(err.Index);
        const code = err.ErrorCode ?? 'UNKNOWN';
        // Per-item errors are about the document (size, language, encoding): retrying sends the same bytes.
        out.push(failure(doc.id, code, err.ErrorMessage ?? code, code === 'INTERNAL_SERVER_ERROR'));
      }
      docs.forEach((d, index) => {
        if (!answered.has(index))
          out.push(failure(d.id, 'MISSING_RESULT', 'Comprehend returned no result for this index', true));
      });
      return out;
    }
    return docs.map((d) => failure(d.id, 'THROTTLED', lastError || 'throttled', true));
  }
}

function failure(id: string, code: string, error: string, retryable: boolean): SentimentOutcome {
  return { id, ok: false, code, error, retryable };
}

/** Comprehend's four scores rounded by the service may not sum to exactly 1; rescale them. */
function normalise(s: z.infer<typeof ScoreSchema>): {
  Positive: number;
  Negative: number;
  Neutral: number;
  Mixed: number;
} {
  const sum = s.Positive + s.Negative + s.Neutral + s.Mixed;
  if (sum <= 0) return { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 };
  return {
    Positive: s.Positive / sum,
    Negative: s.Negative / sum,
    Neutral: s.Neutral / sum,
    Mixed: s.Mixed / sum,
  };
}
