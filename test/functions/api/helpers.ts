/**
 * Helpers for the API tests: API Gateway HTTP API v2 events built from a real-shaped fixture, a valid
 * alert, and a seeded store.
 */
import { readFileSync } from 'node:fs';
import type { ApiEvent, ApiResult } from '#functions/api/http.ts';
import { type Alert, AlertSchema, alertId } from '#shared/domain/alert.ts';
import { parseRegencyConfig } from '#shared/domain/config.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('./fixtures/http-api-v2-get.json', import.meta.url), 'utf8'),
) as ApiEvent;

export interface EventOptions {
  readonly method?: string;
  /** Raw path, percent-encoded as a client sends it. */
  readonly path: string;
  /**
   * Raw query string as the client sends it (`a=1&a=2`); converted the way API Gateway v2 does:
   * values decoded, repeated names joined with commas.
   */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Authoriser context; `null` = none (public route, or a route deployed without the authoriser). */
  readonly principal?: { keyId: string; name: string; scope: string } | null;
}

/** An API Gateway v2 event for the API Lambda, as API Gateway would deliver it after the authoriser. */
export function apiEvent(options: EventOptions): ApiEvent {
  const event = structuredClone(FIXTURE) as ApiEvent & { pathParameters?: Record<string, string> };
  const method = options.method ?? 'GET';
  const query: Record<string, string> = {};
  const params = new URLSearchParams(options.query ?? '');
  for (const key of new Set(params.keys())) query[key] = params.getAll(key).join(',');
  event.rawPath = options.path;
  event.rawQueryString = options.query ?? '';
  event.requestContext.http.method = method;
  event.requestContext.http.path = options.path;
  event.pathParameters = { proxy: options.path.replace(/^\//, '') };
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  else delete event.queryStringParameters;
  event.headers = { ...event.headers, ...(options.headers ?? {}) };
  if (options.body !== undefined) {
    event.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    event.headers['content-type'] ??= 'application/json';
  }
  const principal = options.principal === undefined ? READER : options.principal;
  if (principal === null) {
    delete (event.requestContext as { authorizer?: unknown }).authorizer;
  } else {
    event.requestContext.authorizer = { lambda: principal };
  }
  return event;
}

export const READER = { keyId: '0123456789abcdef', name: 'pembaca', scope: 'read' };
export const ANALYST = { keyId: 'fedcba9876543210', name: 'humas-ana', scope: 'analyst' };

/** Body of a JSON response. */
export function body<T = Record<string, unknown>>(result: ApiResult): T {
  return JSON.parse(String(result.body)) as T;
}

export const testConfig = parseRegencyConfig({
  regency: 'majalengka',
  name: 'Kabupaten Majalengka',
  timeZone: 'Asia/Jakarta',
  keywords: [
    { id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'] },
    { id: 'kertajati', label: 'Bandara Kertajati', terms: ['Kertajati'] },
  ],
  topics: [
    { id: 'infrastruktur', label: 'Infrastruktur & jalan', opd: 'Dinas PUTR', terms: ['jalan'] },
    { id: 'bandara', label: 'Bandara Kertajati', opd: 'Dinas Perhubungan', terms: ['bandara'] },
  ],
  // The sources the test mentions name (`scoredMention` defaults to rss-test): a `source` filter must
  // name a configured (or collected) source.
  sources: [
    { id: 'rss-test', kind: 'rss', url: 'https://news.example.id/rss' },
    { id: 'rss-antara', kind: 'rss', url: 'https://antara.example.id/rss' },
  ],
});

/** A valid alert for `seriesId` whose window starts at `windowStart`. */
export function testAlert(
  windowStart: string,
  seriesId = 'kw:majalengka',
  overrides: Partial<Alert> = {},
): Alert {
  const end = new Date(Date.parse(windowStart) + 3_600_000).toISOString();
  return AlertSchema.parse({
    id: alertId(windowStart, seriesId),
    seriesId,
    keyword: seriesId.startsWith('kw:') ? seriesId.slice(3) : undefined,
    sentiment: 'NEGATIVE',
    kind: 'volume',
    windowStart,
    windowEnd: end,
    observed: 12,
    expected: 2.5,
    observedShare: 0.6,
    expectedShare: 0.2,
    total: 20,
    score: 0.97,
    severity: 'tinggi',
    narratives: [
      {
        id: 'n1',
        topTerms: ['jalan', 'rusak', 'cigasong'],
        mentionIds: [],
        size: 9,
        distinctAuthors: 7,
        sources: ['rss-test'],
        coordinated: false,
        examples: [
          {
            id: 'e1',
            url: 'https://news.example.id/berita/jalan-rusak',
            title: 'Jalan rusak <b>parah</b> di Cigasong',
            text: 'Warga mengeluhkan jalan rusak',
            source: 'rss-test',
            publishedAt: windowStart,
            engagement: 3,
          },
        ],
      },
    ],
    distinctAuthors: 7,
    sources: ['rss-test'],
    createdAt: end,
    ...overrides,
  });
}
