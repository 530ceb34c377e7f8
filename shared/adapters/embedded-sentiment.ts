import type { EmbeddedModel } from '#shared/domain/sentiment/index.ts';
import type {
  AnalyzeOptions,
  SentimentAnalyzer,
  SentimentDocument,
  SentimentOutcome,
} from '#shared/ports/sentiment-analyzer.ts';

/**
 * {@link SentimentAnalyzer} over Pantau's embedded model (pure, in-process, synchronous). A document the
 * model cannot score (it should never throw, but a bug must not take the batch down) comes back as a
 * non-retryable failure.
 */
export class EmbeddedSentimentAnalyzer implements SentimentAnalyzer {
  readonly name = 'embedded';
  readonly #model: EmbeddedModel;

  constructor(model: EmbeddedModel) {
    this.#model = model;
  }

  async analyze(
    documents: readonly SentimentDocument[],
    _options?: AnalyzeOptions,
  ): Promise<SentimentOutcome[]> {
    return documents.map((doc): SentimentOutcome => {
      try {
        return {
          id: doc.id,
          ok: true,
          sentiment: this.#model.classify(doc.text, doc.lang, doc.genre ?? 'auto'),
        };
      } catch (error) {
        return {
          id: doc.id,
          ok: false,
          code: 'EMBEDDED_MODEL_ERROR',
          error: error instanceof Error ? error.message : String(error),
          retryable: false,
        };
      }
    });
  }
}
