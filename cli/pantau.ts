/**
 * `pantau` — the command line of the embedded local runtime (run through npm scripts: `npm start`,
 * `npm run classify`, `npm run pantau -- <command>`). Parsing by commander; each command is a thin
 * wrapper over the same handlers and adapters the Lambdas use.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MAX_TEXT_LENGTH, type SentimentLabel, SentimentLabelSchema } from '#shared/domain/mention.ts';
import { addDays, localDate } from '#shared/domain/time.ts';
import {
  createApiKeyCommand,
  KeyCommandError,
  type KeyTarget,
  listApiKeysCommand,
  parseEndpoint,
  parseRegion,
  parseTableName,
  revokeApiKeyCommand,
} from './commands/api-keys.ts';
import { cliErrorReport } from './errors.ts';
import { interruptNotice, signalExitCode } from './interrupt.ts';
import { loadConfigFile, PENDING_QUEUE_FILE, runLocal } from './local-runtime.ts';
import { cliLog } from './log.ts';
import {
  type NoteArgument,
  nonEmptyPath,
  parseAnalystName,
  parseDigestDate,
  parseHost,
  parseIsoDate,
  parseNote,
  parsePort,
  parseTimeoutMs,
  shortenQuotedValues,
} from './options.ts';
import { disabledSourcesNote, formatSummary, plural } from './summary.ts';

const DEFAULT_CONFIG = 'config/majalengka.json';
const DEFAULT_DATA_DIR = '.pantau';
const CONFIG_PATH = nonEmptyPath('--config', 'a file path');
const DATA_DIR_PATH = nonEmptyPath('--data-dir', 'a folder path');

/**
 * Last resort: an error no command caught (e.g. the embedded store failing after an aborted handler)
 * becomes one line on stderr and exit code 1, never a stack trace.
 */
function crash(error: unknown): void {
  const report = cliErrorReport(error);
  process.stderr.write(`${report.message}\n`);
  process.exit(report.exitCode === 0 ? 1 : report.exitCode);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

/** Exit status when the reader of stdout stopped early: 128 + SIGPIPE (13), as a shell reports it. */
const CLOSED_OUTPUT_EXIT_CODE = 141;
// A reader that stops early (`… | head -1`) closes stdout, which Node reports as a write error (QA:
// `pantau: Error: write EPIPE`). Say once that the rest was not written, and stop.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') return crash(error);
  process.stderr.write('pantau: output closed early by its reader; the rest was not written\n');
  process.exit(CLOSED_OUTPUT_EXIT_CODE);
});

const program = new Command()
  .name('pantau')
  .description('Pantau: social listening and sentiment for Indonesian regional governments (local runtime)')
  .showHelpAfterError('(npm run pantau -- --help for usage)')
  // Commander quotes the offending value whole; a 100 KB note would flood the terminal.
  .configureOutput({ outputError: (message, write) => write(shortenQuotedValues(message)) })
  // Usage errors (bad option values, unknown options) exit 2 like every other user error; see the catch below.
  .exitOverride();

program
  .command('run', { isDefault: true })
  .description('one full cycle on the embedded store: collect → classify → detect → digest')
  .option(
    '--replay <file>',
    'replay a JSON Lines file of mentions instead of polling the configured sources',
    nonEmptyPath('--replay', 'a file path'),
  )
  .addOption(
    new Option(
      '--replay-match <mode>',
      "how replayed lines count for keywords: 'search' = the file holds results of a search for the regency, lines naming no keyword count for its first keyword (matchedBy query); 'text' = like a feed, such lines are unmatched and not stored",
    )
      .choices(['search', 'text'])
      .default('search'),
  )
  .option('--config <file>', 'regency config file', CONFIG_PATH, DEFAULT_CONFIG)
  .option(
    '--data-dir <dir>',
    'where the embedded store, digests and alerts live',
    DATA_DIR_PATH,
    DEFAULT_DATA_DIR,
  )
  .option(
    '--date <yyyy-mm-dd>',
    'local day of the digest, 2000-01-01 to today (default: last replayed day, else yesterday)',
    (v: string) => parseDigestDate(v, Date.now()),
  )
  .option(
    '--timeout <ms>',
    'HTTP timeout per request for live sources, 1–120000 ms (default 15000)',
    parseTimeoutMs,
  )
  .option('--json', 'print the summary as one JSON object on stdout')
  .option('-v, --verbose', 'log every step to stderr')
  .action(
    async (
      opts: {
        replay?: string;
        replayMatch: 'search' | 'text';
        config: string;
        dataDir: string;
        date?: string;
        timeout?: number;
        json?: boolean;
        verbose?: boolean;
      },
      command: Command,
    ) => {
      if (!opts.replay && command.getOptionValueSource('replayMatch') === 'cli')
        command.error(
          'error: --replay-match needs --replay (it says how replayed lines count for keywords)',
          {
            exitCode: 2,
            code: 'pantau.replayMatchWithoutReplay',
          },
        );
      const progress = opts.json ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
      // Ctrl+C ends the run as kill -9 would (the queue journal keeps what was handed over); say what is left.
      const interrupted = (signal: 'SIGINT' | 'SIGTERM') => {
        process.stderr.write(
          `\n${interruptNotice(signal, join(resolve(opts.dataDir), PENDING_QUEUE_FILE))}\n`,
        );
        process.exit(signalExitCode(signal));
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      const summary = await runLocal({
        configPath: opts.config,
        dataDir: opts.dataDir,
        ...(opts.replay ? { replay: opts.replay, replayMatch: opts.replayMatch } : {}),
        ...(opts.date ? { digestDate: opts.date } : {}),
        ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
        progress,
        log: cliLog(opts.verbose === true),
        verbose: opts.verbose === true,
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`${formatSummary(summary).join('\n')}\n`);
    },
  );

program
  .command('classify')
  .description(
    'score text from stdin: one text per line, or JSON Lines with a "text" field; one JSON result per line',
  )
  .addOption(
    new Option(
      '--genre <genre>',
      'how to read the texts: news headlines/articles, social (posts and comments of social sources), general (reviews, other text), or auto by shape',
    )
      .choices(['auto', 'news', 'general', 'social'])
      .default('auto'),
  )
  .action(async (opts: { genre: 'auto' | 'news' | 'general' | 'social' }) => {
    const { classifyCommand } = await import('./commands/classify.ts');
    const { loadEmbeddedModel } = await import('#shared/domain/sentiment/index.ts');
    const result = await classifyCommand(process.stdin, process.stdout, loadEmbeddedModel(), opts.genre);
    if (result.errors > 0) {
      process.stderr.write(`${result.errors} of ${plural(result.lines, 'line')} could not be scored\n`);
      process.exitCode = 1;
    }
    if (result.cut > 0)
      process.stderr.write(
        `${plural(result.cut, 'text')} longer than ${MAX_TEXT_LENGTH.toLocaleString('en')} characters cut to that length (as the pipeline stores them)\n`,
      );
    if (result.comprehendRouted > 0)
      process.stderr.write(
        `${plural(result.comprehendRouted, 'text')} in a language Amazon Comprehend scores ("route": "comprehend") scored here by the embedded Indonesian model, which is not meant for those languages; the pipeline sends such texts to Comprehend\n`,
      );
    if (result.lines === 0) process.stderr.write('no input lines\n');
  });

const printLine = (line: string) => process.stdout.write(`${line}\n`);
/** Where notices go (what opening a data folder removed past retention): stderr, apart from the output. */
const printNotice = (line: string) => process.stderr.write(`${line}\n`);

program
  .command('label')
  .description("correct a mention's sentiment label (kept apart; never overwritten by re-classification)")
  .addArgument(
    new Command()
      .createArgument('<mentionId>', 'the mention id (32 hex characters)')
      .argParser((v: string) => {
        if (!/^[0-9a-f]{32}$/.test(v))
          throw new InvalidArgumentError('expected a mention id: 32 hexadecimal characters (0-9, a-f)');
        return v;
      }),
  )
  .addArgument(
    new Command().createArgument('<label>', 'POSITIVE, NEGATIVE, NEUTRAL or MIXED').argParser((v: string) => {
      const parsed = SentimentLabelSchema.safeParse(v.toUpperCase());
      if (!parsed.success) throw new InvalidArgumentError('expected POSITIVE, NEGATIVE, NEUTRAL or MIXED');
      return parsed.data;
    }),
  )
  // parseAnalystName throws a named error (not commander's), whose message never echoes the bad value.
  .requiredOption(
    '--by <analyst>',
    'who makes the correction (e-mail or name, 1–200 characters)',
    parseAnalystName,
  )
  .option('--note <text>', 'why (at most 2,000 characters, as in the API)', parseNote)
  .option('--data-dir <dir>', 'the embedded store folder', DATA_DIR_PATH, DEFAULT_DATA_DIR)
  .action(
    async (
      mentionId: string,
      label: SentimentLabel,
      opts: { by: string; note?: NoteArgument; dataDir: string },
    ) => {
      const { labelCommand } = await import('./commands/labels.ts');
      if (opts.note?.notice) printNotice(opts.note.notice);
      await labelCommand(
        {
          mentionId,
          label,
          by: opts.by,
          dataDir: opts.dataDir,
          ...(opts.note?.note ? { note: opts.note.note } : {}),
        },
        (line) => process.stdout.write(`${line}\n`),
        printNotice,
      );
    },
  );

/** `--config` for commands that read the regency's days in its time zone (`export-labels`, `rejected`). */
function zoneConfigOption(): Option {
  return new Option('--config <file>', 'regency config file (its time zone reads the days)')
    .argParser(CONFIG_PATH)
    .default(DEFAULT_CONFIG);
}

/** `--data-dir`, the embedded store folder. */
function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'the embedded store folder')
    .argParser(DATA_DIR_PATH)
    .default(DEFAULT_DATA_DIR);
}

program
  .command('export-labels')
  .description('export analyst corrections as training data (JSON Lines: text, label, lang, by, at)')
  .option(
    '--from <yyyy-mm-dd>',
    "first day the corrections were made (the regency's time zone, WIB)",
    parseIsoDate,
    '2000-01-01',
  )
  .option(
    '--to <yyyy-mm-dd>',
    "day after the last (the regency's time zone, WIB)",
    parseIsoDate,
    '2100-01-01',
  )
  .option('--out <file>', 'write to a file instead of stdout')
  .addOption(zoneConfigOption())
  .addOption(dataDirOption())
  .action(async (opts: { from: string; to: string; out?: string; config: string; dataDir: string }) => {
    const { exportLabelsCommand } = await import('./commands/labels.ts');
    const { config, ...rest } = opts;
    await exportLabelsCommand(
      { ...rest, timeZone: (await loadConfigFile(config)).timeZone },
      (body) => process.stdout.write(body),
      (line) => process.stderr.write(`${line}\n`),
    );
  });

program
  .command('rejected')
  .description('list the messages the classifier refused (poison), stored with their reason (JSON Lines)')
  .option(
    '--from <yyyy-mm-dd>',
    "first day (the regency's time zone, WIB) (default: 7 days ago)",
    parseIsoDate,
  )
  .option(
    '--to <yyyy-mm-dd>',
    "day after the last (the regency's time zone) (default: tomorrow)",
    parseIsoDate,
  )
  .addOption(zoneConfigOption())
  .addOption(dataDirOption())
  .action(async (opts: { from?: string; to?: string; config: string; dataDir: string }) => {
    const { rejectedCommand } = await import('./commands/rejected.ts');
    const { timeZone } = await loadConfigFile(opts.config);
    const tomorrow = addDays(localDate(Date.now(), timeZone), 1);
    await rejectedCommand(
      {
        from: opts.from ?? addDays(tomorrow, -7),
        to: opts.to ?? tomorrow,
        dataDir: opts.dataDir,
        timeZone,
      },
      printLine,
      printNotice,
    );
  });

program
  .command('check-config')
  .description('validate a regency config file and print what it configures')
  .argument('[file]', 'config file', nonEmptyPath('check-config', 'a file path'), DEFAULT_CONFIG)
  .action(async (file: string) => {
    const config = await loadConfigFile(file);
    process.stdout.write(
      `${file}: ${config.name}, ${config.keywords.length} keywords, ${plural(config.sources.length, 'source')}${disabledSourcesNote(config.sources)}, ${config.topics.length} topics, zone ${config.timeZone}\n`,
    );
  });

program
  .command('serve')
  .description(
    "serve the HTTP API and the analysts' dashboard from the embedded store (on 127.0.0.1 unless --host)",
  )
  .option('--port <n>', 'port, 0–65535 (0 = any free port)', parsePort, 8787)
  .option(
    '--host <address>',
    'address to listen on; anything but loopback (e.g. 0.0.0.0) opens the API to the network over plain HTTP, with a warning',
    parseHost,
    '127.0.0.1',
  )
  .option('--config <file>', 'regency config file', CONFIG_PATH, DEFAULT_CONFIG)
  .option('--data-dir <dir>', 'the embedded store folder', DATA_DIR_PATH, DEFAULT_DATA_DIR)
  .option('-v, --verbose', 'log every request to stderr')
  .action(
    async (opts: { port: number; host: string; config: string; dataDir: string; verbose?: boolean }) => {
      const { serveCommand } = await import('./commands/serve.ts');
      await serveCommand({
        port: opts.port,
        host: opts.host,
        configPath: opts.config,
        dataDir: opts.dataDir,
        verbose: opts.verbose === true,
      });
    },
  );

/** `api-key` options that choose where the keys live: the local store or a deployed table. */
interface KeyTargetOptions {
  dataDir: string;
  table?: string;
  region?: string;
  endpoint?: string;
}

/** Add `--data-dir` and the deployed-table options to an `api-key` subcommand. */
function keyTargetOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'the embedded store folder (not with --table)',
      DATA_DIR_PATH,
      DEFAULT_DATA_DIR,
    )
    .option(
      '--table <name>',
      "a deployed table (the data stack's TableName output), through the AWS SDK default credentials: profile, SSO, environment",
      parseTableName,
    )
    .option('--region <region>', 'region of --table (default: AWS_REGION or the profile region)', parseRegion)
    .option('--endpoint <url>', 'DynamoDB endpoint of --table (local DynamoDB, tests)');
}

/**
 * The keys' home from the options: `--table` (with `--region`, `--endpoint`) or `--data-dir`, never both.
 * A misuse is a usage error: one line on stderr, exit 2.
 */
function keyTarget(opts: KeyTargetOptions, command: Command): KeyTarget {
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  if (opts.table === undefined) {
    const stray = given('region') ? '--region' : given('endpoint') ? '--endpoint' : undefined;
    if (stray)
      command.error(`error: ${stray} needs --table (it says where the deployed table is)`, {
        exitCode: 2,
        code: 'pantau.keyOptionWithoutTable',
      });
    return { dataDir: opts.dataDir };
  }
  if (given('dataDir'))
    command.error(
      'error: --table and --data-dir cannot be used together: --table manages the keys of a deployed table, --data-dir those of the local store',
      { exitCode: 2, code: 'pantau.tableWithDataDir' },
    );
  // Checked here, not by a commander option parser: commander quotes a refused value, password and all.
  if (opts.endpoint !== undefined) {
    try {
      parseEndpoint(opts.endpoint);
    } catch (error) {
      command.error(`error: --endpoint: ${(error as Error).message}`, {
        exitCode: 2,
        code: 'pantau.badEndpoint',
      });
    }
  }
  return {
    table: opts.table,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
  };
}

/**
 * Run an `api-key` command; a failure the operator can act on (a deployed table that cannot be used, a
 * malformed key id or key item …) is one stderr line with its own exit code (`cliErrorReport` does not
 * know these errors).
 */
async function runKeyCommand(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof KeyCommandError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.exitCode;
  }
}

const apiKeys = program
  .command('api-key')
  .description(
    'manage API keys (stored hashed) of the local store (--data-dir; stop `serve` first) or of a deployed table (--table)',
  );
keyTargetOptions(
  apiKeys
    .command('create')
    .description('create a key and print its secret once')
    .requiredOption('--name <name>', 'who holds it (shown on acknowledgements and labels)')
    .addOption(
      new Option('--scope <scope>', 'read, analyst (labels, acknowledgements) or admin')
        .choices(['read', 'analyst', 'admin'])
        .default('read'),
    ),
).action(
  async (
    opts: KeyTargetOptions & { name: string; scope: 'read' | 'analyst' | 'admin' },
    command: Command,
  ) => {
    const target = keyTarget(opts, command);
    await runKeyCommand(() =>
      createApiKeyCommand({ name: opts.name, scope: opts.scope, ...target }, printLine, printNotice),
    );
  },
);
keyTargetOptions(apiKeys.command('list').description('list keys (id, scope, name, created, revoked)')).action(
  async (opts: KeyTargetOptions, command: Command) => {
    const target = keyTarget(opts, command);
    await runKeyCommand(() => listApiKeysCommand(target, printLine, printNotice));
  },
);
keyTargetOptions(
  apiKeys
    .command('revoke')
    .description('revoke a key for good (from the next request on)')
    .argument('<keyId>', 'the key id (16 hex characters, see `api-key list`)'),
).action(async (keyId: string, opts: KeyTargetOptions, command: Command) => {
  const target = keyTarget(opts, command);
  await runKeyCommand(() => revokeApiKeyCommand({ keyId, ...target }, printLine, printNotice));
});

program.addOption(new Option('--no-color').hideHelp());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const report = cliErrorReport(error);
  if (report.message) process.stderr.write(`${report.message}\n`);
  process.exitCode = report.exitCode;
}
