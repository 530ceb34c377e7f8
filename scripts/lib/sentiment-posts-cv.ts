/**
 * Cross-validated score of a new batch of labelled government-topic posts, for deciding whether training on
 * its dev split helps (`docs/model-card.md`, "Eighth attempt"). Test splits are never read.
 *
 *   npx tsx scripts/lib/sentiment-posts-cv.ts --batch scripts/data/gov-posts-2.jsonl [--weight 3] [--folds 5]
 *     [--data ../shared/data/sentiment]
 *
 * Prints, on the batch's dev split (genre `general`, language routed without a claim, as for social posts):
 * 1. the shipped model's macro-F1 (the batch is not in its training data);
 * 2. the candidate's K-fold macro-F1: each fold trains the shipped recipe (`train:sentiment` defaults, three
 *    seeds) plus the other folds' dev posts at loss weight `--weight`, and scores its own fold;
 * 3. the valid figures of the candidate trained on the whole dev split (what would ship).
 * About 40 s of CPU per training on a 2-core machine, so K + 1 trainings take 4–6 minutes. Exits 0 with a
 * message when the data folder is absent.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { detectLanguage } from '#shared/domain/language.ts';
import { type EmbeddedModel, embeddedModelFrom, loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';
import { CLASSES, decodeWeightFile, toDatasetClass } from '#shared/domain/sentiment/model.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_HEADLINE_LABELS,
  DEFAULT_HEADLINE_TEXTS,
  type LabelledText,
  readGovPosts,
} from './sentiment-data.ts';
import { DEFAULT_TRAIN_OPTIONS, loadTrainingData, trainModel } from './sentiment-pipeline.ts';

const { values } = parseArgs({
  options: {
    batch: { type: 'string' },
    weight: { type: 'string', default: '3' },
    folds: { type: 'string', default: '5' },
    data: { type: 'string', default: DEFAULT_DATA_DIR },
  },
});
if (!values.batch) {
  console.error('sentiment-posts-cv: --batch <posts.jsonl> is required');
  process.exit(2);
}
if (!existsSync(values.data)) {
  console.log(`sentiment-posts-cv: data folder ${values.data} not found; skipped.`);
  process.exit(0);
}
const weight = Number(values.weight);
const folds = Number(values.folds);
const dev = readGovPosts(values.batch, 'dev');

/** Fold of a post: its position modulo K after sorting by id (ids are `q001` …, written in no label order). */
const foldOf = new Map([...dev].sort((a, b) => a.id.localeCompare(b.id)).map((r, i) => [r.id, i % folds]));

function predict(model: EmbeddedModel, rows: readonly LabelledText[]): string[] {
  return rows.map((r) =>
    toDatasetClass(model.classify(r.text, detectLanguage(r.text).lang, 'general'), false),
  );
}
function report(title: string, gold: readonly string[], predicted: readonly string[]): void {
  const r = classificationReport(gold as never, predicted as never, CLASSES);
  console.log(`${title}: macro-F1 ${(r.macroF1 * 100).toFixed(1)} confusion ${JSON.stringify(r.matrix)}`);
}

const base = loadTrainingData(values.data, {
  posts: DEFAULT_GOV_POSTS,
  headlines: { labels: DEFAULT_HEADLINE_LABELS, texts: DEFAULT_HEADLINE_TEXTS },
});
const asTraining = (rows: readonly LabelledText[]) =>
  rows.map((r) => ({ id: r.id, text: r.text, label: r.label, lang: r.lang, weight }));
function candidate(extra: readonly LabelledText[]) {
  const result = trainModel(
    { ...base, train: [...base.train, ...asTraining(extra)] },
    '2099.1.1',
    DEFAULT_TRAIN_OPTIONS,
  );
  return { model: embeddedModelFrom(decodeWeightFile(result.file)), valid: result.validMacroF1 };
}

console.log(
  `sentiment-posts-cv: ${dev.length} dev posts of ${values.batch}, weight ${weight}, ${folds} folds`,
);
const gold = dev.map((r) => r.label);
report('shipped model on the batch dev split', gold, predict(loadEmbeddedModel(), dev));

const oof = new Array<string>(dev.length);
for (let k = 0; k < folds; k++) {
  const held = dev.flatMap((r, i) => (foldOf.get(r.id) === k ? [i] : []));
  const { model } = candidate(dev.filter((r) => foldOf.get(r.id) !== k));
  const predicted = predict(
    model,
    held.map((i) => dev[i]!),
  );
  held.forEach((i, j) => {
    oof[i] = predicted[j]!;
  });
  console.error(`sentiment-posts-cv: fold ${k + 1}/${folds} done`);
}
report(`candidate, ${folds}-fold out-of-fold`, gold, oof);

const full = candidate(dev);
const mean =
  (full.valid['smsa/valid']! + full.valid['nusax/indonesian/valid']! + full.valid['nusax/sundanese/valid']!) /
  3;
console.log(`candidate on the whole dev split: valid mean ${mean.toFixed(4)}`, full.valid);
