/**
 * The CLI's named user errors and the one place that maps any error to a stderr line and an exit code:
 * 2 for a user error (bad option, missing file or store, port taken …), 1 for anything else. No stack
 * trace is printed; `-v` logs carry the detail.
 */
import { CommanderError } from 'commander';
import { ZodError } from 'zod';
import { DataFolderInUseError } from '#shared/adapters/local/dynalite.ts';
import { QueueJournalPathError } from '#shared/adapters/local/queue-journal.ts';
import { ApiKeyNameError } from '#shared/domain/api/auth.ts';
import { ConfigError } from '#shared/domain/config.ts';
import { NotFoundError, ValidationError } from '#shared/errors.ts';
import { errorMessage } from '#shared/observability.ts';

/** `--replay` names no readable file. */
export class ReplayFileMissingError extends Error {
  override readonly name = 'ReplayFileMissingError';
}

/** `--config` (or `check-config`'s file) names nothing, or a folder. */
export class ConfigFileMissingError extends Error {
  override readonly name = 'ConfigFileMissingError';
}

/** `label --by` holds a character that would garble or disguise the name (the API key name rule). */
export class AnalystNameError extends Error {
  override readonly name = 'AnalystNameError';
}

/** A command that reads an existing store was pointed at a folder holding none (a mistyped --data-dir). */
export class DataFolderMissingError extends Error {
  override readonly name = 'DataFolderMissingError';
}

/** A pair of date options that covers no day (e.g. `--from` on or after `--to`). */
export class DateRangeError extends Error {
  override readonly name = 'DateRangeError';
}

/** `serve` could not listen on the asked address and port (in use, not permitted, no such address). */
export class ServerListenError extends Error {
  override readonly name = 'ServerListenError';
}

/** `label` named a mention id the store does not hold. */
export class MentionNotFoundError extends Error {
  override readonly name = 'MentionNotFoundError';
}

/** An output file named by an option (`--out`) cannot be written (no such folder, no permission …). */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
}

/** How the CLI reports an error: what to write on stderr (may be empty) and the exit code. */
export interface CliErrorReport {
  /** Line(s) for stderr without the trailing newline; empty when commander already wrote its own. */
  readonly message: string;
  readonly exitCode: 0 | 1 | 2;
}

const USER_ERRORS = [
  ConfigError,
  ConfigFileMissingError,
  AnalystNameError,
  ReplayFileMissingError,
  DataFolderInUseError,
  DataFolderMissingError,
  DateRangeError,
  ServerListenError,
  MentionNotFoundError,
  OutputFileError,
  ApiKeyNameError,
  NotFoundError,
  // A run's own request that cannot be met, e.g. `--date` of a day whose mentions passed retention.
  ValidationError,
  QueueJournalPathError,
] as const;

/**
 * Map anything a command threw (or an uncaught error) to a stderr message and exit code.
 * Commander's own errors (unknown option, invalid argument) were already printed by commander; help and
 * `--version` exit 0.
 */
export function cliErrorReport(error: unknown): CliErrorReport {
  if (error instanceof CommanderError) return { message: '', exitCode: error.exitCode === 0 ? 0 : 2 };
  if (USER_ERRORS.some((type) => error instanceof type)) {
    return { message: (error as Error).message, exitCode: 2 };
  }
  if (error instanceof ZodError) {
    // Bad input that reached a schema (e.g. an empty --name): say which field, without the raw dump.
    return {
      message: `pantau: invalid input: ${error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`,
      exitCode: 2,
    };
  }
  return { message: `pantau: ${errorMessage(error)}`, exitCode: 1 };
}
