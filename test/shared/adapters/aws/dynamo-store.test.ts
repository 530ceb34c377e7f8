import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { alertId } from '#shared/domain/alert.ts';
import { NotFoundError, RejectedWriteError } from '#shared/errors.ts';
import { scoredMention } from '../../../helpers/mentions.ts';

let db: EmbeddedDynamo;
let tableSeq = 0;

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'pantau-store-test' });
});
afterAll(async () => {
  await db.close();
});

async function freshStore(afterWrite?: (step: string) => void): Promise<DynamoStore> {
  const { ensureTable } = await import('#shared/adapters/local/dynalite.ts');
  const tableName = `store-test-${++tableSeq}`;
  await ensureTable(db.client, tableName);
  return new DynamoStore({ client: db.client, tableName, ...(afterWrite ? { afterWrite } : {}) });
}

async function totalOf(store: DynamoStore, series: string): Promise<number> {
  const hours = await store.hourlyCounts(series, '2026-11-29T00:00:00.000Z', '2026-12-02T00:00:00.000Z');
  return hours.reduce((s, h) => s + h.total, 0);
}

describe('DynamoStore.putMention', () => {
  it('stores a new mention once and reports a redelivery as duplicate without counting it again', async () => {
    const store = await freshStore();
    const m = scoredMention(1, { label: 'NEGATIVE', matchedKeywords: ['majalengka', 'kertajati'] });
    expect((await store.putMention(m)).status).toBe('new');
    expect((await store.putMention(m)).status).toBe('duplicate');
    expect(await store.getMention(m.id)).toEqual(m);
    expect(await totalOf(store, 'all')).toBe(1);
    expect(await totalOf(store, 'kw:kertajati')).toBe(1);
    const hours = await store.hourlyCounts(
      'kw:majalengka',
      '2026-11-30T03:00:00.000Z',
      '2026-11-30T05:00:00.000Z',
    );
    expect(hours).toHaveLength(2);
    expect(hours[0]?.counts.NEGATIVE).toBe(1);
    expect(hours[1]?.total).toBe(0);
  });

  it('stores scores too small for a DynamoDB number (1e-140) as 0 instead of failing every delivery', async () => {
    const store = await freshStore();
    const m = scoredMention(3, { label: 'NEGATIVE' });
    const tiny = {
      ...m,
      sentiment: { ...m.sentiment, scores: { ...m.sentiment.scores, Positive: 1.87e-140 } },
    };
    expect((await store.putMention(tiny)).status).toBe('new');
    expect((await store.getMention(m.id))?.sentiment.scores).toEqual({
      Positive: 0,
      Negative: 1,
      Neutral: 0,
      Mixed: 0,
    });
  });

  it('keeps the first stored sentiment when a redelivery was scored differently', async () => {
    const store = await freshStore();
    const first = scoredMention(2, { label: 'NEGATIVE' });
    await store.putMention(first);
    const second = { ...first, sentiment: { ...first.sentiment, label: 'POSITIVE' as const } };
    const result = await store.putMention(second);
    expect(result.stored.sentiment.label).toBe('NEGATIVE');
    const hours = await store.hourlyCounts('all', '2026-11-30T03:00:00.000Z', '2026-11-30T04:00:00.000Z');
    expect(hours[0]?.counts).toEqual({ POSITIVE: 0, NEGATIVE: 1, NEUTRAL: 0, MIXED: 0 });
  });

  it.each(['mention', 'timeline', 'counter:all', 'counter:kw:majalengka', 'counter:source:rss-test'])(
    'counts exactly once when the handler dies right after the %s write',
    async (killAfter) => {
      let armed = true;
      const store = await freshStore((step) => {
        if (armed && step === killAfter) {
          armed = false;
          throw new Error(`killed after ${step}`);
        }
      });
      const m = scoredMention(3, { label: 'NEGATIVE' });
      await expect(store.putMention(m)).rejects.toThrow(`killed after ${killAfter}`);
      const retry = await store.putMention(m);
      expect(retry.stored.id).toBe(m.id);
      expect(await totalOf(store, 'all')).toBe(1);
      expect(await totalOf(store, 'kw:majalengka')).toBe(1);
      expect(await totalOf(store, 'source:rss-test')).toBe(1);
      expect((await store.putMention(m)).status).toBe('duplicate');
      expect(await totalOf(store, 'all')).toBe(1);
    },
  );
});

describe('DynamoStore.listMentions', () => {
  it('pages newest first across shards and days, every item exactly once', async () => {
    const store = await freshStore();
    const all = Array.from({ length: 37 }, (_, i) =>
      scoredMention(100 + i, {
        publishedAt: new Date(Date.parse('2026-11-28T20:00:00.000Z') + i * 2_357_000).toISOString(),
        label: i % 3 === 0 ? 'NEGATIVE' : 'NEUTRAL',
      }),
    );
    for (const m of all) await store.putMention(m);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.listMentions({
        keyword: 'majalengka',
        from: '2026-11-28T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        limit: 5,
        ...(after ? { after } : {}),
      });
      seen.push(...page.items.map((m) => m.id));
      after = page.next;
      pages++;
    } while (after && pages < 20);
    const expected = [...all].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1)).map((m) => m.id);
    expect(seen).toEqual(expected);
    expect(pages).toBe(8);
  });

  it('filters by sentiment and uses the all-mentions index when no keyword is given', async () => {
    const store = await freshStore();
    for (let i = 0; i < 12; i++) {
      await store.putMention(scoredMention(200 + i, { label: i < 4 ? 'NEGATIVE' : 'POSITIVE' }));
    }
    const negatives = await store.listMentions({
      from: '2026-11-30T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      sentiment: 'NEGATIVE',
      limit: 50,
    });
    expect(negatives.items).toHaveLength(4);
    expect(negatives.items.every((m) => m.sentiment.label === 'NEGATIVE')).toBe(true);
    expect(negatives.next).toBeUndefined();
  });
});

describe('DynamoStore queue markers, alerts and state', () => {
  it('knows queued and stored ids', async () => {
    const store = await freshStore();
    const stored = scoredMention(300);
    await store.putMention(stored);
    await store.markQueued(['a'.repeat(32)], Date.now());
    const known = await store.knownMentionIds([stored.id, 'a'.repeat(32), 'b'.repeat(32)]);
    expect([...known].sort()).toEqual([stored.id, 'a'.repeat(32)].sort());
  });

  it('remembers story claims written with the queued markers, for 7 days by their stored time', async () => {
    const store = await freshStore();
    const t0 = Date.parse('2026-11-30T08:00:00.000Z');
    const claim = {
      storyKey: 'c'.repeat(32),
      mentionId: 'd'.repeat(32),
      url: 'https://radarcirebon.example/read/101',
      publishedAt: '2026-11-30T07:05:00.000Z',
    };
    await store.markQueued([claim.mentionId], t0, [claim]);
    await store.markQueued([claim.mentionId], t0, [claim]);
    expect(await store.knownMentionIds([claim.mentionId])).toEqual(new Set([claim.mentionId]));
    const lookup = [claim.storyKey, 'e'.repeat(32), claim.storyKey];
    expect(await store.knownStoryKeys(lookup, t0)).toEqual(new Map([[claim.storyKey, claim]]));
    const justInside = t0 + 7 * 86_400_000 - 1_000;
    expect((await store.knownStoryKeys(lookup, justInside)).size).toBe(1);
    // dynalite never expires items: the lookup itself must ignore a marker past its horizon.
    expect((await store.knownStoryKeys(lookup, t0 + 7 * 86_400_000)).size).toBe(0);
  });

  it('keeps the latest claim of a key and looks up more keys than one batch holds', async () => {
    const store = await freshStore();
    const t0 = Date.parse('2026-11-30T08:00:00.000Z');
    const claims = Array.from({ length: 130 }, (_, i) => ({
      storyKey: i.toString(16).padStart(32, '0'),
      mentionId: (i + 1_000).toString(16).padStart(32, '0'),
      url: `https://outlet.example/${i}`,
      publishedAt: '2026-11-30T07:00:00.000Z',
    }));
    await store.markQueued([], t0, claims);
    const next = {
      ...claims[0],
      url: 'https://outlet.example/next-day',
      publishedAt: '2026-12-01T07:00:00.000Z',
    };
    await store.markQueued([], t0 + 86_400_000, [next as (typeof claims)[number]]);
    const known = await store.knownStoryKeys(
      claims.map((c) => c.storyKey),
      t0 + 86_400_000,
    );
    expect(known.size).toBe(130);
    expect(known.get(claims[0]?.storyKey ?? '')?.url).toBe('https://outlet.example/next-day');
  });

  it('creates an alert once, then acknowledges it; unknown alerts are NotFoundError', async () => {
    const store = await freshStore();
    const alert = {
      id: alertId('2026-11-30T03:00:00.000Z', 'kw:majalengka'),
      seriesId: 'kw:majalengka',
      keyword: 'majalengka',
      sentiment: 'NEGATIVE' as const,
      kind: 'volume' as const,
      windowStart: '2026-11-30T03:00:00.000Z',
      windowEnd: '2026-11-30T04:00:00.000Z',
      observed: 12,
      expected: 2.5,
      observedShare: 0.6,
      expectedShare: 0.2,
      total: 20,
      score: 0.99,
      severity: 'tinggi' as const,
      narratives: [],
      distinctAuthors: 7,
      sources: ['rss-test'],
      createdAt: '2026-11-30T04:05:00.000Z',
    };
    expect((await store.putAlert(alert)).created).toBe(true);
    expect((await store.putAlert({ ...alert, observed: 99 })).stored.observed).toBe(12);
    await store.markAlertPublished(alert.id, '2026-11-30T04:05:01.000Z');
    const acked = await store.acknowledgeAlert(alert.id, {
      by: 'analis@majalengkakab.go.id',
      at: '2026-11-30T05:00:00.000Z',
    });
    expect(acked.acknowledgement?.by).toBe('analis@majalengkakab.go.id');
    const listed = await store.listAlerts('2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(listed.map((a) => [a.id, a.publishedAt])).toEqual([[alert.id, '2026-11-30T04:05:01.000Z']]);
    await expect(
      store.acknowledgeAlert('2026-11-30T03:00:00.000Z~kw:none', { by: 'x', at: alert.createdAt }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes series state only when the version matches', async () => {
    const store = await freshStore();
    expect(await store.putSeriesState('all', { mean: 1 }, 0)).toBe(true);
    expect(await store.putSeriesState('all', { mean: 2 }, 0)).toBe(false);
    expect(await store.putSeriesState('all', { mean: 3 }, 1)).toBe(true);
    expect(await store.getSeriesState('all')).toEqual({ seriesId: 'all', version: 2, state: { mean: 3 } });
  });

  it('stores the late-mention ring beside the detector state, in the same conditional put', async () => {
    const store = await freshStore();
    const seen = [
      [1_796_014_800_000, 7, 1],
      [1_796_018_400_000, 6, 0],
    ];
    expect(await store.putSeriesState('neg:all', { level: 1 }, 0, seen)).toBe(true);
    expect(await store.getSeriesState('neg:all')).toEqual({
      seriesId: 'neg:all',
      version: 1,
      state: { level: 1 },
      seen,
    });
    // A stale version writes neither; a write without a ring leaves none.
    expect(await store.putSeriesState('neg:all', { level: 2 }, 0, [])).toBe(false);
    expect((await store.getSeriesState('neg:all'))?.seen).toEqual(seen);
    expect(await store.putSeriesState('neg:all', { level: 3 }, 1)).toBe(true);
    expect(await store.getSeriesState('neg:all')).not.toHaveProperty('seen');
    const error = await store
      .putSeriesState('neg:all', { level: 4 }, 2, [[Number.NaN, 1, 0]])
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('detector state neg:all not written: seen[0][0] is NaN');
  });

  it('refuses detector state holding a number DynamoDB cannot store, naming the field, and writes nothing', async () => {
    const store = await freshStore();
    const cases: [unknown, string][] = [
      [{ level: 1e-131 }, 'state.level is 1e-131'],
      [{ cusum: { cal: [0, -2e-140] } }, 'state.cusum.cal[1] is -2e-140'],
      [{ alpha: Number.NaN }, 'state.alpha is NaN'],
      [{ stat: Number.POSITIVE_INFINITY }, 'state.stat is Infinity'],
      [{ sum: 2 ** 53 }, 'state.sum is 9007199254740992'],
    ];
    for (const [state, message] of cases) {
      const error = await store.putSeriesState('neg:all', state, 0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RejectedWriteError);
      expect((error as Error).message).toContain(`detector state neg:all not written: ${message}`);
    }
    expect(await store.getSeriesState('neg:all')).toBeUndefined();
    // 0, the detector's floor 1e-100 and the limits are stored exactly.
    const edge = { level: 0, share: 1e-100, low: -1e-130, high: Number.MAX_SAFE_INTEGER };
    expect(await store.putSeriesState('neg:all', edge, 0)).toBe(true);
    expect((await store.getSeriesState('neg:all'))?.state).toEqual(edge);
  });

  it('keeps analyst labels apart from the mention and exports them by time', async () => {
    const store = await freshStore();
    const m = scoredMention(400, { label: 'POSITIVE' });
    await store.putMention(m);
    await store.putLabel({
      mentionId: m.id,
      label: 'NEGATIVE',
      by: 'analis',
      at: '2026-11-30T06:00:00.000Z',
    });
    await store.putMention(m);
    expect((await store.getMention(m.id))?.sentiment.label).toBe('POSITIVE');
    expect((await store.listLabels(m.id)).map((l) => l.label)).toEqual(['NEGATIVE']);
    const exported = await store.exportLabels('2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(exported).toHaveLength(1);
  });
});

describe('DynamoStore errors', () => {
  it('turns a ValidationException on a mention into RejectedWriteError (a redelivery cannot fix it)', async () => {
    const client = {
      send: async () => {
        throw Object.assign(new Error('Number underflow'), { name: 'ValidationException' });
      },
    } as unknown as ConstructorParameters<typeof DynamoStore>[0]['client'];
    const store = new DynamoStore({ client, tableName: 'refusing' });
    await expect(store.putMention(scoredMention(90))).rejects.toBeInstanceOf(RejectedWriteError);
  });
});

describe('DynamoStore retention of quoted text', () => {
  /** The `expiresAt` (epoch seconds) of every item of a type, read raw from the table. */
  async function expiries(tableName: string, type: string): Promise<number[]> {
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const out = await db.client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':t': { S: type } },
      }),
    );
    return (out.Items ?? []).map((i) => Number(i['expiresAt']?.N));
  }

  /** A store over a fresh table with 30 retention days, and an empty digest of `date` written to it. */
  async function retentionStore(digestDate: string): Promise<{ store: DynamoStore; tableName: string }> {
    const { ensureTable } = await import('#shared/adapters/local/dynalite.ts');
    const tableName = `store-test-${++tableSeq}`;
    await ensureTable(db.client, tableName);
    const store = new DynamoStore({ client: db.client, tableName, retentionDays: 30 });
    const next = new Date(Date.parse(`${digestDate}T00:00:00.000Z`) + 86_400_000).toISOString();
    await store.putDigest({
      date: digestDate,
      generatedAt: next,
      markdown: '',
      html: '',
      text: '',
      data: {},
    });
    return { store, tableName };
  }

  it('expires alerts and digests, which quote mention text, with the mentions (retention days after their window or day)', async () => {
    const { store, tableName } = await retentionStore('2030-01-02');
    const { testAlert } = await import('../../../functions/api/helpers.ts');
    // A window far in the future, so the retention runs from it rather than from now.
    await store.putAlert(testAlert('2030-01-01T08:00:00.000Z'));
    // Hand-computed: 2030-01-01T09:00Z is 1,893,488,400 s; 2030-01-02T00:00Z is 1,893,542,400 s; + 30 days.
    expect(await expiries(tableName, 'alert')).toEqual([1_893_488_400 + 30 * 86_400]);
    expect(await expiries(tableName, 'digest')).toEqual([1_893_542_400 + 30 * 86_400]);
    // A rebuilt digest keeps its first expiry (a re-run must not restart the retention clock).
    const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    const first = 1_893_542_400 + 30 * 86_400 - 1_000;
    await db.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { PK: { S: 'D#2030-01-02' }, SK: { S: 'DIGEST' } },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': { N: String(first) } },
      }),
    );
    await store.putDigest({
      date: '2030-01-02',
      generatedAt: '2030-03-01T00:00:00.000Z',
      markdown: 'baru',
      html: '',
      text: '',
      data: {},
    });
    expect(await expiries(tableName, 'digest')).toEqual([first]);
    expect((await store.getDigest('2030-01-02'))?.markdown).toBe('baru');
    // It expires no later than the first mention it may quote (here one whose TTL comes sooner).
    const quoted = scoredMention(950, { publishedAt: '2030-01-02T03:00:00.000Z' });
    await store.putMention(quoted);
    await db.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { PK: { S: `M#${quoted.id}` }, SK: { S: 'M' } },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': { N: String(first - 500) } },
      }),
    );
    await store.putDigest(
      {
        date: '2030-01-02',
        generatedAt: '2030-03-02T00:00:00.000Z',
        markdown: '',
        html: '',
        text: '',
        data: {},
      },
      [quoted.id, 'unknown-id'],
    );
    expect(await expiries(tableName, 'digest')).toEqual([first - 500]);
    await store.deleteDigest('2030-01-02');
    expect(await store.getDigest('2030-01-02')).toBeUndefined();
    // An alert quoting that mention in its narratives' examples expires with it too.
    const base = testAlert('2030-01-03T08:00:00.000Z', 'kw:kertajati');
    const narrative = base.narratives[0]!;
    const example = { ...narrative.examples[0]!, id: quoted.id };
    await store.putAlert({ ...base, narratives: [{ ...narrative, examples: [example] }] });
    expect(await expiries(tableName, 'alert')).toContain(first - 500);
    // An old window (a replay) is kept for the retention period from now, not deleted at once.
    await store.putAlert(testAlert('2026-02-12T08:00:00.000Z', 'kw:kertajati'));
    const now = Math.floor(Date.now() / 1000);
    const old = (await expiries(tableName, 'alert')).find((e) => e < 1_893_488_400);
    expect(old).toBeGreaterThanOrEqual(now + 30 * 86_400 - 5);
  });

  it('hides mentions, alerts and digests whose retention passed but which DynamoDB has not deleted yet', async () => {
    const { ScanCommand, UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { store, tableName } = await retentionStore('2026-02-12');
    const { testAlert } = await import('../../../functions/api/helpers.ts');
    const alert = testAlert('2026-02-12T08:00:00.000Z');
    const kept = testAlert('2026-02-12T09:00:00.000Z');
    await store.putAlert(alert);
    await store.putAlert(kept);
    const mention = scoredMention(901, { publishedAt: '2026-02-12T08:10:00.000Z' });
    await store.putMention(mention);
    const range = { from: '2026-02-12T00:00:00.000Z', to: '2026-02-13T00:00:00.000Z', limit: 10 };
    expect((await store.listMentions(range)).items.map((m) => m.id)).toEqual([mention.id]);
    // TTL time has come (one second ago) for everything except the second alert.
    const past = String(Math.floor(Date.now() / 1000) - 1);
    const all = await db.client.send(new ScanCommand({ TableName: tableName }));
    for (const item of all.Items ?? []) {
      if (item['expiresAt'] === undefined || JSON.stringify(item).includes(kept.id)) continue;
      await db.client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { PK: item['PK']!, SK: item['SK']! },
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: { ':past': { N: past } },
        }),
      );
    }
    expect(await store.getAlert(alert.id)).toBeUndefined();
    expect((await store.getAlert(kept.id))?.id).toBe(kept.id);
    expect((await store.listAlerts(range.from, range.to)).map((a) => a.id)).toEqual([kept.id]);
    await expect(
      store.acknowledgeAlert(alert.id, { by: 'ana', at: '2026-12-01T00:00:00.000Z' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.getDigest('2026-02-12')).toBeUndefined();
    expect(await store.getMention(mention.id)).toBeUndefined();
    expect((await store.listMentions(range)).items).toEqual([]);
  });
});
