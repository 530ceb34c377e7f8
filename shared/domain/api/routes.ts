/**
 * The HTTP API's route table: one list read by the router (`functions/api`), the authoriser
 * (`functions/authorizer`), the local server and the OpenAPI generator, so a route's path, method and
 * required scope are written down once. Pure.
 */
import type { ApiScope } from './auth.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';

/** Route ids, also the OpenAPI `operationId`s. */
export type RouteId =
  | 'listMentions'
  | 'getMention'
  | 'labelMention'
  | 'getTrends'
  | 'listAlerts'
  | 'acknowledgeAlert'
  | 'getDigest'
  | 'listKeywords'
  | 'listTopics'
  | 'me'
  | 'health'
  | 'openapi';

export interface RouteSpec {
  readonly id: RouteId;
  readonly method: HttpMethod;
  /** Path template, `{name}` for one path segment, e.g. `/v1/alerts/{id}/ack`. */
  readonly path: string;
  /** Scope the API key needs; `null` = no authentication. */
  readonly scope: ApiScope | null;
  /** One line for the OpenAPI summary. */
  readonly summary: string;
}

export const ROUTES: readonly RouteSpec[] = [
  { id: 'health', method: 'GET', path: '/v1/health', scope: null, summary: 'Liveness check' },
  { id: 'openapi', method: 'GET', path: '/v1/openapi.json', scope: null, summary: 'This API as OpenAPI 3.1' },
  {
    id: 'listMentions',
    method: 'GET',
    path: '/v1/mentions',
    scope: 'read',
    summary: 'Mentions, newest first, filtered and paged',
  },
  {
    id: 'getMention',
    method: 'GET',
    path: '/v1/mentions/{id}',
    scope: 'read',
    summary: 'One mention with its analyst corrections',
  },
  {
    id: 'labelMention',
    method: 'PUT',
    path: '/v1/mentions/{id}/label',
    scope: 'analyst',
    summary: "Correct a mention's sentiment label (analyst)",
  },
  {
    id: 'getTrends',
    method: 'GET',
    path: '/v1/trends',
    scope: 'read',
    summary: 'Counts per sentiment and net sentiment per local hour or day',
  },
  {
    id: 'listAlerts',
    method: 'GET',
    path: '/v1/alerts',
    scope: 'read',
    summary: 'Spike alerts whose window starts in [from, to)',
  },
  {
    id: 'acknowledgeAlert',
    method: 'POST',
    path: '/v1/alerts/{id}/ack',
    scope: 'analyst',
    summary: 'Acknowledge an alert (analyst)',
  },
  {
    id: 'getDigest',
    method: 'GET',
    path: '/v1/digests/{date}',
    scope: 'read',
    summary: 'The daily digest of one local (Asia/Jakarta) day',
  },
  { id: 'me', method: 'GET', path: '/v1/me', scope: 'read', summary: 'The calling API key: name and scope' },
  {
    id: 'listKeywords',
    method: 'GET',
    path: '/v1/keywords',
    scope: 'read',
    summary: 'Watched keywords and topics',
  },
  { id: 'listTopics', method: 'GET', path: '/v1/topics', scope: 'read', summary: 'Topics of the taxonomy' },
];

/** Outcome of {@link matchRoute}. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: RouteSpec; readonly params: Readonly<Record<string, string>> }
  /** The path exists but not for this method (HTTP 405); `allow` lists the methods that do. */
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

/**
 * Find the route for a method and a raw (percent-encoded) path. Path parameters come back decoded; a
 * segment that does not decode (`%zz`) matches nothing. `HEAD` is answered like `GET`.
 */
export function matchRoute(
  method: string,
  rawPath: string,
  routes: readonly RouteSpec[] = ROUTES,
): RouteMatch {
  const segments = rawPath.split('/');
  const allow = new Set<HttpMethod>();
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    const wanted = method === 'HEAD' ? 'GET' : method;
    if (route.method === wanted) return { kind: 'found', route, params };
    allow.add(route.method);
  }
  if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow, 'OPTIONS'] };
  return { kind: 'not-found' };
}

function matchPath(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const segment = segments[i] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

/**
 * Scope a request needs: the matched route's, `null` for public routes and CORS preflights, and `read`
 * for unknown paths and methods (so an anonymous caller learns nothing about which paths exist).
 */
export function requiredScope(method: string, rawPath: string): ApiScope | null {
  if (method === 'OPTIONS') return null;
  const match = matchRoute(method, rawPath);
  return match.kind === 'found' ? match.route.scope : 'read';
}
