import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/collect/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { parseRegencyConfig, type SourceConfig } from '#shared/domain/config.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import type { Mention } from '#shared/domain/mention.ts';
import { ValidationError } from '#shared/errors.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import type { EnqueueResult, MentionQueue } from '#shared/ports/mention-queue.ts';
import { type FixtureServer, startFixtureServer } from '../../helpers/fixture-server.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';

const config = parseRegencyConfig({
  regency: 'majalengka',
  name: 'Kabupaten Majalengka',
  keywords: [
    { id: 'majalengka', label: 'Majalengka', terms: ['Majalengka', 'Kadipaten'] },
    { id: 'kertajati', label: 'Kertajati', terms: ['Kertajati'] },
  ],
});

const RSS_UNRELATED = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Jabar</title>
<item><title>Harga cabai naik di Bandung</title><link>https://jabar.example/1</link><pubDate>Mon, 30 Nov 2026 08:00:00 +0700</pubDate></item>
<item><title>Kertajati sepi penumpang</title><link>https://jabar.example/2?utm_campaign=x</link><pubDate>Mon, 30 Nov 2026 08:30:00 +0700</pubDate></item>
</channel></rss>`;

let db: EmbeddedDynamo;
let server: FixtureServer;
let seq = 0;

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'collect-test' });
  server = await startFixtureServer({
    '/a.xml': {
      file: 'test/fixtures/feeds/rss-dupe-a.xml',
      headers: { 'content-type': 'application/rss+xml' },
    },
    '/b.xml': {
      file: 'test/fixtures/feeds/rss-dupe-b.xml',
      headers: { 'content-type': 'application/rss+xml' },
    },
    '/jabar.xml': { body: RSS_UNRELATED, headers: { 'content-type': 'application/rss+xml; charset=utf-8' } },
    '/broken.xml': { status: 500, body: 'upstream down' },
    '/malformed.xml': {
      file: 'test/fixtures/feeds/malformed.xml',
      headers: { 'content-type': 'application/rss+xml' },
    },
  });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

function rss(id: string, path: string): SourceConfig {
  return {
    id,
    kind: 'rss',
    url: `${server.url}${path}`,
    lang: 'id',
    enabled: true,
    everyMinutes: 15,
    keywords: [],
  };
}

class FlakyQueue implements MentionQueue {
  readonly sent: Mention[] = [];
  constructor(private readonly refuse: (m: Mention) => boolean) {}
  async send(mentions: readonly Mention[]): Promise<EnqueueResult> {
    const failed = mentions.filter(this.refuse);
    this.sent.push(...mentions.filter((m) => !this.refuse(m)));
    return {
      sent: mentions.filter((m) => !this.refuse(m)).map((m) => m.id),
      failed: failed.map((m) => ({ id: m.id, error: 'InternalError' })),
    };
  }
}

async function setup(sources: SourceConfig[], queue: MentionQueue = new InProcessQueue()) {
  const tableName = `collect-${++seq}`;
  await ensureTable(db.client, tableName);
  const store = new DynamoStore({ client: db.client, tableName });
  const log = new RecordingLog();
  const metrics = new MemoryMetricSink();
  const clock = fixedClock(Date.parse('2026-11-30T03:00:00.000Z'));
  const handler = createHandler({
    sources: sources.map((s) =>
      createSource(s, { clock, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2_000 }),
    ),
    matcher: createKeywordMatcher(config.keywords),
    store,
    queue,
    clock,
    log,
    metrics,
  });
  return { handler, store, log, metrics, queue };
}

afterEach(() => {
  server.hits.length = 0;
});

describe('collect handler', () => {
  it('keeps one copy of an article two feeds carry, and skips it on the next poll', async () => {
    const queue = new InProcessQueue();
    const { handler } = await setup([rss('feed-a', '/a.xml'), rss('feed-b', '/b.xml')], queue);
    const first = await handler({}, lambdaContext());
    expect(first.totals).toEqual({ fetched: 2, new: 1, duplicate: 1, failedSources: 0, skippedSources: 0 });
    expect(queue.size).toBe(1);
    const [body] = queue.bodies();
    expect(JSON.parse(body ?? '{}').url).toBe('https://radarmajalengka.example/berita/2001');

    const second = await handler({}, lambdaContext());
    expect(second.totals).toEqual({ fetched: 2, new: 0, duplicate: 2, failedSources: 0, skippedSources: 0 });
    expect(queue.size).toBe(1);
  });

  it('drops items matching no keyword and keeps matched ones with their keyword', async () => {
    const queue = new InProcessQueue();
    const { handler } = await setup([rss('jabar', '/jabar.xml')], queue);
    const result = await handler({}, lambdaContext());
    expect(result.sources[0]).toMatchObject({ fetched: 2, new: 1, unmatched: 1 });
    const mention = JSON.parse(queue.bodies()[0] ?? '{}');
    expect(mention.matchedKeywords).toEqual(['kertajati']);
    expect(mention.url).toBe('https://jabar.example/2');
    expect(mention.publishedAt).toBe('2026-11-30T01:30:00.000Z');
  });

  it('reports a failing source by name and still collects the others', async () => {
    const { handler, store, log, metrics } = await setup([
      rss('broken', '/broken.xml'),
      rss('bad-xml', '/malformed.xml'),
      rss('feed-a', '/a.xml'),
    ]);
    const result = await handler({}, lambdaContext());
    const byId = Object.fromEntries(result.sources.map((s) => [s.sourceId, s]));
    expect(byId['broken']?.ok).toBe(false);
    expect(byId['broken']?.error).toContain('500');
    expect(byId['bad-xml']?.ok).toBe(false);
    expect(byId['feed-a']).toMatchObject({ ok: true, new: 1 });
    expect(result.totals.failedSources).toBe(2);
    expect(
      log
        .find('Source failed')
        .map((e) => e.context['source'])
        .sort(),
    ).toEqual(['bad-xml', 'broken']);
    expect(metrics.totals.get('SourceFailures|source=broken')).toBe(1);
    expect((await store.getSourceState('broken'))?.consecutiveFailures).toBe(1);
    const runs = await store.listSourceRuns('2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(
      runs
        .filter((r) => !r.ok)
        .map((r) => r.sourceId)
        .sort(),
    ).toEqual(['bad-xml', 'broken']);
  });

  it('does not advance the cursor past a mention the queue refused, and hands it on next time', async () => {
    let refuse = true;
    const queue = new FlakyQueue((m) => refuse && m.url.endsWith('/2'));
    const { handler, store } = await setup([rss('jabar', '/jabar.xml')], queue);
    const first = await handler({}, lambdaContext());
    expect(first.sources[0]).toMatchObject({ new: 0, enqueueFailed: 1 });
    expect((await store.getSourceState('jabar'))?.cursor.lastSeenAt).toBeUndefined();
    refuse = false;
    const second = await handler({}, lambdaContext());
    expect(second.sources[0]).toMatchObject({ new: 1, enqueueFailed: 0 });
    expect((await store.getSourceState('jabar'))?.cursor.lastSeenAt).toBe('2026-11-30T01:30:00.000Z');
  });

  it('polls only the source named in the event, and refuses an unknown one', async () => {
    const { handler } = await setup([rss('feed-a', '/a.xml'), rss('feed-b', '/b.xml')]);
    const result = await handler({ sourceId: 'feed-b' }, lambdaContext());
    expect(result.sources.map((s) => s.sourceId)).toEqual(['feed-b']);
    await expect(handler({ sourceId: 'nope' }, lambdaContext())).rejects.toBeInstanceOf(ValidationError);
  });
});
