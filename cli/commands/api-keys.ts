/**
 * `pantau api-key create|list|revoke`: manage API keys, either in the local store (`--data-dir`) or in a
 * deployed table (`--table`, through the AWS SDK default credential chain). Both go through the one key
 * adapter the authoriser reads with (`DynamoApiKeyStore`): keys are stored hashed and `create` prints
 * the secret once. The embedded store is single-process: stop `pantau serve` first.
 */
import { resolve } from 'node:path';
import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from 'commander';
import {
  type ApiKeyItem,
  DynamoApiKeyStore,
  type MalformedApiKeyItem,
} from '#shared/adapters/aws/api-keys.ts';
import {
  type ApiKeyRecord,
  type ApiScope,
  checkApiKeyName,
  printableApiKeyName,
} from '#shared/domain/api/auth.ts';
import { NotFoundError } from '#shared/errors.ts';
import { openExistingStore, openLocalStore, retentionLine } from '../local-runtime.ts';

type Out = (line: string) => void;

const stderrLine: Out = (line) => process.stderr.write(`${line}\n`);

/** The embedded store of a data folder (`--data-dir`). */
export interface LocalKeyTarget {
  readonly dataDir: string;
}

/** A deployed Pantau table (`--table`), reached with the SDK's default credential chain. */
export interface TableKeyTarget {
  /** Table name: the data stack's `TableName` output. */
  readonly table: string;
  /** @default the SDK's region (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** DynamoDB endpoint URL, for local DynamoDB and tests. @default the region's public endpoint */
  readonly endpoint?: string;
}

/** Where the keys live: exactly one of a data folder or a deployed table. */
export type KeyTarget = LocalKeyTarget | TableKeyTarget;

/**
 * An `api-key` command failed in a way its operator can act on. The message is one line for stderr that
 * never repeats a malformed input; `exitCode` follows the CLI's rule (2 = the caller's input or set-up
 * must change, 1 = anything else, such as a network failure or a DynamoDB outage).
 */
export class KeyCommandError extends Error {
  override readonly name: string = 'KeyCommandError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A deployed table could not be used: no region or credentials, table missing, access denied, DynamoDB
 * unreachable, an endpoint that is not DynamoDB.
 */
export class DeployedTableError extends KeyCommandError {
  override readonly name = 'DeployedTableError';
}

/** `api-key revoke` got something that is not a key id (exit 2; checked before any request). */
export class ApiKeyIdError extends KeyCommandError {
  override readonly name = 'ApiKeyIdError';
  constructor(message: string) {
    super(message, 2);
  }
}

/** The key id format of `shared/domain/api/auth.ts` (`generateApiKey`: 8 random bytes as lower-case hex). */
const KEY_ID = /^[0-9a-f]{16}$/;

/**
 * A key id as `api-key list` shows it: 16 lower-case hex characters. Checked before any store is opened,
 * so a malformed id reaches neither DynamoDB nor the terminal (it may hold escape codes).
 * @returns the id unchanged.
 * @throws {ApiKeyIdError} otherwise; the message gives the length, never the id.
 */
export function checkKeyId(keyId: string): string {
  if (KEY_ID.test(keyId)) return keyId;
  const length = [...keyId].length;
  const got =
    length === 0
      ? 'got an empty id'
      : length !== 16
        ? `got ${length} characters`
        : 'got characters other than 0-9, a-f';
  throw new ApiKeyIdError(
    `not a key id: expected 16 hex characters (0-9, a-f) as \`api-key list\` shows them; ${got}`,
  );
}

/** DynamoDB's own rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * `--table`: a DynamoDB table name (3–255 of `A-Z a-z 0-9 _ . -`).
 * @throws {InvalidArgumentError} otherwise (printed by commander; exit 2).
 */
export function parseTableName(value: string): string {
  if (!TABLE_NAME.test(value))
    throw new InvalidArgumentError(
      "expected a DynamoDB table name: 3-255 characters of A-Z, a-z, 0-9, '_', '.', '-' (the data stack's TableName output)",
    );
  return value;
}

/**
 * `--region`: an AWS region id such as `ap-southeast-3` (any lower-case id, so local DynamoDB's own
 * names pass too).
 * @throws {InvalidArgumentError} otherwise.
 */
export function parseRegion(value: string): string {
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(value))
    throw new InvalidArgumentError('expected an AWS region such as ap-southeast-3');
  return value;
}

/**
 * `--endpoint`: an http(s) URL of a DynamoDB endpoint, without a user name or password (DynamoDB signs
 * requests with the AWS credentials; user info would only end up in messages and shell history). The
 * message never repeats the value, which may hold a password: report it with your own words, not through
 * a commander option parser (commander quotes the value it refuses).
 * @throws {InvalidArgumentError} otherwise.
 */
export function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8000');
  if (url.username || url.password)
    throw new InvalidArgumentError(
      'a user name or password in the URL is refused (DynamoDB takes the AWS credentials, not URL user info)',
    );
  return value;
}

/** `endpoint` without its user name and password, for messages; unchanged when it holds none. */
function redactEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    if (!url.username && !url.password) return endpoint;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return '(an endpoint that is not a URL)';
  }
}

function isTable(target: KeyTarget): target is TableKeyTarget {
  return 'table' in target;
}

/** `--table <name>`, for messages that tell the user the next command to run. */
function targetFlag(target: KeyTarget): string {
  return isTable(target) ? ` --table ${target.table}` : '';
}

/** SDK error names that mean the credentials were found but AWS does not accept them. */
const REFUSED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
]);

/** Node socket error codes of an endpoint that cannot be reached. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The HTTP status of a response the SDK could not read as DynamoDB's: a body that is not JSON (an HTML
 * page: the SDK throws the `SyntaxError` of the parser with the response attached), or an error without
 * DynamoDB's `__type` (the SDK names it `Unknown`). `undefined` for anything else.
 */
function notDynamoStatus(error: Error): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const answered = '$response' in error;
  const unreadable =
    error.name === 'SyntaxError' || error.name === 'Unknown' || error.name === 'UnknownError';
  return answered && unreadable ? (typeof status === 'number' ? status : 0) : undefined;
}

/**
 * What an AWS failure means for someone running the command, as one line. Errors that are not AWS's
 * (a refused name, an unknown key id, a malformed record) are returned unchanged.
 * @param where the table, its region and the endpoint when one was given.
 */
export function explainAwsError(
  error: unknown,
  where: { readonly table: string; readonly region: string; readonly endpoint?: string },
): unknown {
  if (!(error instanceof Error)) return error;
  const at = `${where.table} in ${where.region}${where.endpoint ? ` at ${redactEndpoint(where.endpoint)}` : ''}`;
  const detail = oneLine(error.message);
  const status = notDynamoStatus(error);
  if (status !== undefined)
    return where.endpoint
      ? new DeployedTableError(
          `the endpoint did not answer as DynamoDB for table ${at} (HTTP ${status}): check --endpoint`,
          2,
          { cause: error },
        )
      : new DeployedTableError(
          `the DynamoDB endpoint of ${where.region} did not answer as DynamoDB for table ${where.table} (HTTP ${status}): a proxy in between?`,
          1,
          { cause: error },
        );
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError') {
    return new DeployedTableError(
      detail === 'Could not load credentials from any providers'
        ? 'no AWS credentials found: set AWS_PROFILE (after `aws sso login` for an SSO profile) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : `AWS credentials could not be loaded: ${detail}`,
      2,
      { cause: error },
    );
  }
  if (error.name === 'ResourceNotFoundException')
    return new DeployedTableError(
      `table ${at} not found: check --table (the data stack's TableName output) and --region`,
      2,
      { cause: error },
    );
  if (error.name === 'AccessDeniedException')
    return new DeployedTableError(
      `access to table ${at} denied: ${detail} (api-key needs dynamodb:GetItem, PutItem, UpdateItem and Query on the table and its GSI1 index)`,
      2,
      { cause: error },
    );
  if (REFUSED_CREDENTIALS.has(error.name))
    return new DeployedTableError(
      `AWS refused the credentials (${error.name}): ${detail} (refresh them, e.g. \`aws sso login\`, or check the profile and --region)`,
      2,
      { cause: error },
    );
  if (error.name === 'ValidationException')
    return new DeployedTableError(
      `table ${at} refused the request: ${detail} (is it the Pantau table?${/index/i.test(detail) ? ' it needs the GSI1 index' : ''})`,
      2,
      { cause: error },
    );
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && UNREACHABLE.has(code)) || error.name === 'TimeoutError')
    return new DeployedTableError(
      `cannot reach DynamoDB for table ${at}: ${typeof code === 'string' ? code : detail}`,
      1,
      { cause: error },
    );
  if (error instanceof DynamoDBServiceException)
    return new DeployedTableError(`DynamoDB failed on table ${at}: ${error.name}: ${detail}`, 1, {
      cause: error,
    });
  return error;
}

/**
 * Run `run` against a deployed table with a client of its own, closed afterwards. The region is resolved
 * before any request, so a missing one is named rather than failing inside the SDK.
 * @throws {DeployedTableError} for any AWS failure, explained by {@link explainAwsError}.
 */
async function withTableKeys<T>(target: TableKeyTarget, run: (keys: DynamoApiKeyStore) => Promise<T>) {
  const client = new DynamoDBClient({
    ...(target.region ? { region: target.region } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    // Without them an unreachable endpoint (a firewall dropping packets) hangs the command for minutes.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  try {
    let region: string;
    try {
      region = await client.config.region();
    } catch (error) {
      throw new DeployedTableError(
        'no AWS region for --table: pass --region (e.g. ap-southeast-3) or set AWS_REGION or the profile region',
        2,
        { cause: error },
      );
    }
    try {
      return { region, result: await run(new DynamoApiKeyStore({ client, tableName: target.table })) };
    } catch (error) {
      throw explainAwsError(error, {
        table: target.table,
        region,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      });
    }
  } finally {
    client.destroy();
  }
}

/**
 * Run `run` on the keys of `target`. For a data folder, `create` may start a new store while `list` and
 * `revoke` need an existing one (a typo must not make one); what opening it removed past retention goes to
 * `notice`. `where` names a deployed table in output.
 */
async function withKeys<T>(
  target: KeyTarget,
  mode: 'create-store' | 'existing-store',
  run: (keys: DynamoApiKeyStore) => Promise<T>,
  notice: Out,
): Promise<{ result: T; where: string }> {
  if (isTable(target)) {
    const { region, result } = await withTableKeys(target, run);
    return { result, where: ` in table ${target.table} (${region})` };
  }
  const opened = await (mode === 'create-store' ? openLocalStore : openExistingStore)(
    resolve(target.dataDir),
  );
  const { db } = opened;
  try {
    const removed = retentionLine(opened);
    if (removed) notice(removed);
    return {
      result: await run(new DynamoApiKeyStore({ client: db.client, tableName: db.tableName })),
      where: '',
    };
  } finally {
    await db.close();
  }
}

/**
 * Columns a name takes in a terminal, roughly: one per code point, none for a combining mark (`é` written
 * as `e` + U+0301). East Asian wide characters count as one, so such names may still stand out by a column.
 */
function columns(text: string): number {
  return text.replace(/\p{M}/gu, '').length - (text.match(/[\uD800-\uDBFF]/g)?.length ?? 0);
}

/**
 * One line per key: id, scope, name (padded to `nameWidth` columns, so the dates line up under one
 * another), created, revoked. A name from before names were checked shows its forbidden characters escaped.
 */
function describe(k: ApiKeyRecord, nameWidth = 0): string {
  const name = printableApiKeyName(k.name);
  const padded = `${name}${' '.repeat(Math.max(0, nameWidth - columns(name)))}`;
  return `${k.keyId}  ${k.scope.padEnd(7)}  ${padded}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`;
}

/** The list line of a malformed item (its name, scope and dates cannot be trusted, so none is shown). */
function describeMalformed(item: MalformedApiKeyItem): string {
  return `${item.keyId}  MALFORMED item (${item.fields.join(', ')})${item.revokedAt ? `  REVOKED ${item.revokedAt}` : ''}`;
}

/** The line of one key item, well-formed or not. */
function describeItem(item: ApiKeyItem): string {
  return item.ok ? describe(item.record) : describeMalformed(item);
}

/**
 * Create a key and print its secret once (the store keeps only its SHA-256). On a deployed table the
 * first line names the table and region, so the operator sees which deployment the key works on.
 * @throws {ApiKeyNameError} for a name with control, format or text-direction characters (checked before
 * any store is opened or created), or one an active key already holds.
 * A malformed key item cannot authenticate, so it holds no name: the key is created and a closing `Note:`
 * line names the items the name was not compared with.
 * @throws {DeployedTableError} when the deployed table cannot be used.
 */
export async function createApiKeyCommand(
  opts: { name: string; scope: ApiScope } & KeyTarget,
  out: Out,
  notice: Out = stderrLine,
): Promise<void> {
  checkApiKeyName(opts.name);
  const {
    result: { token, record, unchecked },
    where,
  } = await withKeys(
    opts,
    'create-store',
    (keys) => keys.create({ name: opts.name, scope: opts.scope, now: new Date().toISOString() }),
    notice,
  );
  out(`Created ${record.scope} key ${record.keyId} for ${record.name}${where}. The secret is shown once:`);
  out(`  ${token}`);
  if (unchecked.length > 0)
    out(
      `Note: the name was not compared with ${unchecked.length} malformed key ${unchecked.length === 1 ? 'item' : 'items'} (${unchecked
        .map((item) => `${item.keyId}: ${item.fields.join(', ')}`)
        .join('; ')}); they cannot authenticate until repaired (see \`api-key list${targetFlag(opts)}\`).`,
    );
}

/**
 * List keys (ids, names, scopes; never hashes). A malformed item is listed by its id with the fields at
 * fault (`MALFORMED item (scope, hash)`), and the other keys still are.
 * @throws {DataFolderMissingError} when the data folder holds no store.
 * @throws {DeployedTableError} when the deployed table cannot be used.
 */
export async function listApiKeysCommand(opts: KeyTarget, out: Out, notice: Out = stderrLine): Promise<void> {
  const { result: items, where } = await withKeys(opts, 'existing-store', (keys) => keys.listItems(), notice);
  if (items.length === 0)
    out(
      isTable(opts)
        ? `No API keys${where} (create one with \`api-key create${targetFlag(opts)} --name <name> --scope admin\`).`
        : 'No API keys (pantau serve creates an admin key on first start).',
    );
  const records = items.flatMap((item) => (item.ok ? [item.record] : []));
  const nameWidth = Math.max(0, ...records.map((k) => columns(printableApiKeyName(k.name))));
  for (const item of items)
    out(
      item.ok
        ? describe(item.record, nameWidth)
        : item.fields.includes('SK')
          ? `${describeMalformed(item)}: not a key item (its SK is not KEY): the authoriser never reads it and revoke cannot reach it; delete it by hand`
          : `${describeMalformed(item)}: the authoriser cannot use this key until the item is repaired`,
    );
}

/**
 * Revoke a key by id (permanent; the authoriser caches nothing, so it holds from the next request).
 * Idempotent: a key revoked earlier stays revoked from its first time, and the command says so instead
 * of claiming to revoke it now. A key whose item is malformed is revoked too, whatever its item holds
 * (`DynamoApiKeyStore.revoke`): a leaked key must always be revocable.
 * @throws {ApiKeyIdError} for an id that is not 16 lower-case hex characters (before any store is opened).
 * @throws {DataFolderMissingError} when the data folder holds no store; `NotFoundError` for an unknown id.
 * @throws {DeployedTableError} when the deployed table cannot be used.
 */
export async function revokeApiKeyCommand(
  opts: { keyId: string } & KeyTarget,
  out: Out,
  notice: Out = stderrLine,
): Promise<void> {
  const keyId = checkKeyId(opts.keyId);
  const {
    result: { line, already },
  } = await withKeys(
    opts,
    'existing-store',
    async (keys) => {
      const before = await keys.getItem(keyId);
      if (!before) throw new NotFoundError(`no API key ${keyId} (see \`api-key list${targetFlag(opts)}\`)`);
      if (before.ok ? before.record.revokedAt : before.revokedAt)
        return { line: describeItem(before), already: true };
      return { line: describeItem(await keys.revoke(keyId, new Date().toISOString())), already: false };
    },
    notice,
  );
  out(already ? `Already revoked (nothing changed): ${line}` : `Revoked: ${line}`);
}
