/**
 * The CLI entry as a child process, only for what a unit test of a function cannot show: commander's
 * usage errors and named errors become one stderr line and exit code 2, never a stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function pantau(args: string[], input = '') {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/pantau.ts', ...args], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('pantau CLI exit codes', () => {
  it('exits 2 on an out-of-range --date before touching the store', () => {
    const dataDir = join(dir, 'never');
    const run = pantau(['run', '--date', '0100-01-01', '--data-dir', dataDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/argument '0100-01-01' is invalid\. expected a day from 2000-01-01/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('exits 2 on a label for something that is not a mention id, before touching the store', () => {
    const run = pantau(['label', 'xyz', 'POSITIVE', '--by', 'ana', '--data-dir', join(dir, 'never')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /'xyz' is invalid for argument 'mentionId'\. expected a mention id: 32 hexadecimal/,
    );
  });

  it('exits 2 with one clear line for a mistyped --data-dir, without a stack trace', () => {
    const typo = join(dir, 'typo');
    const run = pantau(['export-labels', '--data-dir', typo]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `--data-dir ${typo} does not exist: run \`npm start\` first to create one, or pass the right --data-dir\n`,
    );
    expect(existsSync(typo)).toBe(false);
  });

  it('refuses hidden characters in label --by with one named line (as api-key create --name), exit 2', () => {
    const run = pantau([
      'label',
      'a'.repeat(32),
      'POSITIVE',
      '--by',
      'evil\u202Eadmin',
      '--data-dir',
      join(dir, 'never'),
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'label --by contains U+202E at character 5: control, format and text-direction characters are not allowed (as in API key names)\n',
    );
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('reads a config with a byte-order mark, and names a missing config or a folder in one line, exit 2', async () => {
    const bom = join(dir, 'bom.json');
    await writeFile(bom, `\uFEFF${await readFile('config/majalengka.json', 'utf8')}`);
    const ok = pantau(['check-config', bom]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^.*bom\.json: Kabupaten Majalengka, \d+ keywords/);
    // The sources switched off are named, so "12 sources" here and "Collecting from 7" in a run agree (QA).
    expect(ok.stdout).toContain(
      '12 sources (5 disabled in the config: mastodon-majalengka, bluesky-majalengka, reddit-majalengka, x-majalengka, youtube-majalengka)',
    );
    const missing = pantau(['check-config', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`config file not found: ${join(dir, 'nope.json')}\n`);
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    const isFolder = pantau(['run', '--config', folder, '--data-dir', join(dir, 'never')]);
    expect(isFolder.status).toBe(2);
    expect(isFolder.stderr).toBe(`config file ${folder} is a folder, not a file\n`);
  });

  it('says "no input lines" on stderr for empty stdin to classify, and exits 0', () => {
    const run = pantau(['classify'], '');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('no input lines\n');
  });
});

describe('pantau CLI: second QA pass', () => {
  it('refuses an empty serve --host (an unset $HOST) as a usage error, exit 2', () => {
    const run = pantau(['serve', '--host', '', '--data-dir', join(dir, 'never')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "error: option '--host <address>' argument '' is invalid. --host needs an address (it was empty; an empty host would listen on every interface), e.g. 127.0.0.1",
    );
  });

  it('refuses --replay-match without --replay, and an empty --config, before touching the store', () => {
    const dataDir = join(dir, 'never');
    const match = pantau(['run', '--replay-match', 'text', '--data-dir', dataDir]);
    expect(match.status).toBe(2);
    expect(match.stderr.split('\n')[0]).toBe(
      'error: --replay-match needs --replay (it says how replayed lines count for keywords)',
    );
    const config = pantau(['run', '--config', '', '--data-dir', dataDir]);
    expect(config.status).toBe(2);
    expect(config.stderr).toContain('--config needs a file path (it was empty)');
    expect(config.stderr).not.toContain('config file not found');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('names a queue journal that is a folder, exit 2, and creates no store', async () => {
    const dataDir = join(dir, 'journal-folder');
    await mkdir(join(dataDir, 'pending-mentions.jsonl'), { recursive: true });
    const run = pantau(['run', '--replay', 'test/fixtures/feeds/replay-small.jsonl', '--data-dir', dataDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `the queue journal ${join(dataDir, 'pending-mentions.jsonl')} is a folder, not a file: move it away (or use another --data-dir)\n`,
    );
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
  });

  it('stops with 141 and one plain line when its reader closes stdout early (`| head -1`), not a write EPIPE', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/pantau.ts', 'classify'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.on('error', () => {});
    child.stdin.end(`${'jalan rusak parah di Majalengka\n'.repeat(20_000)}`);
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(code).toBe(141);
    expect(stderr).toContain('pantau: output closed early by its reader; the rest was not written');
    expect(stderr).not.toContain('EPIPE');
  }, 30_000);

  it('on SIGTERM after classification exits 143 and does not point at a journal that is gone', async () => {
    const dataDir = join(dir, 'sigterm');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/pantau.ts',
        'run',
        '--replay',
        'test/fixtures/feeds/replay-small.jsonl',
        '--data-dir',
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Detection is where QA pressed Ctrl+C: the journal was already removed when the queue drained.
      if (!stderr.includes('Detecting spikes') && (stderr + chunk).includes('Detecting spikes'))
        child.kill('SIGTERM');
      stderr += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(code).toBe(143);
    expect(stderr).toContain('Stopped (SIGTERM). No mention was waiting to be classified.');
    expect(stderr).not.toContain('pending-mentions.jsonl');
    expect(existsSync(join(dataDir, 'pending-mentions.jsonl'))).toBe(false);
  }, 30_000);
});
