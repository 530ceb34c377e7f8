/**
 * The normalised `Mention` record every source produces, and the `ScoredMention` the classifier adds
 * sentiment to. Schemas are the single source of truth: types are inferred from them and every
 * boundary (SQS bodies, stored items, API output) parses with them. Field reference: `docs/schemas.md`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Longest text Pantau keeps for one mention, in UTF-16 code units; longer text is cut (see `docs/schemas.md`). */
export const MAX_TEXT_LENGTH = 10_000;

/** Longest URL Pantau keeps, in characters (browsers and CDNs cut longer ones; a longer one is rejected). */
export const MAX_URL_LENGTH = 2_048;

/** UTC ISO-8601 timestamp with a `Z` suffix and millisecond precision, e.g. `2026-11-30T07:00:00.000Z`. */
export const IsoUtcSchema = z.iso.datetime({ offset: false, precision: 3 });

/** Sentiment labels, the same four as Amazon Comprehend's `Sentiment`. */
export const SentimentLabelSchema = z.enum(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED']);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;
export const SENTIMENT_LABELS: readonly SentimentLabel[] = SentimentLabelSchema.options;

/** Class probabilities in Comprehend's `SentimentScore` shape; they sum to 1 (± 1e-6). */
export const SentimentScoresSchema = z
  .object({
    Positive: z.number().min(0).max(1),
    Negative: z.number().min(0).max(1),
    Neutral: z.number().min(0).max(1),
    Mixed: z.number().min(0).max(1),
  })
  .refine((s) => Math.abs(s.Positive + s.Negative + s.Neutral + s.Mixed - 1) < 1e-6, {
    message: 'sentiment scores must sum to 1',
  });
export type SentimentScores = z.infer<typeof SentimentScoresSchema>;

/** A sentiment verdict from any scorer (embedded model or Comprehend). */
export const SentimentSchema = z.object({
  label: SentimentLabelSchema,
  scores: SentimentScoresSchema,
  /** Scorer name, e.g. `pantau-id` or `comprehend`. */
  model: z.string().min(1),
  /** Scorer version, e.g. `2026.11.1` or `comprehend-2017-11-27`. */
  modelVersion: z.string().min(1),
});
export type Sentiment = z.infer<typeof SentimentSchema>;

/** Who wrote a mention, as far as the source says; every part optional (news feeds often give none). */
export const AuthorSchema = z.object({
  id: z.string().max(500).optional(),
  handle: z.string().max(500).optional(),
  name: z.string().max(500).optional(),
});
export type Author = z.infer<typeof AuthorSchema>;

/** Engagement counters when the source gives them (non-negative integers). */
export const EngagementSchema = z.object({
  likes: z.number().int().nonnegative().optional(),
  shares: z.number().int().nonnegative().optional(),
  replies: z.number().int().nonnegative().optional(),
  views: z.number().int().nonnegative().optional(),
});
export type Engagement = z.infer<typeof EngagementSchema>;

/** Kinds of source adapter Pantau has. */
export const SourceKindSchema = z.enum([
  'rss',
  'google-news',
  'replay',
  'mastodon',
  'bluesky',
  'reddit',
  'youtube',
  'x',
]);
export type SourceKind = z.infer<typeof SourceKindSchema>;

/** How a mention came to match its keywords: found in its own text, or attributed to the search query that returned it. */
export const MatchedBySchema = z.enum(['text', 'query']);

export const MentionSchema = z.object({
  /** 32 lowercase hex chars: SHA-256 of the canonical URL, truncated (see {@link mentionId}). */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  /** Configured source id, e.g. `gnews-majalengka` or `rss-antaranews`. */
  source: z.string().min(1).max(100),
  sourceKind: SourceKindSchema,
  /** Outlet or site that published the item (domain or name), when known. */
  outlet: z.string().max(200).optional(),
  /** Canonical URL: tracking parameters removed (see `canonicalUrl`). */
  url: z.url({ protocol: /^https?$/, normalize: false }).max(MAX_URL_LENGTH),
  author: AuthorSchema,
  title: z.string().max(2_000).optional(),
  /** Plain text (tags stripped, entities decoded once), NFC-normalised, at most {@link MAX_TEXT_LENGTH}. */
  text: z.string().min(1).max(MAX_TEXT_LENGTH),
  /** Language: ISO 639-1 where one exists (`id`, `su`, `jv`, `en` …), `und` when unknown. */
  lang: z.string().min(2).max(8),
  /** When the item was published (UTC ISO-8601). Equals `fetchedAt` when the source gave no usable date. */
  publishedAt: IsoUtcSchema,
  /** True when `publishedAt` is an estimate (missing, or only a day or month was given). */
  publishedAtEstimated: z.boolean(),
  /** When Pantau fetched the item (UTC ISO-8601). */
  fetchedAt: IsoUtcSchema,
  /** Ids of the configured keywords the mention matches (at least one). */
  matchedKeywords: z.array(z.string().min(1)).min(1),
  matchedBy: MatchedBySchema,
  /** The search query that returned the item, for search-type sources. */
  query: z.string().max(500).optional(),
  engagement: EngagementSchema,
});
export type Mention = z.infer<typeof MentionSchema>;

/** A mention with its sentiment and routing facts, as stored. */
export const ScoredMentionSchema = MentionSchema.extend({
  sentiment: SentimentSchema,
  /** Topic ids from the regency's taxonomy (may be empty). */
  topics: z.array(z.string()).default([]),
  /** When the mention was classified (UTC ISO-8601). */
  classifiedAt: IsoUtcSchema,
});
export type ScoredMention = z.infer<typeof ScoredMentionSchema>;

/**
 * Stable mention id: the first 32 hex characters (128 bits) of SHA-256 over the canonical URL.
 *
 * Why the URL and not `source + guid`: the same article reached through two sources (two Google News
 * queries, or an outlet feed and a search) then has one id, so one conditional put de-duplicates across
 * polls *and* sources. The source that first delivered it is kept in `source`. See `docs/data-model.md`.
 */
export function mentionId(canonicalUrl: string): string {
  return createHash('sha256').update(canonicalUrl).digest('hex').slice(0, 32);
}
