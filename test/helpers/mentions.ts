import {
  mentionId,
  type ScoredMention,
  ScoredMentionSchema,
  type SentimentLabel,
} from '#shared/domain/mention.ts';

/** A valid scored mention for tests; `n` varies the URL (and so the id). */
export function scoredMention(
  n: number,
  overrides: Partial<ScoredMention> & { label?: SentimentLabel } = {},
): ScoredMention {
  const { label = 'NEUTRAL', ...rest } = overrides;
  const url = rest.url ?? `https://news.example.id/berita/${n}`;
  const scores = { Positive: 0, Negative: 0, Neutral: 0, Mixed: 0 };
  scores[(label.charAt(0) + label.slice(1).toLowerCase()) as keyof typeof scores] = 1;
  return ScoredMentionSchema.parse({
    id: mentionId(url),
    source: 'rss-test',
    sourceKind: 'rss',
    url,
    author: {},
    title: `Berita ${n} Majalengka`,
    text: `Berita nomor ${n} tentang Majalengka`,
    lang: 'id',
    publishedAt: '2026-11-30T03:00:00.000Z',
    publishedAtEstimated: false,
    fetchedAt: '2026-11-30T04:00:00.000Z',
    matchedKeywords: ['majalengka'],
    matchedBy: 'text',
    engagement: {},
    sentiment: { label, scores, model: 'test', modelVersion: '1' },
    topics: [],
    classifiedAt: '2026-11-30T04:00:01.000Z',
    ...rest,
  });
}
