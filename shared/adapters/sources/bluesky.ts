/**
 * Bluesky post search as a {@link MentionSource}.
 *
 * Search needs a session since 2025-01: an app password (credential set with `identifier` and
 * `appPassword`) is exchanged at `POST {service}/xrpc/com.atproto.server.createSession` for an
 * `accessJwt`, cached per adapter instance (so per Lambda container) until 60 s before its `exp`, and
 * re-issued once when the API answers 401 or 400 `ExpiredToken`/`InvalidToken`. Then
 * `GET {service}/xrpc/app.bsky.feed.searchPosts?q=…&sort=latest&limit=100&since=…&until=…&cursor=…`
 * (the PDS proxies `app.bsky.*` to the AppView). Pages come newest first; the cursor token is a
 * {@link SweepState} over post times, so a page bound never leaves a gap (see `advanceSweep`).
 */
import { z } from 'zod';
import type { BlueskySourceSchema } from '#shared/domain/config.ts';
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
  compareStrings,
  createTokenCache,
  decodeToken,
  parseEach,
  type Rejection,
  rawField,
  requestJson,
  requireCredentials,
  type SweepState,
  sweepNewestFirst,
  toIsoUtc,
  withToken,
} from './api.ts';
import { SourceAuthError, SourceHttpError } from './errors.ts';
import { primaryLanguage } from './feed.ts';

/** A parsed `bluesky` source config. */
export type BlueskySourceConfig = z.infer<typeof BlueskySourceSchema>;

/** Posts per searchPosts page (the API's maximum). */
export const BLUESKY_PAGE_SIZE = 100;

const SessionSchema = z.object({
  accessJwt: z.string().min(1),
  did: z.string().optional(),
  handle: z.string().optional(),
});

/** The fields of an `app.bsky.feed.defs#postView` Pantau reads. */
export const BlueskyPostSchema = z.object({
  /** `at://<did>/app.bsky.feed.post/<rkey>`. */
  uri: z.string().regex(/^at:\/\/[^/]+\/app\.bsky\.feed\.post\/[A-Za-z0-9._~:-]+$/),
  author: z.object({
    did: z.string().min(1),
    handle: z.string().min(1),
    displayName: z.string().optional(),
  }),
  record: z.looseObject({
    text: z.string(),
    createdAt: z.string().min(1),
    langs: z.array(z.string()).optional(),
  }),
  indexedAt: z.string().min(1),
  likeCount: z.number().int().nonnegative().optional(),
  repostCount: z.number().int().nonnegative().optional(),
  replyCount: z.number().int().nonnegative().optional(),
  quoteCount: z.number().int().nonnegative().optional(),
});
export type BlueskyPost = z.infer<typeof BlueskyPostSchema>;

const SearchPageSchema = z.object({
  cursor: z.string().optional(),
  hitsTotal: z.number().optional(),
  posts: z.array(z.unknown()),
});

const TokenSchema = z.object({
  v: z.literal(1),
  since: z.string().optional(),
  until: z.string().optional(),
  pending: z.string().optional(),
});

/** Dependencies of {@link createBlueskySource}. */
export type BlueskySourceDeps = CredentialedSourceDeps;

/**
 * Expiry of a JWT from its `exp` claim (epoch seconds → ms), or undefined when it has none. The token is
 * not verified: it is only used to know when to ask for a new one.
 */
export function jwtExpiryMs(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When Bluesky orders a post: `sortAt` = the earlier of `createdAt` and `indexedAt` (a post claiming a
 * future time sorts at its indexing time), as UTC ISO-8601.
 */
export function sortAt(post: BlueskyPost): string | undefined {
  const created = toIsoUtc(post.record.createdAt);
  const indexed = toIsoUtc(post.indexedAt);
  if (!created) return indexed;
  if (!indexed) return created;
  return compareStrings(created, indexed) <= 0 ? created : indexed;
}

/** Web URL of a post: `https://bsky.app/profile/<handle>/post/<rkey>` (the DID when the handle is invalid). */
export function postUrl(post: BlueskyPost): string {
  const rkey = post.uri.split('/').at(-1) ?? '';
  const who = post.author.handle === 'handle.invalid' ? post.author.did : post.author.handle;
  return `https://bsky.app/profile/${who}/post/${rkey}`;
}

/**
 * Map one post view to a source item. `publishedAt` is {@link sortAt}: a client can write any
 * `createdAt`, and a post "from next week" must not land in next week's buckets.
 */
export function postToItem(post: BlueskyPost): SourceItem {
  const name = cleanText(post.author.displayName, { maxLength: 500 });
  const publishedAt = sortAt(post);
  const lang = primaryLanguage(post.record.langs?.[0]);
  return {
    sourceItemId: post.uri,
    url: postUrl(post),
    text: cleanText(post.record.text),
    author: { id: post.author.did, handle: post.author.handle, ...(name ? { name } : {}) },
    ...(publishedAt ? { publishedAt } : {}),
    ...(lang ? { lang } : {}),
    outlet: 'bsky.app',
    engagement: {
      ...(post.likeCount !== undefined ? { likes: post.likeCount } : {}),
      ...(post.repostCount !== undefined || post.quoteCount !== undefined
        ? { shares: (post.repostCount ?? 0) + (post.quoteCount ?? 0) }
        : {}),
      ...(post.replyCount !== undefined ? { replies: post.replyCount } : {}),
    },
  };
}

/** Bluesky's "the access token is no good" answers: 401, or 400 with `ExpiredToken`/`InvalidToken`. */
function isSessionRejected(error: unknown): boolean {
  if (!(error instanceof SourceHttpError)) return false;
  if (error.status === 401) return true;
  return error.status === 400 && /"error"\s*:\s*"(ExpiredToken|InvalidToken)"/.test(error.bodyExcerpt ?? '');
}

/**
 * A searchPosts query with an app-password session.
 * @throws {SourceCredentialsMissingError} (a skip) when the credential set or one of its fields is missing.
 * @throws {SourceAuthError} when createSession rejects the identifier/app password.
 * @throws SourceHttpError, SourceTimeoutError, SourceNetworkError, SourceResponseError, SourceAbortedError
 *   when the first page cannot be read (a later page failing keeps the earlier ones, with a warning).
 */
export function createBlueskySource(config: BlueskySourceConfig, deps: BlueskySourceDeps): MentionSource {
  const service = config.service.replace(/\/+$/, '');
  const clock = deps.clock ?? systemClock;
  let signal: AbortSignal | undefined;

  const session = createTokenCache(async (): Promise<AccessToken> => {
    const creds = await requireCredentials(deps, config, ['identifier', 'appPassword']);
    try {
      const { data } = await requestJson(
        deps.http,
        {
          sourceId: config.id,
          url: `${service}/xrpc/com.atproto.server.createSession`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: creds['identifier'], password: creds['appPassword'] }),
          ...(signal ? { signal } : {}),
        },
        SessionSchema,
        'createSession',
      );
      return { token: data.accessJwt, expiresAtMs: jwtExpiryMs(data.accessJwt) ?? clock.now() + 15 * 60_000 };
    } catch (error) {
      if (error instanceof SourceHttpError && (error.status === 401 || error.status === 400)) {
        throw new SourceAuthError(
          config.id,
          `createSession refused credentials "${config.credentials}" (HTTP ${error.status}); check the identifier and app password`,
          { cause: error },
        );
      }
      throw error;
    }
  }, clock.now);

  return {
    id: config.id,
    kind: 'bluesky',
    query: config.query,
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      signal = context.signal;
      const state: SweepState = decodeToken(context.cursor?.token, TokenSchema) ?? {};
      const items: SourceItem[] = [];
      const rejected: Rejection[] = [];
      let status: number | undefined;
      const sweep = await sweepNewestFirst(state, {
        maxPages: config.maxPages,
        compare: compareStrings,
        describePage: (page) => `searchPosts page ${page}`,
        readPage: async ({ token: cursor, what }) => {
          const params = new URLSearchParams({
            q: config.query,
            sort: 'latest',
            limit: String(BLUESKY_PAGE_SIZE),
          });
          if (state.since) params.set('since', state.since);
          if (state.until) params.set('until', state.until);
          if (config.lang) params.set('lang', config.lang);
          if (cursor) params.set('cursor', cursor);
          const { data, response } = await withToken(
            session,
            (token) =>
              requestJson(
                deps.http,
                {
                  sourceId: config.id,
                  url: `${service}/xrpc/app.bsky.feed.searchPosts?${params}`,
                  headers: { authorization: `Bearer ${token}` },
                  ...(context.signal ? { signal: context.signal } : {}),
                },
                SearchPageSchema,
                what,
              ),
            isSessionRejected,
          );
          status = response.status;
          const parsed = parseEach(
            data.posts,
            BlueskyPostSchema,
            (i, raw) => `${what} item ${i} (${rawField(raw, 'uri') ?? '?'})`,
          );
          rejected.push(...parsed.rejected);
          const markers: string[] = [];
          for (const post of parsed.valid) {
            items.push(postToItem(post));
            const at = sortAt(post);
            if (at) markers.push(at);
          }
          // An empty page ends the sweep even when Bluesky still hands out a cursor.
          return { markers, next: data.posts.length === 0 ? undefined : data.cursor };
        },
      });
      const next = sweep.state ?? state;
      return {
        items,
        rejected,
        ...(status !== undefined ? { httpStatus: status } : {}),
        cursor: Object.keys(next).length > 0 ? { token: JSON.stringify({ v: 1, ...next }) } : {},
        ...(sweep.warning !== undefined ? { warnings: [sweep.warning] } : {}),
      };
    },
  };
}
