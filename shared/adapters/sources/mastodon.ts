/**
 * Mastodon hashtag timelines as a {@link MentionSource} (no key: public timelines are open unless an
 * instance disables public preview).
 *
 * `GET {instance}/api/v1/timelines/tag/{hashtag}?limit=40&min_id=…` per hashtag. Paging goes *forward*
 * with `min_id` ("results immediately newer than this id"), following the `Link` header's `rel="prev"`,
 * rather than `since_id` (which returns the newest page and leaves a hole behind it when more than a page
 * arrived): with a page bound, each poll reads the oldest unread statuses first and the cursor only moves
 * over pages actually read, so a burst is read over several polls without a gap. The first poll of a
 * hashtag (no cursor) reads only the newest page: no backfill.
 * Limits: about 300 requests per 5 minutes per IP per instance.
 */
import { z } from 'zod';
import type { MastodonSourceSchema } from '#shared/domain/config.ts';
import { cleanText } from '#shared/domain/text.ts';
import { parseHttpUrl, siteOf } from '#shared/domain/url.ts';
import type {
  FetchContext,
  MentionSource,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import { SourceError } from '#shared/ports/mention-source.ts';
import { decodeToken, parseEach, type Rejection, rawField, requestJson, toIsoUtc } from './api.ts';
import { SourceAbortedError, SourceHttpError } from './errors.ts';
import { primaryLanguage } from './feed.ts';
import type { HttpClient } from './http.ts';

/** A parsed `mastodon` source config. */
export type MastodonSourceConfig = z.infer<typeof MastodonSourceSchema>;

/** The fields of a Mastodon `Status` entity Pantau reads (docs.joinmastodon.org/entities/Status/). */
export const MastodonStatusSchema = z.object({
  id: z.string().min(1),
  /** ActivityPub URI: globally unique, used as `sourceItemId`. */
  uri: z.string().min(1),
  /** HTML page of the status; null for some remote statuses. */
  url: z.string().nullish(),
  created_at: z.string().min(1),
  /** HTML. */
  content: z.string(),
  spoiler_text: z.string().default(''),
  language: z.string().nullish(),
  replies_count: z.number().int().nonnegative().default(0),
  reblogs_count: z.number().int().nonnegative().default(0),
  favourites_count: z.number().int().nonnegative().default(0),
  account: z.object({
    /** `user` for local accounts, `user@domain` for remote ones. */
    acct: z.string().min(1),
    display_name: z.string().default(''),
  }),
});
export type MastodonStatus = z.infer<typeof MastodonStatusSchema>;

const TokenSchema = z.object({ v: z.literal(1), minIds: z.record(z.string(), z.string()) });

/** Dependencies of {@link createMastodonSource}. */
export interface MastodonSourceDeps {
  readonly http: HttpClient;
}

/** A hashtag as Mastodon's URL wants it: no `#`, lower case. */
export function normaliseHashtag(tag: string): string {
  return tag.replace(/^#/, '').toLowerCase();
}

/**
 * `min_id` of a `Link` header's `rel="prev"` URL (the next newer page), e.g. from
 * `<https://x/api/v1/timelines/tag/a?min_id=110>; rel="prev"` → `110`.
 */
export function prevMinId(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?prev"?/i.exec(part);
    if (!m?.[1]) continue;
    try {
      return new URL(m[1]).searchParams.get('min_id') ?? undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Order Mastodon ids: numeric (snowflake) ids numerically; others (Pleroma flake ids) by length, then text. */
export function compareStatusIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Map one status to a source item. `author.handle` is the full `user@domain` (local accounts get the
 * instance's host), `author.name` the display name; the spoiler text (content warning) becomes the title.
 */
export function statusToItem(status: MastodonStatus, instanceHost: string): SourceItem | Rejection {
  const url = status.url || status.uri;
  let outlet: string;
  try {
    outlet = siteOf(url);
  } catch {
    return { reason: 'no-link', detail: `status ${status.id}: url ${JSON.stringify(url)}` };
  }
  const acct = status.account.acct.includes('@')
    ? status.account.acct
    : `${status.account.acct}@${instanceHost}`;
  const name = cleanText(status.account.display_name, { maxLength: 500 });
  const title = cleanText(status.spoiler_text, { maxLength: 2_000 });
  const publishedAt = toIsoUtc(status.created_at);
  const lang = primaryLanguage(status.language ?? undefined);
  return {
    sourceItemId: status.uri,
    url,
    ...(title ? { title } : {}),
    text: cleanText(status.content, { html: true }),
    author: { handle: acct, ...(name ? { name } : {}) },
    ...(publishedAt ? { publishedAt } : {}),
    ...(lang ? { lang } : {}),
    outlet,
    engagement: {
      replies: status.replies_count,
      shares: status.reblogs_count,
      likes: status.favourites_count,
    },
  };
}

/**
 * Hashtag timelines of one instance. The cursor token is `{"v":1,"minIds":{"<tag>":"<id>"}}`: per hashtag,
 * the newest status id read. A hashtag that fails is reported in `warnings` and keeps its cursor; when
 * every hashtag fails, the first error is thrown. A status under several followed hashtags is returned once.
 * @throws SourceHttpError, SourceTimeoutError, SourceNetworkError, SourceResponseError (body not a status
 *   list), SourceAbortedError — naming `config.id`.
 */
export function createMastodonSource(config: MastodonSourceConfig, deps: MastodonSourceDeps): MentionSource {
  const instance = config.instance.replace(/\/+$/, '');
  const instanceHost = parseHttpUrl(instance).hostname;
  const hashtags = [...new Set(config.hashtags.map(normaliseHashtag))];
  return {
    id: config.id,
    kind: 'mastodon',
    query: hashtags.map((t) => `#${t}`).join(' '),
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      const saved = decodeToken(context.cursor?.token, TokenSchema)?.minIds ?? {};
      const minIds: Record<string, string> = {};
      for (const tag of hashtags) if (saved[tag]) minIds[tag] = saved[tag];
      const items: SourceItem[] = [];
      const rejected: Rejection[] = [];
      const warnings: string[] = [];
      const seen = new Set<string>();
      // Hashtags whose first page failed; a later page failing keeps the pages before it.
      const errors: SourceError[] = [];
      let throttled = false;
      let status: number | undefined;

      for (const tag of hashtags) {
        const pages = minIds[tag] ? config.maxPages : 1;
        for (let page = 1; page <= pages; page++) {
          const minId = minIds[tag];
          const url = `${instance}/api/v1/timelines/tag/${encodeURIComponent(tag)}?limit=${config.limit}${minId ? `&min_id=${encodeURIComponent(minId)}` : ''}`;
          const what = `timelines/tag/${tag} page ${page}`;
          let data: unknown[];
          let link: string | null;
          try {
            const got = await requestJson(
              deps.http,
              { sourceId: config.id, url, ...(context.signal ? { signal: context.signal } : {}) },
              z.array(z.unknown()),
              what,
            );
            data = got.data;
            link = got.response.headers.get('link');
            status = got.response.status;
          } catch (error) {
            if (!(error instanceof SourceError) || error instanceof SourceAbortedError) throw error;
            if (page === 1) errors.push(error);
            throttled = error instanceof SourceHttpError && error.status === 429;
            warnings.push(`${what} failed, #${tag} resumes from its cursor next poll: ${error.message}`);
            break;
          }
          const parsed = parseEach(
            data,
            MastodonStatusSchema,
            (i, raw) => `${what} item ${i} (id ${rawField(raw, 'id') ?? '?'})`,
          );
          rejected.push(...parsed.rejected);
          for (const s of parsed.valid) {
            if (seen.has(s.uri)) continue;
            seen.add(s.uri);
            const item = statusToItem(s, instanceHost);
            if ('reason' in item) rejected.push(item);
            else items.push(item);
          }
          const ids = data.map((raw) => rawField(raw, 'id')).filter((id): id is string => id !== undefined);
          const newest =
            prevMinId(link) ??
            ids.reduce<string | undefined>(
              (max, id) => (max === undefined || compareStatusIds(id, max) > 0 ? id : max),
              undefined,
            );
          if (newest) minIds[tag] = newest;
          if (data.length < config.limit || !newest) break;
          if (page === pages && minId)
            warnings.push(`#${tag}: ${pages} pages read, more statuses remain; they are read next poll`);
        }
        // The instance throttles per client, not per hashtag: asking again for the next tag only makes it worse.
        if (throttled) break;
      }
      if (errors[0] && status === undefined) throw errors[0];
      return {
        items,
        rejected,
        ...(status !== undefined ? { httpStatus: status } : {}),
        cursor: Object.keys(minIds).length > 0 ? { token: JSON.stringify({ v: 1, minIds }) } : {},
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    },
  };
}
