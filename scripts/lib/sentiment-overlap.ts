/**
 * Overlap between the IndoLEM (minangNLP fold 0) splits, and between NusaTranslation-Sundanese and
 * IndoLEM. NusaTranslation is a Sundanese translation of the IndoLEM sentiment corpus, and its ids
 * (`indolem-test-355`) refer to IndoLEM's own split, not to minangNLP's re-split folds, so a
 * NusaTranslation row is matched to its IndoLEM source by text: a shared URL when it has one, else
 * the most similar IndoLEM text by character-trigram cosine (translations keep names, numbers,
 * hashtags and many Indonesian loanwords).
 *
 *   npx tsx scripts/lib/sentiment-overlap.ts [--data ../shared/data/sentiment]
 *
 * Prints counts only; about 4 minutes (the trigram matching). Exits 0 with a message when the data folder is absent.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_DATA_DIR,
  type LabelledText,
  notNearDuplicated,
  readIndolem,
  readNusaTranslationSun,
  urlsOf,
} from './sentiment-data.ts';

/** Text with URLs removed, lower case, whitespace collapsed: the key for exact-duplicate checks. */
export function textKey(text: string): string {
  return text
    .replace(/https?:\/\/\S+/gi, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function trigrams(text: string): Map<string, number> {
  const s = ` ${textKey(text)} `;
  const out = new Map<string, number>();
  for (let i = 0; i + 3 <= s.length; i++) {
    const g = s.slice(i, i + 3);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** A character-trigram index over reference texts, for best-match look-ups by cosine. */
export class TrigramIndex {
  private readonly vectors: Map<string, number>[];
  private readonly norms: number[];
  private readonly postings = new Map<string, number[]>();

  constructor(texts: readonly string[]) {
    this.vectors = texts.map(trigrams);
    this.norms = this.vectors.map((v) => Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)));
    this.vectors.forEach((v, i) => {
      for (const g of v.keys()) {
        const list = this.postings.get(g);
        if (list) list.push(i);
        else this.postings.set(g, [i]);
      }
    });
  }

  /** The two best references for `text`: [index, cosine] pairs, best first. */
  best(text: string): [number, number][] {
    const v = trigrams(text);
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0));
    const dot = new Map<number, number>();
    for (const [g, x] of v) {
      const list = this.postings.get(g) ?? [];
      // Trigrams in over a fifth of the texts barely separate them and dominate the cost.
      if (list.length > this.vectors.length / 5) continue;
      for (const i of list) dot.set(i, (dot.get(i) ?? 0) + x * this.vectors[i]!.get(g)!);
    }
    const scored = [...dot].map(([i, d]): [number, number] => [i, d / (norm * this.norms[i]! || 1)]);
    scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return scored.slice(0, 2);
  }
}

/**
 * Which NusaTranslation rows come from a given set of IndoLEM texts. A row is matched when it shares
 * a URL with one of them, or when its best trigram match over all IndoLEM texts is one of them.
 *
 * @returns The ids of the matched NusaTranslation rows, and how each was matched.
 */
export function nusaTranslationMatches(
  nusa: readonly LabelledText[],
  indolemAll: readonly LabelledText[],
  target: ReadonlySet<string>,
  index: TrigramIndex = new TrigramIndex(indolemAll.map((r) => r.text)),
): { ids: Set<string>; byUrl: number; byText: number } {
  const urlOwner = new Map<string, string[]>();
  for (const r of indolemAll)
    for (const u of urlsOf(r.text)) urlOwner.set(u, [...(urlOwner.get(u) ?? []), r.id]);
  const ids = new Set<string>();
  let byUrl = 0;
  let byText = 0;
  for (const row of nusa) {
    const owners = urlsOf(row.text).flatMap((u) => urlOwner.get(u) ?? []);
    if (owners.some((id) => target.has(id))) {
      ids.add(row.id);
      byUrl++;
      continue;
    }
    const [top] = index.best(row.text);
    if (top && target.has(indolemAll[top[0]]!.id)) {
      ids.add(row.id);
      byText++;
    }
  }
  return { ids, byUrl, byText };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({ options: { data: { type: 'string', default: DEFAULT_DATA_DIR } } });
  if (!existsSync(values.data)) {
    console.log(`sentiment-overlap: data folder ${values.data} not found; skipped.`);
    process.exit(0);
  }
  const train0 = readIndolem(values.data, 'train0');
  const dev0 = readIndolem(values.data, 'dev0');
  const test0 = readIndolem(values.data, 'test0');
  const trainKeys = new Set(train0.map((r) => textKey(r.text)));
  const trainUrls = new Set(train0.flatMap((r) => urlsOf(r.text)));
  for (const [name, rows] of [
    ['dev0', dev0],
    ['test0', test0],
  ] as const) {
    const exact = rows.filter((r) => trainKeys.has(textKey(r.text))).length;
    const url = rows.filter((r) => urlsOf(r.text).some((u) => trainUrls.has(u))).length;
    const near = rows.length - notNearDuplicated(rows, train0).size;
    console.log(
      `IndoLEM ${name} (${rows.length}) vs train0: same text ${exact}, shared URL ${url}, token Jaccard ≥ 0.7 ${near}`,
    );
  }
  const devTest = test0.filter((r) => new Set(dev0.map((d) => textKey(d.text))).has(textKey(r.text))).length;
  console.log(`IndoLEM test0 vs dev0: same text ${devTest}`);

  const all = [...train0, ...dev0, ...test0];
  const index = new TrigramIndex(all.map((r) => r.text));
  for (const split of ['train', 'valid', 'test'] as const) {
    const nusa = readNusaTranslationSun(values.data, split);
    // Matcher check: rows whose URL pins the source, matched again with URLs stripped.
    const urlOwner = new Map(all.flatMap((r) => urlsOf(r.text).map((u) => [u, r.id] as const)));
    let pinned = 0;
    let agree = 0;
    let sameLabel = 0;
    for (const row of nusa) {
      const owner = urlsOf(row.text)
        .map((u) => urlOwner.get(u))
        .find(Boolean);
      const [top] = index.best(row.text.replace(/https?:\/\/\S+/gi, ' '));
      if (top && all[top[0]]!.label === row.label) sameLabel++;
      if (!owner) continue;
      pinned++;
      if (top && all[top[0]]!.id === owner) agree++;
    }
    const inTest = nusaTranslationMatches(nusa, all, new Set(test0.map((r) => r.id)), index);
    const inDev = nusaTranslationMatches(nusa, all, new Set(dev0.map((r) => r.id)), index);
    console.log(
      `NusaTranslation-sun ${split} (${nusa.length}): from IndoLEM test0 ${inTest.ids.size} (${inTest.byUrl} by URL, ${inTest.byText} by text), from dev0 ${inDev.ids.size} (${inDev.byUrl} by URL, ${inDev.byText} by text); matcher check: ${agree}/${pinned} URL-pinned rows matched to the same source with URLs removed; best match has the same label for ${sameLabel}/${nusa.length}`,
    );
  }
}
