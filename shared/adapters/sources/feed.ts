/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 → {@link SourceItem}s, parsed with `fast-xml-parser`.
 *
 * Entity layers: XML text nodes are decoded once by us (the parser's own entity processing is off, so a
 * DOCTYPE cannot expand entities and numeric references are handled correctly); CDATA is taken verbatim.
 * Fields that carry HTML (RSS `description`, `content:encoded`, Atom `type="html"`, and anything wrapped
 * in CDATA) then get tags stripped and entities decoded once more, because that is a second encoding
 * layer. Plain-text fields (an RSS `title` outside CDATA, Atom `type="text"`) are not decoded again, so a
 * double-encoded `&amp;amp;` title reads `&amp;`. See `docs/sources.md` ("Feeds").
 *
 * A malformed document throws {@link FeedParseError}; one unusable item (no http(s) link, no text) becomes
 * a `rejected` entry and the rest are kept.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { resolvePublishedAt } from '#shared/domain/dates.ts';
import type { Author } from '#shared/domain/mention.ts';
import { decodeXmlText, htmlToText, normalizeText } from '#shared/domain/text.ts';
import { parseHttpUrl } from '#shared/domain/url.ts';
import type { SourceFetchResult, SourceItem } from '#shared/ports/mention-source.ts';
import { FeedParseError } from './errors.ts';

/** Longest title kept, in UTF-16 code units (the `Mention.title` limit). */
export const MAX_TITLE_LENGTH = 2_000;
/** Most items read from one document; a feed with more is truncated (newest usually come first). */
export const DEFAULT_MAX_ITEMS = 500;

/** One rejected item, as in {@link SourceFetchResult.rejected}. */
export type Rejection = SourceFetchResult['rejected'][number];

/** An item from a feed, with the RSS `<source>` element (Google News puts the outlet there). */
export interface FeedEntry extends SourceItem {
  /** RSS `<source url="…">Name</source>`. */
  readonly feedSource?: { readonly name?: string; readonly url?: string };
}

/** What {@link parseFeed} returns. */
export interface ParsedFeed {
  readonly format: 'rss' | 'rdf' | 'atom';
  readonly title?: string;
  /** The feed's language (ISO 639-1), from `<language>` or `xml:lang`, if any. */
  readonly lang?: string;
  readonly items: readonly FeedEntry[];
  readonly rejected: readonly Rejection[];
  /** How many items had no usable date (missing, unparseable or too far in the future), by reason. */
  readonly dateIssues: Readonly<Record<'missing' | 'unparseable' | 'future', number>>;
}

/** Options for {@link parseFeed}. */
export interface ParseFeedOptions {
  /** Source id, named in errors. */
  readonly sourceId: string;
  /** The URL the document came from; resolves relative links. */
  readonly feedUrl?: string;
  /** Fetch time in epoch ms (future-date check). */
  readonly nowMs: number;
  /** Zone assumed for dates without one. @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /** Language when neither item nor feed declares one (ISO 639-1). */
  readonly defaultLang?: string;
  /** @default DEFAULT_MAX_ITEMS */
  readonly maxItems?: number;
}

const ARRAY_TAGS = new Set(['item', 'entry', 'link', 'category', 'author', 'dc:creator', 'atom:link']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  textNodeName: '#text',
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

type XmlNode = string | XmlObject | XmlNode[];
interface XmlObject {
  [key: string]: XmlNode | undefined;
}

/** A text field after the XML layer: entities in text nodes decoded, CDATA verbatim. */
interface XmlText {
  readonly value: string;
  readonly hadCdata: boolean;
  /** Atom text-construct `type` (`text`, `html`, `xhtml`), when present. */
  readonly type?: string;
}

/** Ampersands that start no reference (`AT&T`, `?a=1&b=2`): escaped before validation, a common feed bug. */
const STRAY_AMPERSAND = /&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)/g;

const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;

/** Escape stray `&` outside CDATA sections (inside them `&` is legal and must stay verbatim). */
function escapeStrayAmpersands(xml: string): string {
  let out = '';
  let last = 0;
  for (const m of xml.matchAll(CDATA_SECTION)) {
    out += xml.slice(last, m.index).replace(STRAY_AMPERSAND, '&amp;') + m[0];
    last = m.index + m[0].length;
  }
  return out + xml.slice(last).replace(STRAY_AMPERSAND, '&amp;');
}

/** The first of `nodes` whose text is not blank, as raw text (XML layer applied). */
function firstText(...nodes: (XmlNode | undefined)[]): string | undefined {
  for (const node of nodes) {
    const value = readText(node)?.value.trim();
    if (value) return value;
  }
  return undefined;
}

function isObject(node: XmlNode | undefined): node is XmlObject {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function first(node: XmlNode | undefined): XmlNode | undefined {
  return Array.isArray(node) ? node[0] : node;
}

function all(node: XmlNode | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
  const n = first(node);
  if (!isObject(n)) return undefined;
  const v = n[`@_${name}`];
  return typeof v === 'string' ? decodeXmlText(v) : undefined;
}

/** Text of a node and (for xhtml content) its descendants, XML layer applied. */
function collectText(node: XmlNode | undefined, parts: string[], cdata: { seen: boolean }): void {
  if (node === undefined) return;
  if (typeof node === 'string') {
    parts.push(decodeXmlText(node));
    return;
  }
  if (Array.isArray(node)) {
    for (const n of node) collectText(n, parts, cdata);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || value === undefined) continue;
    if (key === '#cdata') {
      cdata.seen = true;
      for (const c of all(value)) if (typeof c === 'string') parts.push(c);
    } else if (key === '#text') {
      for (const t of all(value)) if (typeof t === 'string') parts.push(decodeXmlText(t));
    } else {
      collectText(value, parts, cdata);
      parts.push(' ');
    }
  }
}

function readText(node: XmlNode | undefined): XmlText | undefined {
  const n = first(node);
  if (n === undefined) return undefined;
  const parts: string[] = [];
  const cdata = { seen: false };
  collectText(n, parts, cdata);
  const type = attr(n, 'type')?.toLowerCase();
  return { value: parts.join(''), hadCdata: cdata.seen, ...(type ? { type } : {}) };
}

/** A field that should be plain text; CDATA or Atom `type="html"` means it holds HTML after all. */
function plainField(node: XmlNode | undefined, maxLength?: number): string {
  const t = readText(node);
  if (!t) return '';
  const isHtml = t.hadCdata || t.type === 'html' || t.type === 'text/html';
  return isHtml ? htmlToText(t.value, maxLength) : normalizeText(t.value, maxLength);
}

/** A field that holds HTML (RSS description, content:encoded); Atom `type="text"`/xhtml text is plain. */
function htmlField(node: XmlNode | undefined): string {
  const t = readText(node);
  if (!t) return '';
  const isPlain = !t.hadCdata && (t.type === 'text' || t.type === 'xhtml' || t.type === 'text/plain');
  return isPlain ? normalizeText(t.value) : htmlToText(t.value);
}

/** ISO 639-1 primary subtag of a language tag (`id-ID` → `id`), or undefined when it is not one. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** RSS `author` is an e-mail (`redaksi@x.id (Redaksi)`): keep the display name only, never the address. */
function authorName(raw: string): string | undefined {
  const inParens = /\(([^)]+)\)\s*$/.exec(raw);
  if (inParens?.[1]) return normalizeText(inParens[1], 500) || undefined;
  if (raw.includes('@')) return undefined;
  return normalizeText(raw, 500) || undefined;
}

function resolveLink(raw: string | undefined, base: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return parseHttpUrl(raw, base).href;
  } catch {
    return undefined;
  }
}

function atomLink(links: XmlNode | undefined): string | undefined {
  const candidates = all(links).filter(isObject);
  const rel = (l: XmlObject) => attr(l, 'rel') ?? 'alternate';
  const alternate =
    candidates.find((l) => rel(l) === 'alternate' && (attr(l, 'type') ?? 'text/html') === 'text/html') ??
    candidates.find((l) => rel(l) === 'alternate');
  return alternate ? attr(alternate, 'href') : undefined;
}

function rssLink(item: XmlObject): string | undefined {
  const orig = firstText(item['feedburner:origLink']);
  if (orig) return orig;
  for (const l of all(item['link'])) {
    if (typeof l === 'string' && l.trim() !== '') return decodeXmlText(l).trim();
    if (isObject(l)) {
      const text = readText(l)?.value.trim();
      if (text) return text;
      const href = attr(l, 'href');
      if (href) return href;
    }
  }
  const guid = first(item['guid']);
  if (guid !== undefined && attr(guid, 'isPermaLink')?.toLowerCase() !== 'false') {
    const g = readText(guid)?.value.trim();
    if (g && /^https?:\/\//i.test(g)) return g;
  }
  return atomLink(item['atom:link']);
}

const PLACEHOLDER_IDS = new Set(['', '0', '-', '#', 'null', 'undefined', 'none', 'n/a']);

interface RawEntry {
  readonly index: number;
  readonly guid?: string;
  readonly link?: string;
  readonly rawLink?: string;
  readonly title: string;
  readonly text: string;
  readonly date?: string;
  readonly author?: string;
  readonly lang?: string;
  readonly feedSource?: { name?: string; url?: string };
}

function rssEntry(item: XmlObject, index: number, base: string | undefined): RawEntry {
  const rawLink = rssLink(item);
  const link = resolveLink(rawLink, base);
  const description = htmlField(item['description']);
  const text = description || htmlField(item['content:encoded']);
  const creators = all(item['dc:creator'])
    .map((c) => plainField(c, 500))
    .filter((c) => c !== '');
  const author = creators[0] ?? authorName(plainField(item['author'], 500));
  const date = firstText(
    item['pubDate'],
    item['dc:date'],
    item['published'],
    item['atom:updated'],
    item['updated'],
  );
  const sourceNode = first(item['source']);
  const sourceName = sourceNode === undefined ? undefined : plainField(sourceNode, 200);
  const sourceUrl = attr(sourceNode, 'url');
  const guid = firstText(item['guid']);
  const lang = primaryLanguage(firstText(item['dc:language']));
  return {
    index,
    title: plainField(item['title'], MAX_TITLE_LENGTH),
    text,
    ...(guid !== undefined ? { guid } : {}),
    ...(rawLink !== undefined ? { rawLink } : {}),
    ...(link !== undefined ? { link } : {}),
    ...(date !== undefined ? { date } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(lang !== undefined ? { lang } : {}),
    ...(sourceName || sourceUrl
      ? {
          feedSource: {
            ...(sourceName ? { name: sourceName } : {}),
            ...(sourceUrl ? { url: sourceUrl } : {}),
          },
        }
      : {}),
  };
}

function atomEntry(entry: XmlObject, index: number, base: string | undefined): RawEntry {
  const rawLink = atomLink(entry['link']);
  const link = resolveLink(rawLink, attr(entry, 'xml:base') ?? base);
  const text = htmlField(entry['summary']) || htmlField(entry['content']);
  const authorNode = first(entry['author']);
  const author = isObject(authorNode) ? plainField(authorNode['name'], 500) || undefined : undefined;
  const date = firstText(entry['published'], entry['updated'], entry['dc:date']);
  const guid = firstText(entry['id']);
  const lang = primaryLanguage(attr(entry, 'xml:lang'));
  return {
    index,
    title: plainField(entry['title'], MAX_TITLE_LENGTH),
    text,
    ...(guid !== undefined ? { guid } : {}),
    ...(rawLink !== undefined ? { rawLink } : {}),
    ...(link !== undefined ? { link } : {}),
    ...(date !== undefined ? { date } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(lang !== undefined ? { lang } : {}),
  };
}

function describe(entry: RawEntry): string {
  const title = entry.title ? ` title ${JSON.stringify(entry.title.slice(0, 80))}` : '';
  const link = entry.rawLink ? ` link ${JSON.stringify(entry.rawLink.slice(0, 200))}` : '';
  return `item ${entry.index + 1}:${title}${link}`;
}

/**
 * Parse a feed document (already decoded to text, see `decodeFeedBytes`).
 * @returns Items with clean text, resolved absolute links and UTC dates; rejected items with reasons
 *   (`no-link`: no http(s) link; `no-text`: neither title nor description).
 * @throws {FeedParseError} when the XML is malformed or the root is not `rss`, `rdf:RDF` or `feed`.
 */
export function parseFeed(xml: string, options: ParseFeedOptions): ParsedFeed {
  const { sourceId, feedUrl, nowMs } = options;
  const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  const source = escapeStrayAmpersands(xml.replace(/^\uFEFF/, ''));
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    throw new FeedParseError(sourceId, `malformed XML: ${valid.err.msg}`, valid.err.line);
  }
  let doc: XmlObject;
  try {
    doc = parser.parse(source) as XmlObject;
  } catch (cause) {
    throw new FeedParseError(sourceId, 'malformed XML', undefined, { cause });
  }

  let format: ParsedFeed['format'];
  let channel: XmlObject | undefined;
  let rawItems: XmlNode[];
  let root: XmlObject | undefined;
  if (isObject(doc['rss'])) {
    format = 'rss';
    root = doc['rss'];
    const c = first(root['channel']);
    channel = isObject(c) ? c : undefined;
    rawItems = all(channel?.['item']);
  } else if (isObject(doc['rdf:RDF'])) {
    format = 'rdf';
    root = doc['rdf:RDF'];
    const c = first(root['channel']);
    channel = isObject(c) ? c : undefined;
    rawItems = all(root['item']);
  } else if (isObject(doc['feed'])) {
    format = 'atom';
    root = doc['feed'];
    channel = root;
    rawItems = all(root['entry']);
  } else {
    const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#')) ?? '(none)';
    throw new FeedParseError(sourceId, `not an RSS or Atom document (root element <${rootName}>)`);
  }

  const title = channel ? plainField(channel['title'], MAX_TITLE_LENGTH) || undefined : undefined;
  const feedLang =
    primaryLanguage(firstText(channel?.['language'])) ??
    primaryLanguage(firstText(channel?.['dc:language'])) ??
    primaryLanguage(attr(root, 'xml:lang'));
  const channelLink = format === 'atom' ? atomLink(channel?.['link']) : firstText(channel?.['link']);
  const base = resolveLink(channelLink, feedUrl) ?? feedUrl;
  const lang = feedLang ?? primaryLanguage(options.defaultLang);

  const rejected: Rejection[] = [];
  const entries: RawEntry[] = [];
  rawItems.slice(0, maxItems).forEach((node, index) => {
    if (!isObject(node)) {
      rejected.push({ reason: 'not-an-item', detail: `item ${index + 1}: empty or text-only element` });
      return;
    }
    entries.push(format === 'atom' ? atomEntry(node, index, base) : rssEntry(node, index, base));
  });
  if (rawItems.length > maxItems) {
    rejected.push({
      reason: 'too-many-items',
      detail: `${rawItems.length - maxItems} items beyond ${maxItems} skipped`,
    });
  }

  // GUIDs repeated within one document are placeholders, not identities.
  const guidCounts = new Map<string, number>();
  for (const e of entries)
    if (e.guid !== undefined) guidCounts.set(e.guid, (guidCounts.get(e.guid) ?? 0) + 1);

  const dateIssues = { missing: 0, unparseable: 0, future: 0 };
  const items: FeedEntry[] = [];
  for (const e of entries) {
    if (e.link === undefined) {
      rejected.push({ reason: 'no-link', detail: describe(e) });
      continue;
    }
    if (e.title === '' && e.text === '') {
      rejected.push({ reason: 'no-text', detail: describe(e) });
      continue;
    }
    const date = resolvePublishedAt(e.date, {
      nowMs,
      ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
    });
    if (date.issue) dateIssues[date.issue] += 1;
    const guid = e.guid;
    const usableGuid =
      guid !== undefined && !PLACEHOLDER_IDS.has(guid.toLowerCase()) && guidCounts.get(guid) === 1
        ? guid
        : undefined;
    const author: Author = e.author ? { name: e.author } : {};
    const itemLang = e.lang ?? lang;
    items.push({
      url: e.link,
      text: e.text,
      author,
      ...(e.title ? { title: e.title } : {}),
      ...(usableGuid !== undefined ? { sourceItemId: usableGuid.slice(0, 500) } : {}),
      ...(date.publishedAt !== undefined
        ? { publishedAt: date.publishedAt, publishedAtEstimated: date.publishedAtEstimated ?? false }
        : {}),
      ...(itemLang !== undefined ? { lang: itemLang } : {}),
      ...(e.feedSource ? { feedSource: e.feedSource } : {}),
    });
  }
  return {
    format,
    ...(title !== undefined ? { title } : {}),
    ...(feedLang !== undefined ? { lang: feedLang } : {}),
    items,
    rejected,
    dateIssues,
  };
}

/** Drop the feed-only fields of a {@link FeedEntry}, leaving a plain {@link SourceItem}. */
export function toSourceItem(entry: FeedEntry): SourceItem {
  const { feedSource: _ignored, ...item } = entry;
  return item;
}
