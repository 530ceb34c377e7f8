/**
 * The API's use cases, one function per route, depending on ports only. Each takes a parsed request
 * and returns a response; validation failures throw `ValidationError` (400), missing things
 * `HttpError(404)`, and the error middleware maps them (`http.ts`).
 */
import type { z } from 'zod';
import type { ApiScope } from '#shared/domain/api/auth.ts';
import { assertSameQuery, openCursor, queryFingerprint, signCursor } from '#shared/domain/api/cursor.ts';
import { openApiDocument } from '#shared/domain/api/openapi.ts';
import type { RouteId } from '#shared/domain/api/routes.ts';
import {
  AckBodySchema,
  AlertIdParamSchema,
  AlertsQuerySchema,
  type ApiIssue,
  DigestDateParamSchema,
  DigestQuerySchema,
  EmptyQuerySchema,
  LabelBodySchema,
  MentionIdParamSchema,
  MentionsQuerySchema,
  noteNotice,
  resolveRange,
  TrendsQuerySchema,
  toIssues,
} from '#shared/domain/api/schemas.ts';
import { alignRange, bucketize, netSentiment, wholeHourOffset } from '#shared/domain/api/trends.ts';
import type { RegencyConfig } from '#shared/domain/config.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { SENTIMENT_LABELS } from '#shared/domain/mention.ts';
import type { Log } from '#shared/observability.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { AlertStore, AnalystLabel, MentionStore } from '#shared/ports/mention-store.ts';
import { type ApiResult, badRequest, HttpError, json, text } from './http.ts';

/** What the API reads and writes. */
export type ApiStore = Pick<
  MentionStore,
  'listMentions' | 'getMention' | 'hourlyCounts' | 'putLabel' | 'listLabels' | 'getSourceState'
> &
  Pick<AlertStore, 'listAlerts' | 'getAlert' | 'acknowledgeAlert' | 'getDigest'>;

export interface ApiDeps {
  readonly store: ApiStore;
  readonly config: Pick<RegencyConfig, 'regency' | 'name' | 'timeZone' | 'keywords' | 'topics' | 'sources'>;
  /** HMAC key of page cursors, ≥ 32 bytes (Secrets Manager on AWS, a file in the data folder locally). */
  readonly cursorKey: Uint8Array;
  readonly clock: Clock;
  readonly log: Log;
  /** Base URL written into the OpenAPI `servers` entry. */
  readonly publicUrl?: string;
}

/** A request after routing and authentication. */
export interface ApiRequest {
  readonly route: RouteId;
  readonly params: Readonly<Record<string, string>>;
  /** Query string as API Gateway v2 gives it (repeated parameters joined with commas). */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body, `undefined` when there is none. */
  readonly body: unknown;
  /** The caller (absent on public routes). */
  readonly principal?: { readonly keyId: string; readonly name: string; readonly scope: ApiScope };
}

function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw badRequest(toIssues(result.error, where));
  return result.data;
}

type Part = readonly [schema: z.ZodType, input: unknown, where: string];

/** Parse several parts of a request (query, path, body) and report the issues of all of them in one 400. */
function parseAll<const P extends readonly Part[]>(...parts: P): { [K in keyof P]: z.infer<P[K][0]> } {
  const issues: ApiIssue[] = [];
  const values = parts.map(([schema, input, where]) => {
    const result = schema.safeParse(input);
    if (!result.success) issues.push(...toIssues(result.error, where));
    return result.data;
  });
  if (issues.length > 0) throw badRequest(issues);
  return values as { [K in keyof P]: z.infer<P[K][0]> };
}

/** Issues of `resolveRange` that are about the span between `from` and `to`, not about one value. */
const RANGE_CODES: ReadonlySet<string> = new Set(['invalid_range', 'range_too_long']);

/**
 * `from`/`to` resolved to UTC; a bare date is the regency's local midnight (the digest's day). When `to`
 * was not given, a range issue says that it defaulted to now and which instant that was: the client
 * never wrote the `to` the message is about.
 */
function range(deps: ApiDeps, input: { from?: string | undefined; to?: string | undefined }, nowMs: number) {
  const resolved = resolveRange(input, nowMs, deps.config.timeZone);
  if ('issues' in resolved) {
    if (input.to !== undefined) throw badRequest(resolved.issues);
    const now = new Date(nowMs).toISOString();
    throw badRequest(
      resolved.issues.map((issue) =>
        RANGE_CODES.has(issue.code)
          ? { ...issue, message: `${issue.message} (\`to\` was not given and defaults to now: ${now})` }
          : issue,
      ),
    );
  }
  return resolved;
}

/**
 * Refuse ids that name nothing, so a typo is a 400 rather than an empty page. Known keyword and topic
 * ids are the configured ones. A known source id is a configured one (enabled or not) or one this store
 * has collection state for: the local `--replay` source (`replay`) is not in the regency config, and a
 * source removed from the config keeps its stored mentions until they expire. The store is asked only
 * for an id the config lacks (one `GetItem`).
 * @throws {ValidationError} with one issue per unknown id (`unknown_keyword`, `unknown_topic`, `unknown_source`).
 */
async function checkKnown(
  deps: ApiDeps,
  q: { keyword?: string | undefined; topic?: string | undefined; source?: string | undefined },
): Promise<void> {
  const issues: ApiIssue[] = [];
  // The ids are echoed only after their schema accepted them: 1–40 (sources 1–60) of [a-z0-9-].
  if (q.keyword && !deps.config.keywords.some((k) => k.id === q.keyword))
    issues.push({
      path: 'query.keyword',
      code: 'unknown_keyword',
      message: `no keyword '${q.keyword}' (see /v1/keywords)`,
    });
  if (q.topic && !deps.config.topics.some((t) => t.id === q.topic))
    issues.push({
      path: 'query.topic',
      code: 'unknown_topic',
      message: `no topic '${q.topic}' (see /v1/topics)`,
    });
  if (
    q.source &&
    !deps.config.sources.some((s) => s.id === q.source) &&
    !(await deps.store.getSourceState(q.source))
  )
    issues.push({
      path: 'query.source',
      code: 'unknown_source',
      message: `no source '${q.source}': not in the regency config and never collected into this store`,
    });
  if (issues.length > 0) throw badRequest(issues);
}

/**
 * `{ notices }` naming the hidden characters cleaning removed from a parsed body's `note`, or `{}` (see
 * `noteNotice`). Called after the body schema accepted the body, so a present `note` is a string.
 */
function notices(body: unknown): { notices?: ApiIssue[] } {
  const note = (body as { note?: unknown } | undefined)?.note;
  const notice = typeof note === 'string' ? noteNotice(note) : undefined;
  return notice ? { notices: [notice] } : {};
}

/** The store's position of a mention (its timeline sort key). */
function positionOf(m: ScoredMention): string {
  return `${m.publishedAt}#${m.id}`;
}

/**
 * `GET /v1/mentions`. With several sentiments the store is read unfiltered by sentiment and filtered
 * here, page after page, until `limit` items are found; the cursor is the position of the last item
 * returned, so each mention appears on exactly one page.
 */
async function listMentions(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const q = parse(MentionsQuerySchema, request.query, 'query');
  await checkKnown(deps, q);
  const now = deps.clock.now();
  const cursor = q.cursor ? openCursor(q.cursor, deps.cursorKey, now) : undefined;
  const { from, to } = range(deps, { from: q.from ?? cursor?.f, to: q.to ?? cursor?.t }, now);
  const sentiments = q.sentiment ? [...new Set(q.sentiment)] : undefined;
  const fingerprint = queryFingerprint({
    key: request.principal?.keyId ?? '',
    keyword: q.keyword,
    topic: q.topic,
    source: q.source,
    sentiment: sentiments,
    from,
    to,
  });
  if (cursor) assertSameQuery(cursor, fingerprint);

  const single = sentiments?.length === 1 ? sentiments[0] : undefined;
  const wanted = sentiments && !single ? new Set(sentiments) : undefined;
  const found: ScoredMention[] = [];
  let after = cursor?.a;
  for (;;) {
    const page = await deps.store.listMentions({
      ...(q.keyword ? { keyword: q.keyword } : {}),
      ...(q.topic ? { topic: q.topic } : {}),
      ...(q.source ? { source: q.source } : {}),
      ...(single ? { sentiment: single } : {}),
      from,
      to,
      // Filtering here (several sentiments) needs wider store pages; the cursor is the position of
      // the last item returned, so over-reading never skips anything.
      limit: wanted
        ? Math.min(500, Math.max(50, 2 * (q.limit + 1 - found.length)))
        : q.limit + 1 - found.length,
      ...(after ? { after } : {}),
    });
    for (const m of page.items) if (!wanted || wanted.has(m.sentiment.label)) found.push(m);
    if (found.length > q.limit || !page.next) break;
    after = page.next;
  }
  const items = found.slice(0, q.limit);
  const last = items.at(-1);
  const next =
    found.length > q.limit && last
      ? signCursor({ fingerprint, after: positionOf(last), from, to }, deps.cursorKey, now)
      : undefined;
  return json(200, { items: await withAnalystLabels(deps, items), ...(next ? { next } : {}), from, to });
}

/** Mentions read in parallel for their analyst labels, at most this many at a time. */
const LABEL_READS_AT_ONCE = 25;

/**
 * Each mention with `analystLabel`, its latest analyst correction (`{ label, by, at }`), when it has one, so a
 * list shows the correction beside the model's label (QA 2026-12-01: the dashboard showed only the model's).
 * One labels query per mention, {@link LABEL_READS_AT_ONCE} at a time.
 */
async function withAnalystLabels(
  deps: ApiDeps,
  items: readonly ScoredMention[],
): Promise<(ScoredMention & { analystLabel?: Pick<AnalystLabel, 'label' | 'by' | 'at'> })[]> {
  const out: (ScoredMention & { analystLabel?: Pick<AnalystLabel, 'label' | 'by' | 'at'> })[] = [];
  for (let i = 0; i < items.length; i += LABEL_READS_AT_ONCE) {
    const chunk = items.slice(i, i + LABEL_READS_AT_ONCE);
    const labels = await Promise.all(chunk.map((m) => deps.store.listLabels(m.id)));
    chunk.forEach((m, j) => {
      const latest = [...(labels[j] ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).at(-1);
      out.push(latest ? { ...m, analystLabel: { label: latest.label, by: latest.by, at: latest.at } } : m);
    });
  }
  return out;
}

async function getMention(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const [, id] = parseAll(
    [EmptyQuerySchema, request.query, 'query'],
    [MentionIdParamSchema, request.params['id'], 'path.id'],
  );
  const mention = await deps.store.getMention(id);
  if (!mention) throw new HttpError(404, `no mention ${id}`);
  return json(200, { mention, labels: await deps.store.listLabels(id) });
}

/** `PUT /v1/mentions/{id}/label`: an analyst's correction, kept beside the model's verdict. */
async function labelMention(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const [, id, body] = parseAll(
    [EmptyQuerySchema, request.query, 'query'],
    [MentionIdParamSchema, request.params['id'], 'path.id'],
    [LabelBodySchema, request.body, 'body'],
  );
  const mention = await deps.store.getMention(id);
  if (!mention) throw new HttpError(404, `no mention ${id}`);
  const label = {
    mentionId: id,
    label: body.label,
    by: request.principal?.name ?? 'unknown',
    at: new Date(deps.clock.now()).toISOString(),
    ...(body.note ? { note: body.note } : {}),
  };
  await deps.store.putLabel(label);
  deps.log.info('Mention relabelled', {
    mentionId: id,
    label: body.label,
    model: mention.sentiment.label,
    by: label.by,
  });
  return json(200, { label, modelLabel: mention.sentiment.label, ...notices(request.body) });
}

/**
 * `GET /v1/trends`: hourly counters summed into hours or local days of the regency's time zone, so a
 * day bucket counts what the digest of that date counts.
 */
async function getTrends(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const q = parse(TrendsQuerySchema, request.query, 'query');
  if (q.keyword && q.topic)
    throw badRequest([
      { path: 'query.topic', code: 'conflicting_parameters', message: 'give keyword or topic, not both' },
    ]);
  await checkKnown(deps, q);
  const timeZone = deps.config.timeZone;
  const requested = range(deps, q, deps.clock.now());
  const { from, to } = alignRange(requested.from, requested.to, q.interval, timeZone);
  const series = q.keyword ? `kw:${q.keyword}` : q.topic ? `topic:${q.topic}` : 'all';
  const rows = await deps.store.hourlyCounts(series, from, to);
  const buckets = bucketize(rows, from, to, q.interval, timeZone);
  const counts = { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
  for (const b of buckets) for (const l of SENTIMENT_LABELS) counts[l] += b.counts[l];
  const total = SENTIMENT_LABELS.reduce((s, l) => s + counts[l], 0);
  return json(200, {
    series,
    interval: q.interval,
    timeZone,
    utcOffset: wholeHourOffset(timeZone, Date.parse(from)),
    from,
    to,
    buckets,
    totals: { ...counts, total, netSentiment: netSentiment(counts) },
  });
}

async function listAlerts(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const q = parse(AlertsQuerySchema, request.query, 'query');
  const { from, to } = range(deps, q, deps.clock.now());
  return json(200, { items: await deps.store.listAlerts(from, to), from, to });
}

/** `POST /v1/alerts/{id}/ack`: record who acknowledged; a second acknowledgement is a 409. */
async function acknowledgeAlert(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const [, id, body] = parseAll(
    [EmptyQuerySchema, request.query, 'query'],
    [AlertIdParamSchema, request.params['id'], 'path.id'],
    [AckBodySchema, request.body ?? {}, 'body'],
  );
  const existing = await deps.store.getAlert(id);
  if (!existing) throw new HttpError(404, `no alert ${id}`);
  if (existing.acknowledgement)
    throw new HttpError(409, 'alert already acknowledged', { acknowledgement: existing.acknowledgement });
  const by = request.principal?.name ?? 'unknown';
  const alert = await deps.store.acknowledgeAlert(id, {
    by,
    at: new Date(deps.clock.now()).toISOString(),
    ...(body.note ? { note: body.note } : {}),
  });
  deps.log.info('Alert acknowledged', { alertId: id, by });
  return json(200, { alert: { ...existing, ...alert }, ...notices(request.body) });
}

const DIGEST_TYPES = {
  html: 'text/html; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

/** `GET /v1/digests/{date}`: JSON, or one of the stored renderings. */
async function getDigest(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  const [q, date] = parseAll(
    [DigestQuerySchema, request.query, 'query'],
    [DigestDateParamSchema, request.params['date'], 'path.date'],
  );
  const digest = await deps.store.getDigest(date);
  if (!digest) throw new HttpError(404, `no digest for ${date}`);
  if (q.format === 'json') {
    return json(200, {
      date: digest.date,
      generatedAt: digest.generatedAt,
      ...(digest.sentAt ? { sentAt: digest.sentAt } : {}),
      digest: digest.data,
    });
  }
  // The HTML is the e-mail rendering (inline styles, escaped data): no script may run in it.
  const csp =
    q.format === 'html'
      ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" }
      : {};
  return text(200, digest[q.format], DIGEST_TYPES[q.format], csp);
}

async function listKeywords(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  parse(EmptyQuerySchema, request.query, 'query');
  return json(200, {
    keywords: deps.config.keywords.map((k) => ({ id: k.id, label: k.label })),
    topics: deps.config.topics.map((t) => ({ id: t.id, label: t.label, opd: t.opd })),
  });
}

async function listTopics(deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  parse(EmptyQuerySchema, request.query, 'query');
  return json(200, { topics: deps.config.topics.map((t) => ({ id: t.id, label: t.label, opd: t.opd })) });
}

/** `GET /v1/me`: who the key belongs to (the dashboard shows it and hides what the scope cannot do). */
async function me(_deps: ApiDeps, request: ApiRequest): Promise<ApiResult> {
  parse(EmptyQuerySchema, request.query, 'query');
  return json(200, { name: request.principal?.name, scope: request.principal?.scope });
}

async function health(deps: ApiDeps): Promise<ApiResult> {
  return json(200, { status: 'ok', time: new Date(deps.clock.now()).toISOString(), service: 'pantau-api' });
}

async function openapi(deps: ApiDeps): Promise<ApiResult> {
  return json(200, openApiDocument(deps.publicUrl ? { serverUrl: deps.publicUrl } : {}), {
    'cache-control': 'public, max-age=300',
  });
}

/** Route id → use case. */
export const OPERATIONS: Readonly<
  Record<RouteId, (deps: ApiDeps, request: ApiRequest) => Promise<ApiResult>>
> = {
  listMentions,
  getMention,
  labelMention,
  getTrends,
  listAlerts,
  acknowledgeAlert,
  getDigest,
  listKeywords,
  listTopics,
  me,
  health,
  openapi,
};
