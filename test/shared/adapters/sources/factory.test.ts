import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { GoogleNewsConfigError } from '#shared/adapters/sources/google-news.ts';
import type { HttpClient } from '#shared/adapters/sources/http.ts';
import { SourceConfigSchema } from '#shared/domain/config.ts';
import { fixedClock } from '#shared/ports/clock.ts';

describe('createSource', () => {
  it.each([
    [
      { id: 'gnews-x', kind: 'google-news', query: 'Majalengka', keywords: ['majalengka'] },
      'google-news',
      'Majalengka',
    ],
    [{ id: 'rss-x', kind: 'rss', url: 'https://x.example/rss' }, 'rss', undefined],
    [{ id: 'replay-x', kind: 'replay', path: 'x.jsonl' }, 'replay', undefined],
  ])('builds a %s source', (input, kind, query) => {
    const config = SourceConfigSchema.parse(input);
    const source = createSource(config);
    expect(source.id).toBe(input.id);
    expect(source.kind).toBe(kind);
    expect(source.query).toBe(query);
    expect(source.keywords).toEqual(kind === 'google-news' ? ['majalengka'] : []);
  });

  it('gives a replay source the run clock, so its future-date check agrees with the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'factory-replay-'));
    const path = join(dir, 'r.jsonl');
    await writeFile(
      path,
      `${JSON.stringify({ url: 'https://ex.id/a', title: 'A', publishedAt: '2026-12-01T05:00:00Z' })}\n`,
    );
    const config = SourceConfigSchema.parse({ id: 'replay-x', kind: 'replay', path });
    // The run is on 30 November: a 1 December line is in its future and loses its date.
    const before = createSource(config, { clock: fixedClock(Date.parse('2026-11-30T10:00:00Z')) });
    expect((await before.fetch({})).items[0]?.publishedAt).toBeUndefined();
    const after = createSource(config, { clock: fixedClock(Date.parse('2026-12-02T00:00:00Z')) });
    expect((await after.fetch({})).items[0]?.publishedAt).toBe('2026-12-01T05:00:00.000Z');
    await rm(dir, { recursive: true });
  });

  it('uses an injected HTTP client', async () => {
    const calls: string[] = [];
    const http: HttpClient = {
      get: async (request) => {
        calls.push(request.url);
        return {
          status: 200,
          url: request.url,
          headers: new Headers({ 'content-type': 'application/rss+xml' }),
          body: new TextEncoder().encode(
            '<rss><channel><item><title>A</title><link>https://x.example/a</link></item></channel></rss>',
          ),
          notModified: false,
          validators: {},
          attempts: 1,
        };
      },
    };
    const source = createSource(
      SourceConfigSchema.parse({ id: 'rss-x', kind: 'rss', url: 'https://x.example/rss' }),
      { http },
    );
    const result = await source.fetch({});
    expect(calls).toEqual(['https://x.example/rss']);
    expect(result.items.map((i) => i.title)).toEqual(['A']);
    expect(result.cursor).toEqual({});
  });

  it('fails fast on an unusable Google News edition', () => {
    const config = SourceConfigSchema.parse({
      id: 'gnews-x',
      kind: 'google-news',
      query: 'x',
      gl: 'Indonesia',
    });
    expect(() => createSource(config)).toThrow(GoogleNewsConfigError);
  });
});
