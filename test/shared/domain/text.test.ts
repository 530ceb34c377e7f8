import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '#shared/domain/mention.ts';
import {
  cleanText,
  decodeEntitiesOnce,
  htmlToText,
  normalizeText,
  stripTags,
  truncateText,
} from '#shared/domain/text.ts';

describe('HTML to text', () => {
  it('strips tags and decodes entities once', () => {
    expect(cleanText('<p>Jalan &amp; jembatan</p>', { html: true })).toBe('Jalan & jembatan');
  });

  it('leaves a double-encoded entity encoded once', () => {
    expect(cleanText('Harga &amp;amp; stok', { html: true })).toBe('Harga &amp; stok');
    expect(decodeEntitiesOnce('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
  });

  it('keeps markup the publisher escaped as text', () => {
    expect(htmlToText('&lt;b&gt;tebal&lt;/b&gt;')).toBe('<b>tebal</b>');
  });

  it('drops script, style and comments with their content, leaving a word break', () => {
    expect(htmlToText('a<script>var x = "<p>";</script>b<style>p{}</style>c<!-- <p>komentar</p> -->d')).toBe(
      'a b c d',
    );
  });

  it('separates block elements but joins inline ones', () => {
    expect(htmlToText('<p>satu</p><p>dua</p><br/>tiga<li>empat</li>')).toBe('satu dua tiga empat');
    expect(htmlToText('Maja<b>lengka</b>')).toBe('Majalengka');
  });

  it('handles quoted > in attributes and keeps a bare < as text', () => {
    expect(htmlToText('<a title="a > b" href="x">tautan</a>')).toBe('tautan');
    expect(htmlToText('harga < 5 juta')).toBe('harga < 5 juta');
  });

  it('removes CDATA markers left inside HTML', () => {
    expect(stripTags('<![CDATA[isi]]>')).toBe('isi');
  });

  it('decodes numeric, hex and named references', () => {
    expect(htmlToText('&#8220;Kertajati&#x201D; &copy; &nbsp;2026')).toBe('“Kertajati” © 2026');
  });
});

describe('normalizeText', () => {
  it('does not decode entities in plain text', () => {
    expect(cleanText('a &amp; b')).toBe('a &amp; b');
  });

  it('NFC-normalises', () => {
    const decomposed = 'Cafe\u0301';
    expect(normalizeText(decomposed)).toBe('Caf\u00e9');
    expect(normalizeText(decomposed)).toHaveLength(4);
  });

  it('collapses all white space, including NBSP and line separators', () => {
    expect(normalizeText('  satu\t\tdua\n\ntiga\u00a0empat\u2028lima\u3000enam  ')).toBe(
      'satu dua tiga empat lima enam',
    );
  });

  it('removes control and invisible characters', () => {
    expect(normalizeText('a\u0000b\u0007c\u200Bd\u00ADe\u0085f\uFEFFg')).toBe('abcdefg');
  });

  it('keeps zero-width joiners inside emoji sequences', () => {
    const family = '👨\u200D👩\u200D👧';
    expect(normalizeText(family)).toBe(family);
  });

  it('removes lone surrogates but keeps pairs', () => {
    expect(normalizeText('a\uD800b\uDC00c😀')).toBe('abc😀');
  });

  it('returns empty for null-ish input', () => {
    expect(cleanText(undefined)).toBe('');
    expect(cleanText(null, { html: true })).toBe('');
  });
});

describe('length cap', () => {
  it('caps at MAX_TEXT_LENGTH by default', () => {
    expect(cleanText('x'.repeat(MAX_TEXT_LENGTH + 50))).toHaveLength(MAX_TEXT_LENGTH);
  });

  it('does not split a surrogate pair at the boundary', () => {
    const text = `${'a'.repeat(MAX_TEXT_LENGTH - 1)}😀`;
    const capped = cleanText(text);
    expect(capped).toBe('a'.repeat(MAX_TEXT_LENGTH - 1));
    expect(capped.isWellFormed()).toBe(true);
  });

  it('keeps a pair that fits exactly', () => {
    expect(truncateText('ab😀c', 4)).toBe('ab😀');
    expect(truncateText('ab😀c', 3)).toBe('ab');
  });

  it('honours a custom cap and rejects a negative one', () => {
    expect(cleanText('<b>satu dua tiga</b>', { html: true, maxLength: 8 })).toBe('satu dua');
    expect(() => truncateText('x', -1)).toThrow(RangeError);
  });
});
