/**
 * Feed parsing: Pantau's `parseFeed` (fast-xml-parser + validation + text cleaning + date parsing) against
 * the npm peer `rss-parser` (xml2js), on the same generated 100-item RSS document with CDATA, entities and
 * Indonesian dates. Run: `npx tsx bench/feeds.ts` (also part of `npm run bench`).
 */

import RssParser from 'rss-parser';
import { parseFeed } from '#shared/adapters/sources/feed.ts';

function feed(items: number): string {
  const rows = Array.from(
    { length: items },
    (_, i) => `<item><title><![CDATA[Jalan rusak di Majalengka &amp; Jatiwangi, warga protes ${i}]]></title>
<link>https://radarcirebon.example/berita/${i}?utm_source=rss</link><guid>https://radarcirebon.example/berita/${i}</guid>
<pubDate>Senin, 30 Nov 2026 ${String(i % 24).padStart(2, '0')}:15:00 WIB</pubDate>
<description><![CDATA[<p>Warga <b>Kecamatan Jatiwangi</b> mengeluhkan jalan berlubang yang belum diperbaiki &mdash; sudah ${i} bulan.</p>]]></description></item>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Radar</title><link>https://radarcirebon.example/</link><language>id</language>\n${rows}\n</channel></rss>`;
}

async function time(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

export async function main(): Promise<Record<string, number>> {
  const xml = feed(100);
  const peer = new RssParser();
  const ours = await time(30, () =>
    parseFeed(xml, { sourceId: 'bench', nowMs: Date.parse('2026-12-01T00:00:00Z') }),
  );
  const theirs = await time(30, () => peer.parseString(xml));
  const oursItems = parseFeed(xml, { sourceId: 'bench', nowMs: Date.parse('2026-12-01T00:00:00Z') });
  const peerItems = await peer.parseString(xml);
  const datedOurs = oursItems.items.filter((i) => i.publishedAt).length;
  const datedPeer = peerItems.items.filter((i) => i.isoDate).length;
  console.log(`feed parse, 100 items (${(xml.length / 1024).toFixed(0)} KiB), median of 30:`);
  console.log(
    `  pantau parseFeed: ${ours.toFixed(2)} ms, ${datedOurs}/100 items dated (WIB + Indonesian day names)`,
  );
  console.log(`  rss-parser 3.13:  ${theirs.toFixed(2)} ms, ${datedPeer}/100 items dated`);
  return { feedParseMs: ours, peerFeedParseMs: theirs, datedOurs, datedPeer };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
