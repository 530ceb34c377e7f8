import type { Log } from '#shared/observability.ts';

/**
 * The CLI's log: compact `[level] message {context}` lines on stderr (stdout carries results).
 * @param verbose when false, only warnings and errors are written.
 */
export function cliLog(verbose: boolean): Log {
  const line =
    (level: string) =>
    (message: unknown, ...extra: unknown[]) => {
      if (!verbose && (level === 'debug' || level === 'info')) return;
      const context = extra.length > 0 ? ` ${JSON.stringify(extra.length === 1 ? extra[0] : extra)}` : '';
      process.stderr.write(`[${level}] ${String(message)}${context}\n`);
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') } as Log;
}
