/**
 * What `npm start` says when Ctrl+C (SIGINT) or SIGTERM stops it, and the exit code. The run ends as a
 * kill -9 would: the queue journal keeps whatever was handed over and not yet classified, so the message
 * names that file only when it still holds such mentions.
 */
import { QueueJournal } from '#shared/adapters/local/queue-journal.ts';
import { plural } from './summary.ts';

/** Exit code for a run stopped by `signal`: 128 + the signal number, as shells report it (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * The lines (no trailing newline) printed when a run on a data folder is stopped by `signal`. Reads the
 * journal at `journalPath` without changing it; never throws (an unreadable journal is named as such).
 * @param journalPath - `<data-dir>/pending-mentions.jsonl`.
 */
export function interruptNotice(signal: 'SIGINT' | 'SIGTERM', journalPath: string): string {
  let pending: number;
  try {
    pending = new QueueJournal(journalPath).read().pending.length;
  } catch {
    return `Stopped (${signal}). The queue journal ${journalPath} could not be read; the next run on this --data-dir says why.`;
  }
  if (pending > 0)
    return `Stopped (${signal}). ${plural(pending, 'mention')} handed over but not yet classified stay in ${journalPath}; the next run on this --data-dir resumes them.`;
  return `Stopped (${signal}). No mention was waiting to be classified. Running it again on this --data-dir finishes the cycle: mentions already stored are skipped as duplicates, and spike detection continues from the last hour it stepped.`;
}
