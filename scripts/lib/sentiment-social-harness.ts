/**
 * What the social-block measurements of `docs/model-card.md` (eleventh to fourteenth attempts) share: reading
 * posts with the social block, fitting it, out-of-fold predictions, per-set gate figures and the check that the
 * general reading did not move. Used by `sentiment-residual-cv.ts`, `sentiment-robust-cv.ts`,
 * `sentiment-thanks-cv.ts` and `sentiment-pooled-cv.ts`; test splits are read only where those scripts say so.
 */
import { SparseBuffer } from '#shared/domain/sentiment/features.ts';
import type { EmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';
import {
  CLASSES,
  type LinearModel,
  type SentimentClass,
  socialLogits,
  type TextGenre,
  toDatasetClass,
  verdictFor,
} from '#shared/domain/sentiment/model.ts';
import {
  quantizedSocialBlock,
  type SocialTrainOptions,
  trainSocialBlock,
} from '#shared/domain/sentiment/train.ts';
import {
  DEFAULT_HEADLINE_LABELS,
  DEFAULT_HEADLINE_TEXTS,
  type GovPost,
  type LabelledText,
  notInTraining,
  readHeadlines,
  readIndolem,
  readNusax,
  readSmsa,
} from './sentiment-data.ts';

const NO_HITS = { event: 0, neg: 0, pos: 0 };
const buffer = new SparseBuffer();

/** A fraction as a percentage with one decimal, e.g. `0.7974` → `79.7`. */
export const pct = (x: number): string => (x * 100).toFixed(1);

/** Macro-F1, per-class F1 and confusion matrix over the three dataset classes. */
export function report(gold: readonly SentimentClass[], predicted: readonly SentimentClass[]) {
  return classificationReport(gold, predicted, CLASSES);
}

/** The three-class social reading of each row (MIXED counts as its stronger side, as `eval:sentiment` scores). */
export function socialRead(model: LinearModel, rows: readonly LabelledText[]): SentimentClass[] {
  return rows.map((r) =>
    toDatasetClass(
      verdictFor(socialLogits(model, r.text, r.lang, buffer), NO_HITS, model.decision, false),
      false,
    ),
  );
}

/** `base` with a social block fitted on `rows` over its fixed general logits (design R). */
export function fitSocial(
  base: LinearModel,
  rows: readonly LabelledText[],
  options: SocialTrainOptions,
): LinearModel {
  return { ...base, social: quantizedSocialBlock(trainSocialBlock(rows, base, options)) };
}

/**
 * Out-of-fold social readings of `scored`: for each fold k, a block fitted on the `train` rows whose fold is not k
 * (rows with no fold, `foldOf` undefined or negative, are always in training) reads the `scored` rows of fold k.
 */
export function outOfFoldSocial(
  base: LinearModel,
  train: readonly LabelledText[],
  scored: readonly LabelledText[],
  foldOf: (id: string) => number | undefined,
  folds: number,
  options: SocialTrainOptions,
): SentimentClass[] {
  const out = new Array<SentimentClass>(scored.length);
  for (let k = 0; k < folds; k++) {
    const model = fitSocial(
      base,
      train.filter((r) => foldOf(r.id) !== k),
      options,
    );
    const held = scored.flatMap((r, i) => (foldOf(r.id) === k ? [i] : []));
    const predicted = socialRead(
      model,
      held.map((i) => scored[i]!),
    );
    held.forEach((i, j) => {
      out[i] = predicted[j]!;
    });
  }
  return out;
}

/** Batch-2 folds exactly as `sentiment-posts-cv.ts`: position modulo `folds` after sorting by id. */
export function postsFolds(rows: readonly LabelledText[], folds: number): Map<string, number> {
  return new Map([...rows].sort((a, b) => a.id.localeCompare(b.id)).map((r, i) => [r.id, i % folds]));
}

/**
 * Per reader: macro-F1 and NEGATIVE predictions on the set's non-negative posts, printed with the confusion
 * matrix and the counts per stratum (the post's `note`, `stratum: …`).
 */
export function measurePosts<R extends string>(
  set: readonly (LabelledText & { post: GovPost })[],
  name: string,
  readers: Record<R, (r: LabelledText) => SentimentClass>,
): Record<R, { f1: number; neg: number }> {
  const gold = set.map((r) => r.label);
  const nonNegative = set.flatMap((r, i) => (r.label === 'negative' ? [] : [i]));
  const out = {} as Record<R, { f1: number; neg: number }>;
  for (const [reader, read] of Object.entries(readers) as [R, (r: LabelledText) => SentimentClass][]) {
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
  return out;
}

/**
 * Whether `candidate` reads every valid/dev text exactly as `general` does (label and scores) in the non-social
 * genres: SmSA, NusaX (three languages) valid, IndoLEM dev0 rows not in train0, headline dev. Prints one line
 * per set and genre, prefixed `label`.
 */
export function generalReadingIdentical(
  general: EmbeddedModel,
  candidate: EmbeddedModel,
  dataDir: string,
  label = '(d)',
): boolean {
  const indolemDev0 = readIndolem(dataDir, 'dev0');
  const fresh = notInTraining(indolemDev0, readIndolem(dataDir, 'train0'));
  const sets: Record<string, readonly LabelledText[]> = {
    'smsa/valid': readSmsa(dataDir, 'valid'),
    'nusax/indonesian/valid': readNusax(dataDir, 'indonesian', 'valid'),
    'nusax/sundanese/valid': readNusax(dataDir, 'sundanese', 'valid'),
    'nusax/javanese/valid': readNusax(dataDir, 'javanese', 'valid'),
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
      console.log(`${label} ${name}, genre ${genre}: ${same}/${set.length} identical label and scores`);
    }
  }
  return identical;
}
