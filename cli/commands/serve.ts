/**
 * `pantau serve`: the API handler of `functions/api` over HTTP on 127.0.0.1 (or `--host`, with a warning
 * when that is not a loopback address), plus the dashboard's static
 * files, on the embedded store. Each Node request becomes an API Gateway v2 event (repeated query
 * parameters joined with commas, as API Gateway does), the shared access check runs in-process where
 * the Lambda authoriser runs on AWS, and a per-key token bucket stands in for API Gateway throttling.
 * Never imported by a Lambda entry.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, isIP, type Socket } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ApiHandlerDeps, createHandler, MAX_BODY_BYTES } from '#functions/api/app.ts';
import type { ApiEvent, ApiResult } from '#functions/api/http.ts';
import { corsHeaders } from '#functions/api/http.ts';
import { type ApiKeyItem, DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { type AccessDecision, type ApiKeyLookup, checkAccess } from '#shared/domain/api/auth.ts';
import { TokenBuckets } from '#shared/domain/api/throttle.ts';
import type { RegencyConfig } from '#shared/domain/config.ts';
import { errorMessage, MemoryMetricSink } from '#shared/observability.ts';
import { type Clock, systemClock } from '#shared/ports/clock.ts';
import { ServerListenError } from '../errors.ts';
import { loadConfigFile, localContext, openExistingStore, retentionLine } from '../local-runtime.ts';
import { cliLog } from '../log.ts';
import { plural } from '../summary.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Default dashboard folder (`dashboard/` in the repo). */
export const DASHBOARD_DIR = join(ROOT, 'dashboard');

/**
 * Files the dashboard loads from npm packages instead of a CDN (there is no internet on the analysts'
 * network either): URL path → file. A deployment copies the same files to the bucket (`docs/dashboard.md`).
 */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  '/vendor/chart.umd.min.js': join(ROOT, 'node_modules/chart.js/dist/chart.umd.min.js'),
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** The dashboard's Content-Security-Policy: scripts and styles from this origin only, no inline code. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Largest request body the local server reads, bytes: the API's own limit, so both answer the same 413. */
const MAX_REQUEST_BYTES = MAX_BODY_BYTES;

export interface LocalApiServerOptions {
  readonly deps: Omit<ApiHandlerDeps, 'cors'>;
  readonly keys: ApiKeyLookup;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** 0 = any free port. @default 8787 */
  readonly port?: number;
  /** Folder served at `/`; omitted → {@link DASHBOARD_DIR}. */
  readonly dashboardDir?: string;
  /** Per-key throttle. @default 20 requests/s, bursts of 40 */
  readonly throttle?: { readonly ratePerSecond: number; readonly burst: number };
  /** Extra CORS origins (the dashboard itself is same-origin). */
  readonly corsOrigins?: readonly string[];
  readonly clock?: Clock;
}

export interface LocalApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Start the local API + dashboard server (listening when the promise resolves).
 * @throws {ServerListenError} when the address cannot be bound (port in use, not permitted, unknown host).
 */
export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const clock = options.clock ?? systemClock;
  const cors = { allowedOrigins: options.corsOrigins ?? [] };
  const handler = createHandler({ ...options.deps, cors });
  const buckets = new TokenBuckets(options.throttle ?? { ratePerSecond: 20, burst: 40 });
  const dashboardDir = resolve(options.dashboardDir ?? DASHBOARD_DIR);
  const log = options.deps.log;

  const server = createServer((req, res) => {
    route(req, res).catch((error) => {
      log.error('Local server error', { error: errorMessage(error) });
      if (!res.headersSent)
        send(res, {
          statusCode: 500,
          headers: { 'content-type': 'application/json' },
          body: '{"error":"internal error"}',
        });
      else res.destroy();
    });
  });

  // Requests Node refuses before any handler runs (a 100 KB query string overflows the header limit) would
  // get its bare 431/400 with an empty body; answer JSON like every other error instead.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'request header fields too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'request timeout']
          : [400, 'Bad Request', 'bad request'];
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath === '/v1' || rawPath.startsWith('/v1/')) {
      await api(req, res, url, rawPath);
      return;
    }
    await staticFile(req, res, url.pathname);
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, rawPath: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = flattenHeaders(req);
    const extra = corsHeaders(headers['origin'], cors);
    const decision: AccessDecision = await checkAccess({ method, rawPath, headers }, options.keys);
    // Throttle by the *verified* key; anything not authenticated shares its caller's address bucket, so a
    // made-up key id can neither drain a real key's bucket nor dodge the limit.
    const throttleKey =
      decision.outcome === 'unauthenticated' || decision.outcome === 'public'
        ? `ip:${req.socket.remoteAddress ?? ''}`
        : `key:${decision.principal.keyId}`;
    const taken = buckets.take(throttleKey, clock.now());
    if (!taken.ok) {
      send(
        res,
        errorJson(429, 'too many requests', { 'retry-after': String(taken.retryAfterSeconds), ...extra }),
      );
      return;
    }
    if (decision.outcome === 'unauthenticated') {
      if (decision.reason === 'malformed-item')
        log.error('API key item malformed', {
          keyId: decision.item.keyId,
          fields: decision.item.fields,
          method,
          path: rawPath,
        });
      else log.warn('API request not authenticated', { reason: decision.reason, method, path: rawPath });
      send(res, errorJson(401, 'API key missing or not valid', { 'www-authenticate': 'Bearer', ...extra }));
      return;
    }
    if (decision.outcome === 'forbidden') {
      send(
        res,
        errorJson(
          403,
          `this route needs the '${decision.required}' scope; the key has '${decision.principal.scope}'`,
          extra,
        ),
      );
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      send(res, errorJson(413, `body larger than ${MAX_REQUEST_BYTES} bytes`, extra));
      return;
    }
    const event = toApiEvent(req, url, rawPath, headers, body, clock.now());
    const withPrincipal: ApiEvent =
      decision.outcome === 'allow'
        ? {
            ...event,
            requestContext: { ...event.requestContext, authorizer: { lambda: { ...decision.principal } } },
          }
        : (event as ApiEvent);
    const result = await handler(withPrincipal, localContext('pantau-api', 30_000));
    send(res, result);
  }

  async function staticFile(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, errorJson(405, 'method not allowed', { allow: 'GET, HEAD' }));
      return;
    }
    const vendor = VENDOR_FILES[pathname];
    let file: string | undefined = vendor;
    if (!file) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
      } catch {
        send(res, errorJson(400, 'bad path'));
        return;
      }
      const relative = normalize(decoded).replace(/^[/\\]+/, '');
      const candidate = resolve(dashboardDir, relative);
      if (candidate.startsWith(dashboardDir + sep)) file = candidate;
    }
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      // JSON like every API error: a client that mistyped an API path (`//v1/mentions`) can still parse it.
      send(res, errorJson(404, 'not found'));
      return;
    }
    const content = await readFile(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(content.length),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(extname(file) === '.html'
        ? { 'content-security-policy': DASHBOARD_CSP, 'x-frame-options': 'DENY' }
        : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  }

  const host = options.host ?? '127.0.0.1';
  // Node reads '' as "every interface": an unset $HOST must not open the API to the network.
  if (host.trim() === '')
    throw new ServerListenError(
      'pantau serve: --host is empty: give an address to listen on, e.g. 127.0.0.1',
    );
  const port = options.port ?? 8787;
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => fail(listenError(error, host, port)));
    server.listen(port, host, () => done());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: httpUrl(bound.address, bound.port),
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * `http://<host>:<port>` with an IPv6 address in brackets (`http://[::1]:8787`, RFC 3986 §3.2.2) and a zone
 * id's `%` escaped (`[fe80::1%25eth0]`, RFC 6874), so the URL can be opened as printed.
 */
export function httpUrl(host: string, port: number): string {
  return `http://${hostForUrl(host)}:${port}`;
}

/** A host as it goes into a URL or a `host:port` pair: IPv6 addresses in brackets. */
function hostForUrl(host: string): string {
  return isIP(host.replace(/%.*$/, '')) === 6 ? `[${host.replace('%', '%25')}]` : host;
}

/**
 * True when `host` can only be reached from this machine: `localhost`, 127.0.0.0/8, `::1` (also written
 * out in full) or an IPv4-mapped loopback (`::ffff:127.0.0.1`). Anything else — `0.0.0.0`, `::`, a LAN
 * address, a host name — may be reachable from the network.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    // The URL parser writes IPv6 in its shortest form: `0:0:0:0:0:0:0:1` → `::1`, a mapped 127.x → `::ffff:7fxx:…`.
    let short: string;
    try {
      short = new URL(`http://[${h}]`).hostname;
    } catch {
      return false; // a zone id (`fe80::1%eth0`) is a link address, never loopback
    }
    return short === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(short);
  }
  return false;
}

/**
 * The warning `serve` prints when it listens on an address other machines may reach, or undefined for a
 * loopback address (see {@link isLoopbackHost}).
 */
export function exposedHostWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return `warning: --host ${host} is not a loopback address: the API and dashboard can be reached from the network, over plain HTTP (no TLS), and the API key is the only protection. Use --host 127.0.0.1 unless other machines must connect.`;
}

/** Why `listen` failed, in words a user can act on. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): ServerListenError {
  const where = `${hostForUrl(host)}:${port}`;
  const why =
    error.code === 'EADDRINUSE'
      ? `${where} is already in use (another \`pantau serve\`?): stop it, or pass another --port (0 = any free port)`
      : error.code === 'EACCES'
        ? `not allowed to listen on ${where} (ports below 1024 need privileges): pass --port 1024 or higher`
        : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
          ? `--host ${host} is not an address of this machine: use 127.0.0.1`
          : `cannot listen on ${where}: ${error.message}`;
  return new ServerListenError(`pantau serve: ${why}`, { cause: error });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** The request body's bytes, undecoded (the handler checks they are UTF-8); undefined when over the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A Node request as API Gateway HTTP API (payload 2.0) would hand it to the Lambda: lower-case
 * headers, repeated query parameters joined with commas, cookies split out. The body goes in as base64
 * (`isBase64Encoded`, as API Gateway sends binary payloads), never as a string decoded here: decoding
 * bytes that are not UTF-8 would turn them into U+FFFD before the handler could refuse them.
 * @param body the request body's bytes; empty = no body.
 */
export function toApiEvent(
  req: Pick<IncomingMessage, 'method' | 'socket'>,
  url: URL,
  rawPath: string,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
  nowMs: number,
): APIGatewayProxyEventV2 {
  // Own data properties only: `query['__proto__'] = …` on a plain object would set its prototype and the
  // parameter would vanish instead of being refused as unknown (API Gateway sends it as an ordinary key).
  const query: Record<string, string> = Object.fromEntries(
    [...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key).join(',')]),
  );
  const { cookie, ...rest } = headers;
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
    headers: rest,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers['host'] ?? '127.0.0.1',
      domainPrefix: '127',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(nowMs).toUTCString(),
      timeEpoch: nowMs,
    },
    ...(body.length > 0 ? { body: Buffer.from(body).toString('base64') } : {}),
    isBase64Encoded: body.length > 0,
  };
}

function errorJson(
  statusCode: number,
  error: string,
  headers: Readonly<Record<string, string>> = {},
): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ error }),
  };
}

function send(
  res: ServerResponse,
  result: ApiResult | { statusCode: number; headers: Record<string, string>; body: string },
): void {
  const body = typeof result.body === 'string' ? result.body : '';
  res.writeHead(result.statusCode, { ...result.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * The cursor HMAC key of a local data folder: `<dataDir>/cursor.key` (64 hex characters, mode 0600),
 * created on first use.
 */
export async function localCursorKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'cursor.key');
  if (existsSync(file)) {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
    if (key.length >= 32) return key;
  }
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}

export interface ServeOptions {
  readonly dataDir: string;
  readonly configPath: string;
  readonly port: number;
  readonly host: string;
  readonly verbose: boolean;
  /**
   * Where the warning for a non-loopback `--host` and the retention line (what opening the data folder
   * removed) go. @default stderr
   */
  readonly warn?: (line: string) => void;
  /** Resolves when the server should stop (tests). @default SIGINT or SIGTERM */
  readonly stop?: Promise<void>;
}

/**
 * The banner lines about API keys when the store already holds key items (`items` > 0): a pointer to the
 * keys when one is usable (well-formed, not revoked); otherwise a note that none works, naming `api-key
 * list` and `api-key create`.
 */
export function keyBanner(items: readonly ApiKeyItem[], dataDir: string): string[] {
  // Always the served folder: a key created in another one (the default) does not work here (QA).
  const flag = `--data-dir ${JSON.stringify(dataDir)}`;
  const usable = items.filter((item) => item.ok && !item.record.revokedAt).length;
  if (usable > 0)
    return [
      '  API keys: use one created earlier, or stop the server and run',
      `    npm run pantau -- api-key create ${flag} --name <name> --scope analyst`,
    ];
  const malformed = items.filter((item) => !item.ok).length;
  const revoked = items.length - malformed;
  const what = [
    ...(malformed > 0 ? [`${plural(malformed, 'malformed key item')}`] : []),
    ...(revoked > 0 ? [`${plural(revoked, 'revoked key')}`] : []),
  ].join(' and ');
  return [
    `  Note: no API key works: the store holds only ${what}. See them with`,
    `    npm run pantau -- api-key list ${flag}`,
    '  and stop the server and create one with',
    `    npm run pantau -- api-key create ${flag} --name <name> --scope admin`,
  ];
}

/**
 * Run `pantau serve` until SIGINT/SIGTERM (or until `options.stop` resolves). Listens first; only then,
 * if the store has no API key item at all, creates an admin key, stores its hash and prints the secret
 * once — so a failed start never leaves a key nobody saw. A store whose items are all revoked or malformed
 * gets no new key (someone revoked or edited them; minting an admin secret is theirs to decide): the banner
 * says no key works and how to list and create keys ({@link keyBanner}).
 * @throws {DataFolderMissingError} when `dataDir` holds no store (run `npm start` first).
 * @throws {ServerListenError} when the port is taken or the address cannot be bound.
 */
export async function serveCommand(
  options: ServeOptions,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const config: RegencyConfig = await loadConfigFile(options.configPath);
  const dataDir = resolve(options.dataDir);
  const warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  const opened = await openExistingStore(dataDir, config.retention.rawTextDays);
  const { db, store } = opened;
  const removed = retentionLine(opened, config.retention.rawTextDays);
  if (removed) warn(removed);
  const keys = new DynamoApiKeyStore({ client: db.client, tableName: db.tableName });
  try {
    const server = await startLocalApiServer({
      deps: {
        store,
        config,
        cursorKey: await localCursorKey(dataDir),
        clock: systemClock,
        log: cliLog(options.verbose),
        metrics: new MemoryMetricSink(),
      },
      keys,
      host: options.host,
      port: options.port,
    });
    try {
      let firstKey: string | undefined;
      const items = await keys.listItems();
      if (items.length === 0) {
        const created = await keys.create({
          name: 'local-admin',
          scope: 'admin',
          now: new Date().toISOString(),
        });
        firstKey = created.token;
      }
      const exposed = exposedHostWarning(options.host);
      if (exposed) warn(exposed);
      out(`Pantau API and dashboard: ${server.url}/`);
      out(`  API: ${server.url}/v1/health · OpenAPI: ${server.url}/v1/openapi.json`);
      out(`  data folder: ${dataDir}`);
      if (firstKey) {
        out('');
        out('Created a local admin API key (shown once; only its hash is stored):');
        out(`  ${firstKey}`);
        out(`Open the dashboard signed in: ${server.url}/#key=${firstKey}`);
      } else for (const line of keyBanner(items, dataDir)) out(line);
      out('');
      out('Press Ctrl+C to stop.');
      await (options.stop ??
        new Promise<void>((done) => {
          process.once('SIGINT', done);
          process.once('SIGTERM', done);
        }));
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
  }
}
