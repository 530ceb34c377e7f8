import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '#shared/adapters/sources/errors.ts';
import { parseFeed, primaryLanguage } from '#shared/adapters/sources/feed.ts';

const nowMs = Date.parse('2026-12-01T00:00:00.000Z');
const fixture = (name: string) => readFileSync(`test/fixtures/feeds/${name}`, 'utf8');
const parse = (xml: string) =>
  parseFeed(xml, { sourceId: 'rss-test', nowMs, feedUrl: 'https://feed.example/rss' });

describe('parseFeed: RSS 2.0', () => {
  const feed = parse(fixture('rss-basic.xml'));
  const byUrl = (suffix: string) => feed.items.find((i) => i.url.endsWith(suffix));

  it('reads the channel', () => {
    expect(feed).toMatchObject({ format: 'rss', title: 'Radar Majalengka – Berita Terkini', lang: 'id' });
  });

  it('keeps a double-encoded title entity encoded once and cleans CDATA HTML', () => {
    expect(byUrl('jalan-rusak?utm_source=rss&utm_medium=feed')).toMatchObject({
      title: 'Jalan Rusak di Majalengka &amp; Sekitarnya',
      text: 'Warga Kecamatan Cikijing mengeluhkan jalan & jembatan. Baca selengkapnya',
      author: { name: 'Redaksi' },
      sourceItemId: 'berita-1001',
      publishedAt: '2026-11-30T07:05:00.000Z',
      publishedAtEstimated: false,
      lang: 'id',
    });
  });

  it('treats a CDATA title as HTML and an escaped description as HTML', () => {
    expect(byUrl('/berita/1002')).toMatchObject({
      url: 'https://radarmajalengka.example/berita/1002',
      title: 'Bupati “Resmikan” Pasar',
      text: 'Pasar baru di Jatiwangi & Kadipaten',
      author: { name: 'Tim Redaksi' },
      publishedAt: '2026-11-30T07:05:00.000Z',
    });
  });

  it('never keeps an author e-mail address', () => {
    expect(JSON.stringify(feed.items)).not.toContain('@radarmajalengka.example');
  });

  it('flags day-only dates and drops placeholder GUIDs', () => {
    const item = byUrl('/berita/1003');
    expect(item).toMatchObject({ publishedAt: '2025-12-30T05:00:00.000Z', publishedAtEstimated: true });
    expect(item?.sourceItemId).toBeUndefined();
  });

  it('leaves future and unparseable dates undefined and counts them', () => {
    expect(byUrl('/berita/1005')?.publishedAt).toBeUndefined();
    expect(byUrl('/berita/1006')?.publishedAt).toBeUndefined();
    expect(feed.dateIssues).toEqual({ missing: 0, unparseable: 1, future: 1 });
  });

  it('repairs stray ampersands, reads content:encoded and drops scripts', () => {
    expect(byUrl('/berita/1009?id=9&page=2')).toMatchObject({
      title: 'PT KAI & Pemkab Majalengka Teken Kerja Sama',
      text: 'Kerja sama angkutan barang.',
      publishedAt: '2026-11-30T08:30:00.000Z',
    });
  });

  it('rejects unusable items with reasons and keeps the rest', () => {
    expect(feed.items).toHaveLength(6);
    expect(feed.rejected).toEqual([
      { reason: 'no-link', detail: 'item 4: title "Item tanpa tautan"' },
      { reason: 'no-link', detail: 'item 7: title "Tautan berbahaya" link "javascript:alert(1)"' },
      { reason: 'no-text', detail: 'item 8: link "https://radarmajalengka.example/berita/1008"' },
    ]);
  });

  it('treats GUIDs repeated within a document as placeholders', () => {
    const item = (n: number) =>
      `<item><title>T${n}</title><link>https://x.example/${n}</link><guid isPermaLink="false">same</guid></item>`;
    const dup = parse(`<rss><channel><title>x</title>${item(1)}${item(2)}</channel></rss>`);
    expect(dup.items.map((i) => i.sourceItemId)).toEqual([undefined, undefined]);
  });

  it('uses a permalink GUID when the link is missing', () => {
    const xml = '<rss><channel><item><title>T</title><guid>https://x.example/a</guid></item></channel></rss>';
    expect(parse(xml).items[0]?.url).toBe('https://x.example/a');
  });

  it('caps the number of items and says so', () => {
    const items = Array.from(
      { length: 5 },
      (_, n) => `<item><title>T${n}</title><link>https://x.example/${n}</link></item>`,
    );
    const capped = parseFeed(`<rss><channel>${items.join('')}</channel></rss>`, {
      sourceId: 's',
      nowMs,
      maxItems: 3,
    });
    expect(capped.items).toHaveLength(3);
    expect(capped.rejected).toEqual([{ reason: 'too-many-items', detail: '2 items beyond 3 skipped' }]);
  });

  it('does not expand DOCTYPE entities', () => {
    const xml =
      '<!DOCTYPE rss [<!ENTITY boom "BOOM">]><rss><channel><item><title>a &boom; b</title><link>https://x.example/1</link></item></channel></rss>';
    expect(parse(xml).items[0]?.title).toBe('a &boom; b');
  });
});

describe('parseFeed: Atom and RDF', () => {
  it('reads Atom entries, links, text constructs and zones', () => {
    const feed = parse(fixture('atom.xml'));
    expect(feed.format).toBe('atom');
    expect(feed.items).toEqual([
      {
        url: 'https://kabarkertajati.example/2026/11/rute-baru',
        title: 'Kertajati & BIJB Tambah Rute',
        text: 'Maskapai menambah rute umrah & domestik.',
        author: { name: 'Dewi Redaksi' },
        sourceItemId: 'tag:kabarkertajati.example,2026:1',
        publishedAt: '2026-11-30T07:05:00.000Z',
        publishedAtEstimated: false,
        lang: 'id',
      },
      {
        url: 'https://kabarkertajati.example/2026/11/perdana',
        title: 'Penerbangan Perdana',
        text: 'Pesawat pertama mendarat.',
        author: {},
        sourceItemId: 'tag:kabarkertajati.example,2026:2',
        publishedAt: '2026-11-29T23:30:00.000Z',
        publishedAtEstimated: false,
        lang: 'id',
      },
      {
        url: 'https://kabarkertajati.example/en/terminal',
        title: 'Airport Opens New Terminal',
        text: 'A new terminal opened.',
        author: {},
        sourceItemId: 'tag:kabarkertajati.example,2026:3',
        publishedAt: '2026-11-28T02:15:00.000Z',
        publishedAtEstimated: true,
        lang: 'en',
      },
    ]);
  });

  it('reads RSS 1.0 (RDF) items', () => {
    const xml = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel><title>RDF</title><link>https://rdf.example/</link><dc:language>id</dc:language></channel>
      <item><title>Satu</title><link>https://rdf.example/1</link><dc:date>2026-11-30T10:00:00+07:00</dc:date></item>
    </rdf:RDF>`;
    const feed = parse(xml);
    expect(feed).toMatchObject({ format: 'rdf', lang: 'id' });
    expect(feed.items[0]).toMatchObject({
      url: 'https://rdf.example/1',
      publishedAt: '2026-11-30T03:00:00.000Z',
    });
  });
});

describe('parseFeed: bad documents', () => {
  it('throws FeedParseError with the line for malformed XML', () => {
    const error = (() => {
      try {
        parse(fixture('malformed.xml'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FeedParseError);
    expect(error).toMatchObject({ sourceId: 'rss-test', retryable: false, line: 4 });
    expect((error as Error).message).toMatch(/^rss-test: malformed XML/);
  });

  it('throws FeedParseError for an HTML page', () => {
    expect(() => parse(fixture('not-a-feed.html'))).toThrow(
      /not an RSS or Atom document \(root element <html>\)/,
    );
  });

  it('throws FeedParseError for an empty body', () => {
    expect(() => parse('')).toThrow(FeedParseError);
  });
});

describe('primaryLanguage', () => {
  it('keeps the primary subtag only', () => {
    expect(primaryLanguage('id-ID')).toBe('id');
    expect(primaryLanguage('EN_us')).toBe('en');
    expect(primaryLanguage('bahasa')).toBeUndefined();
    expect(primaryLanguage(undefined)).toBeUndefined();
  });
});
