/**
 * Cross-validation proxy for the de-duplicated NusaX-Indonesian target, from training data only (see
 * `docs/model-card.md`, "Second attempt"). NusaX valid has just 30 Indonesian ids not near-duplicated in
 * SmSA, too few to choose anything, so this pools the 600 NusaX train + valid ids into 5 folds by id
 * (an id's Indonesian, Sundanese and Javanese rows are held out together: they are translations),
 * keeps SmSA train in every fold, and scores the out-of-fold predictions of the Indonesian ids that
 * are not near-duplicated in SmSA train/valid. Test splits are never read.
 *
 *   npx tsx scripts/lib/sentiment-cv.ts [--balanced] [--nusax-weight 3] [--char-min 3 --char-max 6]
 *     [--blend 0.1,0.2] [--indolem] [--posts] [--reviews <w>] [--data ../shared/data/sentiment]
 *
 * `--blend` averages in a second model trained on NusaX rows only, with that weight. `--indolem` trains
 * on IndoLEM train0 too (partial-label loss, weight 1), as the shipped recipe since 2026.11.2 does; `--posts` the
 * government posts' dev split at the in-domain weight (since 2026.12.2); `--reviews <w>` the review texts of
 * `scripts/data/review-texts.jsonl` at loss weight w (seventh attempt). They train in every fold. One
 * seed per fold; 1–5 minutes per run on a shared 2-core machine. Exits 0 with a message when the data is absent.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SparseBuffer } from '#shared/domain/sentiment/features.ts';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';
import {
  CLASSES,
  calibratedProbabilities,
  decide,
  referenceLogits,
  toDatasetClass,
} from '#shared/domain/sentiment/model.ts';
import {
  type CalibrationGroup,
  type FloatModel,
  fitDecision,
  quantizedModel,
  scoreDecision,
  type TrainOptions,
  trainLinear,
  vectorize,
} from '#shared/domain/sentiment/train.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_REVIEW_TEXTS,
  type LabelledText,
  notNearDuplicated,
  readGovPosts,
  readIndolem,
  readNusax,
  readReviewTexts,
  readSmsa,
} from './sentiment-data.ts';
import { DEFAULT_IN_DOMAIN_WEIGHT, DEFAULT_TRAIN_OPTIONS } from './sentiment-pipeline.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    balanced: { type: 'boolean', default: false },
    'nusax-weight': { type: 'string', default: '1' },
    'char-min': { type: 'string' },
    'char-max': { type: 'string' },
    blend: { type: 'string', default: '' },
    indolem: { type: 'boolean', default: false },
    posts: { type: 'boolean', default: false },
    reviews: { type: 'string', default: '0' },
  },
});
if (!existsSync(values.data)) {
  console.log(`sentiment-cv: data folder ${values.data} not found; skipped.`);
  process.exit(0);
}

const FOLDS = 5;
const dir = values.data;
const base = DEFAULT_TRAIN_OPTIONS;
const options: TrainOptions = {
  ...base,
  balanced: values.balanced,
  features: {
    ...base.features,
    charMin: Number(values['char-min'] ?? base.features.charMin),
    charMax: Number(values['char-max'] ?? base.features.charMax),
  },
};
const nusaxWeight = Number(values['nusax-weight']);
const alphas = [0, ...values.blend.split(',').filter(Boolean).map(Number)];

const smsaTrain = readSmsa(dir, 'train');
const smsaValid = readSmsa(dir, 'valid');
const LANGS = ['indonesian', 'sundanese', 'javanese'] as const;
const pool = Object.fromEntries(
  LANGS.map((l) => [l, [...readNusax(dir, l, 'train'), ...readNusax(dir, l, 'valid')]]),
) as Record<(typeof LANGS)[number], LabelledText[]>;
const keep = notNearDuplicated(pool.indonesian, [...smsaTrain, ...smsaValid]);
const indolemTrain = values.indolem ? readIndolem(dir, 'train0') : [];
const reviewsWeight = Number(values.reviews);
const inDomain = [
  ...(values.posts
    ? readGovPosts(DEFAULT_GOV_POSTS, 'dev').map(({ post: _, ...r }) => ({
        ...r,
        weight: DEFAULT_IN_DOMAIN_WEIGHT,
      }))
    : []),
  ...(reviewsWeight > 0
    ? readReviewTexts(DEFAULT_REVIEW_TEXTS).map((r) => ({ ...r, weight: reviewsWeight }))
    : []),
];

/** Fold of an id: a fixed string hash, so folds do not depend on row order. */
function foldOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h % FOLDS;
}

type Logits = [number, number, number];
const buffer = new SparseBuffer();
const plain = { temperature: 1, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold: 1 };
function logitsOf(model: FloatModel, rows: readonly LabelledText[]): Logits[] {
  const q = quantizedModel(model, 'cv', 'cv', plain);
  return rows.map((r) => referenceLogits(q, r.text, r.lang, buffer));
}
function mix(a: FloatModel, b: FloatModel, alpha: number): FloatModel {
  const weights = new Float32Array(a.weights.length);
  for (let i = 0; i < weights.length; i++) weights[i] = (1 - alpha) * a.weights[i]! + alpha * b.weights[i]!;
  const bias = Float64Array.from([0, 1, 2], (c) => (1 - alpha) * a.bias[c]! + alpha * b.bias[c]!);
  return { features: a.features, bias, weights };
}

const oof = alphas.map(() => ({
  ind: new Array<Logits>(pool.indonesian.length),
  sun: new Array<Logits>(pool.sundanese.length),
  smsa: [] as Logits[],
}));
for (let f = 0; f < FOLDS; f++) {
  const trainNusax = LANGS.flatMap((l) =>
    pool[l].filter((r) => foldOf(r.id) !== f).map((r) => ({ ...r, weight: nusaxWeight })),
  );
  const main = trainLinear(
    vectorize([...smsaTrain, ...indolemTrain, ...inDomain, ...trainNusax], options.features),
    options,
  );
  const second = alphas.some((a) => a > 0)
    ? trainLinear(vectorize(trainNusax, options.features), options)
    : main;
  alphas.forEach((alpha, k) => {
    const model = mix(main, second, alpha);
    const slot = oof[k]!;
    for (const [name, rows] of [
      ['ind', pool.indonesian],
      ['sun', pool.sundanese],
    ] as const) {
      const held = rows.flatMap((r, i) => (foldOf(r.id) === f ? [i] : []));
      const z = logitsOf(
        model,
        held.map((i) => rows[i]!),
      );
      held.forEach((i, j) => {
        slot[name][i] = z[j]!;
      });
    }
    // SmSA valid from the fold-0 model: it only anchors the decision fit to the SmSA domain.
    if (f === 0) slot.smsa = logitsOf(model, smsaValid);
  });
  console.error(`sentiment-cv: fold ${f + 1}/${FOLDS} done`);
}

const dedup = pool.indonesian.flatMap((r, i) => (keep.has(r.id) ? [i] : []));
console.log(
  `sentiment-cv: ${pool.indonesian.length} ids, ${dedup.length} not near-duplicated in SmSA; options`,
  {
    balanced: options.balanced,
    nusaxWeight,
    indolem: values.indolem,
    posts: values.posts,
    reviewsWeight,
    charMin: options.features.charMin,
    charMax: options.features.charMax,
  },
);
alphas.forEach((alpha, k) => {
  const slot = oof[k]!;
  const group = (name: string, logits: Logits[], rows: readonly LabelledText[]): CalibrationGroup => ({
    name,
    logits,
    gold: rows.map((r) => r.label),
    classes: CLASSES,
  });
  const ind = group('ind', slot.ind, pool.indonesian);
  const sun = group('sun', slot.sun, pool.sundanese);
  const smsa = group('smsa', slot.smsa, smsaValid);
  const ded = group(
    'ded',
    dedup.map((i) => slot.ind[i]!),
    dedup.map((i) => pool.indonesian[i]!),
  );
  for (const [calibration, groups] of [
    ['std', [smsa, ind, sun]],
    ['+ded', [smsa, ind, sun, ded]],
  ] as const) {
    const decision = fitDecision(groups);
    const score = (g: CalibrationGroup) => scoreDecision([g], decision).toFixed(3);
    const predicted = ded.logits.map((z) =>
      toDatasetClass(decide(calibratedProbabilities(z, decision), decision), false),
    );
    const matrix = classificationReport(ded.gold, predicted, CLASSES).matrix;
    console.log(
      `blend ${alpha} ${calibration}: proxy ${score(ded)} smsaValid ${score(smsa)} indOOF ${score(ind)} sunOOF ${score(sun)}`,
      `decision T=${decision.temperature} neutralBias=${decision.classBias[1]} band=${decision.neutralBand}`,
      `proxy confusion ${JSON.stringify(matrix)}`,
    );
  }
});
