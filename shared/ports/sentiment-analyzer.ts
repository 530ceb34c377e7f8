import type { Sentiment } from '#shared/domain/mention.ts';
import type { TextGenre } from '#shared/domain/sentiment/model.ts';

/** One document to score. */
export interface SentimentDocument {
  readonly id: string;
  readonly text: string;
  /** ISO 639-1 language the router chose (`id`, `su`, `jv`, `en`, … or `und`). */
  readonly lang: string;
  /**
   * How to read the text (embedded model only; Comprehend has one reading): `news` for items from news
   * sources, `social` for posts and comments of social sources, `general` for other text, `auto` (the
   * default) to decide by the text's shape. See `TextGenre`.
   */
  readonly genre?: TextGenre;
}

/** The outcome for one document: a sentiment, or an error that says whether retrying can help. */
export type SentimentOutcome =
  | { readonly id: string; readonly ok: true; readonly sentiment: Sentiment }
  | {
      readonly id: string;
      readonly ok: false;
      readonly error: string;
      readonly code: string;
      readonly retryable: boolean;
    };

export interface AnalyzeOptions {
  /** Milliseconds left before the caller must stop (the Lambda deadline minus a margin). */
  readonly remainingTimeMs?: () => number;
}

/** A sentiment scorer (embedded model or Amazon Comprehend). */
export interface SentimentAnalyzer {
  readonly name: string;
  /** Billing units used so far (Comprehend: 1 unit = 100 characters, min 3 per document); absent when free. */
  readonly unitsUsed?: number;
  /** Score documents; one outcome per input, in any order, never throwing for per-document failures. */
  analyze(documents: readonly SentimentDocument[], options?: AnalyzeOptions): Promise<SentimentOutcome[]>;
}
