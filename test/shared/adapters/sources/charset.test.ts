import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  charsetFromContentType,
  charsetFromXmlProlog,
  decodeFeedBytes,
  normalizeCharset,
} from '#shared/adapters/sources/charset.ts';

const prolog = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?><rss/>`;

describe('charset labels', () => {
  it('reads the Content-Type charset parameter', () => {
    expect(charsetFromContentType('application/rss+xml; charset="UTF-8"')).toBe('UTF-8');
    expect(charsetFromContentType('text/xml;charset=windows-1252;foo=bar')).toBe('windows-1252');
    expect(charsetFromContentType('text/xml')).toBeUndefined();
    expect(charsetFromContentType(null)).toBeUndefined();
  });

  it('reads the XML prolog encoding', () => {
    expect(charsetFromXmlProlog(Buffer.from(prolog('windows-1252')))).toBe('windows-1252');
    expect(
      charsetFromXmlProlog(Buffer.from("<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?>")),
    ).toBe('ISO-8859-1');
    expect(charsetFromXmlProlog(Buffer.from('<rss/>'))).toBeUndefined();
  });

  it('decodes Latin-1 labels as windows-1252 and ignores unknown labels', () => {
    expect(normalizeCharset('ISO-8859-1')).toBe('windows-1252');
    expect(normalizeCharset('UTF8')).toBe('utf-8');
    expect(normalizeCharset('x-klingon')).toBeUndefined();
  });
});

describe('decodeFeedBytes', () => {
  const text = 'Bupati: “Jalan” – café';

  it('uses the prolog when the header has no charset', () => {
    const bytes = iconv.encode(`${prolog('windows-1252')}${text}`, 'windows-1252');
    expect(decodeFeedBytes(bytes, 'application/rss+xml')).toMatchObject({
      charset: 'windows-1252',
      source: 'prolog',
    });
    expect(decodeFeedBytes(bytes, 'application/rss+xml').text.endsWith(text)).toBe(true);
  });

  it('lets the header win over the prolog', () => {
    const bytes = Buffer.from(`${prolog('ISO-8859-1')}${text}`, 'utf8');
    const decoded = decodeFeedBytes(bytes, 'text/xml; charset=utf-8');
    expect(decoded).toMatchObject({ charset: 'utf-8', source: 'header' });
    expect(decoded.text.endsWith(text)).toBe(true);
  });

  it('lets a BOM win over the header', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${prolog('UTF-8')}${text}`, 'utf8'),
    ]);
    const decoded = decodeFeedBytes(bytes, 'text/xml; charset=windows-1252');
    expect(decoded).toMatchObject({ charset: 'utf-8', source: 'bom' });
    expect(decoded.text.startsWith('<?xml')).toBe(true);
  });

  it('decodes UTF-16 with a BOM', () => {
    const body = `${prolog('UTF-16')}${text}`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
    expect(decodeFeedBytes(bytes, null)).toEqual({ text: body, charset: 'utf-16le', source: 'bom' });
  });

  it('falls back to the prolog when bytes labelled UTF-8 are not UTF-8', () => {
    const bytes = iconv.encode(`${prolog('windows-1252')}${text}`, 'windows-1252');
    const decoded = decodeFeedBytes(bytes, 'text/xml; charset=UTF-8');
    expect(decoded).toMatchObject({ charset: 'windows-1252', source: 'fallback' });
    expect(decoded.text.endsWith(text)).toBe(true);
  });

  it('falls back to windows-1252 for undeclared non-UTF-8 bytes', () => {
    const bytes = iconv.encode(`<rss/>${text}`, 'windows-1252');
    expect(decodeFeedBytes(bytes)).toMatchObject({ charset: 'windows-1252', source: 'fallback' });
  });

  it('defaults to UTF-8', () => {
    expect(decodeFeedBytes(Buffer.from(`<rss/>${text}`, 'utf8'))).toEqual({
      text: `<rss/>${text}`,
      charset: 'utf-8',
      source: 'default',
    });
  });
});
