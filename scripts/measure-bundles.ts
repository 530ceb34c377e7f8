/**
 * Bundle every Lambda the way the CDK app does (`esbuildOptions` in infra/bundling.ts) and measure, per
 * function: bundle size (raw, gzip ≈ the deployment zip, source map), the largest packages in it, and the
 * time to import the bundle in a fresh `node` process (the module-init part of a cold start), with and
 * without `--enable-source-maps` (which every function sets through NODE_OPTIONS).
 *
 * Usage: `npx tsx scripts/measure-bundles.ts [--runs 5] [--out BENCHMARKS.infra.md] [--no-sdk-comparison]`
 * (the CLI also measures each function with the AWS SDK left external, unless told not to); `npm run bench`
 * runs it. A missing handler file is reported as missing, not an error.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, handlerEntry } from '../infra/bundling.ts';
import { FUNCTION_NAMES, type FunctionName, REPO_ROOT } from '../infra/config.ts';

const run = promisify(execFile);

/** Measurements of one function's bundle; sizes in bytes, times in milliseconds. */
export interface BundleReport {
  name: FunctionName;
  status: 'ok' | 'missing' | 'build-failed' | 'import-failed';
  error?: string;
  bytes?: number;
  gzipBytes?: number;
  mapBytes?: number;
  /** Largest input packages by bytes in the output, e.g. `@aws-sdk/client-dynamodb 120.3 KB`. */
  largest?: string[];
  /** Median import time over `runs` fresh processes, without / with `--enable-source-maps`. */
  importMs?: number;
  importMsSourceMaps?: number;
  /** Fastest of the runs (least disturbed by other load on a shared machine), same two variants. */
  importMinMs?: number;
  importMinMsSourceMaps?: number;
}

export interface MeasureOptions {
  root?: string;
  /** Fresh processes per variant. @default 5 */
  runs?: number;
  /** Markdown report path; nothing is written when `null`. @default `<root>/BENCHMARKS.infra.md` */
  output?: string | null;
  /** Bundles go here. @default `<root>/.tmp/bundles` */
  outDir?: string;
  /** Print nothing (progress goes to stderr, the table to stdout otherwise). @default false */
  quiet?: boolean;
  /**
   * Also bundle each function with the AWS SDK left external (loaded from node_modules, like the SDK the
   * Lambda runtime ships) and compare import times. @default false
   */
  compareExternalSdk?: boolean;
}

/** An endpoint nothing listens on: an AWS call made at import fails at once instead of reaching AWS. */
export const CLOSED_ENDPOINT = 'http://127.0.0.1:9';

/**
 * Environment the bundles are imported with: the variables infra sets (see docs/operations.md) with
 * placeholder values, and every AWS endpoint pointed at `endpointUrl` (never the real AWS).
 */
export function importEnvironment(endpointUrl: string = CLOSED_ENDPOINT): Record<string, string> {
  const arn = (service: string, name: string) => `arn:aws:${service}:ap-southeast-3:000000000000:${name}`;
  return {
    PATH: process.env['PATH'] ?? '',
    STAGE: 'dev',
    REGENCY: 'majalengka',
    TABLE_NAME: 'pantau-bench',
    LOG_LEVEL: 'INFO',
    POWERTOOLS_SERVICE_NAME: 'pantau',
    POWERTOOLS_METRICS_NAMESPACE: 'Pantau',
    QUEUE_URL: 'https://sqs.ap-southeast-3.amazonaws.com/000000000000/pantau-bench-mentions',
    REJECTED_QUEUE_URL: 'https://sqs.ap-southeast-3.amazonaws.com/000000000000/pantau-bench-rejected',
    COMPREHEND_REGION: 'ap-southeast-1',
    ALERT_TOPIC_ARN: arn('sns', 'pantau-bench-alerts'),
    DIGEST_TOPIC_ARN: arn('sns', 'pantau-bench-digest'),
    SOURCE_TOKENS_SECRET_ARN: arn('secretsmanager', 'secret:pantau-bench/source-tokens'),
    NOTIFY_SECRET_ARN: arn('secretsmanager', 'secret:pantau-bench/notify'),
    CURSOR_SECRET_ARN: arn('secretsmanager', 'secret:pantau-bench/cursor-key'),
    DASHBOARD_ORIGIN: 'https://dashboard.example',
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpointUrl,
    // Lambda runs Node 24, where the SDK prints no Node-version warning; keep it out of local timings too.
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

const IMPORT_SCRIPT =
  'const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));';

/**
 * A stand-in for Secrets Manager on 127.0.0.1: functions that read a secret at module scope (the api reads
 * its cursor key) can then finish their import; every request gets a `GetSecretValue` answer with a
 * 64-character secret. The local round trip it adds is part of the measured import.
 */
export async function startFakeSecretsManager(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:ap-southeast-3:000000000000:secret:pantau-bench',
          Name: 'pantau-bench',
          SecretString: 'b'.repeat(64),
          VersionId: 'bench',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function importOnce(file: string, sourceMaps: boolean, endpointUrl: string): Promise<number> {
  const flags = sourceMaps ? ['--enable-source-maps'] : [];
  const { stdout } = await run(
    process.execPath,
    [...flags, '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
    { env: importEnvironment(endpointUrl), timeout: 20_000 },
  );
  return (JSON.parse(stdout) as { ms: number }).ms;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Bytes in the output per package (`node_modules/<pkg>` or `(project)`), largest first. */
function largestPackages(metafile: Metafile, top: number): string[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const key = match?.[1] ?? '(project)';
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(1)} KB`);
}

/** Packages left out of the bundle in the SDK comparison variant. */
export const EXTERNAL_SDK = ['@aws-sdk/*', '@smithy/*'];

/** Bundle and measure one function (`externalSdk`: the comparison variant without the SDK inside). */
export async function measureFunction(
  name: FunctionName,
  options: { root: string; outDir: string; runs: number; endpointUrl?: string; externalSdk?: boolean },
): Promise<BundleReport> {
  const endpointUrl = options.endpointUrl ?? CLOSED_ENDPOINT;
  const entry = handlerEntry(name, options.root);
  if (!existsSync(entry)) return { name, status: 'missing', error: `no ${relative(options.root, entry)}` };
  const dir = join(options.outDir, options.externalSdk ? `${name}-external-sdk` : name);
  const outfile = join(dir, 'index.mjs');
  mkdirSync(dir, { recursive: true });
  let metafile: Metafile;
  try {
    // Errors are returned in the report, so esbuild itself stays silent.
    const result = await build({
      ...esbuildOptions(entry, outfile),
      // The comparison variant leaves the SDK to node_modules, as the runtime-provided SDK would be loaded.
      ...(options.externalSdk ? { external: EXTERNAL_SDK } : {}),
      metafile: true,
      absWorkingDir: options.root,
      logLevel: 'silent',
    });
    metafile = result.metafile;
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string } | null }[] }).errors?.[0];
    const detail = first ? `${first.location?.file ?? ''} ${first.text}`.trim() : String(error);
    return { name, status: 'build-failed', error: detail };
  }
  const code = readFileSync(outfile);
  const sizes = {
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    mapBytes: statSync(`${outfile}.map`).size,
    largest: largestPackages(metafile, 3),
  };
  try {
    const plain: number[] = [];
    const mapped: number[] = [];
    // Alternate the variants so a slow patch on a shared machine does not land on one of them only.
    for (let i = 0; i < options.runs; i++) {
      plain.push(await importOnce(outfile, false, endpointUrl));
      mapped.push(await importOnce(outfile, true, endpointUrl));
    }
    return {
      name,
      status: 'ok',
      ...sizes,
      importMs: median(plain),
      importMsSourceMaps: median(mapped),
      importMinMs: Math.min(...plain),
      importMinMsSourceMaps: Math.min(...mapped),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node prints the source line, a caret, the error and its stack, then its own version: keep the error.
    const lines = ((error as { stderr?: string }).stderr ?? '').split('\n').map((l) => l.trim());
    const thrown = lines.find((l) => /^[\w.]*(Error|Exception)\b.*:/.test(l));
    return {
      name,
      status: 'import-failed',
      ...sizes,
      error: thrown ?? message.split('\n')[0] ?? 'import failed',
    };
  }
}

const kb = (bytes: number | undefined) => (bytes === undefined ? '–' : `${(bytes / 1024).toFixed(1)}`);
const ms = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));

/**
 * A Markdown table with padded columns (the layout `biome format` gives Markdown tables, so the generated
 * file passes `npm run lint`). `align[i]` is `l` or `r`.
 */
export function markdownTable(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly string[][],
): string {
  const widths = header.map((h, i) =>
    Math.max(3, [...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)),
  );
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat((widths[i] ?? 0) - [...cell].length);
    return align[i] === 'r' ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The Markdown report for `reports`. */
export function renderReport(reports: readonly BundleReport[], runs: number, command: string): string {
  const rows = reports.map((r) => [
    r.name,
    r.status === 'ok' ? 'ok' : `${r.status}: ${r.error ?? ''}`.replace(/\|/g, '\\|'),
    kb(r.bytes),
    kb(r.gzipBytes),
    kb(r.mapBytes),
    r.importMs === undefined ? '–' : `${ms(r.importMs)} (${ms(r.importMinMs)})`,
    r.importMsSourceMaps === undefined ? '–' : `${ms(r.importMsSourceMaps)} (${ms(r.importMinMsSourceMaps)})`,
    (r.largest ?? []).join('; '),
  ]);
  const table = markdownTable(
    [
      'function',
      'status',
      'bundle KB',
      'gzip KB',
      'map KB',
      'import ms, median (min)',
      'same with --enable-source-maps',
      'largest packages',
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows,
  );
  return [
    '## Lambda bundles (infra)',
    '',
    `Command: \`${command}\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version} (local; Lambda runs`,
    `nodejs24.x on arm64), ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, median (and minimum) of`,
    `${runs} fresh processes per column; the machine is shared (1-minute load average ${loadavg()[0]?.toFixed(1)} at the`,
    'end of the run), so the minimum is the steadier figure.',
    'Bundles are built with the exact esbuild options of the CDK app',
    '(`infra/bundling.ts`: ESM, minified, node24 target, AWS SDK bundled, linked source map without sources).',
    '"import" is the time `await import(bundle)` takes in a new `node` process: the module-initialisation part',
    'of a cold start (Lambda adds runtime start-up and code download). AWS endpoints point at a local',
    'stand-in that answers GetSecretValue (the api reads its cursor key at import). The gzip size',
    'approximates the deployment zip.',
    '',
    table,
    '',
  ].join('\n');
}

/** The optional section comparing the SDK bundled (Pantau's choice) with the SDK left external. */
export function renderSdkComparison(
  comparisons: readonly { bundled: BundleReport; external: BundleReport }[],
): string {
  if (comparisons.length === 0) return '';
  const rows = comparisons.map(({ bundled, external }) => [
    bundled.name,
    kb(bundled.bytes),
    bundled.importMs === undefined ? '–' : `${ms(bundled.importMs)} (${ms(bundled.importMinMs)})`,
    kb(external.bytes),
    external.importMs === undefined
      ? `${external.status}`
      : `${ms(external.importMs)} (${ms(external.importMinMs)})`,
  ]);
  return [
    '',
    '### AWS SDK bundled vs external',
    '',
    'Same functions with `@aws-sdk/*` and `@smithy/*` left out of the bundle and loaded from `node_modules`,',
    'as the SDK the Lambda runtime ships would be. Import ms: median (min), without source maps.',
    '',
    markdownTable(
      ['function', 'SDK bundled: KB', 'import ms', 'SDK external: KB (+ SDK on disk)', 'import ms'],
      ['l', 'r', 'r', 'r', 'r'],
      rows,
    ),
    '',
  ].join('\n');
}

/**
 * Bundle and measure every function, print the table and write it to `options.output`.
 * @returns one report per function, in {@link FUNCTION_NAMES} order.
 */
export async function main(options: MeasureOptions = {}): Promise<BundleReport[]> {
  const root = options.root ?? REPO_ROOT;
  const runs = options.runs ?? 5;
  const outDir = options.outDir ?? join(root, '.tmp', 'bundles');
  const reports: BundleReport[] = [];
  const comparisons: { bundled: BundleReport; external: BundleReport }[] = [];
  const secrets = await startFakeSecretsManager();
  try {
    for (const name of FUNCTION_NAMES) {
      const report = await measureFunction(name, { root, outDir, runs, endpointUrl: secrets.url });
      reports.push(report);
      if (!options.quiet) {
        const size = report.bytes === undefined ? '' : ` ${kb(report.bytes)} KB`;
        const time = report.importMs === undefined ? '' : ` ${ms(report.importMs)} ms`;
        process.stderr.write(`${name}: ${report.status}${size}${time}\n`);
      }
    }
    if (options.compareExternalSdk) {
      for (const bundled of reports.filter((r) => r.status === 'ok')) {
        const external = await measureFunction(bundled.name, {
          root,
          outDir,
          runs,
          endpointUrl: secrets.url,
          externalSdk: true,
        });
        comparisons.push({ bundled, external });
      }
    }
  } finally {
    await secrets.close();
  }
  const command = `npx tsx scripts/measure-bundles.ts --runs ${runs}${options.compareExternalSdk ? '' : ' --no-sdk-comparison'}`;
  const markdown = renderReport(reports, runs, command) + renderSdkComparison(comparisons);
  if (!options.quiet) process.stdout.write(`${markdown}\n`);
  const output = options.output === undefined ? join(root, 'BENCHMARKS.infra.md') : options.output;
  if (output !== null) writeFileSync(output, `# Pantau infrastructure benchmarks\n\n${markdown}`);
  return reports;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(argValue('--runs') ?? 5);
  const out = argValue('--out');
  await main({
    runs: Number.isInteger(runs) && runs > 0 ? runs : 5,
    ...(out ? { output: out } : {}),
    compareExternalSdk: !process.argv.includes('--no-sdk-comparison'),
  });
}
