import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue, InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';
import {
  QueueJournal,
  QueueJournalError,
  QueueJournalPathError,
} from '#shared/adapters/local/queue-journal.ts';
import { scoredMention } from '../../../helpers/mentions.ts';

const context = { getRemainingTimeInMillis: () => 30_000 } as Context;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-journal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('QueueJournal with the in-process queue', () => {
  it('has every sent mention on disk when send returns, and gives back the unfinished ones after a "crash"', async () => {
    const path = join(dir, 'crash.jsonl');
    const queue = new InProcessQueue({ journal: new QueueJournal(path), startMs: 0 });
    const mentions = [1, 2, 3].map((i) => scoredMention(i));
    expect((await queue.send(mentions)).sent).toEqual(mentions.map((m) => m.id));
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(3);
    // One message finished, one received but not deleted (in flight when the process died), one untouched.
    const [first, second] = queue.receive(2);
    expect(queue.delete(first?.receiptHandle ?? '')).toBe(true);
    // The process ends here; a new one recovers from the file alone.
    const recovered = new QueueJournal(path).recover();
    expect(recovered.unreadableLines).toBe(0);
    expect(recovered.pending.map((p) => p.messageId)).toEqual([second?.messageId, expect.any(String)]);
    expect(recovered.pending.map((p) => (JSON.parse(p.body) as { id: string }).id)).toEqual([
      mentions[1]?.id,
      mentions[2]?.id,
    ]);
    // Recovery compacts: only the two pending sends are left in the file.
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('skips a line torn by a kill mid-write, and later appends start on a clean line', async () => {
    const path = join(dir, 'torn.jsonl');
    const journal = new QueueJournal(path);
    journal.recordSent([{ messageId: 'a', body: '{"x":1}' }]);
    await appendFile(path, '{"op":"send","id":"b","bo');
    const recovered = journal.recover();
    expect(recovered).toEqual({ pending: [{ messageId: 'a', body: '{"x":1}' }], unreadableLines: 1 });
    journal.recordSent([{ messageId: 'c', body: 'c' }]);
    expect(new QueueJournal(path).recover()).toEqual({
      pending: [
        { messageId: 'a', body: '{"x":1}' },
        { messageId: 'c', body: 'c' },
      ],
      unreadableLines: 0,
    });
  });

  it('restores recovered messages without journalling them twice, and removes the file once drained', async () => {
    const path = join(dir, 'drain.jsonl');
    const journal = new QueueJournal(path);
    journal.recordSent([
      { messageId: 'm1', body: 'one' },
      { messageId: 'm2', body: 'two' },
    ]);
    const queue = new InProcessQueue({ journal, startMs: 0 });
    expect(queue.restore(journal.recover().pending)).toBe(2);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2);
    const seen: string[] = [];
    const report = await drainQueue(
      queue,
      async (event) => {
        seen.push(...event.Records.map((r) => `${r.messageId}:${r.body}`));
        return { batchItemFailures: [] };
      },
      context,
    );
    expect(report.deleted).toBe(2);
    expect(seen).toEqual(['m1:one', 'm2:two']);
    expect(journal.recover().pending).toEqual([]);
    journal.compact(queue.pending());
    expect(existsSync(path)).toBe(false);
  });

  it('keeps a dead-lettered message pending until the caller compacts (after saving the dead letters)', async () => {
    const path = join(dir, 'dlq.jsonl');
    const journal = new QueueJournal(path);
    const dlq = new InProcessQueue({ name: 'dlq', startMs: 0 });
    const queue = new InProcessQueue({ journal, deadLetterQueue: dlq, maxReceiveCount: 2, startMs: 0 });
    queue.sendRaw('poison');
    await drainQueue(
      queue,
      async (event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] }),
      context,
    );
    expect(dlq.bodies()).toEqual(['poison']);
    expect(new QueueJournal(path).recover().pending.map((p) => p.body)).toEqual(['poison']);
    journal.compact(queue.pending());
    expect(existsSync(path)).toBe(false);
  });

  it('accepts nothing when the journal cannot be written, so collect neither marks nor skips the mentions', async () => {
    // A folder where the file should be: every append fails.
    const path = join(dir, 'unwritable.jsonl');
    await mkdir(path);
    const queue = new InProcessQueue({ journal: new QueueJournal(path), startMs: 0 });
    const mention = scoredMention(7);
    const result = await queue.send([mention]);
    expect(result.sent).toEqual([]);
    expect(result.failed).toEqual([
      { id: mention.id, error: `cannot write the queue journal ${path}: it is a folder, not a file` },
    ]);
    expect(queue.size).toBe(0);
  });

  it('reads a missing journal as nothing pending and creates no file', async () => {
    const path = join(dir, 'none.jsonl');
    expect(new QueueJournal(path).recover()).toEqual({ pending: [], unreadableLines: 0 });
    expect(existsSync(path)).toBe(false);
  });

  it('names a folder at the journal path as such, before reading anything (QA: "cannot read", no reason)', async () => {
    const path = join(dir, 'folder.jsonl');
    await mkdir(path);
    const journal = new QueueJournal(path);
    const expected = `the queue journal ${path} is a folder, not a file: move it away (or use another --data-dir)`;
    expect(() => journal.assertUsable()).toThrow(new QueueJournalPathError(expected));
    expect(() => journal.recover()).toThrow(expected);
    // Reading it directly still says why, and is a path error too.
    let error: unknown;
    try {
      journal.read();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueJournalPathError);
    expect(error).toBeInstanceOf(QueueJournalError);
    expect((error as Error).message).toBe(
      `cannot read the queue journal ${path}: it is a folder, not a file`,
    );
    expect(() => new QueueJournal(join(dir, 'absent.jsonl')).assertUsable()).not.toThrow();
  });

  it('reads what is pending without rewriting the file (for the Ctrl+C message)', async () => {
    const path = join(dir, 'peek.jsonl');
    const journal = new QueueJournal(path);
    journal.recordSent([
      { messageId: 'a', body: 'A' },
      { messageId: 'b', body: 'B' },
    ]);
    journal.recordDeleted('a');
    const before = await readFile(path, 'utf8');
    expect(journal.read()).toEqual({ pending: [{ messageId: 'b', body: 'B' }], unreadableLines: 0 });
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});
