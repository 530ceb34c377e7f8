/** The local alert file holds what e-mail and webhooks would have received: subject, text and related alerts. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAlertPublisher } from '#shared/adapters/local/file-publishers.ts';
import { testAlert } from '../../../functions/api/helpers.ts';

describe('FileAlertPublisher', () => {
  it('writes one line per message with its text and the related alerts delivered in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pantau-alerts-'));
    const printed: string[] = [];
    const publisher = new FileAlertPublisher(dir, (t) => printed.push(t));
    const primary = testAlert('2026-11-30T08:00:00.000Z', 'all');
    const related = [testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati')];
    await publisher.publish(primary, { subject: 'S (+1 lingkup lain)', text: 'T' }, related);
    await publisher.publish(testAlert('2026-11-30T12:00:00.000Z', 'all'), { subject: 'S2', text: 'T2' });
    const lines = (await readFile(join(dir, 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; subject: string; text: string; related?: { id: string }[] });
    expect(lines.map((l) => [l.id, l.subject, l.text, l.related?.map((r) => r.id)])).toEqual([
      [primary.id, 'S (+1 lingkup lain)', 'T', [related[0]?.id]],
      ['2026-11-30T12:00:00.000Z~all', 'S2', 'T2', undefined],
    ]);
    expect(publisher.published.map((a) => a.id)).toEqual([
      primary.id,
      related[0]?.id,
      '2026-11-30T12:00:00.000Z~all',
    ]);
    expect(printed.join('')).toContain('S (+1 lingkup lain)\nT');
    await rm(dir, { recursive: true });
  });
});
