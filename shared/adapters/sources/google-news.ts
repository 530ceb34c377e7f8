/**
 * Google News RSS search as a {@link MentionSource}.
 *
 * `GET {base}/rss/search?q=<query>&hl=<hl>&gl=<GL>&ceid=<GL>:<lang>`: one page of up to ~100 items, no
 * paging, no key. Items' titles end with ` - Outlet` and carry `<source url="…">Outlet</source>`; links
 * are Google redirect URLs (`news.google.com/rss/articles/…`), kept as they are (resolving them needs a
 * request per item); the `<source url>` host travels as `outletDomain` so collect can recognise the article
 * when the outlet's own feed also carries it (story key, `shared/domain/story.ts`). The description only repeats the headline (or lists other outlets' headlines for a
 * story cluster), so `text` is left empty: matching other outlets' headlines would attribute them to this
 * item. Poll no more often than every 60 s.
 */
import type { z } from 'zod';
import type { GoogleNewsSourceSchema } from '#shared/domain/config.ts';
import { outletDomain } from '#shared/domain/story.ts';
import type { FetchContext, MentionSource, SourceItem } from '#shared/ports/mention-source.ts';
import type { FeedEntry } from './feed.ts';
import { toSourceItem } from './feed.ts';
import { type FeedFetchResult, type FeedSourceDeps, pollFeed } from './rss.ts';

/** A parsed `google-news` source config. */
export type GoogleNewsSourceConfig = z.infer<typeof GoogleNewsSourceSchema>;

/** Production endpoint; tests inject a local server's URL instead. */
export const GOOGLE_NEWS_BASE_URL = 'https://news.google.com';

/** A Google News source config that cannot produce a valid request. */
export class GoogleNewsConfigError extends Error {
  override readonly name = 'GoogleNewsConfigError';
}

const HL = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$/;
const GL = /^[A-Za-z]{2}$/;

/**
 * Build the search URL. `ceid` is `{GL}:{language}` where language is `hl`'s primary subtag, which is the
 * pairing Google's own links use (`hl=id&gl=ID&ceid=ID:id`, `hl=en-US&gl=US&ceid=US:en`); mismatched
 * values make Google fall back to another edition.
 * @param params.query - Search query with Google's operators (`"…"`, `OR`, `-term`, `site:`, `when:1d`).
 * @param params.hl - Interface language, e.g. `id`. @default 'id'
 * @param params.gl - Country edition, e.g. `ID`. @default 'ID'
 * @param baseUrl - Scheme + host (+ optional path prefix). @default GOOGLE_NEWS_BASE_URL
 * @returns e.g. `https://news.google.com/rss/search?q=Majalengka%20when%3A1d&hl=id&gl=ID&ceid=ID:id`
 * @throws {GoogleNewsConfigError} on an empty query or malformed `hl`/`gl`.
 */
export function buildGoogleNewsSearchUrl(
  params: { query: string; hl?: string; gl?: string },
  baseUrl: string = GOOGLE_NEWS_BASE_URL,
): string {
  const hl = params.hl ?? 'id';
  const gl = (params.gl ?? 'ID').toUpperCase();
  const query = params.query.trim();
  if (query === '') throw new GoogleNewsConfigError('Google News query is empty');
  if (!HL.test(hl))
    throw new GoogleNewsConfigError(`hl ${JSON.stringify(hl)} is not a language tag like "id"`);
  if (!GL.test(gl))
    throw new GoogleNewsConfigError(`gl ${JSON.stringify(gl)} is not a country code like "ID"`);
  const language = hl.split('-')[0] as string;
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/rss/search?q=${encodeURIComponent(query)}&hl=${encodeURIComponent(hl)}&gl=${gl}&ceid=${gl}:${language}`;
}

/** Separator Google puts before the outlet; a hyphen, or an en/em dash in some editions. */
const OUTLET_SUFFIX = /\s+[-–—]\s+([^-–—]+?)\s*$/;

/**
 * Split a Google News headline into the article title and the outlet.
 * With `sourceName` (from `<source>`), only that exact suffix is removed; without it, the text after the
 * last ` - ` is taken as the outlet. A title that is nothing but the suffix is kept whole.
 * @example splitTitleOutlet('Jalan rusak di Majalengka - Radar Cirebon', 'Radar Cirebon')
 *   // { title: 'Jalan rusak di Majalengka', outlet: 'Radar Cirebon' }
 */
export function splitTitleOutlet(headline: string, sourceName?: string): { title: string; outlet?: string } {
  const name = sourceName?.trim();
  if (name) {
    for (const sep of [' - ', ' – ', ' — ']) {
      const suffix = `${sep}${name}`;
      if (headline.endsWith(suffix) && headline.length > suffix.length) {
        return { title: headline.slice(0, -suffix.length).trim(), outlet: name };
      }
    }
    return { title: headline, outlet: name };
  }
  const m = OUTLET_SUFFIX.exec(headline);
  if (m?.[1] && m.index > 0) return { title: headline.slice(0, m.index).trim(), outlet: m[1] };
  return { title: headline };
}

/** Options beyond {@link FeedSourceDeps}. */
export interface GoogleNewsSourceDeps extends FeedSourceDeps {
  /** @default GOOGLE_NEWS_BASE_URL */
  readonly baseUrl?: string;
}

function toItem(entry: FeedEntry, lang: string): SourceItem {
  const { title: headline, ...rest } = toSourceItem(entry);
  const split: { title?: string; outlet?: string } =
    headline === undefined ? {} : splitTitleOutlet(headline, entry.feedSource?.name);
  const outlet = split.outlet ?? entry.feedSource?.name;
  const domain = outletDomain(entry.feedSource?.url);
  return {
    ...rest,
    ...(split.title ? { title: split.title } : {}),
    text: '',
    // News items name no person; the outlet is the author (see shared/reference/sources.md field table).
    author: outlet ? { name: outlet } : {},
    lang: rest.lang ?? lang,
    ...(outlet ? { outlet } : {}),
    ...(domain ? { outletDomain: domain } : {}),
  };
}

/**
 * A Google News RSS search for `config.query` in the `config.hl`/`config.gl` edition.
 * Items get `lang` from `hl`, `outlet` and `author.name` from `<source>` (or the title suffix), and
 * `outletDomain` from `<source url>` (none without it: the redirect link names no outlet).
 * @throws {GoogleNewsConfigError} at creation when `query`, `hl` or `gl` are unusable.
 */
export function createGoogleNewsSource(
  config: GoogleNewsSourceConfig,
  deps: GoogleNewsSourceDeps,
): MentionSource {
  const url = buildGoogleNewsSearchUrl(config, deps.baseUrl ?? GOOGLE_NEWS_BASE_URL);
  const lang = config.hl.split('-')[0]?.toLowerCase() ?? 'id';
  return {
    id: config.id,
    kind: 'google-news',
    query: config.query,
    keywords: config.keywords,
    fetch: (context: FetchContext): Promise<FeedFetchResult> =>
      pollFeed(deps, { sourceId: config.id, url, defaultLang: lang, context }, (entry) =>
        toItem(entry, lang),
      ),
  };
}
