/**
 * The CLI entry as a child process, only for what a unit test of a function cannot show: commander's
 * usage errors and named errors become one stderr line and exit code 2, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
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
