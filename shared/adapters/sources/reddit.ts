/**
 * Reddit search as a {@link MentionSource}, with app-only OAuth.
 *
 * `POST {auth}/api/v1/access_token` (HTTP Basic `clientId:clientSecret`, `grant_type=client_credentials`)
 * gives a bearer token, cached until 60 s before `expires_in` and re-issued once on a 401. Then
 * `GET {api}/search?q=…&sort=new&t=day&limit=100&raw_json=1&type=link` (or `/r/<sub>/search` with
 * `restrict_sr=1`), newest first, paging with `after`. Reddit has no "newer than" filter for search, so a
 * poll pages until it reaches posts older than the last one handed on (`cursor.lastSeenAt`) or the page
 * bound; overlap is removed by collect's de-duplication. Reddit requires a descriptive User-Agent
 * (`config.userAgent`); 100 queries/min per client.
 */
import { z } from 'zod';
import type { RedditSourceSchema } from '#shared/domain/config.ts';
import { cleanText } from '#shared/domain/text.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type {
  FetchContext,
  MentionSource,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import {
  type AccessToken,
  type CredentialedSourceDeps,
  createTokenCache,
  laterPageError,
  parseEach,
  type Rejection,
  requestJson,
  requireCredentials,
  withToken,
} from './api.ts';
import { SourceAuthError, SourceHttpError } from './errors.ts';

/** A parsed `reddit` source config. */
export type RedditSourceConfig = z.infer<typeof RedditSourceSchema>;

export const REDDIT_AUTH_BASE_URL = 'https://www.reddit.com';
export const REDDIT_API_BASE_URL = 'https://oauth.reddit.com';

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

/** The fields of a `t3` (link/post) Pantau reads. */
export const RedditPostSchema = z.object({
  kind: z.literal('t3'),
  data: z.object({
    /** Fullname, e.g. `t3_1h2x3yz`. */
    name: z.string().regex(/^t3_[a-z0-9]+$/),
    title: z.string(),
    selftext: z.string().default(''),
    author: z.string().optional(),
    author_fullname: z.string().optional(),
    subreddit: z.string().optional(),
    /** Epoch seconds (may carry a fraction). */
    created_utc: z.number().nonnegative(),
    permalink: z.string().startsWith('/'),
    score: z.number().int(),
    num_comments: z.number().int().nonnegative(),
  }),
});
export type RedditPost = z.infer<typeof RedditPostSchema>;

const ListingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({ after: z.string().nullish(), children: z.array(z.unknown()) }),
});

/** Dependencies of {@link createRedditSource}. */
export interface RedditSourceDeps extends CredentialedSourceDeps {
  /** @default REDDIT_AUTH_BASE_URL */
  readonly authBaseUrl?: string;
  /** @default REDDIT_API_BASE_URL */
  readonly apiBaseUrl?: string;
}

/**
 * Map one post. `url` is the post's Reddit permalink (the discussion, not the link it shares); deleted
 * authors (`[deleted]`) are left out; a negative score counts as 0 likes.
 */
export function redditPostToItem(post: RedditPost): SourceItem {
  const d = post.data;
  const title = cleanText(d.title, { maxLength: 2_000 });
  const author = d.author && d.author !== '[deleted]' ? d.author : undefined;
  return {
    sourceItemId: d.name,
    url: `https://www.reddit.com${d.permalink}`,
    ...(title ? { title } : {}),
    text: cleanText(d.selftext),
    author: {
      ...(author && d.author_fullname ? { id: d.author_fullname } : {}),
      ...(author ? { handle: author } : {}),
    },
    publishedAt: new Date(Math.floor(d.created_utc * 1000)).toISOString(),
    outlet: d.subreddit ? `reddit.com/r/${d.subreddit}` : 'reddit.com',
    engagement: { likes: Math.max(0, d.score), replies: d.num_comments },
  };
}

/**
 * A Reddit search.
 * @throws {SourceCredentialsMissingError} (a skip) without `clientId`/`clientSecret`.
 * @throws {SourceAuthError} when the token endpoint refuses the client.
 * @throws SourceHttpError, SourceTimeoutError, SourceNetworkError, SourceResponseError, SourceAbortedError
 *   when the first page cannot be read.
 */
export function createRedditSource(config: RedditSourceConfig, deps: RedditSourceDeps): MentionSource {
  const authBase = (deps.authBaseUrl ?? REDDIT_AUTH_BASE_URL).replace(/\/+$/, '');
  const apiBase = (deps.apiBaseUrl ?? REDDIT_API_BASE_URL).replace(/\/+$/, '');
  const clock = deps.clock ?? systemClock;
  const userAgent = { 'user-agent': config.userAgent };
  let signal: AbortSignal | undefined;

  const token = createTokenCache(async (): Promise<AccessToken> => {
    const creds = await requireCredentials(deps, config, ['clientId', 'clientSecret']);
    const basic = Buffer.from(`${creds['clientId']}:${creds['clientSecret']}`).toString('base64');
    try {
      const { data } = await requestJson(
        deps.http,
        {
          sourceId: config.id,
          url: `${authBase}/api/v1/access_token`,
          method: 'POST',
          headers: {
            ...userAgent,
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
          ...(signal ? { signal } : {}),
        },
        TokenResponseSchema,
        'access_token',
      );
      return { token: data.access_token, expiresAtMs: clock.now() + data.expires_in * 1000 };
    } catch (error) {
      if (error instanceof SourceHttpError && (error.status === 401 || error.status === 403)) {
        throw new SourceAuthError(
          config.id,
          `Reddit refused client credentials "${config.credentials}" (HTTP ${error.status})`,
          { cause: error },
        );
      }
      throw error;
    }
  }, clock.now);

  const path = config.subreddit ? `/r/${config.subreddit}/search` : '/search';
  return {
    id: config.id,
    kind: 'reddit',
    query: config.query,
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      signal = context.signal;
      const stopAt = context.cursor?.lastSeenAt;
      const items: SourceItem[] = [];
      const rejected: Rejection[] = [];
      const warnings: string[] = [];
      let after: string | undefined;
      let status: number | undefined;
      for (let page = 1; page <= config.maxPages; page++) {
        const params = new URLSearchParams({
          q: config.query,
          sort: 'new',
          t: config.timeWindow,
          limit: '100',
          raw_json: '1',
          type: 'link',
        });
        if (config.subreddit) params.set('restrict_sr', '1');
        if (after) params.set('after', after);
        const what = `search page ${page}`;
        let data: z.infer<typeof ListingSchema>;
        try {
          const got = await withToken(token, (bearer) =>
            requestJson(
              deps.http,
              {
                sourceId: config.id,
                url: `${apiBase}${path}?${params}`,
                headers: { ...userAgent, authorization: `Bearer ${bearer}` },
                ...(context.signal ? { signal: context.signal } : {}),
              },
              ListingSchema,
              what,
            ),
          );
          data = got.data;
          status = got.response.status;
        } catch (error) {
          warnings.push(`${what} failed: ${laterPageError(error, page).message}`);
          break;
        }
        const parsed = parseEach(data.data.children, RedditPostSchema, (i) => `${what} item ${i}`);
        rejected.push(...parsed.rejected);
        const pageItems = parsed.valid.map(redditPostToItem);
        items.push(...pageItems);
        after = data.data.after ?? undefined;
        const reachedKnown = stopAt !== undefined && pageItems.some((i) => (i.publishedAt ?? '') < stopAt);
        if (!after || reachedKnown) break;
        if (page === config.maxPages)
          warnings.push(`${page} pages read and older posts remain in the ${config.timeWindow} window`);
      }
      return {
        items,
        rejected,
        ...(status !== undefined ? { httpStatus: status } : {}),
        cursor: {},
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    },
  };
}
