/**
 * The API's Lambda REQUEST authoriser (HTTP API, payload format 2.0, simple responses). It runs
 * {@link checkAccess} — the same check `pantau serve` runs in-process — and tells API Gateway:
 *
 * - valid key with enough scope → `{ isAuthorized: true, context: { keyId, name, scope } }`; the API
 *   Lambda reads the context from `requestContext.authorizer.lambda`;
 * - valid key, scope too weak → `{ isAuthorized: false }`: API Gateway answers 403;
 * - missing, malformed, unknown or revoked key → throws `Unauthorized`: API Gateway answers 401
 *   (the documented Lambda-authoriser convention; the body is API Gateway's `{"message":"Unauthorized"}`);
 * - a key whose stored item is malformed → the same 401 (no oracle for "this id exists"), logged once at
 *   error level as `API key item malformed` with the key id and the fields at fault, for the operator;
 * - store failure → the error propagates and API Gateway answers 500 (never a false 401).
 *
 * Configure it without identity sources and with caching off (see `docs/api.md`): identity sources
 * would require one fixed header (we accept two), and a cache would keep revoked keys alive.
 */
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { type ApiKeyLookup, checkAccess } from '#shared/domain/api/auth.ts';
import { withMiddleware } from '#shared/middleware.ts';
import type { Log, MetricSink } from '#shared/observability.ts';

export interface AuthorizerDeps {
  readonly keys: ApiKeyLookup;
  readonly log: Log;
  readonly metrics: MetricSink;
}

/** Context handed to the API (strings only: API Gateway passes them through unchanged). */
export interface PrincipalContext {
  readonly keyId: string;
  readonly name: string;
  readonly scope: string;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<
  PrincipalContext | Record<string, never>
>;

/** Thrown for a missing or bad key; the exact message `Unauthorized` is what API Gateway maps to 401. */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  constructor() {
    super('Unauthorized');
  }
}

export function createHandler(deps: AuthorizerDeps) {
  return withMiddleware<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>(deps, async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const decision = await checkAccess(
      { method, rawPath: event.rawPath, headers: lowerCaseHeaders(event.headers) },
      deps.keys,
    );
    switch (decision.outcome) {
      case 'public':
        return { isAuthorized: true, context: {} };
      case 'allow':
        return { isAuthorized: true, context: { ...decision.principal } };
      case 'forbidden':
        deps.log.warn('API key scope too weak', {
          keyId: decision.principal.keyId,
          scope: decision.principal.scope,
          required: decision.required,
          method,
          path: event.rawPath,
        });
        return { isAuthorized: false, context: {} };
      case 'unauthenticated':
        if (decision.reason === 'malformed-item') {
          deps.log.error('API key item malformed', {
            keyId: decision.item.keyId,
            fields: decision.item.fields,
            method,
            path: event.rawPath,
          });
          deps.metrics.count('ApiKeyItemsMalformed', 1);
          throw new UnauthorizedError();
        }
        deps.log.warn('API request not authenticated', {
          reason: decision.reason,
          method,
          path: event.rawPath,
        });
        throw new UnauthorizedError();
    }
  });
}

function lowerCaseHeaders(headers: Readonly<Record<string, string | undefined>> | undefined) {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}
