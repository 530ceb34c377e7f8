/**
 * X API v2 recent search as a {@link MentionSource}. Paid per post read (about USD 0.005 each, late
 * 2026), so it is off unless a bearer token is configured, and a per-UTC-day read budget is enforced here:
 * each page asks for at most the posts left in the budget, and a spent budget skips the source
 * ({@link SourceBudgetExhaustedError}) until the next UTC day.
 *
 * `GET {base}/2/tweets/search/recent?query=…&max_results=…&since_id=…&until_id=…&next_token=…`
 * with `tweet.fields=created_at,lang,public_metrics,author_id&expansions=author_id&user.fields=username,name`.
 * Pages are newest first; the cursor token is a {@link SweepState} over post ids (gap-free under the
 * page bound). A 429 is retried after `x-rate-limit-reset` when that is within the wait cap (`http.ts`).
 */
import { z } from 'zod';
import type { XSourceSchema } from '#shared/domain/config.ts';
import { cleanText } from '#shared/domain/text.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type {
  FetchContext,
  MentionSource,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import {
  budgetDay,
  type CredentialedSourceDeps,
  compareNumericIds,
  decodeToken,
  parseEach,
  type Rejection,
  rawField,
  requestJson,
  requireCredentials,
  type SweepState,
  startBudget,
  sweepNewestFirst,
  toIsoUtc,
} from './api.ts';
import { SourceBudgetExhaustedError } from './errors.ts';
import { primaryLanguage } from './feed.ts';

/** A parsed `x` source config. */
export type XSourceConfig = z.infer<typeof XSourceSchema>;

/** Production API host; tests inject a local server. */
export const X_API_BASE_URL = 'https://api.x.com';

/** X's smallest `max_results` for recent search. */
const MIN_RESULTS = 10;

/** The fields of a v2 Post object Pantau reads. */
export const XPostSchema = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  text: z.string(),
  created_at: z.string().optional(),
  lang: z.string().optional(),
  author_id: z.string().optional(),
  public_metrics: z
    .object({
      retweet_count: z.number().int().nonnegative(),
      reply_count: z.number().int().nonnegative(),
      like_count: z.number().int().nonnegative(),
      quote_count: z.number().int().nonnegative(),
      impression_count: z.number().int().nonnegative().optional(),
    })
    .optional(),
});
export type XPost = z.infer<typeof XPostSchema>;

const UserSchema = z.object({ id: z.string(), username: z.string(), name: z.string().optional() });

const SearchPageSchema = z.object({
  data: z.array(z.unknown()).default([]),
  includes: z.object({ users: z.array(z.unknown()).default([]) }).optional(),
  meta: z.object({
    result_count: z.number().int().nonnegative(),
    newest_id: z.string().optional(),
    oldest_id: z.string().optional(),
    next_token: z.string().optional(),
  }),
});

const TokenSchema = z.object({
  v: z.literal(1),
  since: z.string().regex(/^\d+$/).optional(),
  until: z.string().regex(/^\d+$/).optional(),
  pending: z.string().regex(/^\d+$/).optional(),
});

/** Dependencies of {@link createXSource}. */
export interface XSourceDeps extends CredentialedSourceDeps {
  /** @default X_API_BASE_URL */
  readonly baseUrl?: string;
}

/** X's language codes to ISO 639-1: X says `in` for Indonesian; `und` and X's own `q*` codes mean unknown. */
export function xLanguage(lang: string | undefined): string | undefined {
  if (!lang || lang === 'und' || /^q[a-z]{2}$/.test(lang)) return undefined;
  if (lang === 'in') return 'id';
  return primaryLanguage(lang);
}

/** Map one post (with its author from `includes.users`) to a source item. */
export function xPostToItem(post: XPost, author: z.infer<typeof UserSchema> | undefined): SourceItem {
  const publishedAt = toIsoUtc(post.created_at);
  const lang = xLanguage(post.lang);
  const m = post.public_metrics;
  const name = cleanText(author?.name, { maxLength: 500 });
  return {
    sourceItemId: post.id,
    url: `https://x.com/i/web/status/${post.id}`,
    // X escapes &, < and > in `text` as HTML entities (and nothing else): decode them exactly once.
    text: cleanText(post.text, { html: true }),
    author: {
      ...(post.author_id ? { id: post.author_id } : {}),
      ...(author ? { handle: author.username } : {}),
      ...(name ? { name } : {}),
    },
    ...(publishedAt ? { publishedAt } : {}),
    ...(lang ? { lang } : {}),
    outlet: 'x.com',
    engagement: m
      ? {
          likes: m.like_count,
          shares: m.retweet_count + m.quote_count,
          replies: m.reply_count,
          ...(m.impression_count !== undefined ? { views: m.impression_count } : {}),
        }
      : {},
  };
}

/**
 * A recent-search query with a daily read budget. The result's `budget` reports posts read today
 * (UTC) against `dailyReadBudget`; `cursor.usage` carries the count to the next poll.
 * @throws {SourceCredentialsMissingError} (a skip) without a `bearerToken`.
 * @throws {SourceBudgetExhaustedError} (a skip) when fewer than 10 posts are left in today's budget.
 * @throws SourceHttpError, SourceTimeoutError, SourceNetworkError, SourceResponseError, SourceAbortedError
 *   when the first page cannot be read.
 */
export function createXSource(config: XSourceConfig, deps: XSourceDeps): MentionSource {
  const base = (deps.baseUrl ?? X_API_BASE_URL).replace(/\/+$/, '');
  const clock = deps.clock ?? systemClock;
  return {
    id: config.id,
    kind: 'x',
    query: config.query,
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      const day = budgetDay(clock.now(), 'UTC');
      const budget = startBudget(config.dailyReadBudget, day, context.cursor?.usage);
      if (budget.remaining() < MIN_RESULTS) {
        throw new SourceBudgetExhaustedError(config.id, day, budget.used(), budget.limit, 'posts');
      }
      const creds = await requireCredentials(deps, config, ['bearerToken']);
      const state: SweepState = decodeToken(context.cursor?.token, TokenSchema) ?? {};
      const items: SourceItem[] = [];
      const rejected: Rejection[] = [];
      let status: number | undefined;
      const sweep = await sweepNewestFirst(state, {
        maxPages: config.maxPages,
        compare: compareNumericIds,
        describePage: (page) => `tweets/search/recent page ${page}`,
        beforePage: () =>
          budget.remaining() < MIN_RESULTS
            ? `daily read budget spent (${budget.used()} of ${budget.limit} posts); the rest is read tomorrow`
            : undefined,
        readPage: async ({ token: nextToken, what }) => {
          const params = new URLSearchParams({
            query: config.query,
            max_results: String(Math.min(config.maxResults, budget.remaining())),
            'tweet.fields': 'created_at,lang,public_metrics,author_id',
            expansions: 'author_id',
            'user.fields': 'username,name',
          });
          if (state.since) params.set('since_id', state.since);
          if (state.until) params.set('until_id', state.until);
          if (nextToken) params.set('next_token', nextToken);
          const { data, response } = await requestJson(
            deps.http,
            {
              sourceId: config.id,
              url: `${base}/2/tweets/search/recent?${params}`,
              headers: { authorization: `Bearer ${creds['bearerToken']}` },
              ...(context.signal ? { signal: context.signal } : {}),
            },
            SearchPageSchema,
            what,
          );
          status = response.status;
          // X bills every post returned, valid for us or not.
          budget.spend(Math.max(data.meta.result_count, data.data.length));
          const users = new Map(
            (data.includes?.users ?? []).flatMap((u) => {
              const parsed = UserSchema.safeParse(u);
              return parsed.success ? [[parsed.data.id, parsed.data] as const] : [];
            }),
          );
          const parsed = parseEach(
            data.data,
            XPostSchema,
            (i, raw) => `${what} item ${i} (id ${rawField(raw, 'id') ?? '?'})`,
          );
          rejected.push(...parsed.rejected);
          for (const post of parsed.valid) {
            items.push(xPostToItem(post, post.author_id ? users.get(post.author_id) : undefined));
          }
          return { markers: parsed.valid.map((post) => post.id), next: data.meta.next_token };
        },
      });
      const next = sweep.state ?? state;
      return {
        items,
        rejected,
        ...(status !== undefined ? { httpStatus: status } : {}),
        cursor: {
          ...(Object.keys(next).length > 0 ? { token: JSON.stringify({ v: 1, ...next }) } : {}),
          usage: budget.usage(),
        },
        budget: budget.report('posts'),
        ...(sweep.warning !== undefined ? { warnings: [sweep.warning] } : {}),
      };
    },
  };
}
