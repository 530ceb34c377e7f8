import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueJournal } from '#shared/adapters/local/queue-journal.ts';
import { interruptNotice, signalExitCode } from '../../cli/interrupt.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-interrupt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('what npm start says when stopped', () => {
  it('names the journal only when it holds mentions still to classify', () => {
    const path = join(dir, 'pending-mentions.jsonl');
    const journal = new QueueJournal(path);
    journal.recordSent([
      { messageId: 'a', body: 'A' },
      { messageId: 'b', body: 'B' },
      { messageId: 'c', body: 'C' },
    ]);
    journal.recordDeleted('b');
    expect(interruptNotice('SIGINT', path)).toBe(
      `Stopped (SIGINT). 2 mentions handed over but not yet classified stay in ${path}; the next run on this --data-dir resumes them.`,
    );
    // The notice only reads: the file is still there for the next run.
    expect(existsSync(path)).toBe(true);
  });

  it('does not point at a journal that is gone (stopped in detect or digest) or holds nothing pending', () => {
    const gone = join(dir, 'none.jsonl');
    const notice = interruptNotice('SIGTERM', gone);
    expect(notice).toBe(
      'Stopped (SIGTERM). No mention was waiting to be classified. Running it again on this --data-dir finishes the cycle: mentions already stored are skipped as duplicates, and spike detection continues from the last hour it stepped.',
    );
    expect(notice).not.toContain(gone);
    const drained = join(dir, 'drained.jsonl');
    const journal = new QueueJournal(drained);
    journal.recordSent([{ messageId: 'a', body: 'A' }]);
    journal.recordDeleted('a');
    expect(interruptNotice('SIGINT', drained)).toMatch(/^Stopped \(SIGINT\)\. No mention was waiting/);
  });

  it('exits 128 + the signal number: SIGINT 130, SIGTERM 143', () => {
    expect(signalExitCode('SIGINT')).toBe(128 + 2);
    expect(signalExitCode('SIGTERM')).toBe(128 + 15);
  });
});
