/**
 * Bytes → text for feeds, with `iconv-lite`.
 *
 * Which declaration wins (same order as the XML spec's Appendix F and RFC 7303 §3.2, which let the
 * transport's charset override the document's own):
 * 1. a byte-order mark (UTF-8, UTF-16LE/BE) — it cannot be there by accident;
 * 2. the `charset` of the HTTP `Content-Type` header;
 * 3. the `encoding` of the XML prolog (`<?xml version="1.0" encoding="windows-1252"?>`);
 * 4. UTF-8 (the XML default).
 * A label iconv-lite does not know is ignored and the next rule applies. `ISO-8859-1`, `latin1` and
 * `US-ASCII` are decoded as windows-1252, as every browser does (WHATWG Encoding): feeds labelled Latin-1
 * routinely contain windows-1252 curly quotes and dashes in 0x80–0x9F.
 *
 * Mislabelled UTF-8: when the chosen charset is UTF-8 but the bytes are not valid UTF-8, the document was
 * saved in a legacy charset (a server default of `charset=utf-8` is the usual culprit). Then the prolog's
 * charset is used if it names a non-UTF-8 one, else windows-1252; `source` says `fallback`.
 */
import iconv from 'iconv-lite';

/** Where the charset used came from. */
export type CharsetSource = 'bom' | 'header' | 'prolog' | 'default' | 'fallback';

/** A decoded body. */
export interface DecodedText {
  /** The text, without a byte-order mark. */
  readonly text: string;
  /** Charset used (iconv-lite name, lower case), e.g. `utf-8`, `windows-1252`. */
  readonly charset: string;
  readonly source: CharsetSource;
}

const LATIN1_ALIASES = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'iso-ir-100',
  'latin1',
  'l1',
  'cp819',
  'ibm819',
  'us-ascii',
  'ascii',
]);

/** Normalise a charset label; undefined when iconv-lite cannot decode it. */
export function normalizeCharset(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (l === '') return undefined;
  if (LATIN1_ALIASES.has(l)) return 'windows-1252';
  if (l === 'utf8' || l === 'utf-8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  return iconv.encodingExists(l) ? l : undefined;
}

/** The `charset` parameter of a `Content-Type` header value, raw (not normalised). */
export function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m?.[2];
}

/** The `encoding` pseudo-attribute of an XML prolog at the start of `bytes`, raw (not normalised). */
export function charsetFromXmlProlog(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    'latin1',
  );
  const m =
    /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z0-9._:-]+)\1/.exec(head);
  return m?.[2];
}

function detectBom(bytes: Uint8Array): { charset: string; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  return undefined;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function decode(bytes: Uint8Array, charset: string): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset, {
    stripBOM: true,
  });
}

/**
 * Decode a feed body following the precedence in this module's header.
 * @param bytes - Raw response body.
 * @param contentType - The `Content-Type` header value, if any.
 */
export function decodeFeedBytes(bytes: Uint8Array, contentType?: string | null): DecodedText {
  const bom = detectBom(bytes);
  if (bom)
    return { text: decode(bytes.subarray(bom.length), bom.charset), charset: bom.charset, source: 'bom' };
  const fromHeader = normalizeCharset(charsetFromContentType(contentType));
  const fromProlog = normalizeCharset(charsetFromXmlProlog(bytes));
  const [charset, source]: [string, CharsetSource] = fromHeader
    ? [fromHeader, 'header']
    : fromProlog
      ? [fromProlog, 'prolog']
      : ['utf-8', 'default'];
  if (charset === 'utf-8' && !isValidUtf8(bytes)) {
    const legacy = fromProlog && fromProlog !== 'utf-8' ? fromProlog : 'windows-1252';
    return { text: decode(bytes, legacy), charset: legacy, source: 'fallback' };
  }
  return { text: decode(bytes, charset), charset, source };
}
