/**
 * The fourteenth attempt's measurement (issue 3; `docs/model-card.md`, "Fourteenth attempt"): the thirteenth
 * attempt's candidate (2026.12.5's social block recipe, L2 1e-3, with gov-posts-4's dev split in its training rows)
 * judged on a pooled held-out set H = gov-posts-4 test (80) ∪ gov-posts-5 (160). Reads H and gov-posts-3; no other
 * test split.
 *
 *   npx tsx scripts/lib/sentiment-pooled-cv.ts [--model models/sentiment-id-2026.12.3.json]
 *     [--shipped models/sentiment-id-2026.12.5.json] [--data ../shared/data/sentiment]
 *     [--out /tmp/sentiment-pooled.json]
 *
 * Prints the gates: (a) batch 2 dev 5-fold OOF social reading (as the thirteenth attempt); (b) on H pooled, social
 * macro-F1 of the candidate against 2026.12.5's social reading + 2 points, and its NEGATIVE predictions on H's
 * non-negative posts against the general reading's + 3; (c) gov-posts-3, social macro-F1 ≥ 77.7 and NEGATIVE on
 * non-negative ≤ 11; (d) whether the candidate's general reading is the shipped one's (label and scores) on SmSA
 * valid, NusaX valid, IndoLEM dev0 and headline dev, and the file's bytes. Per-set figures are printed for the
 * record. Writes the candidate to `--out`. Exits 0 with a message when the data folder is absent.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SparseBuffer } from '#shared/domain/sentiment/features.ts';
import { embeddedModelFrom } from '#shared/domain/sentiment/index.ts';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';
import {
  CLASSES,
  decodeWeightFile,
  type LinearModel,
  type SentimentClass,
  socialLogits,
  type TextGenre,
  toDatasetClass,
  verdictFor,
  WeightFileSchema,
} from '#shared/domain/sentiment/model.ts';
import { quantizedSocialBlock, trainSocialBlock, withSocialBlock } from '#shared/domain/sentiment/train.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_GOV_POSTS_2,
  DEFAULT_GOV_POSTS_3,
  DEFAULT_GOV_POSTS_4,
  DEFAULT_GOV_POSTS_5,
  DEFAULT_HEADLINE_LABELS,
  DEFAULT_HEADLINE_TEXTS,
  type GovPost,
  type LabelledText,
  notInTraining,
  readGovPosts,
  readHeadlines,
  readIndolem,
  readNusax,
  readSmsa,
} from './sentiment-data.ts';
import { DEFAULT_SOCIAL_TRAIN_OPTIONS } from './sentiment-pipeline.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/sentiment-id-2026.12.3.json' },
    shipped: { type: 'string', default: 'models/sentiment-id-2026.12.5.json' },
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    out: { type: 'string', default: '/tmp/sentiment-pooled.json' },
  },
});
if (!existsSync(values.data)) {
  console.log(`sentiment-pooled-cv: data folder ${values.data} not found; skipped.`);
  process.exit(0);
}
const FOLDS = 5;
const MAX_BYTES = 2 * 1024 * 1024;
const options = DEFAULT_SOCIAL_TRAIN_OPTIONS;
const baseFile = WeightFileSchema.parse(JSON.parse(readFileSync(values.model, 'utf8')));
const base = decodeWeightFile(baseFile);
const shipped = embeddedModelFrom(decodeWeightFile(JSON.parse(readFileSync(values.shipped, 'utf8'))));
const dev1 = readGovPosts(DEFAULT_GOV_POSTS, 'dev');
const dev2 = readGovPosts(DEFAULT_GOV_POSTS_2, 'dev');
const dev4 = readGovPosts(DEFAULT_GOV_POSTS_4, 'dev');
const test4 = readGovPosts(DEFAULT_GOV_POSTS_4, 'test');
const fresh5 = readGovPosts(DEFAULT_GOV_POSTS_5, 'test');
const pool = [...test4, ...fresh5];
const robust = readGovPosts(DEFAULT_GOV_POSTS_3, 'test');
// The order `train:sentiment` gives with `--social-posts` gov-posts, gov-posts-2, gov-posts-4.
const rows: LabelledText[] = [...dev1, ...dev2, ...dev4];
const NO_HITS = { event: 0, neg: 0, pos: 0 };
const pct = (x: number) => (x * 100).toFixed(1);
const report = (gold: readonly SentimentClass[], predicted: readonly SentimentClass[]) =>
  classificationReport(gold, predicted, CLASSES);

const buffer = new SparseBuffer();
function socialRead(model: LinearModel, scored: readonly LabelledText[]): SentimentClass[] {
  return scored.map((r) =>
    toDatasetClass(
      verdictFor(socialLogits(model, r.text, r.lang, buffer), NO_HITS, model.decision, false),
      false,
    ),
  );
}

console.log(
  `pooled-cv: ${dev1.length} + ${dev2.length} + ${dev4.length} dev posts; H = gov-posts-4 test ${test4.length} + gov-posts-5 ${fresh5.length}, gov-posts-3 ${robust.length}; base ${values.model}, shipped ${values.shipped}`,
);

// (a) Batch 2 folds exactly as `sentiment-posts-cv.ts`: position modulo K after sorting by id.
const batch2Fold = new Map(
  [...dev2].sort((a, b) => a.id.localeCompare(b.id)).map((r, i) => [r.id, i % FOLDS]),
);
const oofA = new Array<SentimentClass>(dev2.length);
for (let k = 0; k < FOLDS; k++) {
  const model = {
    ...base,
    social: quantizedSocialBlock(
      trainSocialBlock(
        rows.filter((r) => batch2Fold.get(r.id) !== k),
        base,
        options,
      ),
    ),
  };
  const held = dev2.flatMap((r, i) => (batch2Fold.get(r.id) === k ? [i] : []));
  const predicted = socialRead(
    model,
    held.map((i) => dev2[i]!),
  );
  held.forEach((i, j) => {
    oofA[i] = predicted[j]!;
  });
}
const a = report(
  dev2.map((r) => r.label),
  oofA,
);

const file = withSocialBlock(baseFile, trainSocialBlock(rows, base, options), 'thanks-candidate', {});
const json = `${JSON.stringify(file)}\n`;
writeFileSync(values.out, json);
const bytes = Buffer.byteLength(json);
const candidate = embeddedModelFrom(decodeWeightFile(JSON.parse(json)));

type Reader = (r: LabelledText) => SentimentClass;
const readers: Record<string, Reader> = {
  'general (2026.12.5)': (r) => toDatasetClass(shipped.classify(r.text, r.lang, 'general'), false),
  'social 2026.12.5': (r) => toDatasetClass(shipped.classify(r.text, r.lang, 'social'), false),
  'social candidate': (r) => toDatasetClass(candidate.classify(r.text, r.lang, 'social'), false),
};
function measure(set: readonly (LabelledText & { post: GovPost })[], name: string) {
  const gold = set.map((r) => r.label);
  const nonNegative = set.flatMap((r, i) => (r.label === 'negative' ? [] : [i]));
  const out: Record<string, { f1: number; neg: number }> = {};
  for (const [reader, read] of Object.entries(readers)) {
    const predicted = set.map(read);
    const r = report(gold, predicted);
    const neg = nonNegative.filter((i) => predicted[i] === 'negative').length;
    const strata: Record<string, Record<SentimentClass, number>> = {};
    set.forEach((p, i) => {
      const stratum = p.post.note?.replace('stratum: ', '') ?? '?';
      strata[stratum] ??= { negative: 0, neutral: 0, positive: 0 };
      strata[stratum][predicted[i]!]++;
    });
    out[reader] = { f1: r.macroF1, neg };
    console.log(
      `${name}, ${reader}: macro-F1 ${pct(r.macroF1)}, NEGATIVE on ${nonNegative.length} non-negative ${neg}, confusion ${JSON.stringify(r.matrix)}, by stratum ${JSON.stringify(strata)}`,
    );
  }
  return out as Record<
    'general (2026.12.5)' | 'social 2026.12.5' | 'social candidate',
    { f1: number; neg: number }
  >;
}
measure(test4, 'gov-posts-4 test (record)');
measure(fresh5, 'gov-posts-5 (record)');
const b = measure(pool, 'H pooled');
const c = measure(robust, 'gov-posts-3');
const gates = {
  a: a.macroF1 >= 0.719,
  bF1: b['social candidate'].f1 >= b['social 2026.12.5'].f1 + 0.02,
  bNeg: b['social candidate'].neg <= b['general (2026.12.5)'].neg + 3,
  cF1: c['social candidate'].f1 >= 0.792 - 0.015,
  cNeg: c['social candidate'].neg <= 11,
  dBytes: bytes <= MAX_BYTES,
};
console.log(
  `(a) batch 2 dev 5-fold OOF social reading ${pct(a.macroF1)} (need >= 71.9) confusion ${JSON.stringify(a.matrix)}`,
);
console.log(
  `(b) H pooled: F1 ${pct(b['social candidate'].f1)} (need >= ${pct(b['social 2026.12.5'].f1 + 0.02)}), NEGATIVE ${b['social candidate'].neg} (need <= ${b['general (2026.12.5)'].neg + 3})`,
);
console.log(
  `(c) gov-posts-3: F1 ${pct(c['social candidate'].f1)} (need >= 77.7), NEGATIVE ${c['social candidate'].neg} (need <= 11)`,
);
console.log(`(d) ${bytes} bytes (${values.out})`);

const general = embeddedModelFrom(base);
const indolemDev0 = readIndolem(values.data, 'dev0');
const fresh = notInTraining(indolemDev0, readIndolem(values.data, 'train0'));
const sets: Record<string, readonly LabelledText[]> = {
  'smsa/valid': readSmsa(values.data, 'valid'),
  'nusax/indonesian/valid': readNusax(values.data, 'indonesian', 'valid'),
  'nusax/sundanese/valid': readNusax(values.data, 'sundanese', 'valid'),
  'nusax/javanese/valid': readNusax(values.data, 'javanese', 'valid'),
  'indolem/dev0 (fresh)': indolemDev0.filter((r) => fresh.has(r.id)),
  'headlines/dev': readHeadlines(DEFAULT_HEADLINE_LABELS, DEFAULT_HEADLINE_TEXTS, 'dev'),
};
let identical = true;
for (const [name, set] of Object.entries(sets)) {
  const genres: TextGenre[] = name === 'headlines/dev' ? ['news', 'auto', 'general'] : ['general', 'auto'];
  for (const genre of genres) {
    let same = 0;
    for (const r of set) {
      const x = general.classify(r.text, r.lang, genre);
      const y = candidate.classify(r.text, r.lang, genre);
      if (x.label === y.label && JSON.stringify(x.scores) === JSON.stringify(y.scores)) same++;
    }
    if (same !== set.length) identical = false;
    console.log(`(d) ${name}, genre ${genre}: ${same}/${set.length} identical label and scores`);
  }
}
const pass = Object.values(gates).every(Boolean) && identical;
console.log(
  `gates ${JSON.stringify({ ...gates, dGeneral: identical })} → ${pass ? 'PASS' : 'fail'} (speed: sentiment-residual-speed.ts)`,
);
