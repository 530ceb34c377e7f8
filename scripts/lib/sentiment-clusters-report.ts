/**
 * Why word clusters could not move the CV proxy (`docs/model-card.md`, "Fourth attempt"): for each CV
 * fold of `sentiment-cv.ts`, how often a word of a held-out de-duplicated NusaX-Indonesian text occurs in
 * that fold's training text (SmSA train, IndoLEM train0, NusaX rows outside the fold). Clusters are
 * learnt from a part of that text (its NusaX valid rows left out) and only for words seen ≥ 3 times, so a
 * word the labelled data never saw gets no cluster either. With `--file`, also times reading a weight file and indexing its cluster lists.
 * Test splits are never read.
 *
 *   npx tsx scripts/lib/sentiment-clusters-report.ts [--data ../shared/data/sentiment] [--file <weights.json>]
 *
 * A few seconds. Exits 0 with a message when the data folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { clustersFromLists, clusterWords, learnWordClusters } from '#shared/domain/sentiment/clusters.ts';
import {
  DEFAULT_DATA_DIR,
  type LabelledText,
  notNearDuplicated,
  readIndolem,
  readNusax,
  readSmsa,
} from './sentiment-data.ts';
import { DEFAULT_CLUSTER_SEED, loadTrainingData } from './sentiment-pipeline.ts';

/** Words whose clusters `--show-clusters` prints: pairs of opposite polarity and a service word. */
const SHOWN = ['bagus', 'jelek', 'enak', 'mahal', 'murah', 'kecewa', 'puas', 'pelayanan'];

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    file: { type: 'string' },
    'show-clusters': { type: 'string', default: '0' },
  },
});

if (values.file !== undefined) {
  const started = performance.now();
  const raw = JSON.parse(readFileSync(values.file, 'utf8')) as { clusters?: string[] };
  const parsed = performance.now();
  const clusters = raw.clusters === undefined ? undefined : clustersFromLists(raw.clusters);
  const indexed = performance.now();
  console.log('sentiment-clusters-report: load', {
    file: values.file,
    readParseMs: Math.round((parsed - started) * 100) / 100,
    indexClustersMs: Math.round((indexed - parsed) * 100) / 100,
    clusteredWords: clusters?.index.size ?? 0,
    clusterJsonBytes: raw.clusters === undefined ? 0 : JSON.stringify(raw.clusters).length,
  });
}

if (!existsSync(values.data)) {
  console.log(`sentiment-clusters-report: data folder ${values.data} not found; skipped.`);
  process.exit(0);
}
const dir = values.data;
const LANGS = ['indonesian', 'sundanese', 'javanese'] as const;
const FOLDS = 5;
const smsaTrain = readSmsa(dir, 'train');
const smsaValid = readSmsa(dir, 'valid');
const indolem = readIndolem(dir, 'train0');
const pool = Object.fromEntries(
  LANGS.map((l) => [l, [...readNusax(dir, l, 'train'), ...readNusax(dir, l, 'valid')]]),
) as Record<(typeof LANGS)[number], LabelledText[]>;
const keep = notNearDuplicated(pool.indonesian, [...smsaTrain, ...smsaValid]);

/** The fold rule of `sentiment-cv.ts`. */
function foldOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h % FOLDS;
}

const bins = { tokens: 0, unseen: 0, seenOnceOrTwice: 0, seenThreeTimesOrMore: 0 };
const unseen = new Map<string, number>();
for (let f = 0; f < FOLDS; f++) {
  const counts = new Map<string, number>();
  const training = [
    ...smsaTrain,
    ...indolem,
    ...LANGS.flatMap((l) => pool[l].filter((r) => foldOf(r.id) !== f)),
  ];
  for (const r of training) for (const w of clusterWords(r.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const r of pool.indonesian) {
    if (!keep.has(r.id) || foldOf(r.id) !== f) continue;
    for (const w of clusterWords(r.text)) {
      bins.tokens++;
      const c = counts.get(w) ?? 0;
      if (c === 0) {
        bins.unseen++;
        unseen.set(w, (unseen.get(w) ?? 0) + 1);
      } else if (c < 3) bins.seenOnceOrTwice++;
      else bins.seenThreeTimesOrMore++;
    }
  }
}
const share = (n: number) => `${((100 * n) / bins.tokens).toFixed(1)} %`;
console.log('sentiment-clusters-report: words of the de-duplicated out-of-fold NusaX-Indonesian texts', {
  ...bins,
  unseenShare: share(bins.unseen),
  seenOnceOrTwiceShare: share(bins.seenOnceOrTwice),
  seenThreeTimesOrMoreShare: share(bins.seenThreeTimesOrMore),
  unseenWithSuffixNya: [...unseen.keys()].filter((w) => w.endsWith('nya')).length,
  distinctUnseen: unseen.size,
});
console.log('sentiment-clusters-report: unseen words', [...unseen.keys()].sort().join(' '));

const shown = Number(values['show-clusters']);
if (shown > 0) {
  const texts = loadTrainingData(dir).clusterTexts ?? [];
  const clusters = learnWordClusters(texts, { clusters: shown, seed: DEFAULT_CLUSTER_SEED });
  console.log(
    `sentiment-clusters-report: ${shown} clusters from ${texts.length} texts, ${clusters.index.size} words`,
  );
  for (const word of SHOWN) {
    const id = clusters.index.get(word);
    const members = id === undefined ? [] : clusters.lists[id]!.split(' ');
    console.log(`  ${word}: cluster ${id ?? '-'} (${members.length} words) ${members.join(' ')}`);
  }
}
