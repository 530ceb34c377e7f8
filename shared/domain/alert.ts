/**
 * Spike alerts and daily digests as stored and delivered. Ids are deterministic so a re-run of the
 * scheduled handler can never create (or send) a second alert for the same series and window.
 */
import { z } from 'zod';
import { IsoUtcSchema, type ScoredMention, SentimentLabelSchema } from './mention.ts';

/** An example post attached to an alert or narrative. */
export const ExampleMentionSchema = z.object({
  id: z.string(),
  url: z.string(),
  title: z.string().optional(),
  text: z.string(),
  source: z.string(),
  outlet: z.string().optional(),
  publishedAt: IsoUtcSchema,
  engagement: z.number().nonnegative(),
});
export type ExampleMention = z.infer<typeof ExampleMentionSchema>;

/** A group of related negative mentions inside an alert window. */
export const NarrativeSummarySchema = z.object({
  id: z.string(),
  /** Terms that rose most against the trailing baseline (G²), most significant first. */
  topTerms: z.array(z.string()),
  mentionIds: z.array(z.string()),
  size: z.number().int().nonnegative(),
  distinctAuthors: z.number().int().nonnegative(),
  sources: z.array(z.string()),
  /** True when many authors posted near-identical text (copy-paste campaign). */
  coordinated: z.boolean(),
  examples: z.array(ExampleMentionSchema),
});
export type NarrativeSummary = z.infer<typeof NarrativeSummarySchema>;

/**
 * Groups a window's negative mentions against a trailing baseline of mentions into narratives, largest
 * first (`buildNarratives` in `shared/domain/narratives`). `options.excludeTerms`: words never used to name or
 * join narratives (the regency's own names, `regencyNameTerms(config)`).
 */
export type NarrativeBuilder = (
  window: readonly ScoredMention[],
  baseline: readonly ScoredMention[],
  options?: { readonly excludeTerms?: Iterable<string> },
) => NarrativeSummary[];

export const AlertKindSchema = z.enum(['volume', 'share']);

export const AcknowledgementSchema = z.object({
  by: z.string().min(1).max(200),
  at: IsoUtcSchema,
  note: z.string().max(2_000).optional(),
});
export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;

export const AlertSchema = z.object({
  /** `<windowStart>~<seriesId>`, e.g. `2026-11-30T06:00:00.000Z~kw:kertajati`. */
  id: z.string(),
  /** Counter series, e.g. `kw:kertajati` or `all`. */
  seriesId: z.string(),
  /** Keyword id when the series is a keyword's. */
  keyword: z.string().optional(),
  /** Topic id when the series is a topic's (`topic:<id>`). */
  topic: z.string().optional(),
  sentiment: SentimentLabelSchema,
  kind: AlertKindSchema,
  /** Window start and end (exclusive), UTC ISO-8601. */
  windowStart: IsoUtcSchema,
  windowEnd: IsoUtcSchema,
  /** Negative mentions observed in the window. */
  observed: z.number().nonnegative(),
  /** Negative mentions the baseline expected. */
  expected: z.number().nonnegative(),
  /** Negative share observed and expected (0–1). */
  observedShare: z.number().min(0).max(1),
  expectedShare: z.number().min(0).max(1),
  /** Total mentions in the window. */
  total: z.number().int().nonnegative(),
  /** Detector score in [0, 1]. */
  score: z.number().min(0).max(1),
  /** Human-readable strength, e.g. `tinggi`. */
  severity: z.enum(['sedang', 'tinggi', 'kritis']),
  narratives: z.array(NarrativeSummarySchema),
  distinctAuthors: z.number().int().nonnegative(),
  sources: z.array(z.string()),
  /**
   * Mentions the detector counted in this window although they were published earlier: stored after their
   * own hour had been checked (a news item that surfaced late, a replay), so the office is told the window
   * is when they were observed, not when they were published.
   */
  late: z
    .object({
      mentions: z.number().int().positive(),
      negative: z.number().int().nonnegative(),
      /** Start of the oldest hour they were published in, UTC ISO-8601. */
      publishedFrom: IsoUtcSchema,
    })
    .optional(),
  /**
   * Negative mentions of the window whose publication time is an estimate (`publishedAtEstimated`: the source
   * gave a date without a time, read as 12:00 local), when there were any: the window's hours are then
   * partly an artefact of that estimate, and the message says so (QA 2026-12-01).
   */
  estimatedTimes: z
    .object({
      negative: z.number().int().positive(),
      /** Negative mentions of the window read, the estimated ones among them. */
      of: z.number().int().positive(),
    })
    .optional(),
  createdAt: IsoUtcSchema,
  acknowledgement: AcknowledgementSchema.optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** Deterministic alert id for a series and window start. */
export function alertId(windowStart: string, seriesId: string): string {
  return `${windowStart}~${seriesId}`;
}
