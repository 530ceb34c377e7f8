/**
 * The `pantau` CLI as a child process, for tests of exit codes and output. Asynchronous, so an in-process
 * dynalite or fake server keeps answering it while it runs.
 */
import { spawn } from 'node:child_process';
import { vi } from 'vitest';

/** Exit status and output of one CLI run. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run `node --import tsx cli/pantau.ts <args>` with only PATH, HOME and `env` in its environment (no profile
 * or credentials of the machine running the tests leak in), stopped after 30 s.
 */
export function runPantau(
  args: readonly string[],
  home: string,
  env: Record<string, string>,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/pantau.ts', ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, ...env },
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Credentials dynalite accepts (it checks none), given the way an operator's shell would. */
export const TEST_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  // The chain's last link asks the EC2 metadata address; tests must not touch the network.
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Give this process {@link TEST_AWS_ENV} and no profile or session token of the machine running the tests;
 * undo with `vi.unstubAllEnvs()`.
 */
export function stubTestAwsEnv(): void {
  for (const [name, value] of Object.entries(TEST_AWS_ENV)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
}
