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
import { embeddedModelFrom } from '#shared/domain/sentiment/index.ts';
import {
  decodeWeightFile,
  type SentimentClass,
  toDatasetClass,
  WeightFileSchema,
} from '#shared/domain/sentiment/model.ts';
import { trainSocialBlock, withSocialBlock } from '#shared/domain/sentiment/train.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_GOV_POSTS_2,
  DEFAULT_GOV_POSTS_3,
  DEFAULT_GOV_POSTS_4,
  DEFAULT_GOV_POSTS_5,
  type LabelledText,
  readGovPosts,
} from './sentiment-data.ts';
import { DEFAULT_SOCIAL_TRAIN_OPTIONS } from './sentiment-pipeline.ts';
import {
  generalReadingIdentical,
  measurePosts,
  outOfFoldSocial,
  pct,
  postsFolds,
  report,
} from './sentiment-social-harness.ts';

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
console.log(
  `pooled-cv: ${dev1.length} + ${dev2.length} + ${dev4.length} dev posts; H = gov-posts-4 test ${test4.length} + gov-posts-5 ${fresh5.length}, gov-posts-3 ${robust.length}; base ${values.model}, shipped ${values.shipped}`,
);

// (a) Batch 2 folds exactly as `sentiment-posts-cv.ts`: position modulo K after sorting by id.
const batch2Fold = postsFolds(dev2, FOLDS);
const oofA = outOfFoldSocial(base, rows, dev2, (id) => batch2Fold.get(id), FOLDS, options);
const a = report(
  dev2.map((r) => r.label),
  oofA,
);

const file = withSocialBlock(baseFile, trainSocialBlock(rows, base, options), 'thanks-candidate', {});
const json = `${JSON.stringify(file)}\n`;
writeFileSync(values.out, json);
const bytes = Buffer.byteLength(json);
const candidate = embeddedModelFrom(decodeWeightFile(JSON.parse(json)));

const readers: Record<
  'general (2026.12.5)' | 'social 2026.12.5' | 'social candidate',
  (r: LabelledText) => SentimentClass
> = {
  'general (2026.12.5)': (r) => toDatasetClass(shipped.classify(r.text, r.lang, 'general'), false),
  'social 2026.12.5': (r) => toDatasetClass(shipped.classify(r.text, r.lang, 'social'), false),
  'social candidate': (r) => toDatasetClass(candidate.classify(r.text, r.lang, 'social'), false),
};
const measure = (set: Parameters<typeof measurePosts>[0], name: string) => measurePosts(set, name, readers);
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

const identical = generalReadingIdentical(embeddedModelFrom(base), candidate, values.data);
const pass = Object.values(gates).every(Boolean) && identical;
console.log(
  `gates ${JSON.stringify({ ...gates, dGeneral: identical })} → ${pass ? 'PASS' : 'fail'} (speed: sentiment-residual-speed.ts)`,
);
