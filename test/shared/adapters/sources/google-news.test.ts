import { afterEach, describe, expect, it } from 'vitest';
import { createSource } from '#shared/adapters/sources/factory.ts';
import {
  buildGoogleNewsSearchUrl,
  GoogleNewsConfigError,
  splitTitleOutlet,
} from '#shared/adapters/sources/google-news.ts';
import { GoogleNewsSourceSchema } from '#shared/domain/config.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { type FixtureServer, startFixtureServer } from '../../../helpers/fixture-server.ts';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('buildGoogleNewsSearchUrl', () => {
  it('builds the Indonesian edition URL with matching hl, gl and ceid', () => {
    expect(buildGoogleNewsSearchUrl({ query: 'Majalengka when:1d' })).toBe(
      'https://news.google.com/rss/search?q=Majalengka%20when%3A1d&hl=id&gl=ID&ceid=ID:id',
    );
  });

  it('encodes quotes and operators and derives ceid from hl and gl', () => {
    expect(
      buildGoogleNewsSearchUrl(
        { query: '"Bandara Kertajati" OR BIJB -tol', hl: 'en-US', gl: 'us' },
        'http://h:1/',
      ),
    ).toBe('http://h:1/rss/search?q=%22Bandara%20Kertajati%22%20OR%20BIJB%20-tol&hl=en-US&gl=US&ceid=US:en');
  });

  it.each([[{ query: '  ' }], [{ query: 'x', hl: 'indonesia' }], [{ query: 'x', gl: 'IDN' }]])(
    'rejects %j',
    (params) => {
      expect(() => buildGoogleNewsSearchUrl(params)).toThrow(GoogleNewsConfigError);
    },
  );
});

describe('splitTitleOutlet', () => {
  it.each([
    [
      'Jalan rusak di Majalengka - Radar Cirebon',
      'Radar Cirebon',
      'Jalan rusak di Majalengka',
      'Radar Cirebon',
    ],
    [
      'Majalengka - Cirebon Diguyur Hujan - Pikiran Rakyat',
      'Pikiran Rakyat',
      'Majalengka - Cirebon Diguyur Hujan',
      'Pikiran Rakyat',
    ],
    ['Kertajati Ramai Lagi - detikJabar', undefined, 'Kertajati Ramai Lagi', 'detikJabar'],
    ['Harga Cabai Naik', 'Tribun Cirebon', 'Harga Cabai Naik', 'Tribun Cirebon'],
    ['Harga Cabai Naik', undefined, 'Harga Cabai Naik', undefined],
    [' - Kompas', 'Kompas', ' - Kompas', 'Kompas'],
  ])('%s', (headline, source, title, outlet) => {
    expect(splitTitleOutlet(headline, source)).toEqual(outlet === undefined ? { title } : { title, outlet });
  });
});

describe('Google News source', () => {
  it('queries the injected base URL and maps items', async () => {
    server = await startFixtureServer({
      '/rss/search': {
        file: 'test/fixtures/feeds/google-news-search.xml',
        headers: { 'content-type': 'application/xml' },
      },
    });
    const config = GoogleNewsSourceSchema.parse({
      id: 'gnews-majalengka',
      kind: 'google-news',
      query: 'Majalengka when:1d',
      keywords: ['majalengka'],
    });
    const source = createSource(config, {
      googleNewsBaseUrl: server.url,
      clock: fixedClock(Date.parse('2026-12-01T00:00:00Z')),
      retry: { retries: 0 },
    });
    expect(source).toMatchObject({
      id: 'gnews-majalengka',
      kind: 'google-news',
      query: 'Majalengka when:1d',
      keywords: ['majalengka'],
    });

    const result = await source.fetch({});
    expect(server.hits.map((h) => h.url)).toEqual([
      '/rss/search?q=Majalengka%20when%3A1d&hl=id&gl=ID&ceid=ID:id',
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.items.map((i) => [i.title, i.outlet])).toEqual([
      ['Jalan Tol Cisumdawu Macet, Warga Majalengka Mengeluh', 'Radar Cirebon'],
      ['Majalengka - Cirebon Diguyur Hujan Deras', 'Pikiran Rakyat'],
      ['Kertajati Ramai Lagi Jelang Musim Umrah', 'detikJabar'],
      ['Harga Cabai Naik di Pasar Cigasong', 'Tribun Cirebon'],
    ]);
    expect(result.items[0]).toEqual({
      url: 'https://news.google.com/rss/articles/CBMiXkFVX3lxTE1hamFsZW5na2ExMDAx?oc=5',
      sourceItemId: 'CBMiXkFVX3lxTE1hamFsZW5na2ExMDAx',
      title: 'Jalan Tol Cisumdawu Macet, Warga Majalengka Mengeluh',
      text: '',
      author: { name: 'Radar Cirebon' },
      outlet: 'Radar Cirebon',
      outletDomain: 'radarcirebon.disway.id',
      lang: 'id',
      publishedAt: '2026-11-30T07:05:00.000Z',
      publishedAtEstimated: false,
    });
    // The story key's outlet comes from <source url> (www. dropped); no <source>, no domain.
    expect(result.items.map((i) => (i as { outletDomain?: string }).outletDomain)).toEqual([
      'radarcirebon.disway.id',
      'pikiran-rakyat.com',
      undefined,
      'cirebon.tribunnews.com',
    ]);
    // The cluster description names another outlet's story; it must not leak into this item.
    expect(JSON.stringify(result.items)).not.toContain('Kuningan');
  });
});
