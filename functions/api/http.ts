/**
 * HTTP plumbing of the API Lambda: the event and result types (API Gateway HTTP API, payload format
 * 2.0), JSON responses, and the two middy middlewares every response passes through — error mapping
 * (the one place an exception becomes a status and body) and CORS.
 */
import type middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { CursorError } from '#shared/domain/api/cursor.ts';
import type { ApiIssue } from '#shared/domain/api/schemas.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/errors.ts';
import { errorMessage, type Log } from '#shared/observability.ts';

/** What the authoriser hands the API (`requestContext.authorizer.lambda`). */
export interface AuthorizerContext {
  readonly keyId?: string;
  readonly name?: string;
  readonly scope?: string;
}

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/**
 * An error with an HTTP status whose message the client may see (4xx). Anything else that is thrown
 * becomes a generic 500.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 400 carrying issues (`{ path, code, message }`). */
export function badRequest(issues: readonly ApiIssue[], message = 'invalid request'): ValidationError {
  return new ValidationError(message, issues);
}

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** A JSON response. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...BASE_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** A text response (digest renderings). */
export function text(
  statusCode: number,
  body: string,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): ApiResult {
  return { statusCode, headers: { 'content-type': contentType, ...BASE_HEADERS, ...headers }, body };
}

/**
 * Map any thrown value to a response: the single place errors meet clients.
 * 4xx keep their message (it was written for the client); 5xx get a generic body with the request id,
 * and the real error goes to the log only.
 */
export function errorResponse(
  error: unknown,
  log: Pick<Log, 'warn' | 'error'>,
  requestId: string,
): ApiResult {
  if (error instanceof ValidationError) return json(400, { error: error.message, issues: error.issues });
  if (error instanceof CursorError) {
    return json(400, {
      error: error.message,
      issues: [
        { path: 'query.cursor', code: `cursor_${error.problem.replace('-', '_')}`, message: error.message },
      ],
    });
  }
  if (error instanceof HttpError && error.statusCode >= 400 && error.statusCode < 500)
    return json(error.statusCode, { error: error.message, ...error.extra }, error.headers);
  if (error instanceof NotFoundError) return json(404, { error: 'not found' });
  if (error instanceof ConflictError) return json(409, { error: 'conflict' });
  log.error('Unhandled API error', {
    error: errorMessage(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  return json(500, { error: 'internal error', requestId });
}

/** middy: turn a thrown error into a response with {@link errorResponse}. */
export function httpErrors(
  log: Pick<Log, 'warn' | 'error'>,
): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  return {
    onError: (request) => {
      request.response = errorResponse(request.error, log, request.context.awsRequestId);
    },
  };
}

/** Cross-origin settings for the dashboard. */
export interface CorsOptions {
  /** Exact origins allowed (e.g. `https://pantau.example.go.id`); `*` allows any (local only). */
  readonly allowedOrigins: readonly string[];
}

/** The CORS headers for a request's `Origin`; empty when the origin is not allowed. */
export function corsHeaders(
  origin: string | undefined,
  options: CorsOptions | undefined,
): Record<string, string> {
  if (!origin || !options) return {};
  const allowed = options.allowedOrigins.includes('*') || options.allowedOrigins.includes(origin);
  if (!allowed) return { vary: 'origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
    'access-control-allow-headers': 'content-type, x-api-key, authorization',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

/** middy: add CORS headers to every response, errors included. */
export function cors(
  options: CorsOptions | undefined,
): middy.MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  const add = (request: middy.Request<ApiEvent, ApiResult, Error, Context>) => {
    if (!request.response) return;
    const headers = corsHeaders(request.event.headers?.['origin'], options);
    request.response = { ...request.response, headers: { ...request.response.headers, ...headers } };
  };
  return { after: add, onError: add };
}
