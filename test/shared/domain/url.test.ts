import { describe, expect, it } from 'vitest';
import { mentionId } from '#shared/domain/mention.ts';
import { canonicalUrl, InvalidUrlError, isHttpUrl, siteOf } from '#shared/domain/url.ts';

describe('canonicalUrl', () => {
  it.each([
    ['HTTPS://Example.COM:443/Berita?utm_source=x&id=7#top', 'https://example.com/Berita?id=7'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com', 'https://example.com/'],
    ['https://example.com./a', 'https://example.com/a'],
    ['https://user:secret@example.com/a', 'https://example.com/a'],
    ['https://example.com/a?b=2&a=1&c=3', 'https://example.com/a?a=1&b=2&c=3'],
    ['https://example.com/a?b=2&a=2&a=1', 'https://example.com/a?a=2&a=1&b=2'],
    ['https://example.com/a?q=a%20b&p=x+y', 'https://example.com/a?p=x+y&q=a%20b'],
    [
      'https://example.com/a?UTM_Source=x&utm_campaign=y&fbclid=z&gclid=1&mc_cid=2&mc_eid=3&ref=home',
      'https://example.com/a',
    ],
    ['https://example.com/a?amp=1&id=5', 'https://example.com/a?id=5'],
    ['https://example.com/a?&&id=5&', 'https://example.com/a?id=5'],
    ['https://news.google.com/rss/articles/CBMi?oc=5', 'https://news.google.com/rss/articles/CBMi'],
    ['https://example.com/a?oc=5', 'https://example.com/a?oc=5'],
    ['https://example.com/a/../b/./c', 'https://example.com/b/c'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const u of [
      'HTTPS://Example.COM:443/x?b=%C3%A9&a=1#f',
      'https://example.com/a?q=a%20b&p=x+y&ceid=ID:id',
    ]) {
      expect(canonicalUrl(canonicalUrl(u))).toBe(canonicalUrl(u));
    }
  });

  it('resolves relative URLs against a base', () => {
    expect(canonicalUrl('/berita/1?utm_medium=rss', 'https://radar.example/rss')).toBe(
      'https://radar.example/berita/1',
    );
  });

  it('gives the same mentionId to tracking variants of one article', () => {
    const a = canonicalUrl('https://radar.example/berita/2001?utm_source=rss&utm_medium=feed');
    const b = canonicalUrl('HTTPS://Radar.Example:443/berita/2001?fbclid=IwAR0#komentar');
    expect(a).toBe(b);
    expect(mentionId(a)).toBe(mentionId(b));
  });

  it.each([['ftp://example.com/a'], ['javascript:alert(1)'], ['mailto:a@b.id'], ['not a url'], ['']])(
    'throws InvalidUrlError for %s',
    (input) => {
      expect(() => canonicalUrl(input)).toThrow(InvalidUrlError);
      expect(isHttpUrl(input)).toBe(false);
    },
  );
});

describe('siteOf', () => {
  it('drops www. and keeps subdomains', () => {
    expect(siteOf('https://www.Pikiran-Rakyat.com/a')).toBe('pikiran-rakyat.com');
    expect(siteOf('https://cirebon.tribunnews.com/rss')).toBe('cirebon.tribunnews.com');
  });
});
