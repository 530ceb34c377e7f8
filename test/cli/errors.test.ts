import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataFolderInUseError } from '#shared/adapters/local/dynalite.ts';
import { ApiKeyNameError } from '#shared/domain/api/auth.ts';
import { ValidationError } from '#shared/errors.ts';
import {
  cliErrorReport,
  DataFolderMissingError,
  DateRangeError,
  MentionNotFoundError,
  OutputFileError,
  ReplayFileMissingError,
  ServerListenError,
} from '../../cli/errors.ts';

describe('cliErrorReport', () => {
  it('maps user errors to exit 2 with their message and no stack', () => {
    for (const error of [
      new DataFolderMissingError('--data-dir /tmp/typo does not exist'),
      new DateRangeError('--from after --to'),
      new ServerListenError('port in use'),
      new MentionNotFoundError('No mention'),
      new ReplayFileMissingError('--replay x: no such file'),
      new DataFolderInUseError('in use'),
      new OutputFileError('cannot write --out x'),
      new ApiKeyNameError('API key name contains U+000A', 'invalid'),
      new ValidationError('no digest can be built for 2026-11-29: 4 of the 4 mentions passed retention', []),
    ]) {
      const report = cliErrorReport(error);
      expect(report).toEqual({ message: error.message, exitCode: 2 });
    }
  });

  it('maps commander usage errors to exit 2 (commander printed them) and help to exit 0', () => {
    expect(cliErrorReport(new CommanderError(1, 'commander.invalidArgument', 'x'))).toEqual({
      message: '',
      exitCode: 2,
    });
    expect(cliErrorReport(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')).exitCode).toBe(0);
  });

  it('names the field of a schema error, and reports anything else as exit 1 without a stack', () => {
    const zod = z.object({ name: z.string().min(1) }).safeParse({ name: '' }).error;
    expect(cliErrorReport(zod)).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^pantau: invalid input: name: /),
    });
    const crash = new TypeError('boom');
    const report = cliErrorReport(crash);
    expect(report).toEqual({ message: 'pantau: TypeError: boom', exitCode: 1 });
    expect(report.message).not.toContain('    at ');
  });
});
