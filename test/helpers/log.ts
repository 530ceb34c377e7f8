import type { Log } from '#shared/observability.ts';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly context: Record<string, unknown>;
}

/** A {@link Log} that records every line, so tests can assert the important ones. */
export class RecordingLog implements Log {
  readonly entries: LogEntry[] = [];
  readonly debug = this.#record('debug');
  readonly info = this.#record('info');
  readonly warn = this.#record('warn');
  readonly error = this.#record('error');

  #record(level: LogEntry['level']) {
    return ((message: unknown, ...extra: unknown[]) => {
      const context = Object.assign(
        {},
        ...extra.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null),
      );
      this.entries.push({ level, message: String(message), context });
    }) as Log['info'];
  }

  /** Entries whose message contains `text`. */
  find(text: string): LogEntry[] {
    return this.entries.filter((e) => e.message.includes(text));
  }
}
