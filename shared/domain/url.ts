/**
 * Canonical URLs: the identity of a mention (`mentionId` hashes the canonical URL), so the same article
 * reached through two feeds, two queries or with different tracking tags gets one id.
 * Rules and the reasons for each: `docs/sources.md` ("Canonical URLs").
 */

/** A URL that cannot be a mention's URL: unparseable, or not http(s). */
export class InvalidUrlError extends Error {
  override readonly name = 'InvalidUrlError';
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid URL ${JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url)}: ${reason}`,
      options,
    );
  }
}

/**
 * Query parameters that only track the click, compared case-insensitively. Sources: Google Analytics
 * campaign tags (`utm_*`, `_ga`, `_gl`), ad click ids (Google `gclid`/`dclid`/`gbraid`/`wbraid`, Microsoft
 * `msclkid`, Yandex `yclid`, Facebook `fbclid`, Instagram `igshid`, TikTok `ttclid`, Twitter `twclid`),
 * Mailchimp (`mc_cid`, `mc_eid`), HubSpot (`_hsenc`, `_hsmi`), and referral tags (`ref`, `ref_src`).
 * `amp` is dropped too: `?amp` / `?amp=1` selects the AMP rendering of the same article (WordPress AMP).
 */
export const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'amp',
  'dclid',
  'fbclid',
  'gbraid',
  'gclid',
  'gclsrc',
  'igshid',
  'mc_cid',
  'mc_eid',
  'msclkid',
  'ref',
  'ref_src',
  'ttclid',
  'twclid',
  'wbraid',
  'yclid',
]);
const TRACKING_PREFIXES = ['utm_'];
/** Per-host extras: Google News appends `oc=5` (an origin tag) to every article link. */
const HOST_TRACKING_PARAMS: Readonly<Record<string, ReadonlySet<string>>> = {
  'news.google.com': new Set(['oc']),
};

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}

function isTrackingParam(key: string, host: string): boolean {
  const k = key.toLowerCase();
  return (
    TRACKING_PARAMS.has(k) ||
    TRACKING_PREFIXES.some((p) => k.startsWith(p)) ||
    (HOST_TRACKING_PARAMS[host]?.has(k) ?? false)
  );
}

/**
 * Parse an absolute http(s) URL (optionally relative to `base`).
 * @throws {InvalidUrlError} when it does not parse or its scheme is not http/https.
 */
export function parseHttpUrl(url: string, base?: string): URL {
  let parsed: URL;
  try {
    parsed = base === undefined ? new URL(url.trim()) : new URL(url.trim(), base);
  } catch (cause) {
    throw new InvalidUrlError(url, 'not a parseable URL', { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidUrlError(url, `scheme ${parsed.protocol} is not http(s)`);
  }
  if (parsed.hostname === '') throw new InvalidUrlError(url, 'no host');
  return parsed;
}

/** True when `url` parses as an absolute http(s) URL. Never throws. */
export function isHttpUrl(url: string): boolean {
  try {
    parseHttpUrl(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * The canonical form of an article URL, used for de-duplication and as the input of `mentionId`.
 *
 * - scheme and host lower-cased, a trailing dot on the host removed, default ports (80/443) dropped;
 * - user name and password removed (never part of an article's identity, and may be secrets);
 * - fragment dropped;
 * - tracking parameters ({@link TRACKING_PARAMS}, `utm_*`, `oc` on news.google.com) removed;
 * - remaining parameters sorted by decoded name (stable, so repeated names keep their order), each kept
 *   exactly as encoded; an empty query drops the `?`;
 * - the path is kept as given (apart from WHATWG URL normalisation such as `/a/../b` → `/b`): paths are
 *   case-sensitive and `/amp/` variants cannot be mapped without site knowledge.
 *
 * Idempotent: `canonicalUrl(canonicalUrl(u)) === canonicalUrl(u)`.
 * @param url - Absolute URL, or relative to `base`.
 * @param base - Base URL for relative links (e.g. the feed URL).
 * @returns e.g. `https://example.com/berita?id=7` for `HTTPS://Example.COM:443/berita?utm_source=x&id=7#top`.
 * @throws {InvalidUrlError} when it does not parse or is not http(s).
 */
export function canonicalUrl(url: string, base?: string): string {
  const parsed = parseHttpUrl(url, base);
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  if (parsed.hostname.endsWith('.')) parsed.hostname = parsed.hostname.replace(/\.+$/, '');
  const host = parsed.hostname;
  const pairs = parsed.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => ({ pair, key: safeDecode(pair.split('=', 1)[0] ?? '') }))
    .filter(({ key }) => !isTrackingParam(key, host));
  pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  parsed.search = pairs.length > 0 ? `?${pairs.map((p) => p.pair).join('&')}` : '';
  return parsed.href;
}

/**
 * The site a URL belongs to, as an outlet label: the host name without a leading `www.`
 * (e.g. `radarcirebon.disway.id` for `https://www.radarcirebon.disway.id/read/1`).
 * @throws {InvalidUrlError} when it does not parse or is not http(s).
 */
export function siteOf(url: string): string {
  return parseHttpUrl(url)
    .hostname.replace(/\.+$/, '')
    .replace(/^www\./, '');
}
