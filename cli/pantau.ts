/**
 * `pantau` — the command line of the embedded local runtime (run through npm scripts: `npm start`,
 * `npm run classify`, `npm run pantau -- <command>`). Parsing by commander; each command is a thin
 * wrapper over the same handlers and adapters the Lambdas use.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ZodError } from 'zod';
import { DataFolderInUseError } from '#shared/adapters/local/dynalite.ts';
import { ConfigError } from '#shared/domain/config.ts';
import { SentimentLabelSchema } from '#shared/domain/mention.ts';
import { normalizeText } from '#shared/domain/text.ts';
import { errorMessage } from '#shared/observability.ts';
import {
  loadConfigFile,
  openLocalStore,
  ReplayFileMissingError,
  type RunSummary,
  runLocal,
} from './local-runtime.ts';
import { cliLog } from './log.ts';

const DEFAULT_CONFIG = 'config/majalengka.json';
const DEFAULT_DATA_DIR = '.pantau';

function isoDate(value: string): string {
  // Date.parse rolls 2026-02-30 over to 2 March: require the date to survive a round trip.
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(ms) ||
    new Date(ms).toISOString().slice(0, 10) !== value
  ) {
    throw new InvalidArgumentError('expected a date as yyyy-mm-dd');
  }
  return value;
}

function printSummary(s: RunSummary): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out('Pantau run summary');
  out(
    `  mentions: ${s.mentions.fetched} fetched, ${s.mentions.new} new, ${s.mentions.duplicate} duplicate, ${s.mentions.unmatched} unmatched, ${s.mentions.rejected} rejected`,
  );
  for (const r of s.sources) {
    out(
      r.ok
        ? `    ${r.sourceId}: ${r.fetched} fetched, ${r.new} new, ${r.duplicate} duplicate`
        : `    ${r.sourceId}: failed (see below)`,
    );
  }
  out(
    `  classified: ${s.classified} (${Object.entries(s.sentiment)
      .map(([k, v]) => `${k.toLowerCase()} ${v}`)
      .join(', ')})`,
  );
  if (s.deadLetterFile)
    out(`  dead-lettered messages kept in ${s.deadLetterFile} (see -v for why they failed)`);
  if (s.rejectedMessages > 0 || s.deadLettered > 0)
    out(`  rejected messages: ${s.rejectedMessages}, dead-lettered: ${s.deadLettered}`);
  out(`  alerts raised: ${s.alerts}`);
  out(`  digest (${s.digestDate}): ${s.digest}`);
  out(`  data folder: ${s.dataDir}`);
  if (s.failedSources.length > 0) {
    out();
    out(`${s.failedSources.length} source${s.failedSources.length === 1 ? '' : 's'} failed:`);
    for (const f of s.failedSources) out(`  ${f.sourceId}: ${f.error}`);
  }
  if (s.skippedSources.length > 0) {
    out();
    out(`${s.skippedSources.length} source${s.skippedSources.length === 1 ? '' : 's'} skipped (not polled):`);
    for (const f of s.skippedSources) out(`  ${f.sourceId} [${f.code}]: ${f.reason}`);
  }
  if (s.allSourcesFailed) {
    out();
    out('Every source failed, so nothing new was collected (no network?).');
    out('To run on real Majalengka mentions offline, replay a JSON Lines file:');
    out('  npm start -- --replay ../shared/data/replay/majalengka-real/mentions.jsonl');
  }
}

const program = new Command()
  .name('pantau')
  .description('Pantau: social listening and sentiment for Indonesian regional governments (local runtime)')
  .showHelpAfterError();

program
  .command('run', { isDefault: true })
  .description('one full cycle on the embedded store: collect → classify → detect → digest')
  .option('--replay <file>', 'replay a JSON Lines file of mentions instead of polling the configured sources')
  .option('--config <file>', 'regency config file', DEFAULT_CONFIG)
  .option('--data-dir <dir>', 'where the embedded store, digests and alerts live', DEFAULT_DATA_DIR)
  .option(
    '--date <yyyy-mm-dd>',
    'local day of the digest (default: last replayed day, else yesterday)',
    isoDate,
  )
  .option('--timeout <ms>', 'HTTP timeout per request for live sources', (v) => Number.parseInt(v, 10))
  .option('--json', 'print the summary as one JSON object on stdout')
  .option('-v, --verbose', 'log every step to stderr')
  .action(
    async (opts: {
      replay?: string;
      config: string;
      dataDir: string;
      date?: string;
      timeout?: number;
      json?: boolean;
      verbose?: boolean;
    }) => {
      const progress = opts.json ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
      const summary = await runLocal({
        configPath: opts.config,
        dataDir: opts.dataDir,
        ...(opts.replay ? { replay: opts.replay } : {}),
        ...(opts.date ? { digestDate: opts.date } : {}),
        ...(opts.timeout ? { timeoutMs: opts.timeout } : {}),
        progress,
        log: cliLog(opts.verbose === true),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else printSummary(summary);
    },
  );

program
  .command('classify')
  .description(
    'score text from stdin: one text per line, or JSON Lines with a "text" field; one JSON result per line',
  )
  .action(async () => {
    const { classifyCommand } = await import('./commands/classify.ts');
    const result = await classifyCommand(process.stdin, process.stdout);
    if (result.errors > 0) {
      process.stderr.write(`${result.errors} of ${result.lines} lines could not be scored\n`);
      process.exitCode = 1;
    }
  });

program
  .command('label')
  .description("correct a mention's sentiment label (kept apart; never overwritten by re-classification)")
  .argument('<mentionId>', 'the mention id (32 hex characters)')
  .addArgument(
    new Command().createArgument('<label>', 'POSITIVE, NEGATIVE, NEUTRAL or MIXED').argParser((v: string) => {
      const parsed = SentimentLabelSchema.safeParse(v.toUpperCase());
      if (!parsed.success) throw new InvalidArgumentError('expected POSITIVE, NEGATIVE, NEUTRAL or MIXED');
      return parsed.data;
    }),
  )
  .requiredOption('--by <analyst>', 'who makes the correction (e-mail or name)', (v: string) => {
    const by = normalizeText(v, 200);
    if (by.length === 0) throw new InvalidArgumentError('name the analyst (1–200 characters)');
    return by;
  })
  .option('--note <text>', 'why', (v: string) => normalizeText(v, 2_000))
  .option('--data-dir <dir>', 'the embedded store folder', DEFAULT_DATA_DIR)
  .action(
    async (mentionId: string, label: 'POSITIVE', opts: { by: string; note?: string; dataDir: string }) => {
      const { db, store } = await openLocalStore(opts.dataDir);
      try {
        const mention = await store.getMention(mentionId);
        if (!mention) {
          process.stderr.write(`No mention ${mentionId} in ${opts.dataDir}\n`);
          process.exitCode = 1;
          return;
        }
        await store.putLabel({
          mentionId,
          label,
          by: opts.by,
          at: new Date().toISOString(),
          ...(opts.note ? { note: opts.note } : {}),
        });
        process.stdout.write(`Labelled ${mentionId} ${label} (model said ${mention.sentiment.label})\n`);
      } finally {
        await db.close();
      }
    },
  );

program
  .command('export-labels')
  .description('export analyst corrections as training data (JSON Lines: text, label, lang, by, at)')
  .option('--from <yyyy-mm-dd>', 'first day (UTC)', isoDate, '2000-01-01')
  .option('--to <yyyy-mm-dd>', 'day after the last (UTC)', isoDate, '2100-01-01')
  .option('--out <file>', 'write to a file instead of stdout')
  .option('--data-dir <dir>', 'the embedded store folder', DEFAULT_DATA_DIR)
  .action(async (opts: { from: string; to: string; out?: string; dataDir: string }) => {
    const { db, store } = await openLocalStore(opts.dataDir);
    try {
      const labels = await store.exportLabels(`${opts.from}T00:00:00.000Z`, `${opts.to}T00:00:00.000Z`);
      const latest = new Map(labels.map((l) => [l.mentionId, l]));
      const lines: string[] = [];
      for (const label of latest.values()) {
        const mention = await store.getMention(label.mentionId);
        if (!mention) continue;
        const text =
          mention.title && !mention.text.startsWith(mention.title)
            ? `${mention.title}. ${mention.text}`
            : mention.text;
        lines.push(
          JSON.stringify({
            text,
            label: label.label.toLowerCase(),
            lang: mention.lang,
            by: label.by,
            at: label.at,
          }),
        );
      }
      const body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      if (opts.out) await writeFile(opts.out, body);
      else process.stdout.write(body);
      process.stderr.write(`${lines.length} corrections exported\n`);
    } finally {
      await db.close();
    }
  });

program
  .command('check-config')
  .description('validate a regency config file and print what it configures')
  .argument('[file]', 'config file', DEFAULT_CONFIG)
  .action(async (file: string) => {
    const config = await loadConfigFile(file);
    process.stdout.write(
      `${file}: ${config.name}, ${config.keywords.length} keywords, ${config.sources.length} sources, ${config.topics.length} topics, zone ${config.timeZone}\n`,
    );
  });

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port 0–65535');
  return n;
}

program
  .command('serve')
  .description("serve the HTTP API and the analysts' dashboard from the embedded store (127.0.0.1)")
  .option('--port <n>', 'port (0 = any free port)', port, 8787)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--config <file>', 'regency config file', DEFAULT_CONFIG)
  .option('--data-dir <dir>', 'the embedded store folder', DEFAULT_DATA_DIR)
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

const apiKeys = program
  .command('api-key')
  .description('manage API keys of the local store (stored hashed; stop `serve` first)');
apiKeys
  .command('create')
  .description('create a key and print its secret once')
  .requiredOption('--name <name>', 'who holds it (shown on acknowledgements and labels)')
  .addOption(
    new Option('--scope <scope>', 'read, analyst (labels, acknowledgements) or admin')
      .choices(['read', 'analyst', 'admin'])
      .default('read'),
  )
  .option('--data-dir <dir>', 'the embedded store folder', DEFAULT_DATA_DIR)
  .action(async (opts: { name: string; scope: 'read' | 'analyst' | 'admin'; dataDir: string }) => {
    const { createApiKeyCommand } = await import('./commands/api-keys.ts');
    await createApiKeyCommand(opts, (line) => process.stdout.write(`${line}\n`));
  });
apiKeys
  .command('list')
  .description('list keys (id, scope, name, created, revoked)')
  .option('--data-dir <dir>', 'the embedded store folder', DEFAULT_DATA_DIR)
  .action(async (opts: { dataDir: string }) => {
    const { listApiKeysCommand } = await import('./commands/api-keys.ts');
    await listApiKeysCommand(opts, (line) => process.stdout.write(`${line}\n`));
  });
apiKeys
  .command('revoke')
  .description('revoke a key for good')
  .argument('<keyId>', 'the key id (16 hex characters, see `api-key list`)')
  .option('--data-dir <dir>', 'the embedded store folder', DEFAULT_DATA_DIR)
  .action(async (keyId: string, opts: { dataDir: string }) => {
    const { revokeApiKeyCommand } = await import('./commands/api-keys.ts');
    await revokeApiKeyCommand({ keyId, dataDir: opts.dataDir }, (line) => process.stdout.write(`${line}\n`));
  });

program.addOption(new Option('--no-color').hideHelp());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (
    error instanceof ConfigError ||
    error instanceof ReplayFileMissingError ||
    error instanceof DataFolderInUseError
  ) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof ZodError) {
    // Bad input that reached a schema (e.g. an empty --name): say which field, without the raw dump.
    process.stderr.write(
      `pantau: invalid input: ${error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}\n`,
    );
    process.exitCode = 2;
  } else {
    process.stderr.write(`pantau: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  }
}
