/**
 * Story keys: one news article reached through two links (the outlet's own feed link and Google News's
 * `news.google.com/rss/articles/…` redirect) gets one key, so collect counts it once although the two
 * canonical URLs, hence the two mention ids, differ. Rules and reasons: `docs/sources.md` ("One article,
 * one mention") and `docs/schemas.md`.
 */
import { createHash } from 'node:crypto';
import type { SourceKind } from './mention.ts';

/** Source kinds whose items get a story key: news. Social posts have their own identity and are left alone. */
export const STORY_KEYED_KINDS: ReadonlySet<SourceKind> = new Set<SourceKind>(['rss', 'google-news']);

/** Fewest words a normalised title needs for a key: short titles ("Info Lalu Lintas") collide. */
export const STORY_MIN_WORDS = 4;

/**
 * Days a handed-on story is remembered (the marker's TTL). Google News searches with `when:1d` and regional
 * outlet feeds (20–50 newest items) carry an article for a day or two; a week covers a late or re-surfacing
 * copy with room to spare, at the cost of one small marker item per news mention.
 */
export const STORY_HORIZON_DAYS = 7;

/**
 * Largest gap between two copies' `publishedAt`, in ms, for them to be one story. Google News gives the
 * article's own publication time, so true copies are minutes apart; the bound keeps an outlet's recurring
 * headline ("Jadwal Imsakiyah Kabupaten Majalengka Hari Ini", once a day) from being merged across days.
 */
export const STORY_MAX_GAP_MS = 12 * 3_600_000;

/** Host labels that name a rendering of the same site, not another outlet. */
const RENDERING_PREFIXES = ['www.', 'm.', 'amp.'];

/** A host name: dot-separated labels of letters, digits and hyphens (IDN hosts arrive as punycode from URL). */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]*[a-z][a-z0-9-]*$/;

/**
 * The outlet part of a story key: the host of a URL (or a bare host), lower-cased, trailing dots and a
 * leading `www.`, `m.` or `amp.` removed. Kept at host level, not cut to the registrable domain: there is no
 * public-suffix list in the bundle, and news networks (e.g. `cirebon.tribunnews.com`,
 * `jabar.tribunnews.com`) run separate regional newsrooms on subdomains.
 * @param urlOrHost - `https://www.pikiran-rakyat.com/…` or `www.pikiran-rakyat.com`.
 * @returns e.g. `pikiran-rakyat.com`, or undefined when it is not an http(s) URL or a dotted host name.
 */
export function outletDomain(urlOrHost: string | undefined): string | undefined {
  const raw = urlOrHost?.trim();
  if (!raw) return undefined;
  let host: string;
  if (raw.includes('://')) {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return undefined;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    host = parsed.hostname;
  } else {
    host = raw.toLowerCase();
  }
  host = host.replace(/\.+$/, '');
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const prefix of RENDERING_PREFIXES) {
      // Only while a dotted name remains: `m.id` stays `m.id`.
      if (host.startsWith(prefix) && host.indexOf('.', prefix.length) > 0) {
        host = host.slice(prefix.length);
        stripped = true;
      }
    }
  }
  return HOST.test(host) ? host : undefined;
}

/**
 * A headline reduced to what both copies of an article share: NFKC (full-width and compatibility forms
 * folded), lower-cased, every run of characters that are not letters, marks or digits turned into one
 * space, trimmed. Google's ` - Outlet` suffix must already be removed (`splitTitleOutlet`).
 * @example normaliseStoryTitle('  Jalan Tol Cisumdawu  Macet, Warga “Mengeluh”!') // 'jalan tol cisumdawu macet warga mengeluh'
 */
export function normaliseStoryTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The story key of a news item: the first 32 hex characters (128 bits, like `mentionId`) of SHA-256 over
 * `<outlet domain>|<normalised title>`.
 * @param input.outletDomain - Host as {@link outletDomain} returns it (normalised again here).
 * @param input.title - Headline without Google's ` - Outlet` suffix.
 * @returns undefined when the domain is missing or unusable, or the normalised title has fewer than
 *   {@link STORY_MIN_WORDS} words.
 */
export function storyKey(input: {
  outletDomain?: string | undefined;
  title?: string | undefined;
}): string | undefined {
  const domain = outletDomain(input.outletDomain);
  if (!domain || input.title === undefined) return undefined;
  const title = normaliseStoryTitle(input.title);
  if (title.split(' ').filter((w) => w !== '').length < STORY_MIN_WORDS) return undefined;
  return createHash('sha256').update(`${domain}|${title}`).digest('hex').slice(0, 32);
}

/**
 * True when two copies with the same story key are one story: their `publishedAt` (UTC ISO-8601) are at
 * most {@link STORY_MAX_GAP_MS} apart. An unparseable time counts as the same story (the key decides).
 */
export function sameStoryTime(a: string, b: string): boolean {
  const gap = Math.abs(Date.parse(a) - Date.parse(b));
  return Number.isNaN(gap) || gap <= STORY_MAX_GAP_MS;
}
