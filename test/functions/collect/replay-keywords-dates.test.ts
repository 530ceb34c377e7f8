/**
 * Collect with a replay source (QA findings): a line that names no keyword is `unmatched` unless the
 * replay is declared the results of a search; dates before 2000-01-01 (local) never reach the store as
 * given. Expected counts are hand-counted from the lines written here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMentions, normaliseItem } from '#functions/collect/collect.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';
import { createReplaySource, replayFileSource } from '#shared/adapters/sources/replay.ts';
import { parseRegencyConfig, type ReplaySourceSchema } from '#shared/domain/config.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import type { Mention } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { RecordingLog } from '../../helpers/log.ts';

const config = parseRegencyConfig({
  regency: 'majalengka',
  name: 'Kabupaten Majalengka',
  keywords: [
    { id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'] },
    { id: 'kertajati', label: 'Kertajati', terms: ['Kertajati'] },
  ],
});
const NOW = Date.parse('2026-11-30T07:00:00.000Z');
const clock = fixedClock(NOW);

let db: EmbeddedDynamo;
let dir: string;
let seq = 0;

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'collect-replay' });
  dir = await mkdtemp(join(tmpdir(), 'collect-replay-'));
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true });
});

async function collectFile(
  lines: readonly object[],
  source: (path: string) => typeof ReplaySourceSchema._output,
) {
  const path = join(dir, `replay-${++seq}.jsonl`);
  await writeFile(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return collectReplay(source(path));
}

async function collectReplay(sourceConfig: typeof ReplaySourceSchema._output, keywords = config.keywords) {
  const tableName = `collect-replay-${++seq}`;
  await ensureTable(db.client, tableName);
  const queue = new InProcessQueue();
  const log = new RecordingLog();
  const report = await collectMentions({
    sources: [createReplaySource(sourceConfig, { clock })],
    matcher: createKeywordMatcher(keywords),
    store: new DynamoStore({ client: db.client, tableName }),
    queue,
    clock,
    log,
    metrics: new MemoryMetricSink(),
  });
  const queued = queue.bodies().map((b) => JSON.parse(b) as Mention);
  return { report: report.sources[0], queued, log };
}

const NO_KEYWORD = { url: 'https://ex.id/nokw', title: 'Berita tanpa kata kunci sama sekali' };
const KERTAJATI = { url: 'https://ex.id/kw', title: 'Bandara Kertajati ramai', publishedAt: '2026-11-29' };

describe('replay lines that name no keyword', () => {
  it('a replay is a feed by default: the line is unmatched, the other matches on its text', async () => {
    const { report, queued } = await collectFile([NO_KEYWORD, KERTAJATI], (p) => replayFileSource(p));
    expect(report).toMatchObject({ fetched: 2, new: 1, unmatched: 1, rejected: 0 });
    expect(queued.map((m) => [m.url, m.matchedKeywords, m.matchedBy])).toEqual([
      ['https://ex.id/kw', ['kertajati'], 'text'],
    ]);
  });

  it('declared search results (keywords): the line is tagged with them, matchedBy query', async () => {
    const { report, queued } = await collectFile([NO_KEYWORD, KERTAJATI], (p) =>
      replayFileSource(p, { searchKeywords: ['majalengka'] }),
    );
    expect(report).toMatchObject({ fetched: 2, new: 2, unmatched: 0 });
    expect(queued.map((m) => [m.url, m.matchedKeywords, m.matchedBy])).toEqual([
      ['https://ex.id/nokw', ['majalengka'], 'query'],
      ['https://ex.id/kw', ['kertajati'], 'text'],
    ]);
  });
});

describe('replay dates through collect', () => {
  it('rejects a 1999 line, keeps a 2999 line at fetch time flagged estimated, and says so', async () => {
    const { report, queued, log } = await collectFile(
      [
        { url: 'https://ex.id/old', title: 'Majalengka 1999', publishedAt: '1999-12-31' },
        { url: 'https://ex.id/far', title: 'Majalengka 2999', publishedAt: '2999-01-01' },
        KERTAJATI,
      ],
      (p) => replayFileSource(p),
    );
    expect(report).toMatchObject({ fetched: 2, new: 2, rejected: 1 });
    expect(log.find('Source item rejected')[0]?.context).toMatchObject({ reason: 'date-out-of-range' });
    const far = queued.find((m) => m.url === 'https://ex.id/far');
    expect(far).toMatchObject({ publishedAt: '2026-11-30T07:00:00.000Z', publishedAtEstimated: true });
    expect(report?.warnings).toEqual([
      expect.stringMatching(/^1 line dated more than 5 minutes after the poll \(line 2\)/),
    ]);
  });
});

describe('every source: a date before 2000-01-01 local is replaced by fetch time', () => {
  const matcher = createKeywordMatcher(config.keywords);
  const rss = { id: 'rss-x', kind: 'rss' as const, keywords: [] };
  const at = '2026-11-30T07:00:00.000Z';
  const item = (publishedAt: string) => ({
    url: 'https://ex.id/1',
    title: 'Majalengka',
    text: '',
    author: {},
    publishedAt,
  });

  it('moves 1970-01-01 (the classic zero date) to fetch time and marks it', () => {
    const r = normaliseItem(item('1970-01-01T00:00:00.000Z'), rss, matcher, at);
    expect(r).toMatchObject({
      ok: true,
      dateOutOfRange: true,
      mention: { publishedAt: at, publishedAtEstimated: true },
    });
  });

  it('keeps 1999-12-31T17:00Z, which is 00:00 WIB on 2000-01-01, as given', () => {
    const r = normaliseItem(item('1999-12-31T17:00:00.000Z'), rss, matcher, at);
    expect(r).toMatchObject({ ok: true, mention: { publishedAt: '1999-12-31T17:00:00.000Z' } });
    expect(r).not.toHaveProperty('dateOutOfRange');
    // In UTC the same instant is still 1999.
    expect(
      normaliseItem(item('1999-12-31T17:00:00.000Z'), rss, matcher, at, { timeZone: 'UTC' }),
    ).toMatchObject({
      dateOutOfRange: true,
    });
  });
});

const REAL = resolve('../shared/data/replay/majalengka-real/mentions.jsonl');
describe.skipIf(!existsSync(REAL))(
  'the real Majalengka replay (../shared/data): feed vs search results',
  () => {
    // The keywords of config/majalengka.json (five), as `npm start` uses them.
    const { keywords } = parseRegencyConfig(JSON.parse(readFileSync('config/majalengka.json', 'utf8')));

    it('as a feed: 93 of 110 lines name a keyword (17 unmatched); as search results: 110 new', async () => {
      const feed = await collectReplay(replayFileSource(REAL), keywords);
      expect(feed.report).toMatchObject({ fetched: 110, new: 93, unmatched: 17, rejected: 0 });
      const search = await collectReplay(
        replayFileSource(REAL, { searchKeywords: ['majalengka'] }),
        keywords,
      );
      expect(search.report).toMatchObject({ fetched: 110, new: 110, unmatched: 0, rejected: 0 });
      expect(search.queued.filter((m) => m.matchedBy === 'query')).toHaveLength(17);
    });
  },
);
if (!existsSync(REAL)) console.warn(`skipping real replay test: ${REAL} not found`);
