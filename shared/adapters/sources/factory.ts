/**
 * Builds the {@link MentionSource} for a configured source. Composition roots (Lambda handler, local
 * runner, tests) call this; use cases only see the port.
 */
import type { SourceConfig } from '#shared/domain/config.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { CredentialProvider } from '#shared/ports/credentials.ts';
import type { MentionSource } from '#shared/ports/mention-source.ts';
import type { CredentialedSourceDeps } from './api.ts';
import { createBlueskySource } from './bluesky.ts';
import { createGoogleNewsSource, GOOGLE_NEWS_BASE_URL } from './google-news.ts';
import { createHttpClient, type HttpClient, type RetryEvent, type RetryPolicy } from './http.ts';
import { createMastodonSource } from './mastodon.ts';
import { createRedditSource } from './reddit.ts';
import { createReplaySource } from './replay.ts';
import { createRssSource } from './rss.ts';
import { createXSource } from './x.ts';
import { createYouTubeSource } from './youtube.ts';

/** Dependencies and knobs for {@link createSource}; all optional. */
export interface SourceFactoryDeps {
  /** `fetch` implementation (tests: the global one against a local server). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** A ready HTTP client; when given, `fetch`/`retry`/`timeoutMs`/`userAgent`/`onRetry` are ignored. */
  readonly http?: HttpClient;
  /** Google News scheme + host (tests point it at a local server). @default GOOGLE_NEWS_BASE_URL */
  readonly googleNewsBaseUrl?: string;
  /** Directory relative replay paths resolve against. @default process.cwd() */
  readonly baseDir?: string;
  /** Overrides of the default retry policy (`DEFAULT_RETRY_POLICY`). */
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt HTTP timeout in ms. @default DEFAULT_TIMEOUT_MS (15 000) */
  readonly timeoutMs?: number;
  /** @default DEFAULT_USER_AGENT */
  readonly userAgent?: string;
  /** Called before each HTTP retry (log it). */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Fetch-time clock for the future-date check. @default systemClock */
  readonly clock?: Clock;
  /** Zone assumed for dates without one (the regency's `timeZone`). @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /** Most items read per feed document. @default 500 */
  readonly maxItems?: number;
  /**
   * Where credentialed sources (Bluesky, YouTube, Reddit, X) get their keys: Secrets Manager on AWS,
   * env/file locally. @default noCredentials — those sources are then skipped, never failed.
   */
  readonly credentials?: CredentialProvider;
  /** Base URL overrides of the credentialed APIs (tests point them at a local server). */
  readonly apiBaseUrls?: ApiBaseUrls;
}

/** Scheme + host (+ path prefix) of each social API; production defaults in each adapter. */
export interface ApiBaseUrls {
  /** @default https://www.googleapis.com/youtube/v3 */
  readonly youtube?: string;
  /** @default https://www.reddit.com (token endpoint) */
  readonly redditAuth?: string;
  /** @default https://oauth.reddit.com */
  readonly reddit?: string;
  /** @default https://api.x.com */
  readonly x?: string;
}

/**
 * Create the adapter for one source config. The `enabled` flag is not checked here: the caller decides
 * which sources to poll.
 * @throws {GoogleNewsConfigError} for a Google News config with an unusable query, `hl` or `gl`.
 * @example createSource(config.sources[0], { timeoutMs: 10_000, onRetry: (e) => logger.warn('retry', e) })
 */
export function createSource(config: SourceConfig, deps: SourceFactoryDeps = {}): MentionSource {
  const clockAndZone = {
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
    ...(deps.maxItems !== undefined ? { maxItems: deps.maxItems } : {}),
  };
  const http = () =>
    deps.http ??
    createHttpClient({
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
      ...(deps.userAgent ? { userAgent: deps.userAgent } : {}),
      ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
      ...(deps.clock ? { now: () => (deps.clock as Clock).now() } : {}),
    });
  /** Bluesky, X, Reddit and YouTube take the same three. */
  const credentialed = (): CredentialedSourceDeps => ({
    http: http(),
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  switch (config.kind) {
    case 'google-news':
      return createGoogleNewsSource(config, {
        http: http(),
        baseUrl: deps.googleNewsBaseUrl ?? GOOGLE_NEWS_BASE_URL,
        ...clockAndZone,
      });
    case 'rss':
      return createRssSource(config, { http: http(), ...clockAndZone });
    case 'mastodon':
      return createMastodonSource(config, { http: http() });
    case 'bluesky':
      return createBlueskySource(config, credentialed());
    case 'x':
      return createXSource(config, {
        ...credentialed(),
        ...(deps.apiBaseUrls?.x ? { baseUrl: deps.apiBaseUrls.x } : {}),
      });
    case 'reddit':
      return createRedditSource(config, {
        ...credentialed(),
        ...(deps.apiBaseUrls?.redditAuth ? { authBaseUrl: deps.apiBaseUrls.redditAuth } : {}),
        ...(deps.apiBaseUrls?.reddit ? { apiBaseUrl: deps.apiBaseUrls.reddit } : {}),
      });
    case 'youtube':
      return createYouTubeSource(config, {
        ...credentialed(),
        ...(deps.apiBaseUrls?.youtube ? { baseUrl: deps.apiBaseUrls.youtube } : {}),
      });
    case 'replay':
      return createReplaySource(config, {
        ...(deps.baseDir ? { baseDir: deps.baseDir } : {}),
        ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
        // The run's clock, so a replay's future-date check agrees with the rest of the run.
        ...(deps.clock ? { clock: deps.clock } : {}),
      });
    default: {
      const unknown: never = config;
      throw new TypeError(`unknown source kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}
