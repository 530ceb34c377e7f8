/**
 * `api-key … --table`: the key commands against a deployed table, here dynalite reached by endpoint (the
 * same wire API as DynamoDB), through the SDK's default credential chain fed by environment variables.
 * No network and no AWS: failures AWS would answer with are served by a loopback server.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { checkAccess } from '#shared/domain/api/auth.ts';
import { NotFoundError } from '#shared/errors.ts';
import {
  createApiKeyCommand,
  DeployedTableError,
  explainAwsError,
  listApiKeysCommand,
  parseEndpoint,
  parseTableName,
  revokeApiKeyCommand,
} from '../../cli/commands/api-keys.ts';
import { runPantau, stubTestAwsEnv, TEST_AWS_ENV } from '../helpers/cli-process.ts';
import { startFixtureServer } from '../helpers/fixture-server.ts';

const TABLE = 'pantau-test-Table1A2B';
let db: EmbeddedDynamo;
let home: string;
let target: { table: string; region: string; endpoint: string };

beforeAll(async () => {
  stubTestAwsEnv();
  db = await startEmbeddedDynamo({ tableName: TABLE });
  home = await mkdtemp(join(tmpdir(), 'pantau-keys-table-'));
  target = { table: TABLE, region: 'local', endpoint: db.endpoint };
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.close();
  await rm(home, { recursive: true, force: true });
});

/** The CLI as a child process (`test/helpers/cli-process.ts`). */
function pantau(args: string[], env: Readonly<Record<string, string>> = TEST_AWS_ENV) {
  return runPantau(args, home, env);
}

/** A stand-in for DynamoDB that answers every request with one JSON error, as the real service does. */
function failingDynamo(status: number, type: string, message: string) {
  return startFixtureServer({
    '/': {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ __type: `com.amazon.coral.service#${type}`, Message: message }),
    },
  });
}

describe('api-key on a deployed table (dynalite by --endpoint)', () => {
  it('creates a key the authoriser accepts, stores only its hash, lists it and revokes it for the next request', async () => {
    const created: string[] = [];
    await createApiKeyCommand({ name: 'humas-prod', scope: 'admin', ...target }, (l) => created.push(l));
    const [, keyId, secret] = /pantau_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(created[1] ?? '') ?? [];
    expect(created[0]).toBe(
      `Created admin key ${keyId} for humas-prod in table ${TABLE} (local). The secret is shown once:`,
    );

    const raw = await db.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { PK: { S: `KEY#${keyId}` }, SK: { S: 'KEY' } } }),
    );
    const item = unmarshall(raw.Item ?? {});
    expect(item['data'].hash).toBe(createHash('sha256').update(`${keyId}.${secret}`).digest('hex'));
    expect(JSON.stringify(item)).not.toContain(secret);

    const keys = new DynamoApiKeyStore({ client: db.client, tableName: TABLE });
    const request = { method: 'GET', rawPath: '/v1/me', headers: { 'x-api-key': created[1]?.trim() } };
    expect(await checkAccess(request, keys)).toMatchObject({ outcome: 'allow', principal: { keyId } });

    const listed: string[] = [];
    await listApiKeysCommand(target, (l) => listed.push(l));
    expect(listed.filter((l) => l.startsWith(`${keyId}  admin    humas-prod  created `))).toHaveLength(1);

    const revoked: string[] = [];
    await revokeApiKeyCommand({ keyId: keyId ?? '', ...target }, (l) => revoked.push(l));
    expect(revoked[0]).toMatch(
      new RegExp(`^Revoked: ${keyId} {2}admin {4}humas-prod {2}created \\S+ {2}REVOKED \\S+$`),
    );
    expect(await checkAccess(request, keys)).toEqual({ outcome: 'unauthenticated', reason: 'revoked' });
  });

  it('names the table in the unknown-id error, and the empty-list hint tells how to create one', async () => {
    await expect(revokeApiKeyCommand({ keyId: 'f'.repeat(16), ...target }, () => {})).rejects.toThrow(
      new NotFoundError(`no API key ${'f'.repeat(16)} (see \`api-key list --table ${TABLE}\`)`),
    );
    const empty = await startEmbeddedDynamo({ tableName: 'pantau-empty' });
    try {
      const listed: string[] = [];
      await listApiKeysCommand({ table: 'pantau-empty', region: 'local', endpoint: empty.endpoint }, (l) =>
        listed.push(l),
      );
      expect(listed).toEqual([
        'No API keys in table pantau-empty (local) (create one with `api-key create --table pantau-empty --name <name> --scope admin`).',
      ]);
    } finally {
      await empty.close();
    }
  });

  it('a missing table is a DeployedTableError (exit 2) naming table, region and endpoint', async () => {
    const missing = { ...target, table: 'pantau-nosuch' };
    for (const run of [
      () => listApiKeysCommand(missing, () => {}),
      () => createApiKeyCommand({ name: 'ana', scope: 'read', ...missing }, () => {}),
      () => revokeApiKeyCommand({ keyId: '0'.repeat(16), ...missing }, () => {}),
    ]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployedTableError);
      expect(error).toMatchObject({
        exitCode: 2,
        message: `table pantau-nosuch in local at ${db.endpoint} not found: check --table (the data stack's TableName output) and --region`,
      });
    }
  });

  it('a table without the GSI1 index (not a Pantau table) is one line, exit 2', async () => {
    await db.client.send(
      new CreateTableCommand({
        TableName: 'not-pantau',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      }),
    );
    await ensureTable(db.client, 'not-pantau');
    const error = await listApiKeysCommand({ ...target, table: 'not-pantau' }, () => {}).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeployedTableError);
    expect(error).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        new RegExp(
          `^table not-pantau in local at ${db.endpoint} refused the request: .*index.* \\(is it the Pantau table\\? it needs the GSI1 index\\)$`,
        ),
      ),
    });
  });

  it('access denied by AWS is one line with the actions the identity needs (exit 2)', async () => {
    const denial =
      'User: arn:aws:sts::123456789012:assumed-role/ops/ana is not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:ap-southeast-3:123456789012:table/pantau-prod/index/GSI1 because no identity-based policy allows the dynamodb:Query action';
    const server = await failingDynamo(400, 'AccessDeniedException', denial);
    try {
      const error = await listApiKeysCommand(
        { ...target, table: 'pantau-prod', endpoint: server.url },
        () => {},
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployedTableError);
      expect(error).toMatchObject({
        exitCode: 2,
        message: `access to table pantau-prod in local at ${server.url} denied: ${denial} (api-key needs dynamodb:GetItem, PutItem, UpdateItem and Query on the table and its GSI1 index)`,
      });
    } finally {
      await server.close();
    }
  });

  it('refused credentials are exit 2; an unreachable endpoint and a DynamoDB outage exit 1', async () => {
    const refused = await failingDynamo(
      400,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
    const outage = await failingDynamo(500, 'InternalServerError', 'Internal server error');
    const closed = await failingDynamo(500, 'InternalServerError', '');
    const closedUrl = closed.url;
    await closed.close();
    try {
      const fail = (endpoint: string) =>
        listApiKeysCommand({ ...target, endpoint }, () => {}).catch((e: unknown) => e as DeployedTableError);
      expect(await fail(refused.url)).toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(
          /^AWS refused the credentials \(UnrecognizedClientException\): The security token included in the request is invalid\. \(refresh them/,
        ),
      });
      expect(await fail(closedUrl)).toMatchObject({
        exitCode: 1,
        message: `cannot reach DynamoDB for table ${TABLE} in local at ${closedUrl}: ECONNREFUSED`,
      });
      expect(await fail(outage.url)).toMatchObject({
        exitCode: 1,
        message: `DynamoDB failed on table ${TABLE} in local at ${outage.url}: InternalServerError: Internal server error`,
      });
    } finally {
      await refused.close();
      await outage.close();
    }
  });

  it('keeps errors that are not AWS failures as they are, and a credentials error other than none found', () => {
    const notFound = new NotFoundError('no API key x');
    expect(explainAwsError(notFound, { table: 't', region: 'r' })).toBe(notFound);
    const sso = Object.assign(
      new Error('The SSO session associated with this profile has expired.\nRun aws sso login'),
      {
        name: 'CredentialsProviderError',
      },
    );
    expect(explainAwsError(sso, { table: 't', region: 'r' })).toMatchObject({
      exitCode: 2,
      message:
        'AWS credentials could not be loaded: The SSO session associated with this profile has expired. Run aws sso login',
    });
  });
});

describe('pantau api-key --table (the CLI as a process)', () => {
  it('creates, lists and revokes on the table, exit 0', async () => {
    const where = ['--table', TABLE, '--region', 'local', '--endpoint', db.endpoint];
    const created = await pantau(['api-key', 'create', '--name', 'cli-ops', '--scope', 'analyst', ...where]);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const keyId = /key ([0-9a-f]{16}) for cli-ops in table /.exec(created.stdout)?.[1] ?? '';
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    const listed = await pantau(['api-key', 'list', ...where]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId} {2}analyst {2}cli-ops +created `, 'm'));
    const revoked = await pantau(['api-key', 'revoke', keyId, ...where]);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked: ${keyId} `));
  });

  it('a missing table is one stderr line, exit 2, no stack trace', async () => {
    const run = await pantau([
      'api-key',
      'list',
      '--table',
      'pantau-nosuch',
      '--region',
      'local',
      '--endpoint',
      db.endpoint,
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `table pantau-nosuch in local at ${db.endpoint} not found: check --table (the data stack's TableName output) and --region\n`,
    );
  });

  it('no credentials and no region are one line each, exit 2', async () => {
    const bare = { AWS_EC2_METADATA_DISABLED: 'true' };
    const noCredentials = await pantau(
      ['api-key', 'list', '--table', TABLE, '--region', 'local', '--endpoint', db.endpoint],
      bare,
    );
    expect(noCredentials.status).toBe(2);
    expect(noCredentials.stderr).toBe(
      'no AWS credentials found: set AWS_PROFILE (after `aws sso login` for an SSO profile) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n',
    );
    const noRegion = await pantau(['api-key', 'list', '--table', TABLE, '--endpoint', db.endpoint]);
    expect(noRegion.status).toBe(2);
    expect(noRegion.stderr).toBe(
      'no AWS region for --table: pass --region (e.g. ap-southeast-3) or set AWS_REGION or the profile region\n',
    );
  });

  it('refuses --table with --data-dir, and --region or --endpoint without --table, exit 2, touching nothing; checks the table name', async () => {
    const run = (args: string[]) => pantau(['api-key', ...args]);
    const both = await run(['revoke', '0'.repeat(16), '--table', TABLE, '--data-dir', join(home, 'store')]);
    expect(both.status).toBe(2);
    expect(both.stderr.split('\n')[0]).toBe(
      'error: --table and --data-dir cannot be used together: --table manages the keys of a deployed table, --data-dir those of the local store',
    );
    expect(existsSync(join(home, 'store'))).toBe(false);
    const stray = await run(['list', '--endpoint', 'http://127.0.0.1:1']);
    expect(stray.status).toBe(2);
    expect(stray.stderr.split('\n')[0]).toBe(
      'error: --endpoint needs --table (it says where the deployed table is)',
    );
    expect(() => parseTableName('a b')).toThrow(/^expected a DynamoDB table name: 3-255 characters/);
    expect(parseTableName('PantauData-dev-Table1A2B3C4D')).toBe('PantauData-dev-Table1A2B3C4D');
    expect(() => parseEndpoint('file:///tmp/x')).toThrow(/^expected an http\(s\) URL/);
  });
});
