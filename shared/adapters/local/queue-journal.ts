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

/** The journal file could not be read or written (no permission, disk full …). */
export class QueueJournalError extends Error {
  override readonly name = 'QueueJournalError';
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
   * Read the messages an interrupted run left pending, and rewrite the file with only those (dropping
   * finished pairs and torn lines, so later appends start on a clean line). No file → nothing pending.
   * @throws {QueueJournalError} when the file exists but cannot be read or rewritten.
   */
  recover(): JournalRecovery {
    let text: string;
    try {
      text = existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
    } catch (error) {
      throw new QueueJournalError(`cannot read the queue journal ${this.path}`, { cause: error });
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
    const pending = [...sent].map(([messageId, body]) => ({ messageId, body }));
    this.compact(pending);
    return { pending, unreadableLines };
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
      throw new QueueJournalError(`cannot rewrite the queue journal ${this.path}`, { cause: error });
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
      throw new QueueJournalError(`cannot write the queue journal ${this.path}`, { cause: error });
    }
  }
}
