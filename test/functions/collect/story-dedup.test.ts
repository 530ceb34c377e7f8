import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/collect/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import type { SourceConfig } from '#shared/domain/config.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import type { Mention } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import type { EnqueueResult, MentionQueue } from '#shared/ports/mention-queue.ts';
import { type FixtureServer, startFixtureServer } from '../../helpers/fixture-server.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';

const RSS_URL = 'https://www.radarcirebon.example/read/101/jalan-tol-cisumdawu-macet';
const GN_URL = 'https://news.google.com/rss/articles/CBMiStoryRadarCirebon101';
const GN_OTHER_OUTLET = 'https://news.google.com/rss/articles/CBMiStoryPikiranRakyat77';
const T0 = Date.parse('2026-11-30T08:00:00.000Z');
const DAY = 86_400_000;

let db: EmbeddedDynamo;
let server: FixtureServer;
let seq = 0;

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'collect-story-test' });
  const xml = { 'content-type': 'application/rss+xml; charset=utf-8' };
  server = await startFixtureServer({
    // The outlet answers later than Google News, so only the claim order can make its URL win.
    '/outlet.xml': { file: 'test/fixtures/feeds/story-outlet.xml', headers: xml, delayMs: 150 },
    '/rss/search': { file: 'test/fixtures/feeds/story-google-news.xml', headers: xml },
  });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

const matcher = createKeywordMatcher([
  { id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'], phrases: [], exclude: [], requires: [] },
]);

function sources(): SourceConfig[] {
  // Google News listed first on purpose: the outlet feed must still claim the story first.
  return [
    {
      id: 'gnews-majalengka',
      kind: 'google-news',
      query: 'Majalengka when:1d',
      hl: 'id',
      gl: 'ID',
      enabled: true,
      everyMinutes: 15,
      keywords: ['majalengka'],
    },
    {
      id: 'rss-radar',
      kind: 'rss',
      url: `${server.url}/outlet.xml`,
      lang: 'id',
      enabled: true,
      everyMinutes: 15,
      keywords: [],
    },
  ];
}

/** Refuses the outlet's copy while `refuse` is set; records what it accepted. */
class RefusingQueue implements MentionQueue {
  refuse = true;
  readonly accepted: string[] = [];
  async send(mentions: readonly Mention[]): Promise<EnqueueResult> {
    const bad = mentions.filter((m) => this.refuse && m.url === RSS_URL);
    const good = mentions.filter((m) => !bad.includes(m));
    this.accepted.push(...good.map((m) => m.url));
    return { sent: good.map((m) => m.id), failed: bad.map((m) => ({ id: m.id, error: 'InternalError' })) };
  }
}

async function setup(queue: MentionQueue = new InProcessQueue()) {
  const tableName = `story-${++seq}`;
  await ensureTable(db.client, tableName);
  const store = new DynamoStore({ client: db.client, tableName });
  const clock = fixedClock(T0);
  const log = new RecordingLog();
  const handler = createHandler({
    sources: sources().map((s) =>
      createSource(s, {
        clock,
        googleNewsBaseUrl: server.url,
        retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
        timeoutMs: 2_000,
      }),
    ),
    matcher,
    store,
    queue,
    clock,
    log,
    metrics: new MemoryMetricSink(),
  });
  const urls = () =>
    queue instanceof InProcessQueue ? queue.bodies().map((b) => JSON.parse(b).url as string) : [];
  return { handler, clock, log, urls };
}

const byId = (result: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['handler']>>) =>
  Object.fromEntries(result.sources.map((s) => [s.sourceId, s]));

describe('collect: one article, one mention (story key)', () => {
  it('keeps the outlet URL when the outlet feed and Google News carry the article in one run', async () => {
    const { handler, log, urls } = await setup();
    const result = await handler({}, lambdaContext());
    // Outlet: the article + the short-titled one. Google News: the same article (duplicate), the same
    // headline from another outlet (kept), the short-titled one (no key, kept).
    expect(result.sources.map((s) => s.sourceId)).toEqual(['gnews-majalengka', 'rss-radar']);
    expect(byId(result)['rss-radar']).toMatchObject({ fetched: 2, new: 2, duplicate: 0 });
    expect(byId(result)['gnews-majalengka']).toMatchObject({ fetched: 3, new: 2, duplicate: 1 });
    expect(result.totals).toMatchObject({ new: 4, duplicate: 1 });
    expect(urls()).toContain(RSS_URL);
    expect(urls()).not.toContain(GN_URL);
    expect(urls()).toContain(GN_OTHER_OUTLET);
    const [line, ...more] = log.find('Duplicate story');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'debug',
      context: { source: 'gnews-majalengka', url: GN_URL, firstUrl: RSS_URL, seen: 'this run' },
    });
  });

  it('counts the later copy as a duplicate across polls (first one wins)', async () => {
    const { handler, log, urls } = await setup();
    const first = await handler({ sourceId: 'gnews-majalengka' }, lambdaContext());
    expect(first.totals).toMatchObject({ new: 3, duplicate: 0 });
    const second = await handler({ sourceId: 'rss-radar' }, lambdaContext());
    expect(second.totals).toMatchObject({ fetched: 2, new: 1, duplicate: 1 });
    expect(urls()).toContain(GN_URL);
    expect(urls()).not.toContain(RSS_URL);
    expect(log.find('Duplicate story')[0]?.context).toMatchObject({
      source: 'rss-radar',
      url: RSS_URL,
      firstUrl: GN_URL,
      seen: 'earlier poll',
    });
  });

  it.each([
    [6, 1],
    [8, 0],
  ])('a story claimed %i days earlier is a duplicate %i time(s) (7-day horizon)', async (days, dupes) => {
    const { handler, clock } = await setup();
    await handler({ sourceId: 'gnews-majalengka' }, lambdaContext());
    clock.at = T0 + days * DAY;
    const later = await handler({ sourceId: 'rss-radar' }, lambdaContext());
    expect(later.totals).toMatchObject({ new: 2 - dupes, duplicate: dupes });
  });

  it('releases the story when the queue refuses the outlet copy, so the Google News copy carries it', async () => {
    const queue = new RefusingQueue();
    const { handler } = await setup(queue);
    const first = await handler({}, lambdaContext());
    expect(byId(first)['rss-radar']).toMatchObject({ new: 1, enqueueFailed: 1 });
    expect(byId(first)['gnews-majalengka']).toMatchObject({ new: 3, duplicate: 0 });
    expect(queue.accepted).toContain(GN_URL);
    queue.refuse = false;
    const second = await handler({ sourceId: 'rss-radar' }, lambdaContext());
    expect(second.totals).toMatchObject({ new: 0, duplicate: 2 });
    expect(queue.accepted).not.toContain(RSS_URL);
  });
});
