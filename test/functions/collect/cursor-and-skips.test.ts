import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/collect/app.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';
import {
  SourceBudgetExhaustedError,
  SourceCredentialsMissingError,
} from '#shared/adapters/sources/errors.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import type { Mention } from '#shared/domain/mention.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import type { EnqueueResult, MentionQueue } from '#shared/ports/mention-queue.ts';
import type { FetchContext, MentionSource, SourceFetchResult } from '#shared/ports/mention-source.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';

let db: EmbeddedDynamo;
let seq = 0;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'collect-cursor-test' });
});
afterAll(() => db.close());

const matcher = createKeywordMatcher([
  { id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'], phrases: [], exclude: [], requires: [] },
]);

/** A source that answers each poll with the next scripted result (or throws it) and records the cursors it got. */
function scripted(
  id: string,
  answers: readonly (SourceFetchResult | Error)[],
): MentionSource & { cursors: FetchContext['cursor'][] } {
  let n = 0;
  const cursors: FetchContext['cursor'][] = [];
  return {
    id,
    kind: 'mastodon',
    keywords: [],
    cursors,
    async fetch(context) {
      cursors.push(context.cursor);
      const answer = answers[Math.min(n++, answers.length - 1)] as SourceFetchResult | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const post = (n: number) => ({
  url: `https://mastodon.example/@warga/${n}`,
  text: `Kabar Majalengka ${n}`,
  author: { handle: 'warga@mastodon.example' },
  publishedAt: `2026-11-30T0${n}:00:00.000Z`,
});

class RefusingQueue implements MentionQueue {
  refuse = true;
  async send(mentions: readonly Mention[]): Promise<EnqueueResult> {
    const bad = mentions.filter((m) => this.refuse && m.url.endsWith('/2'));
    return {
      sent: mentions.filter((m) => !bad.includes(m)).map((m) => m.id),
      failed: bad.map((m) => ({ id: m.id, error: 'InternalError' })),
    };
  }
}

async function setup(sources: MentionSource[], queue: MentionQueue = new InProcessQueue()) {
  const tableName = `collect-cursor-${++seq}`;
  await ensureTable(db.client, tableName);
  const store = new DynamoStore({ client: db.client, tableName });
  const log = new RecordingLog();
  const handler = createHandler({
    sources,
    matcher,
    store,
    queue,
    clock: fixedClock(Date.parse('2026-11-30T10:00:00.000Z')),
    log,
    metrics: new MemoryMetricSink(),
  });
  return { handler, store, log };
}

describe('collect: skipped sources', () => {
  it('reports a source without credentials as skipped (not failed), keeps its state and polls the others', async () => {
    const missing = scripted('bsky-mjl', [
      new SourceCredentialsMissingError(
        'bsky-mjl',
        'bluesky',
        'credentials "bluesky" not available: no entry',
      ),
    ]);
    const working = scripted('masto-mjl', [{ items: [post(1)], rejected: [] }]);
    const { handler, store, log } = await setup([missing, working]);
    const result = await handler({}, lambdaContext());
    const skipped = result.sources.find((s) => s.sourceId === 'bsky-mjl');
    expect(skipped).toMatchObject({ ok: false, skipped: { code: 'credentials-missing' } });
    expect(skipped?.error).toMatch(
      /^SourceCredentialsMissingError: bsky-mjl: skipped: credentials "bluesky"/,
    );
    expect(result.totals).toMatchObject({ new: 1, failedSources: 0, skippedSources: 1 });
    expect(await store.getSourceState('bsky-mjl')).toBeUndefined();
    // The run is recorded as skipped, so the digest reports it as skipped rather than failed.
    const runs = await store.listSourceRuns('2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(runs.find((r) => r.sourceId === 'bsky-mjl')).toMatchObject({
      ok: false,
      skipped: 'credentials-missing',
    });
    expect(
      log.entries.some(
        (e) =>
          e.message === 'Source skipped' &&
          (e.context as Record<string, unknown> | undefined)?.['code'] === 'credentials-missing',
      ),
    ).toBe(true);
  });

  it('reports a spent budget as skipped and leaves the saved usage alone', async () => {
    const source = scripted('x-mjl', [
      { items: [post(1)], rejected: [], cursor: { token: 't1', usage: { day: '2026-11-30', used: 300 } } },
      new SourceBudgetExhaustedError('x-mjl', '2026-11-30', 300, 300, 'posts'),
    ]);
    const { handler, store } = await setup([source]);
    await handler({}, lambdaContext());
    const second = await handler({}, lambdaContext());
    expect(second.sources[0]).toMatchObject({ ok: false, skipped: { code: 'budget-exhausted' } });
    expect((await store.getSourceState('x-mjl'))?.cursor).toMatchObject({
      token: 't1',
      usage: { day: '2026-11-30', used: 300 },
    });
  });
});

describe('collect: source tokens', () => {
  it('keeps the previous token when an item missed the queue, but always saves budget usage', async () => {
    const source = scripted('x-mjl', [
      { items: [post(1)], rejected: [], cursor: { token: 'A', usage: { day: '2026-11-30', used: 1 } } },
      {
        items: [post(2), post(3)],
        rejected: [],
        cursor: { token: 'B', usage: { day: '2026-11-30', used: 3 } },
      },
      {
        items: [post(2), post(3)],
        rejected: [],
        cursor: { token: 'B', usage: { day: '2026-11-30', used: 5 } },
      },
    ]);
    const queue = new RefusingQueue();
    const { handler, store } = await setup([source], queue);
    await handler({}, lambdaContext());
    const second = await handler({}, lambdaContext());
    expect(second.sources[0]).toMatchObject({ new: 1, enqueueFailed: 1 });
    expect((await store.getSourceState('x-mjl'))?.cursor).toEqual({
      lastSeenAt: '2026-11-30T01:00:00.000Z',
      token: 'A',
      usage: { day: '2026-11-30', used: 3 },
    });
    queue.refuse = false;
    const third = await handler({}, lambdaContext());
    expect(source.cursors[2]?.token).toBe('A');
    expect(third.sources[0]).toMatchObject({ new: 1, duplicate: 1, enqueueFailed: 0 });
    expect((await store.getSourceState('x-mjl'))?.cursor).toEqual({
      lastSeenAt: '2026-11-30T02:00:00.000Z',
      token: 'B',
      usage: { day: '2026-11-30', used: 5 },
    });
  });

  it('passes warnings and the budget through to the report and the log', async () => {
    const source = scripted('yt-mjl', [
      {
        items: [post(1)],
        rejected: [],
        warnings: ['commentThreads for v1 failed'],
        budget: { day: '2026-11-30', used: 103, limit: 2000, unit: 'quota units' },
      },
    ]);
    const { handler, log } = await setup([source]);
    const result = await handler({}, lambdaContext());
    expect(result.sources[0]).toMatchObject({
      ok: true,
      warnings: ['commentThreads for v1 failed'],
      budget: { used: 103, limit: 2000 },
    });
    expect(log.entries.some((e) => e.message === 'Source warning')).toBe(true);
  });
});

describe('collect: a broken feed does not flood the log', () => {
  it('logs the first 20 rejected items one by one and the rest in one warning by reason; counts unchanged', async () => {
    const rejected = [
      ...Array.from({ length: 23 }, (_, i) => ({ reason: 'invalid-json', detail: `line ${i + 1}` })),
      ...Array.from({ length: 2 }, (_, i) => ({ reason: 'invalid-utf8', detail: `line ${i + 24}` })),
    ];
    const broken = scripted('masto-mjl', [{ items: [post(1)], rejected }]);
    const { handler, log } = await setup([broken]);
    const result = await handler({}, lambdaContext());
    expect(result.sources[0]).toMatchObject({ rejected: 25, new: 1 });
    const warnings = log.entries.filter((e) => e.level === 'warn');
    expect(warnings.filter((e) => e.message === 'Source item rejected')).toHaveLength(20);
    const summary = warnings.find((e) => e.message.startsWith('… and'));
    expect(summary?.message).toBe(
      '… and 5 more source items rejected: invalid-json 3, invalid-utf8 2 (LOG_LEVEL=DEBUG logs each)',
    );
    expect(summary?.context).toEqual({ sources: { 'masto-mjl': 5 } });
    // Nothing is lost: the other five are at debug level.
    expect(
      log.entries.filter((e) => e.level === 'debug' && e.message === 'Source item rejected'),
    ).toHaveLength(5);
  });
});
