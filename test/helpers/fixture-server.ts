/**
 * A local HTTP server on 127.0.0.1 for tests that must not touch the network. Routes map a path (query
 * string included when it has one, else the path alone) to a fixed response or a handler; every request
 * is recorded in `hits`.
 *
 * @example
 * const server = await startFixtureServer({ '/feed.xml': { file: 'test/fixtures/feeds/rss-basic.xml' } });
 * await fetch(`${server.url}/feed.xml`);
 * await server.close();
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/** A canned response. */
export interface FixtureResponse {
  /** @default 200 */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Body as text (sent UTF-8) or bytes. */
  readonly body?: string | Uint8Array;
  /** Body from a file, path relative to the repo root (the vitest working directory). */
  readonly file?: string;
  /** Wait this long (ms) before answering; for timeout tests. */
  readonly delayMs?: number;
}

/** A recorded request. */
export interface FixtureHit {
  readonly method: string;
  /** Path and query as requested. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** `performance.now()` when the request arrived (ms), for asserting waits between retries. */
  readonly at: number;
}

/** Context a handler gets: the request and how many times this route was hit before (0-based). */
export interface FixtureRequest {
  readonly req: IncomingMessage;
  readonly attempt: number;
}

/** A route: a fixed response, a list answered in turn (the last repeats), or a function. */
export type FixtureRoute =
  | FixtureResponse
  | readonly FixtureResponse[]
  | ((request: FixtureRequest) => FixtureResponse | Promise<FixtureResponse>);

/** A running server. */
export interface FixtureServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly hits: FixtureHit[];
  /** Requests received for one path (query ignored). */
  hitsFor(path: string): FixtureHit[];
  /** Stop the server (open connections are destroyed). */
  close(): Promise<void>;
}

function pick(route: FixtureRoute, request: FixtureRequest): FixtureResponse | Promise<FixtureResponse> {
  if (typeof route === 'function') return route(request);
  if (Array.isArray(route)) {
    const list = route as readonly FixtureResponse[];
    return list[Math.min(request.attempt, list.length - 1)] ?? { status: 500 };
  }
  return route as FixtureResponse;
}

/**
 * Start a server with `routes` on an ephemeral port of 127.0.0.1. Unknown paths get 404.
 * @param routes - Keyed by path (`/feed.xml`) or path + query (`/rss/search?q=x`); an exact path+query
 *   key wins over a path-only key.
 */
export async function startFixtureServer(
  routes: Readonly<Record<string, FixtureRoute>>,
): Promise<FixtureServer> {
  const hits: FixtureHit[] = [];
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    hits.push({ method: req.method ?? 'GET', url, headers: req.headers, at: performance.now() });
    const path = url.split('?')[0] ?? '/';
    const key = url in routes ? url : path;
    const route = routes[key];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const attempt = counts.get(key) ?? 0;
    counts.set(key, attempt + 1);
    try {
      const response = await pick(route, { req, attempt });
      if (response.delayMs) {
        await new Promise<void>((done) => {
          const t = setTimeout(() => {
            timers.delete(t);
            done();
          }, response.delayMs);
          timers.add(t);
        });
      }
      if (res.destroyed) return;
      const body =
        response.file !== undefined
          ? readFileSync(resolve(process.cwd(), response.file))
          : (response.body ?? '');
      res.writeHead(response.status ?? 200, response.headers ?? {});
      res.end(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    hitsFor: (path) => hits.filter((h) => (h.url.split('?')[0] ?? '') === path),
    close: () =>
      new Promise<void>((done, fail) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}
