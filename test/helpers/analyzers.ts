import type { Sentiment } from '#shared/domain/mention.ts';
import type {
  SentimentAnalyzer,
  SentimentDocument,
  SentimentOutcome,
} from '#shared/ports/sentiment-analyzer.ts';

/**
 * A deterministic stand-in for the embedded model in handler tests (the model itself is tested in
 * `test/shared/domain/sentiment`): NEGATIVE when the text contains "rusak", else NEUTRAL.
 */
export class KeywordAnalyzer implements SentimentAnalyzer {
  readonly name = 'test-embedded';
  readonly seen: SentimentDocument[] = [];

  async analyze(documents: readonly SentimentDocument[]): Promise<SentimentOutcome[]> {
    this.seen.push(...documents);
    return documents.map((d) => ({ id: d.id, ok: true, sentiment: verdict(d.text) }));
  }
}

function verdict(text: string): Sentiment {
  const negative = /rusak/i.test(text);
  return {
    label: negative ? 'NEGATIVE' : 'NEUTRAL',
    scores: negative
      ? { Positive: 0.05, Negative: 0.85, Neutral: 0.1, Mixed: 0 }
      : { Positive: 0.1, Negative: 0.1, Neutral: 0.8, Mixed: 0 },
    model: 'test-embedded',
    modelVersion: '0',
  };
}
