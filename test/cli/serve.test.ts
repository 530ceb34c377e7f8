import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { MemoryMetricSink, silentLog } from '#shared/observability.ts';
import { systemClock } from '#shared/ports/clock.ts';
import {
  exposedHostWarning,
  httpUrl,
  isLoopbackHost,
  keyBanner,
  serveCommand,
  startLocalApiServer,
} from '../../cli/commands/serve.ts';
import { DataFolderMissingError, ServerListenError } from '../../cli/errors.ts';
import { loadConfigFile, openLocalStore } from '../../cli/local-runtime.ts';
import { RecordingLog } from '../helpers/log.ts';

let dir: string;
let blocker: Server;
let takenPort: number;

async function keyCount(dataDir: string): Promise<number> {
  const { db } = await openLocalStore(dataDir);
  try {
    return (await new DynamoApiKeyStore({ client: db.client, tableName: db.tableName }).listItems()).length;
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-serve-'));
  blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()));
  takenPort = (blocker.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((done) => blocker.close(() => done()));
  await rm(dir, { recursive: true, force: true });
});

const base = { configPath: 'config/majalengka.json', host: '127.0.0.1', verbose: false };

describe('serveCommand', () => {
  it('refuses a data folder without a store instead of creating one with a new admin key', async () => {
    const typo = join(dir, 'typo');
    await expect(serveCommand({ ...base, dataDir: typo, port: 0 }, () => {})).rejects.toThrow(
      DataFolderMissingError,
    );
    expect(existsSync(typo)).toBe(false);
  });

  it('reports a taken port as a named error and creates no key it could not show', async () => {
    const dataDir = join(dir, 'busy');
    await (await openLocalStore(dataDir)).db.close();
    const out: string[] = [];
    const error = await serveCommand({ ...base, dataDir, port: takenPort }, (l) => out.push(l)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServerListenError);
    expect((error as Error).message).toContain(`127.0.0.1:${takenPort} is already in use`);
    expect(out).toEqual([]);
    expect(await keyCount(dataDir)).toBe(0);
  });

  it('creates the first admin key once listening, and prints it', async () => {
    const dataDir = join(dir, 'ok');
    await (await openLocalStore(dataDir)).db.close();
    const out: string[] = [];
    let stop = () => {};
    const stopped = new Promise<void>((done) => {
      stop = done;
    });
    const running = serveCommand({ ...base, dataDir, port: 0, stop: stopped }, (l) => {
      out.push(l);
      if (l === 'Press Ctrl+C to stop.') stop();
    });
    await running;
    expect(out[0]).toMatch(/^Pantau API and dashboard: http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(out).toContain('Created a local admin API key (shown once; only its hash is stored):');
    expect(await keyCount(dataDir)).toBe(1);
  });
});

describe('serve beside key items none of which works (QA second pass)', () => {
  /** Run serve on `dataDir` until its banner ends; its stdout lines. */
  async function banner(dataDir: string): Promise<string[]> {
    const out: string[] = [];
    let stop = () => {};
    const stopped = new Promise<void>((done) => {
      stop = done;
    });
    await serveCommand({ ...base, dataDir, port: 0, stop: stopped, warn: () => {} }, (l) => {
      out.push(l);
      if (l === 'Press Ctrl+C to stop.') stop();
    });
    return out;
  }

  it('says no key works and names api-key list and create, instead of "use one created earlier"', async () => {
    const dataDir = join(dir, 'only-malformed');
    const { db } = await openLocalStore(dataDir);
    const keys = new DynamoApiKeyStore({ client: db.client, tableName: db.tableName });
    try {
      const made = await keys.create({ name: 'rusak', scope: 'admin', now: '2026-12-01T00:00:00.000Z' });
      const revoked = await keys.create({ name: 'lama', scope: 'read', now: '2026-12-01T00:00:01.000Z' });
      await keys.revoke(revoked.record.keyId, '2026-12-01T01:00:00.000Z');
      await db.client.send(
        new PutItemCommand({
          TableName: db.tableName,
          Item: marshall({
            PK: `KEY#${made.record.keyId}`,
            SK: 'KEY',
            GSI1PK: 'KEYS',
            GSI1SK: `2026-12-01T00:00:00.000Z#${made.record.keyId}`,
            data: { ...made.record, scope: 'root' },
          }),
        }),
      );
    } finally {
      await db.close();
    }
    const out = await banner(dataDir);
    expect(out.join('\n')).not.toContain('use one created earlier');
    expect(out).toContain(
      '  Note: no API key works: the store holds only 1 malformed key item and 1 revoked key. See them with',
    );
    expect(out).toContain(`    npm run pantau -- api-key list --data-dir "${dataDir}"`);
    expect(out).toContain(
      `    npm run pantau -- api-key create --data-dir "${dataDir}" --name <name> --scope admin`,
    );
    // No admin key is minted beside items someone revoked or edited.
    expect(out.join('\n')).not.toContain('#key=');
    const again = await openLocalStore(dataDir);
    try {
      const items = await new DynamoApiKeyStore({
        client: again.db.client,
        tableName: again.db.tableName,
      }).listItems();
      expect(items).toHaveLength(2);
    } finally {
      await again.db.close();
    }
  });

  it('points to the keys created earlier while one is usable', () => {
    const record = {
      keyId: 'a'.repeat(16),
      name: 'ana',
      scope: 'read' as const,
      hash: '0'.repeat(64),
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    const malformed = { ok: false as const, keyId: 'b'.repeat(16), fields: ['scope'] };
    expect(keyBanner([malformed, { ok: true, record }], '/d/.pantau-replay')).toEqual([
      '  API keys: use one created earlier, or stop the server and run',
      '    npm run pantau -- api-key create --data-dir "/d/.pantau-replay" --name <name> --scope analyst',
    ]);
    expect(
      keyBanner([{ ok: true, record: { ...record, revokedAt: '2026-12-01T01:00:00.000Z' } }], '/d')[0],
    ).toBe('  Note: no API key works: the store holds only 1 revoked key. See them with');
  });

  it('answers a malformed key item 401 like an unknown key and logs it at error level', async () => {
    const log = new RecordingLog();
    const db = await startEmbeddedDynamo({ tableName: 'serve-malformed' });
    const keyId = 'c'.repeat(16);
    const server = await startLocalApiServer({
      deps: {
        store: new DynamoStore({ client: db.client, tableName: 'serve-malformed' }),
        config: await loadConfigFile('config/majalengka.json'),
        cursorKey: Buffer.alloc(32, 1),
        clock: systemClock,
        log,
        metrics: new MemoryMetricSink(),
      },
      keys: {
        getKey: async (id) => (id === keyId ? { malformed: true, keyId, fields: ['hash'] } : undefined),
      },
      port: 0,
    });
    try {
      const ask = (id: string) =>
        fetch(`${server.url}/v1/mentions`, { headers: { 'x-api-key': `pantau_${id}_${'A'.repeat(43)}` } });
      const malformed = await ask(keyId);
      const unknown = await ask('d'.repeat(16));
      expect(malformed.status).toBe(401);
      expect(await malformed.json()).toEqual(await unknown.json());
      expect(log.entries.filter((e) => e.level === 'error')).toEqual([
        {
          level: 'error',
          message: 'API key item malformed',
          context: { keyId, fields: ['hash'], method: 'GET', path: '/v1/mentions' },
        },
      ]);
    } finally {
      await server.close();
      await db.close();
    }
  });
});

describe('serve --host', () => {
  it('tells loopback addresses from ones the network may reach', () => {
    for (const host of [
      '127.0.0.1',
      '127.5.6.7',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.10',
      '10.0.0.1',
      '::ffff:10.0.0.1',
      'fe80::1',
      'fe80::1%eth0',
      'pantau.example',
      '128.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('warns on stderr when listening beyond loopback, and says nothing on 127.0.0.1', async () => {
    expect(exposedHostWarning('127.0.0.1')).toBeUndefined();
    const dataDir = join(dir, 'exposed');
    await (await openLocalStore(dataDir)).db.close();
    const warnings: string[] = [];
    const out: string[] = [];
    let stop = () => {};
    const stopped = new Promise<void>((done) => {
      stop = done;
    });
    await serveCommand(
      { ...base, host: '0.0.0.0', dataDir, port: 0, stop: stopped, warn: (l) => warnings.push(l) },
      (l) => {
        out.push(l);
        if (l === 'Press Ctrl+C to stop.') stop();
      },
    );
    expect(warnings).toEqual([
      'warning: --host 0.0.0.0 is not a loopback address: the API and dashboard can be reached from the network, over plain HTTP (no TLS), and the API key is the only protection. Use --host 127.0.0.1 unless other machines must connect.',
    ]);
    expect(out[0]).toMatch(/^Pantau API and dashboard: http:\/\/0\.0\.0\.0:\d+\/$/);
  });
});

describe('requests Node refuses before the handler', () => {
  /** One raw HTTP/1.1 exchange: what the server wrote back before closing. */
  function rawExchange(port: number, request: string): Promise<string> {
    return new Promise((done, fail) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', fail);
      socket.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
      socket.write(request);
    });
  }

  it('answers a ~100 KB query string with 431 and a JSON error body, not an empty one', async () => {
    const db = await startEmbeddedDynamo({ tableName: 'serve-431' });
    const server = await startLocalApiServer({
      deps: {
        store: new DynamoStore({ client: db.client, tableName: 'serve-431' }),
        config: await loadConfigFile('config/majalengka.json'),
        cursorKey: Buffer.alloc(32, 1),
        clock: systemClock,
        log: silentLog,
        metrics: new MemoryMetricSink(),
      },
      keys: { getKey: async () => undefined },
      port: 0,
    });
    try {
      const port = Number(new URL(server.url).port);
      const response = await rawExchange(
        port,
        `GET /v1/mentions?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      );
      const [head = '', body] = response.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      expect(head.toLowerCase()).toContain('content-type: application/json');
      expect(JSON.parse(body ?? '')).toEqual({ error: 'request header fields too large' });
      // A request line that is not HTTP at all: 400, also JSON.
      const garbage = await rawExchange(port, 'NOT HTTP\r\n\r\n');
      expect(garbage.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(garbage.split('\r\n\r\n')[1] ?? '')).toEqual({ error: 'bad request' });
    } finally {
      await server.close();
      await db.close();
    }
  });
});

describe('serve --host: empty values and IPv6 URLs (second QA pass)', () => {
  it('refuses an empty or blank host (an unset $HOST) instead of listening on every interface', async () => {
    for (const host of ['', '  ']) {
      const error = await startLocalApiServer({
        deps: {} as never,
        keys: {} as never,
        host,
        port: 0,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerListenError);
      expect((error as Error).message).toBe(
        'pantau serve: --host is empty: give an address to listen on, e.g. 127.0.0.1',
      );
    }
  });

  it('puts IPv6 addresses in brackets, and escapes a zone id', () => {
    expect(httpUrl('::1', 18960)).toBe('http://[::1]:18960');
    expect(httpUrl('fe80::1%eth0', 80)).toBe('http://[fe80::1%25eth0]:80');
    expect(httpUrl('127.0.0.1', 18960)).toBe('http://127.0.0.1:18960');
    expect(httpUrl('localhost', 8787)).toBe('http://localhost:8787');
    expect(new URL(`${httpUrl('::1', 18960)}/v1/health`).port).toBe('18960');
  });

  it('prints a bracketed URL and #key= link when listening on ::1', async (ctx) => {
    const probe = createServer();
    const ipv6 = await new Promise<boolean>((done) => {
      probe.once('error', () => done(false));
      probe.listen(0, '::1', () => probe.close(() => done(true)));
    });
    if (!ipv6) ctx.skip('no IPv6 loopback on this machine');
    const dataDir = join(dir, 'ipv6');
    await (await openLocalStore(dataDir)).db.close();
    const out: string[] = [];
    let stop = () => {};
    const stopped = new Promise<void>((done) => {
      stop = done;
    });
    await serveCommand({ ...base, host: '::1', dataDir, port: 0, stop: stopped }, (l) => {
      out.push(l);
      if (l === 'Press Ctrl+C to stop.') stop();
    });
    expect(out[0]).toMatch(/^Pantau API and dashboard: http:\/\/\[::1\]:\d+\/$/);
    expect(out.find((l) => l.startsWith('Open the dashboard'))).toMatch(
      /^Open the dashboard signed in: http:\/\/\[::1\]:\d+\/#key=/,
    );
  });
});
