/**
 * Retention of the local output files (QA 2026-12-01): opening a data folder deletes the digest files and
 * the alert lines whose store item is gone, deciding by the store's items, not by the files' dates.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/adapters/aws/dynamo-keys.ts';
import { FileAlertPublisher, FileDigestSink } from '#shared/adapters/local/file-publishers.ts';
import type { StoredDigest } from '#shared/ports/mention-store.ts';
import { listApiKeysCommand } from '../../cli/commands/api-keys.ts';
import { labelCommand } from '../../cli/commands/labels.ts';
import { serveCommand } from '../../cli/commands/serve.ts';
import {
  alertIdsOfLine,
  DEAD_LETTER_RETENTION_DAYS,
  deleteExpiredLocalFiles,
  type ExpiredLocalFiles,
  openLocalStore,
  retentionLine,
  retentionRemovals,
} from '../../cli/local-runtime.ts';
import { MAX_RETENTION } from '../../infra/constructs/durable-queue.ts';
import { testAlert } from '../functions/api/helpers.ts';
import { scoredMention } from '../helpers/mentions.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-retention-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function digest(date: string): StoredDigest {
  return {
    date,
    generatedAt: '2026-12-01T00:00:00.000Z',
    markdown: `# ${date} quoting a title`,
    html: '<p>quoting a title</p>',
    text: 'quoting a title',
    data: { date },
  };
}

const PAST = Math.floor(Date.now() / 1000) - 60;

describe('opening a data folder deletes the local files quoting expired items', () => {
  it('deletes the digest files and alert lines whose item expired or is missing, keeps the rest', async () => {
    const dataDir = join(dir, 'folder');
    const expiredAlert = testAlert('2026-08-01T08:00:00.000Z', 'all');
    const keptAlert = testAlert('2026-11-30T08:00:00.000Z', 'all');
    const keptWithExpiredRelated = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati');
    const neverStoredAlert = testAlert('2026-11-29T08:00:00.000Z', 'all');
    const mention = scoredMention(1);
    {
      const { db, store } = await openLocalStore(dataDir);
      try {
        // 2024-03-05 stands for a replayed old day: stored today, its item is kept for the retention period.
        for (const date of ['2026-08-01', '2024-03-05']) await store.putDigest(digest(date));
        for (const alert of [expiredAlert, keptAlert, keptWithExpiredRelated]) await store.putAlert(alert);
        await store.putMention(mention);
        const expire = (key: Record<string, string>) =>
          db.client.send(
            new UpdateItemCommand({
              TableName: db.tableName,
              Key: marshall(key),
              UpdateExpression: 'SET expiresAt = :past',
              ExpressionAttributeValues: { ':past': { N: String(PAST) } },
            }),
          );
        await expire(keys.digest('2026-08-01'));
        await expire(keys.alert(expiredAlert.windowStart, expiredAlert.seriesId));
        await expire(keys.mention(mention.id));
      } finally {
        await db.close();
      }
    }
    const sink = new FileDigestSink(join(dataDir, 'digests'));
    // 2026-07-31: files whose item is missing (deleted earlier by a version that left the files).
    for (const date of ['2026-08-01', '2024-03-05', '2026-07-31']) await sink.deliver(digest(date));
    await writeFile(join(dataDir, 'digests', 'notes.txt'), 'mine');
    const alerts = new FileAlertPublisher(join(dataDir, 'alerts'));
    await alerts.publish(expiredAlert, { subject: 'old', text: 'quote' });
    await alerts.publish(keptAlert, { subject: 'kept', text: 'quote' });
    await alerts.publish(keptWithExpiredRelated, { subject: 'follow-up', text: 'quote' }, [expiredAlert]);
    await alerts.publish(neverStoredAlert, { subject: 'no item', text: 'quote' });
    const alertsFile = join(dataDir, 'alerts', 'alerts.jsonl');
    await writeFile(alertsFile, `${await readFile(alertsFile, 'utf8')}a note of mine\n`);

    const opened = await openLocalStore(dataDir);
    try {
      // The three items aged above; the mention's timeline entries keep their own (later) expiry here.
      expect(opened.expired).toBe(3);
      expect(opened.expiredFiles).toEqual({
        digestDays: 2,
        digestFiles: 8,
        alertLines: 3,
        deadLetterLines: 0,
      });
      expect(await opened.store.getDigest('2024-03-05')).toBeDefined();
    } finally {
      await opened.db.close();
    }
    expect((await readdir(join(dataDir, 'digests'))).sort()).toEqual([
      '2024-03-05.html',
      '2024-03-05.json',
      '2024-03-05.md',
      '2024-03-05.txt',
      'notes.txt',
    ]);
    const left = (await readFile(alertsFile, 'utf8')).split('\n');
    expect(left).toEqual([expect.stringContaining(`"id":"${keptAlert.id}"`), 'a note of mine', '']);
    expect(existsSync(`${alertsFile}.tmp`)).toBe(false);

    const again = await openLocalStore(dataDir);
    await again.db.close();
    expect(again.expired).toBe(0);
    expect(again.expiredFiles).toEqual(none());
  });

  it('opens a folder with neither digests nor alerts', async () => {
    const opened = await openLocalStore(join(dir, 'empty'));
    await opened.db.close();
    expect(opened.expiredFiles).toEqual({ digestDays: 0, digestFiles: 0, alertLines: 0, deadLetterLines: 0 });
  });
});

describe('alert lines are told from other lines by their id (QA second pass)', () => {
  it('takes only <UTC instant>~<seriesId> ids as alert ids, in the line and in its related alerts', () => {
    const id = '2026-11-30T08:00:00.000Z~kw:kertajati';
    expect(alertIdsOfLine(JSON.stringify({ id, subject: 's' }))).toEqual([id]);
    expect(
      alertIdsOfLine(
        JSON.stringify({ id, related: [{ id: '2026-11-30T07:00:00.000Z~all' }, { id: 'catatan-2' }, 'x'] }),
      ),
    ).toEqual([id, '2026-11-30T07:00:00.000Z~all']);
    for (const other of [
      '{"id":"catatan-1","teks":"telepon Dinas PUTR"}',
      '{"id":"2026-13-01T00:00:00.000Z~all"}',
      '{"id":"2026-11-30T08:00:00Z~all"}',
      '{"id":"2026-11-30T08:00:00.000Z~"}',
      '{"id":"2026-11-30T08:00:00.000Z"}',
      '{"id":7}',
      '{"id":"catatan-3","related":[{"id":"2026-11-30T07:00:00.000Z~all"}]}',
      'a note of mine',
    ])
      expect(alertIdsOfLine(other), other).toEqual([]);
  });

  it('keeps a hand note with an id of its own while removing the expired alert line beside it', async () => {
    const dataDir = join(dir, 'notes');
    await (await openLocalStore(dataDir)).db.close();
    const gone = testAlert('2026-08-01T08:00:00.000Z', 'all');
    const alerts = new FileAlertPublisher(join(dataDir, 'alerts'));
    await alerts.publish(gone, { subject: 'old', text: 'quote' });
    const alertsFile = join(dataDir, 'alerts', 'alerts.jsonl');
    const note = '{"id":"catatan-1","teks":"sudah dikoordinasikan"}';
    await writeFile(alertsFile, `${note}\n${await readFile(alertsFile, 'utf8')}`);
    const opened = await openLocalStore(dataDir);
    await opened.db.close();
    expect(opened.expiredFiles.alertLines).toBe(1);
    expect(await readFile(alertsFile, 'utf8')).toBe(`${note}\n`);
  });
});

describe('every command that opens a data folder says what retention removed (QA second pass)', () => {
  /** A data folder whose only expired thing is the digest file of a day with no digest item. */
  async function folderWithStaleDigest(name: string): Promise<string> {
    const dataDir = join(dir, name);
    await (await openLocalStore(dataDir)).db.close();
    await new FileDigestSink(join(dataDir, 'digests')).deliver(digest('2026-07-31'));
    return dataDir;
  }
  const removedLine = (days: string) =>
    `Removed the files of 1 digest (4 files) past the retention period (${days}DynamoDB's TTL does this on AWS).`;

  it('label, api-key and serve print the Removed line on their notice output, once', async () => {
    const notices: string[] = [];
    const out: string[] = [];

    const labelDir = await folderWithStaleDigest('notice-label');
    await expect(
      labelCommand(
        { mentionId: 'f'.repeat(32), label: 'POSITIVE', by: 'ana', dataDir: labelDir },
        (l) => out.push(l),
        (l) => notices.push(l),
      ),
    ).rejects.toThrow(/No mention/);
    expect(notices).toEqual([removedLine('')]);

    notices.length = 0;
    const keysDir = await folderWithStaleDigest('notice-keys');
    await listApiKeysCommand(
      { dataDir: keysDir },
      (l) => out.push(l),
      (l) => notices.push(l),
    );
    await listApiKeysCommand(
      { dataDir: keysDir },
      (l) => out.push(l),
      (l) => notices.push(l),
    );
    expect(notices).toEqual([removedLine('')]);

    notices.length = 0;
    const serveDir = await folderWithStaleDigest('notice-serve');
    let stop = () => {};
    const stopped = new Promise<void>((done) => {
      stop = done;
    });
    await serveCommand(
      {
        configPath: 'config/majalengka.json',
        host: '127.0.0.1',
        verbose: false,
        dataDir: serveDir,
        port: 0,
        stop: stopped,
        warn: (l) => notices.push(l),
      },
      (l) => {
        if (l === 'Press Ctrl+C to stop.') stop();
      },
    );
    expect(notices).toEqual([removedLine('mention text 90 days; ')]);
  });

  it('retentionLine names the days only when the command knows them', () => {
    const files = { digestDays: 0, digestFiles: 0, alertLines: 2, deadLetterLines: 0 };
    expect(retentionLine({ expired: 0, expiredFiles: { ...files, alertLines: 0 } })).toBeUndefined();
    expect(retentionLine({ expired: 1, expiredFiles: files }, 30)).toBe(
      "Removed 1 stored item and 2 lines of alerts/alerts.jsonl past the retention period (mention text 30 days; DynamoDB's TTL does this on AWS).",
    );
    expect(retentionLine({ expired: 0, expiredFiles: { ...files, deadLetterLines: 1 } }, 7)).toBe(
      "Removed 2 lines of alerts/alerts.jsonl and 1 line of dead-letter.jsonl past the retention period (mention text 7 days; dead-lettered messages 7 days; DynamoDB's TTL and the SQS dead-letter queue do this on AWS).",
    );
    expect(retentionLine({ expired: 0, expiredFiles: { ...none(), deadLetterLines: 3 } })).toBe(
      "Removed 3 lines of dead-letter.jsonl past the retention period (dead-lettered messages 14 days; DynamoDB's TTL and the SQS dead-letter queue do this on AWS).",
    );
  });
});

function none(): ExpiredLocalFiles {
  return { digestDays: 0, digestFiles: 0, alertLines: 0, deadLetterLines: 0 };
}

describe('dead-lettered bodies are kept as long as the SQS dead-letter queue keeps them', () => {
  const DAY_MS = 86_400_000;
  const fetched = (agoMs: number, now: Date) => ({
    ...scoredMention(Math.round(agoMs / 60_000)),
    fetchedAt: new Date(now.getTime() - agoMs).toISOString(),
  });

  it('is the retention of the mentions DLQ on AWS', () => {
    expect(DEAD_LETTER_RETENTION_DAYS).toBe(MAX_RETENTION.toDays());
  });

  it('removes the bodies fetched longer ago than the period, dates other lines by the file', async () => {
    const dataDir = join(dir, 'dead-letters');
    const { db } = await openLocalStore(dataDir);
    await db.close();
    const now = new Date();
    const file = join(dataDir, 'dead-letter.jsonl');
    const old = JSON.stringify(fetched(14 * DAY_MS + 60_000, now));
    const recent = JSON.stringify(fetched(14 * DAY_MS - 60_000, now));
    // A body dated in the future (forged, or a skewed clock) is dated by the file instead, not kept for years.
    const future = JSON.stringify({ ...fetched(0, now), fetchedAt: '2030-01-01T00:00:00.000Z' });
    const lines = [old, recent, 'not json {', '{"note":"a poison body without fetchedAt"}', future];
    await writeFile(file, `${lines.join('\n')}\n`);

    const opened = await openLocalStore(dataDir);
    await opened.db.close();
    expect(opened.expiredFiles.deadLetterLines).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(`${lines.slice(1).join('\n')}\n`);
    expect(retentionLine(opened)).toContain('1 line of dead-letter.jsonl');

    // Two minutes later the recent body is past the period; the undated lines only once the file is.
    const store = { getDigest: async () => undefined, getAlert: async () => undefined };
    const later = await deleteExpiredLocalFiles(dataDir, store, { now: new Date(now.getTime() + 120_000) });
    expect(later.deadLetterLines).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(`${lines.slice(2).join('\n')}\n`);
    const afterPeriod = await deleteExpiredLocalFiles(dataDir, store, {
      now: new Date(now.getTime() + 15 * DAY_MS),
    });
    expect(afterPeriod.deadLetterLines).toBe(3);
    expect(existsSync(file)).toBe(false);
  });

  it('uses the mention-text retention when it is shorter than the DLQ retention', async () => {
    const dataDir = join(dir, 'dead-letters-short');
    const { db } = await openLocalStore(dataDir);
    await db.close();
    const now = new Date();
    const file = join(dataDir, 'dead-letter.jsonl');
    await writeFile(
      file,
      `${JSON.stringify(fetched(8 * DAY_MS, now))}\n${JSON.stringify(fetched(6 * DAY_MS, now))}\n`,
    );
    const kept = await openLocalStore(dataDir);
    await kept.db.close();
    expect(kept.expiredFiles.deadLetterLines).toBe(0);
    const shorter = await openLocalStore(dataDir, 7);
    await shorter.db.close();
    expect(shorter.expiredFiles.deadLetterLines).toBe(1);
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('retentionRemovals (the line npm start prints)', () => {
  const none = { digestDays: 0, digestFiles: 0, alertLines: 0, deadLetterLines: 0 };
  it('names only what was removed, in the singular where it is one', () => {
    expect(retentionRemovals(0, none)).toBeUndefined();
    expect(retentionRemovals(1, none)).toBe('1 stored item');
    expect(retentionRemovals(0, { ...none, digestDays: 1, digestFiles: 4, alertLines: 1 })).toBe(
      'the files of 1 digest (4 files) and 1 line of alerts/alerts.jsonl',
    );
    expect(retentionRemovals(5, { digestDays: 2, digestFiles: 7, alertLines: 3, deadLetterLines: 0 })).toBe(
      '5 stored items, the files of 2 digests (7 files) and 3 lines of alerts/alerts.jsonl',
    );
  });
});
