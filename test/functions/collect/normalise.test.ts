import { describe, expect, it } from 'vitest';
import { normaliseItem } from '#functions/collect/collect.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import { storyKey } from '#shared/domain/story.ts';

const matcher = createKeywordMatcher([
  { id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'], phrases: [], exclude: [], requires: [] },
]);
const rss = { id: 'rss-x', kind: 'rss' as const, keywords: [] };
const search = { id: 'gnews-x', kind: 'google-news' as const, keywords: ['majalengka'], query: 'Majalengka' };
const at = '2026-11-30T05:00:00.000Z';

describe('normaliseItem', () => {
  it('canonicalises the URL, dates a dateless item at fetch time and flags it', () => {
    const r = normaliseItem(
      { url: 'HTTPS://Berita.example.id/a?utm_source=x&b=2', text: 'Banjir di Majalengka', author: {} },
      rss,
      matcher,
      at,
    );
    expect(r).toMatchObject({
      ok: true,
      mention: {
        url: 'https://berita.example.id/a?b=2',
        publishedAt: at,
        publishedAtEstimated: true,
        matchedBy: 'text',
      },
    });
  });

  it('keeps a search result whose text names no keyword, attributed to the query', () => {
    const r = normaliseItem(
      { url: 'https://berita.example.id/b', title: 'Bandara sepi penumpang', text: '', author: {} },
      search,
      matcher,
      at,
    );
    expect(r).toMatchObject({
      ok: true,
      mention: {
        matchedKeywords: ['majalengka'],
        matchedBy: 'query',
        query: 'Majalengka',
        text: 'Bandara sepi penumpang',
      },
    });
  });

  it('counts a feed item that names no keyword as unmatched, not as an error', () => {
    expect(
      normaliseItem(
        { url: 'https://berita.example.id/c', text: 'Harga cabai di Bandung', author: {} },
        rss,
        matcher,
        at,
      ),
    ).toEqual({ ok: 'unmatched' });
  });

  it('rejects, with a reason, a URL too long to store and an item without any text', () => {
    const long = normaliseItem(
      { url: `https://berita.example.id/${'a'.repeat(3_000)}`, text: 'Majalengka', author: {} },
      rss,
      matcher,
      at,
    );
    expect(long).toMatchObject({ ok: false, reason: expect.stringContaining('url') });
    const empty = normaliseItem(
      { url: 'https://berita.example.id/d', title: '  ', text: ' ', author: {} },
      rss,
      matcher,
      at,
    );
    expect(empty).toEqual({ ok: false, reason: 'item has neither title nor text' });
    const ftp = normaliseItem(
      { url: 'ftp://berita.example.id/e', text: 'Majalengka', author: {} },
      rss,
      matcher,
      at,
    );
    expect(ftp).toMatchObject({ ok: false, reason: expect.stringContaining('bad url') });
  });

  it('keys news items by outlet host and title, and leaves social posts and bare redirects unkeyed', () => {
    const item = {
      url: 'https://news.google.com/rss/articles/CBMi1?oc=5',
      title: 'Jalan Tol Cisumdawu Macet di Majalengka',
      text: '',
      author: {},
      outletDomain: 'www.radarcirebon.example',
    };
    const news = normaliseItem(item, search, matcher, at);
    const expected = storyKey({ outletDomain: 'radarcirebon.example', title: item.title });
    expect(expected).toMatch(/^[0-9a-f]{32}$/);
    expect(news).toMatchObject({ ok: true, storyKey: expected });
    expect(news.ok === true && 'storyKey' in news.mention).toBe(false);
    const social = { id: 'masto-x', kind: 'mastodon' as const, keywords: [] };
    expect(normaliseItem(item, social, matcher, at)).not.toHaveProperty('storyKey');
    const { outletDomain: _none, ...bare } = item;
    expect(normaliseItem(bare, search, matcher, at)).not.toHaveProperty('storyKey');
  });
});
