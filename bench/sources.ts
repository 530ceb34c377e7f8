/**
 * Rough speed figures for the collect-side hot paths, quoted in `docs/sources.md`.
 * Not a test (timings do not belong in unit tests): run `npx tsx bench/sources.ts`.
 * Uses `config/majalengka.json` and, when present, the real replay file's titles as text material.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseFeed } from '#shared/adapters/sources/feed.ts';
import { parseReplayLines } from '#shared/adapters/sources/replay.ts';
import { parseRegencyConfig } from '#shared/domain/config.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import { createTopicMatcher } from '#shared/domain/topics.ts';

const REAL = '../shared/data/replay/majalengka-real/mentions.jsonl';
const config = parseRegencyConfig(JSON.parse(readFileSync('config/majalengka.json', 'utf8')));
const realText = existsSync(REAL) ? readFileSync(REAL, 'utf8') : undefined;
if (!realText) console.warn(`${REAL} not found: using synthetic titles and skipping the replay figure`);
const titles = realText
  ? realText
      .trim()
      .split('\n')
      .map((l) => String(JSON.parse(l).title))
  : ['Bupati Majalengka resmikan jalan', 'Bandara Kertajati ramai', 'Banjir di Jatiwangi'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
function time(runs: number, fn: () => void): number {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const start = performance.now();
const keywords = createKeywordMatcher(config.keywords);
const topics = createTopicMatcher(config.topics);
console.log(`compile keywords + topics: ${(performance.now() - start).toFixed(2)} ms`);

// 10,000 texts of ~1,000 characters (a news excerpt), built from real titles.
const texts = Array.from({ length: 10_000 }, (_, i) => {
  let s = '';
  for (let j = 0; s.length < 1_000; j++) s += `${titles[(i * 7 + j) % titles.length]}. `;
  return s;
});
const chars = texts.reduce((a, t) => a + t.length, 0);
let sink = 0;
for (const [name, m] of [
  ['keywords', keywords],
  ['topics', topics],
] as const) {
  const ms = time(5, () => {
    for (const t of texts) sink += m.match(t).length;
  });
  console.log(
    `${name}: ${texts.length} texts / ${(chars / 1e6).toFixed(1)} M chars in ${ms.toFixed(0)} ms (median of 5) → ` +
      `${((ms * 1_000) / texts.length).toFixed(1)} µs per text, ${(chars / 1e6 / (ms / 1_000)).toFixed(1)} M chars/s`,
  );
}

const item = (n: number) =>
  `<item><title>Berita ${n} Majalengka &amp; Kertajati</title><link>https://x.example/${n}?utm_source=rss</link>` +
  `<guid isPermaLink="false">g${n}</guid><pubDate>Senin, 30 Nov 2026 14:05 WIB</pubDate>` +
  `<description><![CDATA[<p>${'Warga mengeluhkan jalan rusak. '.repeat(20)}</p>]]></description></item>`;
const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title><link>https://x.example/</link>${Array.from({ length: 100 }, (_, n) => item(n)).join('')}</channel></rss>`;
const nowMs = Date.parse('2026-12-01T00:00:00Z');
const feedMs = time(20, () => {
  sink += parseFeed(xml, { sourceId: 'bench', nowMs }).items.length;
});
console.log(
  `parseFeed: 100-item RSS 2.0 (${(xml.length / 1024).toFixed(0)} KiB) in ${feedMs.toFixed(1)} ms (median of 20)`,
);

if (realText) {
  const perKeyword: Record<string, number> = {};
  for (const t of titles) for (const id of keywords.match(t)) perKeyword[id] = (perKeyword[id] ?? 0) + 1;
  const substring = titles.filter((t) => /majalengka/i.test(t)).length;
  console.log(
    `real titles matched per keyword: ${JSON.stringify(perKeyword)}; titles containing "majalengka" as a substring: ${substring}`,
  );

  const replayMs = time(20, () => {
    sink += parseReplayLines(realText).items.length;
  });
  console.log(`parseReplayLines: real file (110 lines) in ${replayMs.toFixed(2)} ms (median of 20)`);
}
console.log(`(checksum ${sink})`);
