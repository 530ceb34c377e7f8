/** `pantau rejected`: the poison messages a local run stored, listed by the regency's days (QA 2026-12-01). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_REJECTED_RANGE_DAYS,
  REJECTED_BODY_SHOWN,
  rejectedCommand,
} from '../../cli/commands/rejected.ts';
import { DataFolderMissingError, DateRangeError } from '../../cli/errors.ts';
import { openLocalStore } from '../../cli/local-runtime.ts';

let dir: string;
let dataDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-rejected-'));
  dataDir = join(dir, 'store');
  const { db, store } = await openLocalStore(dataDir);
  try {
    // 16:59 UTC is 23:59 WIB on 30 November; 17:00 UTC is 00:00 WIB on 1 December.
    await store.putRejected({
      messageId: 'm-30',
      at: '2026-11-30T16:59:00.000Z',
      code: 'INVALID_JSON',
      reason: 'body is not JSON',
      body: 'x'.repeat(1000),
    });
    await store.putRejected({
      messageId: 'm-01',
      at: '2026-11-30T17:00:00.000Z',
      code: 'INVALID_MENTION',
      reason: 'url: Required',
      body: '{"title":"t"}',
    });
  } finally {
    await db.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listed(from: string, to: string) {
  const lines: string[] = [];
  const notes: string[] = [];
  const n = await rejectedCommand(
    { from, to, dataDir },
    (l) => lines.push(l),
    (l) => notes.push(l),
  );
  return { n, rows: lines.map((l) => JSON.parse(l) as Record<string, string>), notes };
}

describe('pantau rejected', () => {
  it('lists the rejected messages of the asked WIB days with their reason, the body cut', async () => {
    const first = await listed('2026-11-30', '2026-12-01');
    expect(first.rows.map((r) => r['messageId'])).toEqual(['m-30']);
    expect(first.rows[0]).toMatchObject({ code: 'INVALID_JSON', reason: 'body is not JSON' });
    expect(first.rows[0]?.['body']?.length).toBeLessThanOrEqual(REJECTED_BODY_SHOWN + 1);
    expect(first.notes).toEqual(['1 rejected message from 2026-11-30 to 2026-11-30 (days in Asia/Jakarta)']);

    const second = await listed('2026-12-01', '2026-12-02');
    expect(second.rows).toEqual([
      {
        at: '2026-11-30T17:00:00.000Z',
        messageId: 'm-01',
        code: 'INVALID_MENTION',
        reason: 'url: Required',
        body: '{"title":"t"}',
      },
    ]);
    expect((await listed('2026-11-30', '2026-12-02')).n).toBe(2);
  });

  it('refuses an empty or too long range, and a folder without a store', async () => {
    await expect(listed('2026-12-01', '2026-12-01')).rejects.toThrow(DateRangeError);
    await expect(listed('2025-01-01', '2026-12-01')).rejects.toThrow(
      `at most ${MAX_REJECTED_RANGE_DAYS} days`,
    );
    await expect(
      rejectedCommand(
        { from: '2026-11-30', to: '2026-12-01', dataDir: join(dir, 'typo') },
        () => {},
        () => {},
      ),
    ).rejects.toThrow(DataFolderMissingError);
  });
});
