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
import { ValidationError } from '#shared/errors.ts';
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

// Fatal: a byte sequence that is not UTF-8 is an error, never U+FFFD. ignoreBOM keeps a leading byte-order
// mark in the text, so JSON.parse refuses it whether the body arrived as bytes (base64) or as a string.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The one media type bodies are sent as; the charset, when given, must be a label of UTF-8. */
const JSON_MEDIA_TYPE = 'application/json';

/**
 * Refuse a body that is not `application/json` in UTF-8 (415). JSON exchanged between systems is UTF-8
 * (RFC 8259 §8.1) and `application/json` defines no charset parameter; a client declaring another one
 * (`charset=latin1`) would have its bytes misread, so it is refused rather than decoded. UTF-8 labels
 * are read as the WHATWG Encoding Standard reads them (`utf-8`, `UTF8`, `"utf-8"` …).
 * @throws {HttpError} 415, with an `unsupported_charset` issue for a charset other than UTF-8.
 */
function checkContentType(header: string | undefined): void {
  const [mediaType = '', ...params] = (header ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== JSON_MEDIA_TYPE)
    throw new HttpError(415, 'send the body as application/json');
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const label = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (encodingOf(label) === 'utf-8') continue;
    const message = 'send the body as UTF-8: application/json takes no other charset';
    throw new HttpError(415, message, {
      issues: [{ path: 'header.content-type', code: 'unsupported_charset', message }],
    });
  }
}

/** The WHATWG encoding a charset label names (`utf-8` for `UTF8`), or undefined for an unknown label. */
function encodingOf(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/** The 400 of a body that is not UTF-8 (`invalid_utf8`, path `body`). */
function invalidUtf8(message: string, cause?: unknown): ValidationError {
  return new ValidationError(
    'request body is not valid UTF-8',
    [{ path: 'body', code: 'invalid_utf8', message }],
    cause === undefined ? {} : { cause },
  );
}

/**
 * The text of a request body. A base64 body (API Gateway's binary payloads; `pantau serve` sends every
 * body this way) is decoded strictly. A string body was decoded upstream, by API Gateway, which gives
 * the Lambda no bytes to check: a U+FFFD in it is the mark a lenient decoder leaves for bytes that were
 * not UTF-8, so it is refused too, as it is in a base64 body, for one rule everywhere. A client that
 * means the character itself writes the JSON escape `\ufffd`.
 * @throws {ValidationError} `invalid_utf8`; the message never repeats the bytes.
 */
function bodyText(body: string, isBase64Encoded: boolean): string {
  let text = body;
  if (isBase64Encoded) {
    try {
      text = UTF8.decode(Buffer.from(body, 'base64'));
    } catch (error) {
      throw invalidUtf8('request body is not valid UTF-8', error);
    }
  }
  if (text.includes('\uFFFD'))
    throw invalidUtf8(
      'request body holds U+FFFD, the character a decoder puts in place of bytes that are not UTF-8: send the text as UTF-8 (write \\ufffd in JSON to mean the character itself)',
    );
  return text;
}

/**
 * The parsed JSON body, `undefined` when there is none. Checked in this order: size (413, on the bytes
 * sent), media type and charset (415), UTF-8 (400 `invalid_utf8`), JSON (400 `invalid_json`).
 */
function parseBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const bytes = event.isBase64Encoded
    ? Buffer.byteLength(event.body, 'base64')
    : Buffer.byteLength(event.body);
  if (bytes > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  checkContentType(event.headers?.['content-type']);
  const raw = bodyText(event.body, event.isBase64Encoded);
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
