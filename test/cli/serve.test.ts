import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { serveCommand } from '../../cli/commands/serve.ts';
import { DataFolderMissingError, ServerListenError } from '../../cli/errors.ts';
import { openLocalStore } from '../../cli/local-runtime.ts';

let dir: string;
let blocker: Server;
let takenPort: number;

async function keyCount(dataDir: string): Promise<number> {
  const { db } = await openLocalStore(dataDir);
  try {
    return (await new DynamoApiKeyStore({ client: db.client, tableName: db.tableName }).list()).length;
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
