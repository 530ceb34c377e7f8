import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/adapters/aws/dynamo-keys.ts';
import { exportLabelsCommand, labelCommand } from '../../cli/commands/labels.ts';
import {
  DataFolderMissingError,
  DateRangeError,
  MentionNotFoundError,
  OutputFileError,
} from '../../cli/errors.ts';
import { openLocalStore } from '../../cli/local-runtime.ts';
import { scoredMention } from '../helpers/mentions.ts';

let dir: string;
let dataDir: string;
const mention = scoredMention(1, { label: 'NEGATIVE' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-labels-'));
  dataDir = join(dir, 'store');
  const { db, store } = await openLocalStore(dataDir);
  try {
    await store.putMention(mention);
  } finally {
    await db.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('label and export-labels', () => {
  it('refuse a data folder that holds no store, and do not create it', async () => {
    const typo = join(dir, 'typo');
    await expect(
      exportLabelsCommand(
        { from: '2000-01-01', to: '2100-01-01', dataDir: typo },
        () => {},
        () => {},
      ),
    ).rejects.toThrow(DataFolderMissingError);
    await expect(
      labelCommand({ mentionId: mention.id, label: 'POSITIVE', by: 'ana', dataDir: typo }, () => {}),
    ).rejects.toThrow(/run `npm start` first/);
    expect(existsSync(typo)).toBe(false);
  });

  it('refuse an export range that holds no day', async () => {
    for (const [from, to] of [
      ['2026-12-01', '2026-01-01'],
      ['2026-05-05', '2026-05-05'],
    ] as const) {
      await expect(
        exportLabelsCommand(
          { from, to, dataDir },
          () => {},
          () => {},
        ),
      ).rejects.toThrow(DateRangeError);
    }
  });

  it('name an --out file that cannot be written instead of failing with a raw ENOENT', async () => {
    const out = join(dir, 'no-such-folder', 'labels.jsonl');
    await expect(
      exportLabelsCommand(
        { from: '2000-01-01', to: '2100-01-01', dataDir, out },
        () => {},
        () => {},
      ),
    ).rejects.toThrow(new OutputFileError(`cannot write --out ${out}: its folder does not exist`));
    await expect(
      exportLabelsCommand(
        { from: '2000-01-01', to: '2100-01-01', dataDir, out: dir },
        () => {},
        () => {},
      ),
    ).rejects.toThrow(new OutputFileError(`cannot write --out ${dir}: it is a folder; give a file name`));
  });

  it('refuse an unknown mention id with a named error', async () => {
    await expect(
      labelCommand({ mentionId: 'f'.repeat(32), label: 'POSITIVE', by: 'ana', dataDir }, () => {}),
    ).rejects.toThrow(MentionNotFoundError);
  });

  it('label a mention, then export it, saying "1 correction" in the singular', async () => {
    const out: string[] = [];
    await labelCommand(
      {
        mentionId: mention.id,
        label: 'POSITIVE',
        by: 'ana',
        note: 'program pemerintah',
        dataDir,
        at: '2026-11-30T05:00:00.000Z',
      },
      (l) => out.push(l),
    );
    expect(out).toEqual([`Labelled ${mention.id} POSITIVE (model said NEGATIVE)`]);
    let body = '';
    const notes: string[] = [];
    const n = await exportLabelsCommand(
      { from: '2026-11-30', to: '2026-12-01', dataDir },
      (b) => {
        body += b;
      },
      (l) => notes.push(l),
    );
    expect(n).toBe(1);
    expect(notes).toEqual(['1 correction exported']);
    expect(JSON.parse(body)).toMatchObject({ label: 'positive', by: 'ana', lang: 'id' });
  });

  it('mark each correction with its source domain: social for posts of social sources, else general', async () => {
    const domains = join(dir, 'domains');
    const news = scoredMention(40, { label: 'POSITIVE' });
    const post = scoredMention(41, {
      label: 'POSITIVE',
      sourceKind: 'mastodon',
      url: 'https://mastodon.example/@warga/41',
    });
    {
      const { db, store } = await openLocalStore(domains);
      try {
        await store.putMention(news);
        await store.putMention(post);
      } finally {
        await db.close();
      }
    }
    for (const [m, label] of [
      [news, 'NEGATIVE'],
      [post, 'NEGATIVE'],
    ] as const)
      await labelCommand(
        { mentionId: m.id, label, by: 'ana', dataDir: domains, at: '2026-11-30T05:00:00.000Z' },
        () => {},
      );
    let body = '';
    await exportLabelsCommand(
      { from: '2026-11-30', to: '2026-12-01', dataDir: domains },
      (b) => {
        body += b;
      },
      () => {},
    );
    const lines = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; domain: string });
    const domainOf = (text: string) => lines.find((l) => l.text.includes(text))?.domain;
    expect(lines).toHaveLength(2);
    expect(domainOf(post.text)).toBe('social');
    expect(domainOf(news.text)).toBe('general');
  });

  it('read --from/--to as days in the regency time zone, as the API and the digest do', async () => {
    const wib = join(dir, 'wib');
    const late = scoredMention(20);
    {
      const { db, store } = await openLocalStore(wib);
      try {
        await store.putMention(late);
      } finally {
        await db.close();
      }
    }
    // 18:30 UTC on 30 November is 01:30 WIB on 1 December.
    await labelCommand(
      { mentionId: late.id, label: 'POSITIVE', by: 'ana', dataDir: wib, at: '2026-11-30T18:30:00.000Z' },
      () => {},
    );
    const exported = (from: string, to: string, timeZone?: string) =>
      exportLabelsCommand(
        { from, to, dataDir: wib, ...(timeZone ? { timeZone } : {}) },
        () => {},
        () => {},
      );
    expect(await exported('2026-11-30', '2026-12-01')).toBe(0);
    expect(await exported('2026-12-01', '2026-12-02')).toBe(1);
    expect(await exported('2026-11-30', '2026-12-01', 'UTC')).toBe(1);
  });

  it('say how many corrections were skipped because their mention passed retention (QA 2026-12-01)', async () => {
    const aged = join(dir, 'aged');
    const kept = scoredMention(10);
    const gone = [scoredMention(11), scoredMention(12)];
    const labelled = async (dataDir: string) => {
      let body = '';
      const notes: string[] = [];
      const n = await exportLabelsCommand(
        { from: '2026-12-01', to: '2026-12-02', dataDir },
        (b) => {
          body += b;
        },
        (l) => notes.push(l),
      );
      return { n, body, notes };
    };
    {
      const { db, store } = await openLocalStore(aged);
      try {
        for (const m of [kept, ...gone]) await store.putMention(m);
      } finally {
        await db.close();
      }
    }
    for (const m of [kept, ...gone])
      await labelCommand(
        { mentionId: m.id, label: 'NEGATIVE', by: 'ana', dataDir: aged, at: '2026-12-01T02:00:00.000Z' },
        () => {},
      );
    {
      const { db } = await openLocalStore(aged);
      try {
        for (const m of gone)
          await db.client.send(
            new UpdateItemCommand({
              TableName: db.tableName,
              Key: marshall(keys.mention(m.id)),
              UpdateExpression: 'SET expiresAt = :past',
              ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 60) } },
            }),
          );
      } finally {
        await db.close();
      }
    }
    const first = await labelled(aged);
    expect(first.n).toBe(1);
    // Opening the folder deletes the two aged mention items and says so first (QA second pass: every
    // command that opens a data folder prints what retention removed, not only npm start).
    expect(first.notes).toEqual([
      "Removed 2 stored items past the retention period (DynamoDB's TTL does this on AWS).",
      '1 correction exported',
      '2 corrections skipped: their mention passed retention (text deleted)',
    ]);
    expect(JSON.parse(first.body)).toMatchObject({ text: `${kept.title}. ${kept.text}`, label: 'negative' });
    // The labels outlive their mentions, so every later export says the same; nothing is left to remove.
    expect((await labelled(aged)).notes).toEqual([
      '1 correction exported',
      '2 corrections skipped: their mention passed retention (text deleted)',
    ]);
  });
});
