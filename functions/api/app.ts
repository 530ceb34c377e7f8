/**
 * The API Lambda (API Gateway HTTP API, payload format 2.0, one proxy integration for every route):
 * route → trust the authoriser's context and check the route's scope → parse → use case. The same
 * handler runs on AWS (`handler.ts`), behind `pantau serve` and in tests; only `deps` differ.
 *
 * Status decisions (see `docs/api.md`): 401 = no usable key (missing, malformed, unknown, revoked);
 * 403 = a valid key whose scope is too weak; 404 = unknown path; 405 = known path, other method
 * (with `Allow`); 400 = any bad parameter or body, with `issues`; 500 = generic body, details logged.
 */
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { PrincipalSchema, scopeAllows } from '#shared/domain/api/auth.ts';
import { matchRoute } from '#shared/domain/api/routes.ts';
import { withMiddleware } from '#shared/middleware.ts';
import type { MetricSink } from '#shared/observability.ts';
import { type ApiDeps, type ApiRequest, OPERATIONS } from './api.ts';
import {
  type ApiEvent,
  type ApiResult,
  badRequest,
  type CorsOptions,
  cors,
  corsHeaders,
  HttpError,
  httpErrors,
} from './http.ts';

export type { ApiDeps } from './api.ts';

/** Largest request body accepted, in bytes (labels and acknowledgements are small). */
export const MAX_BODY_BYTES = 16_384;

export interface ApiHandlerDeps extends ApiDeps {
  readonly metrics: MetricSink;
  readonly cors?: CorsOptions;
}

function parseBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  const type = event.headers?.['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'send the body as application/json');
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest(
      [{ path: 'body', code: 'invalid_json', message: 'body is not valid JSON' }],
      'invalid JSON body',
    );
  }
}

/** Route, authorise and run one request. */
async function handle(deps: ApiHandlerDeps, event: ApiEvent): Promise<ApiResult> {
  const method = event.requestContext.http.method.toUpperCase();
  const rawPath = event.rawPath;
  if (method === 'OPTIONS') {
    return { statusCode: 204, headers: { ...corsHeaders(event.headers?.['origin'], deps.cors) }, body: '' };
  }
  const match = matchRoute(method, rawPath);
  if (match.kind === 'not-found') throw new HttpError(404, 'no such route');
  if (match.kind === 'method-not-allowed')
    throw new HttpError(405, `method ${method} not allowed here`, {}, { allow: match.allow.join(', ') });
  const { route, params } = match;

  let principal: ApiRequest['principal'];
  if (route.scope !== null) {
    // On AWS the authoriser has already refused bad keys; locally `pantau serve` runs the same check
    // first. Missing context here means a route was deployed without the authoriser: refuse.
    const parsed = PrincipalSchema.safeParse(event.requestContext.authorizer?.lambda);
    if (!parsed.success) throw new HttpError(401, 'API key required', {}, { 'www-authenticate': 'Bearer' });
    if (!scopeAllows(parsed.data.scope, route.scope))
      throw new HttpError(
        403,
        `this route needs the '${route.scope}' scope; the key has '${parsed.data.scope}'`,
      );
    principal = parsed.data;
  }

  const request: ApiRequest = {
    route: route.id,
    params,
    query: event.queryStringParameters ?? {},
    body: method === 'POST' || method === 'PUT' ? parseBody(event) : undefined,
    ...(principal ? { principal } : {}),
  };
  const result = await OPERATIONS[route.id](deps, request);
  return method === 'HEAD' ? { ...result, body: '' } : result;
}

/** middy: one structured access-log line per request, after the response is final. */
function accessLog(log: ApiDeps['log']): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  const started = new WeakMap<object, number>();
  const write = (request: middy.Request<ApiEvent, ApiResult, Error, Context>) => {
    const began = started.get(request) ?? performance.now();
    log.info('API request', {
      method: request.event.requestContext.http.method,
      path: request.event.rawPath,
      status: request.response?.statusCode,
      key: request.event.requestContext.authorizer?.lambda?.name,
      durationMs: Math.round(performance.now() - began),
    });
  };
  return {
    before: (request) => {
      started.set(request, performance.now());
    },
    after: write,
    onError: write,
  };
}

/**
 * The API handler. Every error becomes a JSON response in one place (`httpErrors`); nothing is thrown
 * back to API Gateway.
 */
export function createHandler(deps: ApiHandlerDeps) {
  return withMiddleware<ApiEvent, ApiResult>(deps, (event) => handle(deps, event))
    .use(accessLog(deps.log))
    .use(cors(deps.cors))
    .use(httpErrors(deps.log));
}
