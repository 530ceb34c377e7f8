/**
 * Setup shared by the credentialed source tests (Bluesky, Reddit, X, YouTube): one local fixture server
 * per test file whose routes each test sets, an in-memory credential provider, and a source factory with
 * a fixed clock.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createSource, type SourceFactoryDeps } from '#shared/adapters/sources/factory.ts';
import { SourceConfigSchema } from '#shared/domain/config.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import {
  type CredentialProvider,
  type Credentials,
  CredentialsMissingError,
} from '#shared/ports/credentials.ts';
import type { MentionSource } from '#shared/ports/mention-source.ts';
import {
  type FixtureResponse,
  type FixtureRoute,
  type FixtureServer,
  startFixtureServer,
} from '../../../helpers/fixture-server.ts';

/** The tests' "now": 2026-11-30T10:00:00Z (17:00 WIB), in epoch ms. */
export const TEST_NOW = Date.parse('2026-11-30T10:00:00.000Z');

/** A fixture server whose routes the tests set, plus those routes. */
export interface RoutedFixtureServer {
  /** The running server (valid inside tests; it starts in `beforeAll`). */
  readonly server: FixtureServer;
  /** Path → response; read on every request, emptied after each test. */
  readonly routes: Record<string, FixtureRoute>;
}

/**
 * Start one fixture server on 127.0.0.1 for the calling test file (vitest `beforeAll`), close it after the
 * file (`afterAll`), and forget the hits and routes after each test (`afterEach`). Call at module level.
 * Per-route attempt counts are kept for the whole file, as the server keeps them.
 */
export function useRoutedFixtureServer(): RoutedFixtureServer {
  const routes: Record<string, FixtureRoute> = {};
  let started: FixtureServer | undefined;
  const running = (): FixtureServer => {
    if (!started) throw new Error('the fixture server starts in beforeAll; use it inside tests');
    return started;
  };
  beforeAll(async () => {
    started = await startFixtureServer(routes);
  });
  afterAll(() => started?.close());
  afterEach(() => {
    if (started) started.hits.length = 0;
    for (const k of Object.keys(routes)) delete routes[k];
  });
  const server: FixtureServer = {
    get url() {
      return running().url;
    },
    get hits() {
      return running().hits;
    },
    hitsFor: (path) => running().hitsFor(path),
    close: () => running().close(),
  };
  return { server, routes };
}

/**
 * A JSON fixture file as a response.
 * @param file - Path relative to the repo root.
 * @param status - @default 200
 * @param contentType - @default 'application/json'
 */
export function jsonFile(file: string, status = 200, contentType = 'application/json'): FixtureResponse {
  return { status, file, headers: { 'content-type': contentType } };
}

/**
 * A credential provider holding `sets` by name; any other name throws {@link CredentialsMissingError}
 * (so the source is skipped).
 */
export function testCredentials(sets: Readonly<Record<string, Credentials>>): CredentialProvider {
  return {
    get: async (name) => {
      const set = sets[name];
      if (set) return set;
      throw new CredentialsMissingError(name, 'not in the test provider');
    },
  };
}

/**
 * Parse `config` with the real config schema and build the source with {@link createSource}.
 * @param deps - Factory deps; `clock` @default fixedClock(TEST_NOW)
 */
export function createTestSource(config: Record<string, unknown>, deps: SourceFactoryDeps): MentionSource {
  return createSource(SourceConfigSchema.parse(config), { clock: fixedClock(TEST_NOW), ...deps });
}

/** The query parameters of a recorded request URL (path and query, as in `FixtureHit.url`). */
export function queryOf(url: string | undefined): URLSearchParams {
  return new URL(url ?? '', 'http://127.0.0.1').searchParams;
}
