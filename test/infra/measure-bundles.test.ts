import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../infra/bundling.ts';
import { main, measureFunction, renderReport, renderSdkComparison } from '../../scripts/measure-bundles.ts';

let root: string;
let outDir: string;

function handler(name: string, code: string): void {
  mkdirSync(join(root, 'functions', name), { recursive: true });
  writeFileSync(join(root, 'functions', name, 'handler.ts'), code);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pantau-measure-'));
  outDir = join(root, 'out');
  handler(
    'collect',
    "import { createHash } from 'node:crypto';\nexport const handler = async () => createHash('sha256').update(process.env.STAGE ?? '').digest('hex');\n",
  );
  handler('detect', 'export const handler = async () => {\n');
  handler(
    'digest',
    "if (!process.env.NOPE) throw new Error('Invalid environment: NOPE: Required');\nexport const handler = async () => {};\n",
  );
});

describe('measure-bundles', () => {
  it('bundles a handler like the CDK app does and times its import in fresh processes', async () => {
    const report = await measureFunction('collect', { root, outDir, runs: 1 });
    expect(report.status).toBe('ok');
    const code = readFileSync(join(outDir, 'collect', 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(report.bytes).toBe(Buffer.byteLength(code));
    expect(report.gzipBytes).toBeGreaterThan(0);
    expect(report.mapBytes).toBeGreaterThan(0);
    expect(report.importMs).toBeGreaterThan(0);
    expect(report.importMsSourceMaps).toBeGreaterThan(0);
  });

  it('reports a missing handler, a build error and an import error instead of throwing', async () => {
    expect((await measureFunction('notify', { root, outDir, runs: 1 })).status).toBe('missing');
    const broken = await measureFunction('detect', { root, outDir, runs: 1 });
    expect(broken.status).toBe('build-failed');
    expect(broken.error).toMatch(/functions\/detect\/handler\.ts/);
    const throwing = await measureFunction('digest', { root, outDir, runs: 1 });
    expect(throwing.status).toBe('import-failed');
    expect(throwing.error).toMatch(/Invalid environment: NOPE/);
    expect(throwing.bytes).toBeGreaterThan(0);
  });

  it('renders one table row per function, escaping pipes in errors', () => {
    const markdown = renderReport(
      [
        {
          name: 'collect',
          status: 'ok',
          bytes: 2048,
          gzipBytes: 1024,
          mapBytes: 512,
          importMs: 12.4,
          importMinMs: 10,
          importMsSourceMaps: 15,
          importMinMsSourceMaps: 14,
          largest: ['zod 1.0 KB'],
        },
        { name: 'api', status: 'build-failed', error: 'a | b' },
      ],
      3,
      'cmd',
    );
    const lines = markdown.split('\n').filter((l) => l.startsWith('|'));
    expect(lines).toHaveLength(4);
    expect(lines[2]?.split('|').map((c) => c.trim())).toEqual([
      '',
      'collect',
      'ok',
      '2.0',
      '1.0',
      '0.5',
      '12 (10)',
      '15 (14)',
      'zod 1.0 KB',
      '',
    ]);
    expect(lines[3]).toContain('build-failed: a \\| b');
    // Padded columns: every row has the same length, numbers are right-aligned under a `---:` rule.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| -+ \| -+ \| -+: \|/);
  });

  it('renders the SDK comparison only when there is something to compare', () => {
    expect(renderSdkComparison([])).toBe('');
    const section = renderSdkComparison([
      {
        bundled: { name: 'detect', status: 'ok', bytes: 4096, importMs: 250, importMinMs: 200 },
        external: { name: 'detect', status: 'ok', bytes: 1024, importMs: 600, importMinMs: 500 },
      },
    ]);
    expect(section).toContain('### AWS SDK bundled vs external');
    expect(
      section
        .split('\n')
        .find((l) => l.startsWith('| detect'))
        ?.split('|')
        .map((c) => c.trim()),
    ).toEqual(['', 'detect', '4.0', '250 (200)', '1.0', '600 (500)', '']);
  });

  it('main() covers every function and writes nothing when output is null', async () => {
    const reports = await main({ root, outDir, runs: 1, output: null, quiet: true });
    expect(reports.map((r) => r.name)).toEqual([
      'collect',
      'classify',
      'detect',
      'digest',
      'notify',
      'api',
      'authorizer',
    ]);
    expect(reports.filter((r) => r.status === 'missing').map((r) => r.name)).toEqual([
      'classify',
      'notify',
      'api',
      'authorizer',
    ]);
  });
});
