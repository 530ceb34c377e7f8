/**
 * A write-ahead journal for the local in-process queue, so an interrupted `npm start` (Ctrl+C, kill -9,
 * a crash) loses no mention. On AWS, SQS keeps every message until it is deleted; locally the queue lives in
 * memory while collect has already marked its mentions as queued (later polls skip them as duplicates), so
 * without the journal they would never be classified.
 *
 * Format: JSON Lines, one operation a line — `{"op":"send","id":<messageId>,"body":<message body>}` when a
 * message is handed to the queue (written and fsync'd before `send` returns, so before collect marks the
 * mention queued) and `{"op":"delete","id":<messageId>}` when classify has finished with it. A message is
 * pending while it has a `send` and no `delete`. A line torn by a kill mid-write is skipped on recovery,
 * and recovery rewrites the file with the pending messages only. Never imported by a Lambda entry.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { z } from 'zod';

/** One line of the journal. */
export const QueueJournalLineSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('send'), id: z.string().min(1), body: z.string() }),
  z.object({ op: z.literal('delete'), id: z.string().min(1) }),
]);
export type QueueJournalLine = z.infer<typeof QueueJournalLineSchema>;

/** A message sent and not yet deleted: its queue message id and body. */
export interface PendingMessage {
  readonly messageId: string;
  readonly body: string;
}

/** What {@link QueueJournal.recover} found. */
export interface JournalRecovery {
  /** Messages an earlier run sent and never finished, in the order they were sent. */
  readonly pending: readonly PendingMessage[];
  /** Lines that were not valid journal lines (a write torn by a kill), skipped. */
  readonly unreadableLines: number;
}

/** The journal file could not be read or written (no permission, disk full …); the message says why. */
export class QueueJournalError extends Error {
  override readonly name: string = 'QueueJournalError';
}

/**
 * The journal's path names something that is not a regular file (a folder, a device …): nothing can be
 * journalled there, and the user has to move it away. Checked before a run creates anything.
 */
export class QueueJournalPathError extends QueueJournalError {
  override readonly name = 'QueueJournalPathError';
}

/** Why a file operation failed, in words: `it is a folder, not a file`, `permission denied`, or Node's message. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the disk';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  return error instanceof Error ? error.message : String(error);
}

/** How the in-process queue records what it holds. */
export interface QueueJournalWriter {
  /** Record messages handed to the queue, durably (fsync) before returning. @throws {QueueJournalError} */
  recordSent(messages: readonly PendingMessage[]): void;
  /** Record that a message left the queue (deleted after processing). A lost record only means a re-send. */
  recordDeleted(messageId: string): void;
}

export class QueueJournal implements QueueJournalWriter {
  readonly path: string;

  /** @param path - The JSON Lines file, e.g. `<dataDir>/pending-mentions.jsonl`; created on first send. */
  constructor(path: string) {
    this.path = path;
  }

  /**
   * Check that the journal can live at its path: absent, or a regular file. Touches nothing, so a run can
   * call it before it creates its data folder.
   * @throws {QueueJournalPathError} when the path is a folder or another non-file, naming which.
   */
  assertUsable(): void {
    const info = statSync(this.path, { throwIfNoEntry: false });
    if (!info || info.isFile()) return;
    const what = info.isDirectory() ? 'a folder' : 'not a regular file';
    throw new QueueJournalPathError(
      `the queue journal ${this.path} is ${what}, not a file: move it away (or use another --data-dir)`,
    );
  }

  /**
   * Read the messages still pending without changing the file (e.g. to tell the user, on Ctrl+C, what a
   * re-run will resume). No file → nothing pending.
   * @throws {QueueJournalError} when the file exists but cannot be read, with the reason.
   */
  read(): JournalRecovery {
    let text: string;
    try {
      text = existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
    } catch (error) {
      const Err =
        (error as NodeJS.ErrnoException).code === 'EISDIR' ? QueueJournalPathError : QueueJournalError;
      throw new Err(`cannot read the queue journal ${this.path}: ${fileErrorReason(error)}`, {
        cause: error,
      });
    }
    const sent = new Map<string, string>();
    let unreadableLines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: ReturnType<typeof QueueJournalLineSchema.safeParse>;
      try {
        parsed = QueueJournalLineSchema.safeParse(JSON.parse(line));
      } catch {
        unreadableLines++;
        continue;
      }
      if (!parsed.success) unreadableLines++;
      else if (parsed.data.op === 'send') sent.set(parsed.data.id, parsed.data.body);
      else sent.delete(parsed.data.id);
    }
    return { pending: [...sent].map(([messageId, body]) => ({ messageId, body })), unreadableLines };
  }

  /**
   * Read the messages an interrupted run left pending, and rewrite the file with only those (dropping
   * finished pairs and torn lines, so later appends start on a clean line). No file → nothing pending.
   * @throws {QueueJournalPathError} when the path is a folder.
   * @throws {QueueJournalError} when the file exists but cannot be read or rewritten, with the reason.
   */
  recover(): JournalRecovery {
    this.assertUsable();
    const recovered = this.read();
    this.compact(recovered.pending);
    return recovered;
  }

  /** @inheritdoc */
  recordSent(messages: readonly PendingMessage[]): void {
    if (messages.length === 0) return;
    const text = messages
      .map((m) => JSON.stringify({ op: 'send', id: m.messageId, body: m.body } satisfies QueueJournalLine))
      .join('\n');
    this.#append(`${text}\n`, true);
  }

  /** @inheritdoc */
  recordDeleted(messageId: string): void {
    // No fsync: losing this line to a power cut only re-sends a message whose classification is idempotent.
    this.#append(`${JSON.stringify({ op: 'delete', id: messageId } satisfies QueueJournalLine)}\n`, false);
  }

  /**
   * Replace the file by the messages still pending, or remove it when none are (the queue has drained).
   * Written to a temporary file, fsync'd, then renamed, so a kill mid-way leaves the old or the new file.
   * @throws {QueueJournalError} when the file cannot be written or removed.
   */
  compact(pending: readonly PendingMessage[]): void {
    try {
      if (pending.length === 0) {
        rmSync(this.path, { force: true });
        return;
      }
      const tmp = `${this.path}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        const lines = pending.map((m) =>
          JSON.stringify({ op: 'send', id: m.messageId, body: m.body } satisfies QueueJournalLine),
        );
        writeSync(fd, `${lines.join('\n')}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (error) {
      throw new QueueJournalError(
        `cannot rewrite the queue journal ${this.path}: ${fileErrorReason(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  #append(text: string, durable: boolean): void {
    try {
      const fd = openSync(this.path, 'a', 0o600);
      try {
        writeSync(fd, text);
        if (durable) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new QueueJournalError(`cannot write the queue journal ${this.path}: ${fileErrorReason(error)}`, {
        cause: error,
      });
    }
  }
}
