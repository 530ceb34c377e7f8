/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (`routes.ts`) and the zod
 * schemas the router parses with (`schemas.ts`) through zod 4's `z.toJSONSchema` (JSON Schema 2020-12,
 * the dialect OpenAPI 3.1 uses). Pure.
 */
import { z } from 'zod';
import { ROUTES, type RouteId } from './routes.ts';
import {
  AckBodySchema,
  AckResponseSchema,
  AlertIdParamSchema,
  AlertsQuerySchema,
  AlertsResponseSchema,
  AlreadyAcknowledgedSchema,
  DigestDateParamSchema,
  DigestQuerySchema,
  DigestResponseSchema,
  ErrorResponseSchema,
  HealthResponseSchema,
  KeywordsResponseSchema,
  LabelBodySchema,
  LabelResponseSchema,
  MentionDetailSchema,
  MentionIdParamSchema,
  MentionPageSchema,
  MentionsQuerySchema,
  PrincipalResponseSchema,
  TopicsResponseSchema,
  TrendsQuerySchema,
  TrendsResponseSchema,
} from './schemas.ts';

interface OperationDoc {
  readonly query?: z.ZodObject;
  readonly path?: Readonly<Record<string, z.ZodType>>;
  readonly body?: z.ZodType;
  readonly ok: z.ZodType | 'any';
  /** Extra media types of the 200 response (digest renderings). */
  readonly alsoText?: readonly string[];
  readonly statuses?: readonly number[];
  readonly description?: string;
}

const DOCS: Readonly<Record<RouteId, OperationDoc>> = {
  health: { ok: HealthResponseSchema },
  openapi: { ok: 'any' },
  listMentions: {
    query: MentionsQuerySchema,
    ok: MentionPageSchema,
    description:
      'Newest first. Follow `next` with the same filters (and the same key) to read every item exactly once; cursors are signed, bound to the query and expire after 15 minutes.',
  },
  getMention: { path: { id: MentionIdParamSchema }, ok: MentionDetailSchema, statuses: [404] },
  labelMention: {
    path: { id: MentionIdParamSchema },
    body: LabelBodySchema,
    ok: LabelResponseSchema,
    statuses: [404],
    description:
      'Stored beside the model verdict and never overwritten by re-classification; `by` is the API key name.',
  },
  getTrends: {
    query: TrendsQuerySchema,
    ok: TrendsResponseSchema,
    description:
      "Buckets are hours and calendar days of the regency's time zone (`timeZone`, `utcOffset` in the response; Asia/Jakarta = +07:00), so a day bucket counts what the digest of that date counts. `from` is aligned down and `to` up to whole buckets.",
  },
  listAlerts: { query: AlertsQuerySchema, ok: AlertsResponseSchema },
  acknowledgeAlert: {
    path: { id: AlertIdParamSchema },
    body: AckBodySchema,
    ok: AckResponseSchema,
    statuses: [404, 409],
    description: '`by` is the API key name. A second acknowledgement is answered 409 with the first one.',
  },
  getDigest: {
    path: { date: DigestDateParamSchema },
    query: DigestQuerySchema,
    ok: DigestResponseSchema,
    alsoText: ['text/html', 'text/markdown', 'text/plain'],
    statuses: [404],
  },
  me: { ok: PrincipalResponseSchema },
  listKeywords: { ok: KeywordsResponseSchema },
  listTopics: { ok: TopicsResponseSchema },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad parameter or body (`issues` says which)',
  401: 'Missing, unknown or revoked API key',
  403: "The key's scope is too weak for this route",
  404: 'Not found',
  409: 'Already acknowledged',
  413: 'Body too large',
  415: 'Body not JSON, or a charset other than UTF-8 (`unsupported_charset`)',
  429: 'Too many requests',
  500: 'Internal error (generic body)',
};

/**
 * Build the OpenAPI 3.1 document.
 * @param options.serverUrl base URL listed under `servers` (omitted → relative `/`).
 */
export function openApiDocument(
  options: { serverUrl?: string; version?: string } = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const doc = DOCS[route.id];
    const parameters: Record<string, unknown>[] = [];
    for (const [name, schema] of Object.entries(doc.path ?? {})) {
      parameters.push({ name, in: 'path', required: true, schema: jsonSchema(schema, 'output') });
    }
    if (doc.query) {
      const out = jsonSchema(doc.query, 'output') as { properties?: Record<string, Record<string, unknown>> };
      const input = jsonSchema(doc.query, 'input') as { required?: string[] };
      for (const [name, schema] of Object.entries(out.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: 'query',
          required: (input.required ?? []).includes(name),
          ...(description ? { description } : {}),
          ...(rest['type'] === 'array' ? { style: 'form', explode: false } : {}),
          schema: rest,
        });
      }
    }
    const okContent: Record<string, unknown> = {
      'application/json': { schema: doc.ok === 'any' ? {} : jsonSchema(doc.ok, 'output') },
    };
    for (const type of doc.alsoText ?? []) okContent[type] = { schema: { type: 'string' } };
    const statuses = [
      ...(doc.query || doc.body || doc.path ? [400] : []),
      ...(doc.body ? [413, 415] : []),
      ...(route.scope ? [401, 403, 429] : []),
      ...(doc.statuses ?? []),
      500,
    ];
    const responses: Record<string, unknown> = { '200': { description: 'OK', content: okContent } };
    for (const status of statuses) {
      const schema =
        status === 409
          ? jsonSchema(AlreadyAcknowledgedSchema, 'output')
          : { $ref: '#/components/schemas/Error' };
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema } },
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      ...(doc.description ? { description: doc.description } : {}),
      ...(route.scope
        ? { security: [{ apiKey: [] }, { bearer: [] }], 'x-pantau-scope': route.scope }
        : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pantau API',
      version: options.version ?? '1',
      description:
        'Mentions, trends, alerts and digests of Pantau. Every route but /v1/health and /v1/openapi.json needs an API key (header `x-api-key` or `Authorization: Bearer`). Scopes: read ⊂ analyst ⊂ admin; `x-pantau-scope` names the one a route needs.',
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token' },
      },
      schemas: { Error: jsonSchema(ErrorResponseSchema, 'output') },
    },
  };
}
